//! Submitted responses for exports, read as a stream: one participant at a time, never the whole
//! study in memory.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use futures_util::stream::{Stream, TryStreamExt};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::{Engine, Exports, StorageError, day_column, dealt_columns};
use crate::study::Dealt;
use crate::ids::{QuestionId, StudySlug};

/// The `source` of a response given from a workshop (a survey's is "survey").
pub const WORKSHOP_SOURCE: &str = "workshop";

/// One submitted participant with every answer they gave, by question id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedResponse {
    pub participant_number: i64,
    pub submitted_on: NaiveDate,
    pub answers: BTreeMap<QuestionId, String>,
    /// The scenario order and vignette variant the participant was dealt at consent.
    pub dealt: Dealt,
    /// The catalogue's number of the study version the participant started on.
    pub study_version_number: i64,
    /// True for answers given in a workshop and donated to the research by their phone's holder.
    pub from_workshop: bool,
}

impl FromRow<'_, AnyRow> for SubmittedResponse {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let answers: &str = row.try_get("answers")?;
        Ok(Self {
            participant_number: row.try_get("participant_number")?,
            submitted_on: day_column(row, "submitted_on")?,
            answers: serde_json::from_str(answers)
                .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
            dealt: dealt_columns(row)?,
            study_version_number: row.try_get("study_version_number")?,
            from_workshop: row.try_get::<String, _>("source")? == WORKSHOP_SOURCE,
        })
    }
}

/// One row per participant with their answers as a JSON object: one row for every 26 answers
/// keeps the per-row cost of the driver (a hand-over between threads for SQLite) off the
/// export's time. Both engines walk the participant-number index, so nothing is sorted; they
/// differ only in the aggregate that builds the object.
fn submitted_rows_sql(engine: Engine) -> &'static str {
    static BY_ENGINE: LazyLock<[String; 2]> = LazyLock::new(|| Engine::ALL.map(submitted_rows));
    &BY_ENGINE[engine as usize]
}

fn submitted_rows(engine: Engine) -> String {
    format!(
        "SELECT r.participant_number, r.submitted_on, r.study_version_number, r.scenario_order, r.vignette_variant, r.source,
                (SELECT {} FROM answers a WHERE a.response_id = r.id) AS answers
         FROM responses r
         WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL
         ORDER BY r.participant_number",
        engine.answers_as_json()
    )
}

impl<'a> Exports<'a> {
    /// How many participants have submitted: read from the participant-number index alone.
    pub async fn count_submitted(self, study_slug: &StudySlug) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM responses WHERE study_slug = $1 AND participant_number IS NOT NULL",
        )
        .bind(study_slug.as_str())
        .fetch_one(self.pool)
        .await?)
    }

    /// The study's submitted responses in participant number order, streamed from the database.
    pub fn submitted_responses(
        self,
        study_slug: &'a StudySlug,
    ) -> impl Stream<Item = Result<SubmittedResponse, StorageError>> + Send + 'a {
        sqlx::query_as(submitted_rows_sql(self.engine))
            .bind(study_slug.as_str())
            .fetch(self.pool)
            .map_err(StorageError::from)
    }
}

/// How many submitted participants gave one combination of answers to the demographic
/// questions; `None` where a question was not answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemographicCount {
    /// One answer per demographic question asked for, in the same order.
    pub answers: Vec<Option<String>>,
    pub people: i64,
}

impl Exports<'_> {
    /// Submitted participants counted by their answers to `questions`.
    pub async fn demographic_counts(
        self,
        study_slug: &StudySlug,
        questions: &[QuestionId],
    ) -> Result<Vec<DemographicCount>, StorageError> {
        let joins: String = (0..questions.len())
            .map(|i| {
                format!(
                    " LEFT JOIN answers d{i} ON d{i}.response_id = r.id AND d{i}.question_id = ${}",
                    i + 2
                )
            })
            .collect();
        let values: Vec<String> = (0..questions.len()).map(|i| format!("d{i}.value")).collect();
        let (selected, grouped) = if values.is_empty() {
            (String::new(), String::new())
        } else {
            (format!("{}, ", values.join(", ")), format!(" GROUP BY {}", values.join(", ")))
        };
        let sql = format!(
            "SELECT {selected}COUNT(*) AS people FROM responses r{joins}
             WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL{grouped}"
        );
        let mut query = sqlx::query(&sql).bind(study_slug.as_str());
        for question in questions {
            query = query.bind(question.as_str());
        }
        let rows = query.fetch_all(self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(DemographicCount {
                    answers: (0..questions.len())
                        .map(|i| row.try_get(i))
                        .collect::<Result<_, _>>()?,
                    people: row.try_get("people")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }
}
