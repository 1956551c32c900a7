//! Responses as researchers list them: in progress or submitted, with the answers that label them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::{
    Responses, StorageError, day_column, dealt_columns, id_column, optional_day, placeholders,
};
use crate::study::Dealt;
use crate::ids::{QuestionId, ResponseId, StudySlug};

/// One response without its full answers: enough to list, filter and label it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseOverview {
    pub id: ResponseId,
    pub step_reached: i64,
    pub started_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub participant_number: Option<i64>,
    /// The answers to the label questions (setting, role, experience) given so far.
    pub labels: BTreeMap<QuestionId, String>,
    /// The scenario order and vignette variant the participant was dealt at consent.
    pub dealt: Dealt,
}

/// Read without its labels, which come from the answers.
impl FromRow<'_, AnyRow> for ResponseOverview {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: id_column(row, "id")?,
            step_reached: row.try_get("step_reached")?,
            started_on: day_column(row, "started_on")?,
            submitted_on: optional_day(row, "submitted_on")?,
            participant_number: row.try_get("participant_number")?,
            labels: BTreeMap::new(),
            dealt: dealt_columns(row)?,
        })
    }
}

impl Responses<'_> {
    /// Every response of a study, submitted ones first by participant number, then the newest.
    pub async fn overviews(
        self,
        study_slug: &StudySlug,
        label_questions: &[QuestionId],
    ) -> Result<Vec<ResponseOverview>, StorageError> {
        let mut overviews: Vec<ResponseOverview> = sqlx::query_as(
            "SELECT id, step_reached, started_on, submitted_on, participant_number, scenario_order, vignette_variant FROM responses
             WHERE study_slug = $1
             ORDER BY CASE WHEN participant_number IS NULL THEN 1 ELSE 0 END, participant_number, started_on DESC, id",
        )
        .bind(study_slug.as_str())
        .fetch_all(self.pool)
        .await?;
        let mut labels = self.label_answers(study_slug, label_questions).await?;
        for overview in &mut overviews {
            overview.labels = labels.remove(&overview.id).unwrap_or_default();
        }
        Ok(overviews)
    }

    async fn label_answers(
        self,
        study_slug: &StudySlug,
        questions: &[QuestionId],
    ) -> Result<BTreeMap<ResponseId, BTreeMap<QuestionId, String>>, StorageError> {
        if questions.is_empty() {
            return Ok(BTreeMap::new());
        }
        let sql = format!(
            "SELECT a.response_id, a.question_id, a.value FROM answers a
             JOIN responses r ON r.id = a.response_id
             WHERE r.study_slug = $1 AND a.question_id IN ({})",
            placeholders(2, questions.len())
        );
        let mut query = sqlx::query(&sql).bind(study_slug.as_str());
        for question in questions {
            query = query.bind(question.as_str());
        }
        let mut by_response: BTreeMap<ResponseId, BTreeMap<QuestionId, String>> = BTreeMap::new();
        for row in query.fetch_all(self.pool).await? {
            by_response
                .entry(id_column(&row, "response_id")?)
                .or_default()
                .insert(id_column(&row, "question_id")?, row.try_get("value")?);
        }
        Ok(by_response)
    }
}
