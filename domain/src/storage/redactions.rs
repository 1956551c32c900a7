//! Findings of identifiers in submitted answers and the researcher's decisions on them.

use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::{Redactions, StorageError, id_column};
use crate::ids::{QuestionId, ResponseId, StudySlug};

/// What a researcher decided about a finding, or that its original was erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedactionStatus {
    Pending,
    Accepted,
    Rejected,
    Erased,
}

impl RedactionStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Accepted, Self::Rejected, Self::Erased];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Erased => "erased",
        }
    }

    fn parse(stored: &str) -> Result<Self, sqlx::Error> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == stored)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown redaction status {stored:?}").into()))
    }
}

/// One finding in one answer, with the answer as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionRecord {
    pub id: String,
    pub response_id: ResponseId,
    pub participant_number: i64,
    pub question_id: QuestionId,
    /// Code points from the start of the stored answer.
    pub start: i64,
    pub end: i64,
    pub detector: String,
    /// `None` once erased.
    pub found_text: Option<String>,
    pub descriptor: String,
    pub status: RedactionStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub answer: String,
}

impl RedactionRecord {
    /// The finding's stretch of the answer, in code points.
    pub fn span(&self) -> (usize, usize) {
        let position = |value: i64| usize::try_from(value).unwrap_or(0);
        (position(self.start), position(self.end))
    }
}

/// A detector's finding, to be stored for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRedaction {
    pub question_id: QuestionId,
    pub start: i64,
    pub end: i64,
    pub detector: &'static str,
    pub found_text: String,
    pub descriptor: String,
}

/// A researcher's decision on one finding; an edit moves its stretch and changes its descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionDecision<'a> {
    pub status: RedactionStatus,
    pub start: i64,
    pub end: i64,
    pub found_text: &'a str,
    pub descriptor: &'a str,
    pub decided_by: &'a str,
    pub decided_at: i64,
}

/// An answer with its accepted findings replaced, and where each finding of the answer now lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasedAnswer {
    pub response_id: ResponseId,
    pub question_id: QuestionId,
    pub before: String,
    pub after: String,
    /// (finding id, new start, new end, whether its original is erased)
    pub moved: Vec<(String, i64, i64, bool)>,
    pub erased_by: String,
    pub erased_at: i64,
}

/// An accepted finding as exports need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedRedaction {
    pub participant_number: i64,
    pub question_id: QuestionId,
    pub start: i64,
    pub end: i64,
    pub descriptor: String,
}

impl FromRow<'_, AnyRow> for AcceptedRedaction {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            participant_number: row.try_get("participant_number")?,
            question_id: id_column(row, "question_id")?,
            start: row.try_get("start_at")?,
            end: row.try_get("end_at")?,
            descriptor: row.try_get("descriptor")?,
        })
    }
}

const RECORD_COLUMNS: &str = "red.id, red.response_id, r.participant_number, red.question_id,
     red.start_at, red.end_at, red.detector, red.found_text, red.descriptor, red.status,
     red.decided_by, red.decided_at, a.value AS answer
     FROM redactions red
     JOIN responses r ON r.id = red.response_id
     JOIN answers a ON a.response_id = red.response_id AND a.question_id = red.question_id";

impl FromRow<'_, AnyRow> for RedactionRecord {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
    Ok(RedactionRecord {
        id: row.try_get("id")?,
        response_id: id_column(row, "response_id")?,
        participant_number: row.try_get("participant_number")?,
        question_id: id_column(row, "question_id")?,
        start: row.try_get("start_at")?,
        end: row.try_get("end_at")?,
        detector: row.try_get("detector")?,
        found_text: row.try_get("found_text")?,
        descriptor: row.try_get("descriptor")?,
        status: RedactionStatus::parse(row.try_get("status")?)?,
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
        answer: row.try_get("answer")?,
    })
    }
}

