//! Submitted responses for exports, read as a stream: one participant at a time, never the whole
//! study in memory.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use futures_util::stream::{Stream, TryStreamExt};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Engine, Exports, StorageError, parse_day};

/// One submitted participant with every answer they gave, by question id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedResponse {
    pub participant_number: i64,
    pub submitted_on: NaiveDate,
    pub answers: BTreeMap<String, String>,
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
        "SELECT r.participant_number, r.submitted_on,
                (SELECT {} FROM answers a WHERE a.response_id = r.id) AS answers
         FROM responses r
         WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL
         ORDER BY r.participant_number",
        engine.answers_as_json()
    )
}

impl<'a> Exports<'a> {
    /// How many participants have submitted: read from the participant-number index alone.
    pub async fn count_submitted(self, study_slug: &str) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM responses WHERE study_slug = $1 AND participant_number IS NOT NULL",
        )
        .bind(study_slug)
        .fetch_one(self.pool)
        .await?)
    }

    /// The study's submitted responses in participant number order, streamed from the database.
    pub fn submitted_responses(
        self,
        study_slug: &'a str,
    ) -> impl Stream<Item = Result<SubmittedResponse, StorageError>> + Send + 'a {
        sqlx::query(submitted_rows_sql(self.engine))
            .bind(study_slug)
            .fetch(self.pool)
            .map_err(StorageError::from)
            .and_then(|row| std::future::ready(submitted_response(&row)))
    }
}

fn submitted_response(row: &AnyRow) -> Result<SubmittedResponse, StorageError> {
    let answers: &str = row.try_get("answers")?;
    let answers =
        serde_json::from_str(answers).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(SubmittedResponse {
        participant_number: row.try_get("participant_number")?,
        submitted_on: parse_day(row.try_get("submitted_on")?)?,
        answers,
    })
}

/// How many submitted participants gave one combination of setting, role and experience
/// (whole months); `None` where a question was not answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemographicCount {
    pub setting: Option<String>,
    pub role: Option<String>,
    pub experience_months: Option<String>,
    pub people: i64,
}

impl Exports<'_> {
    /// Submitted participants counted by their answers to the label questions.
    pub async fn demographic_counts(
        self,
        study_slug: &str,
    ) -> Result<Vec<DemographicCount>, StorageError> {
        let rows = sqlx::query(
            "SELECT s.value AS setting, ro.value AS role, e.value AS experience, COUNT(*) AS people
             FROM responses r
             LEFT JOIN answers s ON s.response_id = r.id AND s.question_id = 'setting'
             LEFT JOIN answers ro ON ro.response_id = r.id AND ro.question_id = 'role'
             LEFT JOIN answers e ON e.response_id = r.id AND e.question_id = 'experience'
             WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL
             GROUP BY s.value, ro.value, e.value",
        )
        .bind(study_slug)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DemographicCount {
                    setting: row.try_get("setting")?,
                    role: row.try_get("role")?,
                    experience_months: row.try_get("experience")?,
                    people: row.try_get("people")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }
}
