//! Planning an import from what the study has, and applying the items its importer accepts.

use std::collections::{HashMap, HashSet};

use super::plan::{AnswerToMatch, Change, ImportItem, ImportPlan, Known, plan_import};
use super::project::{ProjectError, read_qdpx};
use crate::analysis::{Blinding, Span, answer_hash};
use crate::export::QdpxCodeNames;
use crate::ids::{QuestionId, ResponseId};
use crate::redaction::review::ExportRedactions;
use crate::storage::{NewCoding, Storage, StorageError};
use crate::study::Study;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Project(#[from] ProjectError),
    #[error("{0}")]
    Storage(#[from] StorageError),
}

/// The researcher importing: their account id and email.
#[derive(Clone, Copy)]
pub struct Importer<'a> {
    pub id: &'a str,
    pub email: &'a str,
}

/// Reads the file and works out what importing it would change; writes nothing.
pub async fn plan_file(
    storage: &Storage,
    study: &Study,
    importer: Importer<'_>,
    blinding: &Blinding,
    bytes: &[u8],
) -> Result<ImportPlan, ImportError> {
    let project = read_qdpx(bytes)?;
    let analysis = storage.analysis();
    let redactions = ExportRedactions::of_study(storage, &study.slug).await?;
    let mut answers = Vec::new();
    for question in study.written_questions() {
        for answer in analysis.answers_to(&study.slug, &question.id).await? {
            let replacements = redactions
                .of_answer(answer.participant_number, &question.id)
                .to_vec();
            answers.push(AnswerToMatch {
                response: answer.response.to_string(),
                participant: answer.participant_number,
                question: question.id.clone(),
                stored: answer.text,
                replacements,
            });
        }
    }
    let codes = analysis.codes(&study.slug).await?;
    let codings = analysis.codings_seen_by(&study.slug, blinding).await?;
    let team: Vec<String> = analysis
        .coders_of(&study.slug)
        .await?
        .into_iter()
        .map(|(_, email)| email)
        .collect();
    let ours = QdpxCodeNames::of(study, &codes);
    let known = Known {
        codes: &codes,
        codings: &codings,
        team: &team,
        importer: importer.email,
        ours: &ours,
    };
    Ok(plan_import(&project, &answers, &known))
}

/// What applying the accepted items did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub added: usize,
    pub removed: usize,
    pub moved: usize,
    /// Items that no longer fit (the answer withdrawn or changed, the coding gone, the coder's
    /// account removed), so nothing was done for them.
    pub skipped: usize,
}

/// A code name from another tool: at most this many characters, as the code form allows.
const CODE_NAME_MOST: usize = 100;

/// Applies the items of `plan` at the `accepted` indexes, each logged in the analysis log.
pub async fn apply(
    storage: &Storage,
    study: &Study,
    importer: Importer<'_>,
    plan: &ImportPlan,
    accepted: &HashSet<usize>,
    now: i64,
) -> Result<Applied, StorageError> {
    let analysis = storage.analysis();
    let coders: HashMap<String, String> = analysis
        .coders_of(&study.slug)
        .await?
        .into_iter()
        .map(|(id, email)| (email.to_lowercase(), id))
        .collect();
    let mut applied = Applied::default();
    let mut new_codes: HashMap<String, String> = HashMap::new();
    for (index, item) in plan.items.iter().enumerate() {
        if !accepted.contains(&index) {
            continue;
        }
        let done = match item.change {
            Change::Removed => remove(storage, study, item, importer, now).await?,
            Change::Added | Change::Moved => {
                let Some(coder) = coders.get(&item.coder.to_lowercase()) else {
                    applied.skipped += 1;
                    continue;
                };
                if item.change == Change::Moved && !remove(storage, study, item, importer, now).await? {
                    false
                } else {
                    let code = code_for(storage, study, item, importer, now, &mut new_codes).await?;
                    match code {
                        Some(code) => add(storage, study, item, (&code, coder), importer, now).await?,
                        None => false,
                    }
                }
            }
        };
        if !done {
            applied.skipped += 1;
            continue;
        }
        match item.change {
            Change::Added => applied.added += 1,
            Change::Removed => applied.removed += 1,
            Change::Moved => applied.moved += 1,
        }
    }
    Ok(applied)
}

fn describe(item: &ImportItem, (start, end): (usize, usize)) -> String {
    format!(
        "“{}” on P{}'s answer to {}, points {start}–{end}, by {} (imported)",
        item.code_name, item.participant, item.question, item.coder
    )
}

async fn remove(
    storage: &Storage,
    study: &Study,
    item: &ImportItem,
    importer: Importer<'_>,
    now: i64,
) -> Result<bool, StorageError> {
    let Some(coding) = &item.coding else {
        return Ok(false);
    };
    let analysis = storage.analysis();
    let Some(removed) = analysis.remove_coding(&study.slug, coding).await? else {
        return Ok(false);
    };
    let detail = describe(item, (removed.start, removed.end));
    analysis
        .log(&study.slug, (importer.id, now), "coding removed", &detail)
        .await?;
    Ok(true)
}

/// The study's code for the item: its own, one of that name, or one made now.
async fn code_for(
    storage: &Storage,
    study: &Study,
    item: &ImportItem,
    importer: Importer<'_>,
    now: i64,
    made: &mut HashMap<String, String>,
) -> Result<Option<String>, StorageError> {
    if let Some(id) = &item.code_id {
        return Ok(Some(id.clone()));
    }
    let name: String = item.code_name.trim().chars().take(CODE_NAME_MOST).collect();
    if name.is_empty() {
        return Ok(None);
    }
    if let Some(id) = made.get(&name) {
        return Ok(Some(id.clone()));
    }
    let analysis = storage.analysis();
    let id = match analysis
        .create_code(&study.slug, &name, "", (importer.id, now))
        .await
    {
        Ok(id) => {
            let detail = format!("“{name}” (imported)");
            analysis
                .log(&study.slug, (importer.id, now), "code added", &detail)
                .await?;
            id
        }
        Err(StorageError::Duplicate) => {
            let codes = analysis.codes(&study.slug).await?;
            match codes.into_iter().find(|code| code.name == name) {
                Some(code) => code.id,
                None => return Ok(None),
            }
        }
        Err(other) => return Err(other),
    };
    made.insert(name, id.clone());
    Ok(Some(id))
}

async fn add(
    storage: &Storage,
    study: &Study,
    item: &ImportItem,
    (code, coder): (&str, &str),
    importer: Importer<'_>,
    now: i64,
) -> Result<bool, StorageError> {
    let (Some((start, end)), Ok(response), Ok(question)) = (
        item.to,
        ResponseId::parse(&item.response),
        QuestionId::parse(&item.question),
    ) else {
        return Ok(false);
    };
    let analysis = storage.analysis();
    let Some(answer) = analysis.answer(&study.slug, &response, &question).await? else {
        return Ok(false);
    };
    let Ok(span) = Span::stored(&answer.text, start, end) else {
        return Ok(false);
    };
    if span.extract(&answer.text) != item.extract {
        return Ok(false); // the answer changed since the plan was made
    }
    let hash = answer_hash(&answer.text);
    let added = analysis
        .add_coding(NewCoding {
            study: &study.slug,
            response: &response,
            question: &question,
            code,
            coder,
            span,
            extract: span.extract(&answer.text),
            answer_hash: &hash,
            now,
        })
        .await?;
    if added {
        let detail = describe(item, (start, end));
        analysis
            .log(&study.slug, (importer.id, now), "coding added", &detail)
            .await?;
    }
    Ok(added)
}