impl Redactions<'_> {
    /// Submitted responses of the study whose answers have not been scanned yet.
    pub async fn responses_to_scan(
        self,
        study_slug: &StudySlug,
    ) -> Result<Vec<ResponseId>, StorageError> {
        let rows = sqlx::query(
            "SELECT r.id FROM responses r
             WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM redaction_scans s WHERE s.response_id = r.id)
             ORDER BY r.participant_number",
        )
        .bind(study_slug.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| id_column(row, "id").map_err(StorageError::from))
            .collect()
    }

    /// How many submitted responses of the study have not been scanned yet.
    pub async fn count_unscanned(self, study_slug: &StudySlug) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM responses r
             WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM redaction_scans s WHERE s.response_id = r.id)",
        )
        .bind(study_slug.as_str())
        .fetch_one(self.pool)
        .await?)
    }

    /// Stores the findings of several scanned responses in one transaction; returns how many
    /// were new.
    pub async fn record_scans(
        self,
        scans: &[(&ResponseId, Vec<NewRedaction>)],
        now: i64,
    ) -> Result<usize, StorageError> {
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for (response_id, findings) in scans {
            added += record_scan(&mut tx, response_id, findings, now).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Marks every response of the study unscanned, so the next scan looks at all of them again
    /// (after the study's list of names changed, say). Findings already stored stay.
    pub async fn forget_scans(self, study_slug: &StudySlug) -> Result<(), StorageError> {
        sqlx::query(
            "DELETE FROM redaction_scans WHERE response_id IN
             (SELECT id FROM responses WHERE study_slug = $1)",
        )
        .bind(study_slug.as_str())
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// How many findings of the study have each status.
    pub async fn counts(
        self,
        study_slug: &StudySlug,
    ) -> Result<Vec<(RedactionStatus, i64)>, StorageError> {
        let rows = sqlx::query(
            "SELECT red.status, COUNT(*) AS findings FROM redactions red
             JOIN responses r ON r.id = red.response_id
             WHERE r.study_slug = $1 GROUP BY red.status",
        )
        .bind(study_slug.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok::<_, sqlx::Error>((
                    RedactionStatus::parse(row.try_get("status")?)?,
                    row.try_get("findings")?,
                ))
            })
            .collect::<Result<_, _>>()
            .map_err(StorageError::from)
    }

    /// The study's findings with one of `statuses`, by participant, question and position.
    pub async fn list(
        self,
        study_slug: &StudySlug,
        statuses: &[RedactionStatus],
        limit: i64,
    ) -> Result<Vec<RedactionRecord>, StorageError> {
        let wanted: Vec<String> = statuses
            .iter()
            .map(|status| format!("'{}'", status.as_str()))
            .collect();
        Ok(sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS}
             WHERE r.study_slug = $1 AND red.status IN ({})
             ORDER BY r.participant_number, red.question_id, red.start_at LIMIT $2",
            wanted.join(", ")
        ))
        .bind(study_slug.as_str())
        .bind(limit)
        .fetch_all(self.pool)
        .await?)
    }

    /// One finding of the study, with its answer.
    pub async fn find(
        self,
        study_slug: &StudySlug,
        id: &str,
    ) -> Result<Option<RedactionRecord>, StorageError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} WHERE r.study_slug = $1 AND red.id = $2"
        ))
        .bind(study_slug.as_str())
        .bind(id)
        .fetch_optional(self.pool)
        .await?)
    }

    /// Every finding in one answer, with the answer.
    pub async fn in_answer(
        self,
        response_id: &ResponseId,
        question_id: &QuestionId,
    ) -> Result<Vec<RedactionRecord>, StorageError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} WHERE red.response_id = $1 AND red.question_id = $2
             ORDER BY red.start_at"
        ))
        .bind(response_id.as_str())
        .bind(question_id.as_str())
        .fetch_all(self.pool)
        .await?)
    }

    /// Records a decision; an erased finding cannot be decided again. Returns whether it changed.
    pub async fn decide(
        self,
        id: &str,
        decision: RedactionDecision<'_>,
    ) -> Result<bool, StorageError> {
        let changed = sqlx::query(
            "UPDATE redactions SET status = $1, start_at = $2, end_at = $3, found_text = $4,
                 descriptor = $5, decided_by = $6, decided_at = $7
             WHERE id = $8 AND status <> 'erased'",
        )
        .bind(decision.status.as_str())
        .bind(decision.start)
        .bind(decision.end)
        .bind(decision.found_text)
        .bind(decision.descriptor)
        .bind(decision.decided_by)
        .bind(decision.decided_at)
        .bind(id)
        .execute(self.pool)
        .await?;
        Ok(changed.rows_affected() == 1)
    }

    /// The answers of the study that have accepted findings: (response id, question id).
    pub async fn answers_with_accepted(
        self,
        study_slug: &StudySlug,
    ) -> Result<Vec<(ResponseId, QuestionId)>, StorageError> {
        let rows = sqlx::query(
            "SELECT DISTINCT red.response_id, red.question_id FROM redactions red
             JOIN responses r ON r.id = red.response_id
             WHERE r.study_slug = $1 AND red.status = 'accepted'
             ORDER BY red.response_id, red.question_id",
        )
        .bind(study_slug.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((id_column(row, "response_id")?, id_column(row, "question_id")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// Replaces a stored answer by its erased text and moves its findings, all or nothing.
    /// Returns false, changing nothing, when the answer is no longer `before`.
    pub async fn store_erased_answer(self, erased: &ErasedAnswer) -> Result<bool, StorageError> {
        let mut tx = self.pool.begin().await?;
        let replaced = sqlx::query(
            "UPDATE answers SET value = $1 WHERE response_id = $2 AND question_id = $3 AND value = $4",
        )
        .bind(&erased.after)
        .bind(erased.response_id.as_str())
        .bind(erased.question_id.as_str())
        .bind(&erased.before)
        .execute(&mut *tx)
        .await?;
        if replaced.rows_affected() == 0 {
            return Ok(false);
        }
        for (id, start, end, is_erased) in &erased.moved {
            let query = if *is_erased {
                sqlx::query(
                    "UPDATE redactions SET start_at = $1, end_at = $2, status = 'erased',
                         found_text = NULL, decided_by = $3, decided_at = $4 WHERE id = $5",
                )
                .bind(*start)
                .bind(*end)
                .bind(&erased.erased_by)
                .bind(erased.erased_at)
                .bind(id)
            } else {
                sqlx::query("UPDATE redactions SET start_at = $1, end_at = $2 WHERE id = $3")
                    .bind(*start)
                    .bind(*end)
                    .bind(id)
            };
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The study's accepted findings, by participant, question and position.
    pub async fn accepted(
        self,
        study_slug: &StudySlug,
    ) -> Result<Vec<AcceptedRedaction>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT r.participant_number, red.question_id, red.start_at, red.end_at, red.descriptor
             FROM redactions red JOIN responses r ON r.id = red.response_id
             WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL AND red.status = 'accepted'
             ORDER BY r.participant_number, red.question_id, red.start_at",
        )
        .bind(study_slug.as_str())
        .fetch_all(self.pool)
        .await?)
    }
}

const SECONDS_PER_DAY: i64 = 86_400;

/// Stores one response's findings, leaving out any that overlap a finding already stored in the
/// same answer (decided or not), and marks the response scanned. Returns how many were new;
/// none when another instance scanned the response first.
async fn record_scan(
    tx: &mut sqlx::AnyConnection,
    response_id: &ResponseId,
    findings: &[NewRedaction],
    now: i64,
) -> Result<usize, StorageError> {
    let claimed = sqlx::query(
        "INSERT INTO redaction_scans (response_id, scanned_at) VALUES ($1, $2)
         ON CONFLICT (response_id) DO NOTHING",
    )
    .bind(response_id.as_str())
    // The day only: the time of a scan follows the time of the submission.
    .bind(now - now.rem_euclid(SECONDS_PER_DAY))
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(0);
    }
    let stored: Vec<(QuestionId, i64, i64)> =
        sqlx::query("SELECT question_id, start_at, end_at FROM redactions WHERE response_id = $1")
            .bind(response_id.as_str())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    id_column(row, "question_id")?,
                    row.try_get("start_at")?,
                    row.try_get("end_at")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
    let mut added = 0;
    for finding in findings {
        let overlaps = stored.iter().any(|(question, start, end)| {
            *question == finding.question_id && finding.start < *end && *start < finding.end
        });
        if overlaps {
            continue;
        }
        sqlx::query(
            "INSERT INTO redactions (id, response_id, question_id, start_at, end_at, detector, found_text, descriptor, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(response_id.as_str())
        .bind(finding.question_id.as_str())
        .bind(finding.start)
        .bind(finding.end)
        .bind(finding.detector)
        .bind(&finding.found_text)
        .bind(&finding.descriptor)
        .execute(&mut *tx)
        .await?;
        added += 1;
    }
    Ok(added)
}
