//! Several coders on one study: independent mode, each coder's release of their codings, and
//! the coding-reliability mode.

use sqlx::Row;

use super::{Analysis, StorageError};
use crate::analysis::Blinding;
use crate::ids::StudySlug;

impl Analysis<'_> {
    /// Whose codings `viewer` (an email) may see in the study.
    pub async fn blinding(self, study: &StudySlug, viewer: &str) -> Result<Blinding, StorageError> {
        let independent = sqlx::query("SELECT study_slug FROM independent_coding WHERE study_slug = $1")
            .bind(study.as_str())
            .fetch_optional(self.pool)
            .await?
            .is_some();
        if !independent {
            return Ok(Blinding::open(viewer));
        }
        let rows = sqlx::query(
            "SELECT s.email FROM coding_releases r JOIN staff s ON s.id = r.coder
             WHERE r.study_slug = $1",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        let released = rows
            .iter()
            .map(|row| row.try_get::<String, _>("email"))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(Blinding {
            independent,
            viewer: viewer.to_owned(),
            released,
        })
    }

    /// Turns independent mode on, or off (which forgets every release, so turning it on again
    /// starts a new round blind).
    pub async fn set_independent(
        self,
        study: &StudySlug,
        on: bool,
        (by, now): (&str, i64),
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        if on {
            sqlx::query(
                "INSERT INTO independent_coding (study_slug, started_by, started_at)
                 VALUES ($1, $2, $3) ON CONFLICT (study_slug) DO NOTHING",
            )
            .bind(study.as_str())
            .bind(by)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
        } else {
            for table in ["independent_coding", "coding_releases"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE study_slug = $1"))
                    .bind(study.as_str())
                    .execute(&mut *transaction)
                    .await?;
            }
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Releases `coder`'s codings to the other coders who have released theirs.
    pub async fn release_codings(
        self,
        study: &StudySlug,
        (coder, now): (&str, i64),
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO coding_releases (study_slug, coder, released_at) VALUES ($1, $2, $3)
             ON CONFLICT (study_slug, coder) DO NOTHING",
        )
        .bind(study.as_str())
        .bind(coder)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Whether the study's coding-reliability mode is on.
    pub async fn reliability_mode(self, study: &StudySlug) -> Result<bool, StorageError> {
        let row = sqlx::query("SELECT study_slug FROM coding_reliability WHERE study_slug = $1")
            .bind(study.as_str())
            .fetch_optional(self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Switches the coding-reliability mode on or off.
    pub async fn set_reliability_mode(
        self,
        study: &StudySlug,
        on: bool,
        (by, now): (&str, i64),
    ) -> Result<(), StorageError> {
        let query = if on {
            sqlx::query(
                "INSERT INTO coding_reliability (study_slug, switched_on_by, switched_on_at)
                 VALUES ($1, $2, $3) ON CONFLICT (study_slug) DO NOTHING",
            )
            .bind(study.as_str())
            .bind(by)
            .bind(now)
        } else {
            sqlx::query("DELETE FROM coding_reliability WHERE study_slug = $1").bind(study.as_str())
        };
        query.execute(self.pool).await?;
        Ok(())
    }
}
