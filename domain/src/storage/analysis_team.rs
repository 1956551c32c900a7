//! Several coders on one study: independent mode, each coder's release of their codings, and
//! the coding-reliability mode; and each researcher's "read" marks on answers.

use std::collections::HashSet;

use sqlx::Row;

use super::{Analysis, StorageError};
use crate::analysis::Blinding;
use crate::ids::{QuestionId, ResponseId, StudySlug};

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

    /// Marks an answer read (or unread again) by `reader`.
    pub async fn mark_read(
        self,
        study: &StudySlug,
        (response, question): (&ResponseId, &QuestionId),
        read: bool,
        (reader, now): (&str, i64),
    ) -> Result<(), StorageError> {
        let query = if read {
            sqlx::query(
                "INSERT INTO answer_reads (study_slug, response_id, question_id, reader, read_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (response_id, question_id, reader) DO NOTHING",
            )
            .bind(study.as_str())
            .bind(response.as_str())
            .bind(question.as_str())
            .bind(reader)
            .bind(now)
        } else {
            sqlx::query(
                "DELETE FROM answer_reads
                 WHERE study_slug = $1 AND response_id = $2 AND question_id = $3 AND reader = $4",
            )
            .bind(study.as_str())
            .bind(response.as_str())
            .bind(question.as_str())
            .bind(reader)
        };
        query.execute(self.pool).await?;
        Ok(())
    }

    /// The (response, question) of every answer `reader` has marked read in the study.
    pub async fn read_by(
        self,
        study: &StudySlug,
        reader: &str,
    ) -> Result<HashSet<(String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT response_id, question_id FROM answer_reads
             WHERE study_slug = $1 AND reader = $2",
        )
        .bind(study.as_str())
        .bind(reader)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("response_id")?, row.try_get("question_id")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }
}
