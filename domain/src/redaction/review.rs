//! The review queue's work behind the pages: scanning submitted answers, applying accepted
//! findings to exports, and erasing originals.

use std::collections::HashMap;

use super::apply::{Replacement, descriptor_span, redact, shifted, span_after_redaction};
use crate::analysis::answer_hash;
use super::detect::IdentifierFinder;
use crate::events::{Event, Events};
use crate::ids::{QuestionId, StudySlug};
use crate::storage::{
    AcceptedRedaction, Answers, ErasedAnswer, NewRedaction, RedactionRecord, RedactionStatus,
    Storage, StorageError, SubmittedResponse,
};
use crate::study::Study;

/// Responses whose findings are stored in one transaction: a commit (and its sync to disk) per
/// response made the first scan of a large study take seconds.
const SCAN_BATCH: usize = 200;

/// Scans the study's submitted responses that have not been scanned yet; returns how many new
/// findings were stored.
pub async fn scan_new_responses(
    storage: &Storage,
    study: &Study,
    now: i64,
) -> Result<usize, StorageError> {
    let finder = IdentifierFinder::new(&study.redaction.names, &study.redaction.not_names);
    let mut added = 0;
    for batch in storage
        .redactions()
        .responses_to_scan(&study.slug)
        .await?
        .chunks(SCAN_BATCH)
    {
        let mut scans = Vec::with_capacity(batch.len());
        for response_id in batch {
            let answers = storage.responses().answers(response_id).await?;
            scans.push((response_id, findings_in(study, &finder, &answers)));
        }
        added += storage.redactions().record_scans(&scans, now).await?;
    }
    Ok(added)
}

/// Scans every submitted response again, keeping the findings and decisions already made.
pub async fn scan_all_again(
    storage: &Storage,
    study: &Study,
    now: i64,
) -> Result<usize, StorageError> {
    storage.redactions().forget_scans(&study.slug).await?;
    scan_new_responses(storage, study, now).await
}

fn findings_in(
    study: &Study,
    finder: &IdentifierFinder<'_>,
    answers: &Answers,
) -> Vec<NewRedaction> {
    study
        .questions()
        .filter(|(_, question)| question.is_written())
        .filter_map(|(_, question)| Some((question, answers.get(&question.id)?)))
        .flat_map(|(question, text)| {
            finder.find(text).into_iter().map(|finding| NewRedaction {
                question_id: question.id.clone(),
                start: finding.start as i64,
                end: finding.end as i64,
                detector: finding.detector.slug(),
                found_text: finding.text,
                descriptor: finding.detector.descriptor().to_owned(),
            })
        })
        .collect()
}

/// The accepted findings of a study, ready to replace identifiers in exported answers: by
/// participant, then by question.
#[derive(Debug, Default)]
pub struct ExportRedactions {
    by_participant: HashMap<i64, HashMap<QuestionId, Vec<Replacement>>>,
}

impl ExportRedactions {
    pub async fn of_study(
        storage: &Storage,
        study_slug: &StudySlug,
    ) -> Result<Self, StorageError> {
        let mut by_participant: HashMap<i64, HashMap<QuestionId, Vec<Replacement>>> =
            HashMap::new();
        for accepted in storage.redactions().accepted(study_slug).await? {
            let AcceptedRedaction {
                participant_number,
                question_id,
                start,
                end,
                descriptor,
            } = accepted;
            by_participant
                .entry(participant_number)
                .or_default()
                .entry(question_id)
                .or_default()
                .push(Replacement {
                    start: usize::try_from(start).unwrap_or(0),
                    end: usize::try_from(end).unwrap_or(0),
                    descriptor,
                });
        }
        Ok(Self { by_participant })
    }

    /// The accepted findings in one answer.
    pub fn of_answer(&self, participant: i64, question: &QuestionId) -> &[Replacement] {
        self.by_participant
            .get(&participant)
            .and_then(|by_question| by_question.get(question))
            .map_or(&[], Vec::as_slice)
    }

