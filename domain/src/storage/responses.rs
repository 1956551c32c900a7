//! Responses as researchers list them: in progress or submitted, with the answers that label them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::Row;

use super::{Responses, StorageError, optional_day, parse_day, placeholders};

/// One response without its full answers: enough to list, filter and label it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseOverview {
    pub id: String,
    pub step_reached: i64,
    pub started_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub participant_number: Option<i64>,
    /// The answers to the label questions (setting, role, experience) given so far.
    pub labels: BTreeMap<String, String>,
}

impl Responses<'_> {
    /// Every response of a study, submitted ones first by participant number, then the newest.
    pub async fn overviews(
        self,
        study_slug: &str,
        label_questions: &[&str],
    ) -> Result<Vec<ResponseOverview>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, step_reached, started_on, submitted_on, participant_number FROM responses
             WHERE study_slug = $1
             ORDER BY CASE WHEN participant_number IS NULL THEN 1 ELSE 0 END, participant_number, started_on DESC, id",
        )
        .bind(study_slug)
        .fetch_all(self.pool)
        .await?;
        let mut labels = self.label_answers(study_slug, label_questions).await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                Ok(ResponseOverview {
                    labels: labels.remove(&id).unwrap_or_default(),
                    id,
                    step_reached: row.try_get("step_reached")?,
                    started_on: parse_day(row.try_get("started_on")?)?,
                    submitted_on: optional_day(row, "submitted_on")?,
                    participant_number: row.try_get("participant_number")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    async fn label_answers(
        self,
        study_slug: &str,
        questions: &[&str],
    ) -> Result<BTreeMap<String, BTreeMap<String, String>>, StorageError> {
        if questions.is_empty() {
            return Ok(BTreeMap::new());
        }
        let sql = format!(
            "SELECT a.response_id, a.question_id, a.value FROM answers a
             JOIN responses r ON r.id = a.response_id
             WHERE r.study_slug = $1 AND a.question_id IN ({})",
            placeholders(2, questions.len())
        );
        let mut query = sqlx::query(&sql).bind(study_slug);
        for question in questions {
            query = query.bind(*question);
        }
        let mut by_response: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for row in query.fetch_all(self.pool).await? {
            by_response
                .entry(row.try_get("response_id")?)
                .or_default()
                .insert(row.try_get("question_id")?, row.try_get("value")?);
        }
        Ok(by_response)
    }
}
