//! Drafts of studies: the file being edited, saved after each change. Each save names the
//! revision it was made from, so a change made meanwhile by someone else is never overwritten.

use sqlx::Row;

use super::{StorageError, StudyDrafts, id_column};
use crate::ids::StudySlug;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDraft {
    pub slug: StudySlug,
    pub definition: String,
    /// The version the draft started from; None for a study not yet published.
    pub based_on: Option<i64>,
    pub created_by: Option<String>,
    pub revision: i64,
    /// Unix seconds of the last save.
    pub updated_at: i64,
}

const COLUMNS: &str = "study_slug, definition, based_on, created_by, revision, updated_at";

impl StudyDrafts<'_> {
    /// Starts a draft; false when the study has one already (which is kept).
    pub async fn start(
        self,
        slug: &StudySlug,
        definition: &str,
        based_on: Option<i64>,
        staff_id: &str,
        now: i64,
    ) -> Result<bool, StorageError> {
        let started = sqlx::query(
            "INSERT INTO study_drafts (study_slug, definition, based_on, created_by, revision, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5)
             ON CONFLICT (study_slug) DO NOTHING",
        )
        .bind(slug.as_str())
        .bind(definition)
        .bind(based_on)
        .bind(staff_id)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(started.rows_affected() > 0)
    }

    pub async fn get(self, slug: &StudySlug) -> Result<Option<StoredDraft>, StorageError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM study_drafts WHERE study_slug = $1"
        ))
        .bind(slug.as_str())
        .fetch_optional(self.pool)
        .await?;
        row.map(|row| stored_draft(&row)).transpose()
    }

    /// Every draft, by slug.
    pub async fn all(self) -> Result<Vec<StoredDraft>, StorageError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM study_drafts ORDER BY study_slug"
        ))
        .fetch_all(self.pool)
        .await?;
        rows.iter().map(stored_draft).collect()
    }

    /// Saves the draft's new text if nobody saved it since `revision`; false when someone did
    /// (or the draft is gone), and nothing is saved.
    pub async fn save(
        self,
        slug: &StudySlug,
        definition: &str,
        revision: i64,
        now: i64,
    ) -> Result<bool, StorageError> {
        let saved = sqlx::query(
            "UPDATE study_drafts SET definition = $1, revision = revision + 1, updated_at = $2
             WHERE study_slug = $3 AND revision = $4",
        )
        .bind(definition)
        .bind(now)
        .bind(slug.as_str())
        .bind(revision)
        .execute(self.pool)
        .await?;
        Ok(saved.rows_affected() > 0)
    }

    /// Deletes the draft; true when there was one.
    pub async fn discard(self, slug: &StudySlug) -> Result<bool, StorageError> {
        let discarded = sqlx::query("DELETE FROM study_drafts WHERE study_slug = $1")
            .bind(slug.as_str())
            .execute(self.pool)
            .await?;
        Ok(discarded.rows_affected() > 0)
    }
}

fn stored_draft(row: &sqlx::any::AnyRow) -> Result<StoredDraft, StorageError> {
    Ok(StoredDraft {
        slug: id_column(row, "study_slug")?,
        definition: row.try_get("definition")?,
        based_on: row.try_get("based_on")?,
        created_by: row.try_get("created_by")?,
        revision: row.try_get("revision")?,
        updated_at: row.try_get("updated_at")?,
    })
}