    /// Replaces the accepted findings in the response's answers by their descriptors.
    pub fn apply(&self, response: &mut SubmittedResponse) {
        let Some(by_question) = self.by_participant.get(&response.participant_number) else {
            return;
        };
        for (question, text) in &mut response.answers {
            if let Some(replacements) = by_question.get(question) {
                *text = redact(text, replacements);
            }
        }
    }
}

/// Replaces the originals of every accepted finding in the stored answers by their descriptors;
/// returns how many answers changed.
pub async fn erase_accepted(
    storage: &Storage,
    events: &Events,
    study_slug: &StudySlug,
    erased_by: &str,
    now: i64,
) -> Result<usize, StorageError> {
    let mut changed = 0;
    for (response_id, question_id) in storage
        .redactions()
        .answers_with_accepted(study_slug)
        .await?
    {
        let findings = storage
            .redactions()
            .in_answer(&response_id, &question_id)
            .await?;
        let Some(first) = findings.first() else {
            continue;
        };
        let erased = erasure(&first.answer, &findings, erased_by, now);
        if storage.redactions().store_erased_answer(&erased).await? {
            changed += 1;
            reanchor_codings(storage, study_slug, &erased, &accepted_of(&findings)).await?;
            events
                .publish(Event::AnswerTextChanged {
                    study: study_slug.clone(),
                    response: response_id,
                    question: question_id,
                })
                .await;
        }
    }
    Ok(changed)
}

/// Moves the codings of an erased answer to where their words are now, with the answer's new
/// hash. A coding made on an earlier text of the answer (its hash differs) cannot be placed
/// surely: it keeps its place and stays flagged as made on a changed answer.
async fn reanchor_codings(
    storage: &Storage,
    study_slug: &StudySlug,
    erased: &ErasedAnswer,
    accepted: &[Replacement],
) -> Result<(), StorageError> {
    let analysis = storage.analysis();
    let before_hash = answer_hash(&erased.before);
    let after_hash = answer_hash(&erased.after);
    let codings = analysis
        .codings_of_response(study_slug, &erased.response_id)
        .await?;
    for coding in codings
        .iter()
        .filter(|c| c.question == erased.question_id && c.answer_hash == before_hash)
    {
        let (start, end) = span_after_redaction(&erased.before, (coding.start, coding.end), accepted);
        let extract: String = erased.after.chars().skip(start).take(end - start).collect();
        analysis
            .reanchor_coding(&coding.id, (start, end), &extract, &after_hash)
            .await?;
    }
    Ok(())
}

fn accepted_of(findings: &[RedactionRecord]) -> Vec<Replacement> {
    findings
        .iter()
        .filter(|f| f.status == RedactionStatus::Accepted)
        .map(replacement_of)
        .collect()
}

fn replacement_of(finding: &RedactionRecord) -> Replacement {
    let (start, end) = finding.span();
    Replacement {
        start,
        end,
        descriptor: finding.descriptor.clone(),
    }
}

fn erasure(answer: &str, findings: &[RedactionRecord], erased_by: &str, now: i64) -> ErasedAnswer {
    let is_accepted = |f: &RedactionRecord| f.status == RedactionStatus::Accepted;
    let accepted = accepted_of(findings);
    let moved = findings
        .iter()
        .map(|finding| {
            let (start, end) = if is_accepted(finding) {
                descriptor_span(&replacement_of(finding), &accepted)
            } else {
                let (start, end) = finding.span();
                let moved_start = shifted(start, &accepted);
                (moved_start, moved_start + (end - start))
            };
            let erased = is_accepted(finding);
            (finding.id.clone(), start as i64, end as i64, erased)
        })
        .collect();
    ErasedAnswer {
        response_id: findings[0].response_id.clone(),
        question_id: findings[0].question_id.clone(),
        before: answer.to_owned(),
        after: redact(answer, &accepted),
        moved,
        erased_by: erased_by.to_owned(),
        erased_at: now,
    }
}
