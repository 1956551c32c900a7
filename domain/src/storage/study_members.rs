//! Which researchers may read which study. Owners read every study and are not listed.

use chrono::NaiveDate;

use super::{StorageError, StudyMembers, day};
use crate::ids::StudySlug;

impl StudyMembers<'_> {
    /// Makes the account a member of the study; true when it was not one already.
    pub async fn add(
        self,
        study: &StudySlug,
        staff_id: &str,
        today: NaiveDate,
    ) -> Result<bool, StorageError> {
        let added = sqlx::query(
            "INSERT INTO study_members (study_slug, staff_id, added_on) VALUES ($1, $2, $3)
             ON CONFLICT (study_slug, staff_id) DO NOTHING",
        )
        .bind(study.as_str())
        .bind(staff_id)
        .bind(day(today))
        .execute(self.pool)
        .await?;
        Ok(added.rows_affected() > 0)
    }

    /// True when the account was a member and no longer is.
    pub async fn remove(self, study: &StudySlug, staff_id: &str) -> Result<bool, StorageError> {
        let removed =
            sqlx::query("DELETE FROM study_members WHERE study_slug = $1 AND staff_id = $2")
                .bind(study.as_str())
                .bind(staff_id)
                .execute(self.pool)
                .await?;
        Ok(removed.rows_affected() > 0)
    }

    pub async fn is_member(self, study: &StudySlug, staff_id: &str) -> Result<bool, StorageError> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM study_members WHERE study_slug = $1 AND staff_id = $2",
        )
        .bind(study.as_str())
        .bind(staff_id)
        .fetch_optional(self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// The ids of the study's members.
    pub async fn of_study(self, study: &StudySlug) -> Result<Vec<String>, StorageError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT staff_id FROM study_members WHERE study_slug = $1")
                .bind(study.as_str())
                .fetch_all(self.pool)
                .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// The slugs of the studies the account is a member of.
    pub async fn studies_of(self, staff_id: &str) -> Result<Vec<String>, StorageError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT study_slug FROM study_members WHERE staff_id = $1 ORDER BY study_slug",
        )
        .bind(staff_id)
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(|(slug,)| slug).collect())
    }
}
