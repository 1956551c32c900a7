//! Staff accounts, their sessions, first-start setup links, sign-in failures and the audit log.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Storage, StorageError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
}

pub struct NewStaff<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub now: i64,
}

/// A session with the account it belongs to.
pub struct SessionRecord {
    pub staff: StaffRecord,
    pub created_at: i64,
    pub last_seen_at: i64,
}

fn staff_from_row(row: &AnyRow) -> Result<StaffRecord, sqlx::Error> {
    Ok(StaffRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
    })
}

impl Storage {
    pub async fn count_staff(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Creates an account; an email already in use is `StorageError::Duplicate`.
    pub async fn create_staff(&self, new: NewStaff<'_>) -> Result<String, StorageError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO staff (id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(new.email)
            .bind(new.password_hash)
            .bind(new.role)
            .bind(new.now)
            .execute(&self.pool)
            .await
            .map_err(StorageError::from_insert)?;
        Ok(id)
    }

    /// Uses a setup link and creates the first owner with it, both or neither.
    pub async fn create_owner_with_setup_link(
        &self,
        link_hash: &str,
        new: NewStaff<'_>,
    ) -> Result<String, StorageError> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query("UPDATE setup_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1")
            .bind(new.now)
            .bind(link_hash)
            .execute(&mut *tx)
            .await?;
        if used.rows_affected() != 1 {
            return Err(StorageError::NotFound);
        }
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO staff (id, email, password_hash, role, created_at) VALUES ($1, $2, $3, 'owner', $4)")
            .bind(&id)
            .bind(new.email)
            .bind(new.password_hash)
            .bind(new.now)
            .execute(&mut *tx)
            .await
            .map_err(StorageError::from_insert)?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRecord>, StorageError> {
        let row = sqlx::query("SELECT id, email, password_hash, role FROM staff WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(staff_from_row).transpose()?)
    }

    pub async fn create_setup_link(
        &self,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO setup_links (token_hash, expires_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn setup_link_is_usable(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<bool, StorageError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM setup_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
                .bind(token_hash)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
        Ok(count == 1)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        staff_id: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
            .bind(token_hash)
            .bind(staff_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StorageError> {
        let row = sqlx::query(
            "SELECT s.id, s.email, s.password_hash, s.role, x.created_at, x.last_seen_at
             FROM staff_sessions x JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionRecord {
            staff: staff_from_row(&row)?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
        }))
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), StorageError> {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_sign_in_failure(
        &self,
        staff_id: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO sign_in_failures (staff_id, at) VALUES ($1, $2)")
            .bind(staff_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn sign_in_failures_since(
        &self,
        staff_id: &str,
        since: i64,
    ) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM sign_in_failures WHERE staff_id = $1 AND at > $2",
        )
        .bind(staff_id)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn audit(
        &self,
        now: i64,
        actor: &str,
        action: &str,
        detail: &str,
    ) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO audit_log (at, actor, action, detail) VALUES ($1, $2, $3, $4)")
            .bind(now)
            .bind(actor)
            .bind(action)
            .bind(detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest entries first.
    pub async fn audit_entries(
        &self,
        limit: i64,
    ) -> Result<Vec<(i64, String, String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("at")?,
                    r.try_get("actor")?,
                    r.try_get("action")?,
                    r.try_get("detail")?,
                ))
            })
            .collect()
    }
}
