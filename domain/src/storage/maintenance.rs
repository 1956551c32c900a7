//! Operations on the database as a whole: readiness, backups, consistency checks, and the
//! baseline the load tool's benchmark compares autosaves with.

use std::path::Path;

use chrono::NaiveDate;
use sqlx::Row;

use crate::ids::{QuestionId, ResponseId, StudySlug};
use super::{Responses, Storage, StorageError, day, upsert_answer};

/// What a consistency check found wrong; empty when the database is whole.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Consistency {
    pub problems: Vec<String>,
}

impl Consistency {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// How long what `purge_expired` removes is kept: sessions by their idle and absolute limits, and
/// failed sign-ins for as long as the throttle counts them.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub session_idle: i64,
    pub session_absolute: i64,
    pub sign_in_failures: i64,
}

impl Storage {
    /// Deletes what can no longer be used: expired sessions, used or expired setup and
    /// invitation links, and failed sign-ins older than the throttle's window. Returns how many
    /// rows went.
    pub async fn purge_expired(&self, now: i64, keep: Lifetimes) -> Result<u64, StorageError> {
        let sessions = sqlx::query(
            "DELETE FROM staff_sessions WHERE last_seen_at < $1 OR created_at < $2",
        )
        .bind(now - keep.session_idle)
        .bind(now - keep.session_absolute);
        let failures = sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
            .bind(now - keep.sign_in_failures);
        let setup_links =
            sqlx::query("DELETE FROM setup_links WHERE used_at IS NOT NULL OR expires_at <= $1")
                .bind(now);
        let invitations =
            sqlx::query("DELETE FROM staff_invites WHERE used_at IS NOT NULL OR expires_at <= $1")
                .bind(now);
        let mut removed = 0;
        for purge in [sessions, failures, setup_links, invitations] {
            removed += purge.execute(&self.pool).await?.rows_affected();
        }
        Ok(removed)
    }

    /// Answers when the database does: for readiness checks.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Copies the whole SQLite database into a new file while it is in use (`VACUUM INTO` reads
    /// one consistent snapshot). The copy is an ordinary database file to start a server on.
    pub async fn back_up_to(&self, file: &Path) -> Result<(), StorageError> {
        let backup = self.engine.online_backup()?;
        if file.exists() {
            return Err(StorageError::FileExists(file.display().to_string()));
        }
        let target = file
            .to_str()
            .ok_or(StorageError::Unsupported("the backup path must be UTF-8"))?;
        sqlx::query(backup).bind(target).execute(&self.pool).await?;
        Ok(())
    }

    /// Checks what must hold after any crash: the file is sound (SQLite), every reference points
    /// at a row, and each study's participant numbers run 1, 2, 3… without a gap or a repeat.
    pub async fn check_consistency(&self) -> Result<Consistency, StorageError> {
        let mut problems = self.file_problems().await?;
        problems.extend(self.participant_number_problems().await?);
        let orphans: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM answers a WHERE NOT EXISTS (SELECT 1 FROM responses r WHERE r.id = a.response_id)",
        )
        .fetch_one(&self.pool)
        .await?;
        if orphans > 0 {
            problems.push(format!("{orphans} answers belong to no response"));
        }
        Ok(Consistency { problems })
    }

    /// What the engine's own checks of the database file report.
    async fn file_problems(&self) -> Result<Vec<String>, StorageError> {
        let Some(checks) = self.engine.file_checks() else {
            return Ok(Vec::new());
        };
        let mut problems: Vec<String> = sqlx::query(checks.integrity)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| row.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
        problems.retain(|line| line != "ok");
        let broken_references = sqlx::query(checks.foreign_keys)
            .fetch_all(&self.pool)
            .await?
            .len();
        if broken_references > 0 {
            problems.push(format!("{broken_references} rows break a foreign key"));
        }
        Ok(problems)
    }

    async fn participant_number_problems(&self) -> Result<Vec<String>, StorageError> {
        let rows = sqlx::query(
            "SELECT r.study_slug, COUNT(*) AS submitted, COUNT(DISTINCT r.participant_number) AS numbers,
                    MIN(r.participant_number) AS lowest, MAX(r.participant_number) AS highest,
                    MAX(c.last_number) AS counter
             FROM responses r LEFT JOIN participant_counters c ON c.study_slug = r.study_slug
             WHERE r.submitted_on IS NOT NULL
             GROUP BY r.study_slug",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut problems = Vec::new();
        for row in rows {
            let study: String = row.try_get("study_slug")?;
            let submitted: i64 = row.try_get("submitted")?;
            let numbers: i64 = row.try_get("numbers")?;
            let lowest: Option<i64> = row.try_get("lowest")?;
            let highest: Option<i64> = row.try_get("highest")?;
            let counter: Option<i64> = row.try_get("counter")?;
            let gap_free = numbers == submitted
                && lowest == Some(1)
                && highest == Some(submitted)
                && counter == Some(submitted);
            if !gap_free {
                problems.push(format!(
                    "{study}: {submitted} submitted responses hold {numbers} distinct participant numbers \
                     from {lowest:?} to {highest:?}, and the counter is at {counter:?}"
                ));
            }
        }
        let unnumbered: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM responses WHERE (submitted_on IS NULL) <> (participant_number IS NULL)",
        )
        .fetch_one(&self.pool)
        .await?;
        if unnumbered > 0 {
            problems.push(format!(
                "{unnumbered} responses have a participant number without being submitted, or the reverse"
            ));
        }
        Ok(problems)
    }
}

impl Responses<'_> {
    /// The participant numbers a study has given, in order.
    pub async fn participant_numbers(self, study_slug: &StudySlug) -> Result<Vec<i64>, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT participant_number FROM responses
             WHERE study_slug = $1 AND participant_number IS NOT NULL ORDER BY participant_number",
        )
        .bind(study_slug.as_str())
        .fetch_all(self.pool)
        .await?)
    }

    /// How many responses a study has, submitted or not.
    pub async fn count(self, study_slug: &StudySlug) -> Result<i64, StorageError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE study_slug = $1")
                .bind(study_slug.as_str())
                .fetch_one(self.pool)
                .await?,
        )
    }

    /// The cheapest write an autosave could be: one upserted row, in no transaction, with no check.
    /// Only the load tool's benchmark calls it, as the floor that autosaves are measured against.
    pub async fn upsert_answer_alone(
        self,
        response_id: &ResponseId,
        question_id: &QuestionId,
        value: &str,
        today: NaiveDate,
    ) -> Result<(), StorageError> {
        upsert_answer(response_id.as_str(), question_id.as_str(), value, &day(today))
            .execute(self.pool)
            .await?;
        Ok(())
    }
}
