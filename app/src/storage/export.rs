//! Submitted responses for exports, read as a stream: one participant at a time, never the whole
//! study in memory.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures_util::stream::{BoxStream, Stream, TryStreamExt, try_unfold};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Storage, StorageError, parse_day};

/// One submitted participant with every answer they gave, by question id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedResponse {
    pub participant_number: i64,
    pub submitted_on: NaiveDate,
    pub answers: BTreeMap<String, String>,
}

const SUBMITTED_ROWS: &str = "SELECT r.participant_number, r.submitted_on, a.question_id, a.value
     FROM responses r LEFT JOIN answers a ON a.response_id = r.id
     WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL
     ORDER BY r.participant_number, a.question_id";

impl Storage {
    /// The study's submitted responses in participant number order, streamed from the database.
    pub fn submitted_responses<'a>(
        &'a self,
        study_slug: &'a str,
    ) -> impl Stream<Item = Result<SubmittedResponse, StorageError>> + Send + 'a {
        let rows = sqlx::query(SUBMITTED_ROWS)
            .bind(study_slug)
            .fetch(&self.pool);
        group_by_participant(rows)
    }
}

type Rows<'a> = BoxStream<'a, Result<AnyRow, sqlx::Error>>;

/// Folds consecutive answer rows of one participant into one response. The rows' stream is
/// dropped (`None`) once it has ended, so it is never polled again.
fn group_by_participant(
    rows: Rows<'_>,
) -> impl Stream<Item = Result<SubmittedResponse, StorageError>> + Send + '_ {
    let start: (Option<Rows<'_>>, Option<SubmittedResponse>) = (Some(rows), None);
    try_unfold(start, |(mut rows, mut current)| async move {
        while let Some(stream) = rows.as_mut() {
            let Some(row) = stream.try_next().await? else {
                rows = None;
                break;
            };
            let number: i64 = row.try_get("participant_number")?;
            if current
                .as_ref()
                .is_none_or(|c| c.participant_number != number)
            {
                let next = SubmittedResponse {
                    participant_number: number,
                    submitted_on: parse_day(row.try_get("submitted_on")?)?,
                    answers: BTreeMap::new(),
                };
                let finished = current.replace(next);
                add_answer(current.as_mut(), &row)?;
                if let Some(finished) = finished {
                    return Ok(Some((finished, (rows, current))));
                }
            } else {
                add_answer(current.as_mut(), &row)?;
            }
        }
        Ok(current.take().map(|last| (last, (rows, None))))
    })
}

fn add_answer(response: Option<&mut SubmittedResponse>, row: &AnyRow) -> Result<(), sqlx::Error> {
    let question: Option<String> = row.try_get("question_id")?;
    if let (Some(response), Some(question)) = (response, question) {
        response.answers.insert(question, row.try_get("value")?);
    }
    Ok(())
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

impl Storage {
    /// Submitted participants counted by their answers to the label questions.
    pub async fn demographic_counts(
        &self,
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
        .fetch_all(&self.pool)
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
