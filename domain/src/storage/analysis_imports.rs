//! Imports waiting for their importer's decision, item by item, and who may code a study.

use sqlx::Row;

use super::{Analysis, StorageError};
use crate::ids::StudySlug;

/// An import read and planned, not yet applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImport {
    pub id: String,
    pub file_name: String,
    /// The plan, as JSON (`qda_import` reads it).
    pub plan: String,
    pub created_at: i64,
}

/// How long a plan waits for its importer: a day. After that the study's codings may have moved
/// on from what the plan compared, and the file's extracts should not linger in the database.
pub const PENDING_IMPORT_SECONDS: i64 = 24 * 60 * 60;

impl Analysis<'_> {
    /// Keeps the plan of an import until its importer decides; returns its id.
    pub async fn save_import(
        self,
        study: &StudySlug,
        (importer, now): (&str, i64),
        file_name: &str,
        plan: &str,
    ) -> Result<String, StorageError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO analysis_imports (id, study_slug, importer, file_name, plan, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(study.as_str())
        .bind(importer)
        .bind(file_name)
        .bind(plan)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(id)
    }

    /// The importer's own pending import of the study with this id, unless it is older than
    /// [`PENDING_IMPORT_SECONDS`] at `now`.
    pub async fn pending_import(
        self,
        study: &StudySlug,
        (importer, now): (&str, i64),
        id: &str,
    ) -> Result<Option<PendingImport>, StorageError> {
        let row = sqlx::query(
            "SELECT id, file_name, plan, created_at FROM analysis_imports
             WHERE id = $1 AND study_slug = $2 AND importer = $3 AND created_at >= $4",
        )
        .bind(id)
        .bind(study.as_str())
        .bind(importer)
        .bind(now - PENDING_IMPORT_SECONDS)
        .fetch_optional(self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(PendingImport {
            id: row.try_get("id")?,
            file_name: row.try_get("file_name")?,
            plan: row.try_get("plan")?,
            created_at: row.try_get("created_at")?,
        }))
    }

    pub async fn forget_import(self, study: &StudySlug, id: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM analysis_imports WHERE id = $1 AND study_slug = $2")
            .bind(id)
            .bind(study.as_str())
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Deletes every import left undecided longer than [`PENDING_IMPORT_SECONDS`]; returns how
    /// many.
    pub async fn delete_expired_imports(self, now: i64) -> Result<u64, StorageError> {
        let deleted = sqlx::query("DELETE FROM analysis_imports WHERE created_at < $1")
            .bind(now - PENDING_IMPORT_SECONDS)
            .execute(self.pool)
            .await?;
        Ok(deleted.rows_affected())
    }

    /// Who may code the study: (id, email) of its owners and its member researchers.
    pub async fn coders_of(self, study: &StudySlug) -> Result<Vec<(String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, email FROM staff
             WHERE role = 'owner' OR (role = 'researcher' AND id IN
                 (SELECT staff_id FROM study_members WHERE study_slug = $1))
             ORDER BY email",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("email")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }
}

