//! What researchers read: how a study is going, and the submitted answers.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{Responses, StorageError, dealt_columns, id_column, placeholders};
use crate::study::Dealt;
use crate::ids::{QuestionId, StudySlug};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudyProgress {
    pub started: i64,
    pub submitted: i64,
    /// For responses still in progress: (furthest step reached, how many stopped there).
    pub in_progress_by_step: Vec<(i64, i64)>,
    /// ('YYYY-MM-DD', submissions that day), in date order.
    pub submitted_per_day: Vec<(String, i64)>,
    /// Whole minutes from consent to submit, of the submitted responses whose time is known.
    pub minutes_to_complete: Vec<i64>,
}

/// One submitted participant's answers to the questions asked for, by question id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedAnswers {
    pub participant_number: i64,
    pub answers: BTreeMap<QuestionId, String>,
    /// The scenario order and vignette variant the participant was dealt at consent.
    pub dealt: Dealt,
    /// The version of the study the participant started on: the wording they answered.
    pub study_version_number: i64,
}

impl Responses<'_> {
    pub async fn progress(self, study_slug: &StudySlug) -> Result<StudyProgress, StorageError> {
        let study_slug = study_slug.as_str();
        let totals = sqlx::query(
            "SELECT COUNT(*) AS started, COUNT(submitted_on) AS submitted FROM responses WHERE study_slug = $1",
        )
        .bind(study_slug)
        .fetch_one(self.pool)
        .await?;
        let by_step = sqlx::query(
            "SELECT step_reached, COUNT(*) AS stopped FROM responses
             WHERE study_slug = $1 AND submitted_on IS NULL GROUP BY step_reached ORDER BY step_reached",
        )
        .bind(study_slug)
        .fetch_all(self.pool)
        .await?;
        let per_day = sqlx::query(
            "SELECT submitted_on, COUNT(*) AS submissions FROM responses
             WHERE study_slug = $1 AND submitted_on IS NOT NULL GROUP BY submitted_on ORDER BY submitted_on",
        )
        .bind(study_slug)
        .fetch_all(self.pool)
        .await?;
        let minutes_to_complete = sqlx::query_scalar(
            "SELECT minutes_to_complete FROM responses
             WHERE study_slug = $1 AND minutes_to_complete IS NOT NULL ORDER BY minutes_to_complete",
        )
        .bind(study_slug)
        .fetch_all(self.pool)
        .await?;
        Ok(StudyProgress {
            minutes_to_complete,
            started: totals.try_get("started")?,
            submitted: totals.try_get("submitted")?,
            in_progress_by_step: by_step
                .iter()
                .map(|r| Ok((r.try_get("step_reached")?, r.try_get("stopped")?)))
                .collect::<Result<_, sqlx::Error>>()?,
            submitted_per_day: per_day
                .iter()
                .map(|r| Ok((r.try_get("submitted_on")?, r.try_get("submissions")?)))
                .collect::<Result<_, sqlx::Error>>()?,
        })
    }

    /// The submitted participants' answers to `question_ids`, in participant number order.
    pub async fn submitted_answers(
        self,
        study_slug: &StudySlug,
        question_ids: &[&QuestionId],
    ) -> Result<Vec<SubmittedAnswers>, StorageError> {
        self.submitted_answers_where(study_slug, question_ids, None)
            .await
    }

    /// The answers to `question_ids` of those of the submitted `participants` (by number), in
    /// participant number order.
    pub async fn submitted_answers_of(
        self,
        study_slug: &StudySlug,
        question_ids: &[&QuestionId],
        participants: &[i64],
    ) -> Result<Vec<SubmittedAnswers>, StorageError> {
        if participants.is_empty() {
            return Ok(Vec::new());
        }
        self.submitted_answers_where(study_slug, question_ids, Some(participants))
            .await
    }

    async fn submitted_answers_where(
        self,
        study_slug: &StudySlug,
        question_ids: &[&QuestionId],
        participants: Option<&[i64]>,
    ) -> Result<Vec<SubmittedAnswers>, StorageError> {
        if question_ids.is_empty() {
            return Ok(Vec::new());
        }
        let numbers = participants.unwrap_or_default();
        let only_these = match participants {
            Some(_) => format!(
                "AND r.participant_number IN ({})",
                placeholders(2 + question_ids.len(), numbers.len())
            ),
            None => String::new(),
        };
        let sql = format!(
            "SELECT r.participant_number, r.scenario_order, r.vignette_variant,
                    r.study_version_number, a.question_id, a.value
             FROM responses r JOIN answers a ON a.response_id = r.id
             WHERE r.study_slug = $1 AND r.submitted_on IS NOT NULL AND a.question_id IN ({})
                   {only_these}
             ORDER BY r.participant_number",
            placeholders(2, question_ids.len())
        );
        let mut query = sqlx::query(&sql).bind(study_slug.as_str());
        for id in question_ids {
            query = query.bind(id.as_str());
        }
        for number in numbers {
            query = query.bind(*number);
        }
        let rows = query.fetch_all(self.pool).await?;
        let mut by_participant: BTreeMap<i64, SubmittedAnswers> = BTreeMap::new();
        for row in rows {
            let question = id_column(&row, "question_id")?;
            let number: i64 = row.try_get("participant_number")?;
            let participant = match by_participant.entry(number) {
                std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(SubmittedAnswers {
                        participant_number: number,
                        answers: BTreeMap::new(),
                        dealt: dealt_columns(&row)?,
                        study_version_number: row.try_get("study_version_number")?,
                    })
                }
            };
            participant.answers.insert(question, row.try_get("value")?);
        }
        Ok(by_participant.into_values().collect())
    }
}
