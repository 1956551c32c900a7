//! Staff accounts, their sessions, first-start setup links, sign-in failures and the audit log.

use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::{AuditLog, Sessions, StaffAccounts, StorageError};
use crate::audit::{Actor, AuditAction};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    /// The authenticator app's secret (base32), once two-factor is set up.
    pub totp_secret: Option<String>,
}

pub struct NewStaff<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub now: i64,
}

/// An account as the owner's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSummary {
    pub id: String,
    pub email: String,
    pub role: String,
    pub two_factor: bool,
    /// False while the account waits for its invitation to be used.
    pub has_password: bool,
    pub created_at: i64,
}

/// A session with the account it belongs to.
pub struct SessionRecord {
    pub staff: StaffRecord,
    pub stage: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

const STAFF_COLUMNS: &str = "s.id, s.email, s.password_hash, s.role, s.totp_secret";

impl FromRow<'_, AnyRow> for StaffRecord {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            password_hash: row.try_get("password_hash")?,
            role: row.try_get("role")?,
            totp_secret: row.try_get("totp_secret")?,
        })
    }
}

impl FromRow<'_, AnyRow> for StaffSummary {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            role: row.try_get("role")?,
            created_at: row.try_get("created_at")?,
            two_factor: row.try_get::<i64, _>("two_factor")? == 1,
            has_password: row.try_get::<i64, _>("has_password")? == 1,
        })
    }
}

impl FromRow<'_, AnyRow> for SessionRecord {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            staff: StaffRecord::from_row(row)?,
            stage: row.try_get("stage")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
        })
    }
}

impl StaffAccounts<'_> {
    pub async fn count(self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff")
            .fetch_one(self.pool)
            .await?)
    }

    /// Creates an account; an email already in use is `StorageError::Duplicate`.
    pub async fn create(self, new: NewStaff<'_>) -> Result<String, StorageError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO staff (id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(new.email)
            .bind(new.password_hash)
            .bind(new.role)
            .bind(new.now)
            .execute(self.pool)
            .await
            .map_err(StorageError::from_insert)?;
        Ok(id)
    }

    /// Uses a setup link and creates the first owner with it, both or neither.
    pub async fn create_owner_with_setup_link(
        self,
        link_hash: &str,
        new: NewStaff<'_>,
    ) -> Result<String, StorageError> {
        let mut tx = self.pool.begin().await?;
        // Only while no account exists: a link left over from an earlier start creates no second owner.
        let used = sqlx::query("UPDATE setup_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND NOT EXISTS (SELECT 1 FROM staff)")
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

    pub async fn by_email(self, email: &str) -> Result<Option<StaffRecord>, StorageError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff s WHERE s.email = $1"
        ))
        .bind(email)
        .fetch_optional(self.pool)
        .await?)
    }

    /// Makes the one setup link: any made before stops working.
    pub async fn create_setup_link(
        self,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM setup_links WHERE used_at IS NULL")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO setup_links (token_hash, expires_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn setup_link_is_usable(
        self,
        token_hash: &str,
        now: i64,
    ) -> Result<bool, StorageError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM setup_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND NOT EXISTS (SELECT 1 FROM staff)")
                .bind(token_hash)
                .bind(now)
                .fetch_one(self.pool)
                .await?;
        Ok(count == 1)
    }

    /// Turns two-factor on with the app's secret and the hashes of fresh recovery codes; refused
    /// (NotFound) when the account already has it, so a second tab cannot replace the secret.
    pub async fn enable_two_factor(
        self,
        staff_id: &str,
        secret: &str,
        accepted_step: i64,
        recovery_hashes: &[String],
    ) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        let set = sqlx::query(
            "UPDATE staff SET totp_secret = $1, totp_last_step = $2 WHERE id = $3 AND totp_secret IS NULL",
        )
        .bind(secret)
        .bind(accepted_step)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
        if set.rows_affected() != 1 {
            return Err(StorageError::NotFound);
        }
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)")
                .bind(staff_id)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Seals the two-factor secrets an older release stored in plain text; returns how many.
    pub async fn seal_plain_two_factor_secrets(
        self,
        key: &crate::accounts::secret_box::SealingKey,
    ) -> Result<usize, StorageError> {
        let stored: Vec<(String, String)> =
            sqlx::query_as("SELECT id, totp_secret FROM staff WHERE totp_secret IS NOT NULL")
                .fetch_all(self.pool)
                .await?;
        let mut sealed = 0;
        for (id, secret) in stored {
            if crate::accounts::secret_box::SealingKey::is_sealed(&secret) {
                continue;
            }
            sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3")
                .bind(key.seal(&id, &secret))
                .bind(&id)
                .bind(&secret)
                .execute(self.pool)
                .await?;
            sealed += 1;
        }
        Ok(sealed)
    }

    /// Seals every two-factor secret under `new` instead of `current`, all or none: in one
    /// transaction, and only if every sealed secret opens with `current`. Returns how many.
    pub async fn reseal_two_factor_secrets(
        self,
        current: &crate::accounts::secret_box::SealingKey,
        new: &crate::accounts::secret_box::SealingKey,
    ) -> Result<usize, ResealError> {
        use crate::accounts::secret_box::SealingKey;
        let mut tx = self.pool.begin().await.map_err(StorageError::from)?;
        let stored: Vec<(String, String)> =
            sqlx::query_as("SELECT id, totp_secret FROM staff WHERE totp_secret IS NOT NULL")
                .fetch_all(&mut *tx)
                .await
                .map_err(StorageError::from)?;
        for (id, secret) in &stored {
            let plain = if SealingKey::is_sealed(secret) {
                current
                    .open(id, secret)
                    .ok_or_else(|| ResealError::WrongKey(id.clone()))?
            } else {
                secret.clone()
            };
            sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2")
                .bind(new.seal(id, &plain))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(StorageError::from)?;
        }
        tx.commit().await.map_err(StorageError::from)?;
        Ok(stored.len())
    }

    /// Records that a code of time step `step` was used; false when that step or a later one was
    /// already used, so a code seen over someone's shoulder cannot be replayed.
    pub async fn accept_totp_step(self, staff_id: &str, step: i64) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE staff SET totp_last_step = $1
             WHERE id = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(staff_id)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses up a recovery code; false when it is unknown or already used.
    pub async fn use_recovery_code(
        self,
        staff_id: &str,
        code_hash: &str,
        now: i64,
    ) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE staff_recovery_codes SET used_at = $1 WHERE staff_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(staff_id)
        .bind(code_hash)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The stored hashes of the account's recovery codes not used yet (ten at most).
    pub async fn unused_recovery_code_hashes(
        self,
        staff_id: &str,
    ) -> Result<Vec<String>, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT code_hash FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
        )
        .bind(staff_id)
        .fetch_all(self.pool)
        .await?)
    }

    pub async fn unused_recovery_codes(self, staff_id: &str) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
        )
        .bind(staff_id)
        .fetch_one(self.pool)
        .await?)
    }

    /// For a lost phone: turns two-factor off and ends every session of the account, so it must
    /// be set up again at the next sign-in. False when there is no such account.
    pub async fn reset_two_factor(self, staff_id: &str) -> Result<bool, StorageError> {
        let mut tx = self.pool.begin().await?;
        let reset =
            sqlx::query("UPDATE staff SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
        if reset.rows_affected() != 1 {
            return Ok(false);
        }
        for table in ["staff_recovery_codes", "staff_sessions"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = $1"))
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A new password for the account, ending every session but `keep` (the one that changed
    /// it), both or neither. False when there is no such account.
    pub async fn change_password(
        self,
        staff_id: &str,
        password_hash: &str,
        keep: &str,
    ) -> Result<bool, StorageError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1 AND token_hash <> $2")
            .bind(staff_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every account, by email address.
    pub async fn list(self) -> Result<Vec<StaffSummary>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT id, email, role, created_at,
                    CAST(CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) AS two_factor,
                    CAST(CASE WHEN password_hash = '' THEN 0 ELSE 1 END AS BIGINT) AS has_password
             FROM staff ORDER BY email",
        )
        .fetch_all(self.pool)
        .await?)
    }

    pub async fn by_id(self, staff_id: &str) -> Result<Option<StaffRecord>, StorageError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff s WHERE s.id = $1"
        ))
        .bind(staff_id)
        .fetch_optional(self.pool)
        .await?)
    }

    /// Creates an account without a password and the link that lets its owner set one, both or
    /// neither; an email already in use is `StorageError::Duplicate`.
    pub async fn invite(
        self,
        email: &str,
        role: &str,
        invite_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<String, StorageError> {
        let id = uuid::Uuid::new_v4().to_string();
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO staff (id, email, password_hash, role, created_at) VALUES ($1, $2, '', $3, $4)")
            .bind(&id)
            .bind(email)
            .bind(role)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(StorageError::from_insert)?;
        sqlx::query(
            "INSERT INTO staff_invites (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(invite_hash)
        .bind(&id)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The account an unused, unexpired invitation is for.
    pub async fn invited(
        self,
        invite_hash: &str,
        now: i64,
    ) -> Result<Option<StaffRecord>, StorageError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff_invites i JOIN staff s ON s.id = i.staff_id
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2"
        ))
        .bind(invite_hash)
        .bind(now)
        .fetch_optional(self.pool)
        .await?)
    }

    /// Uses an invitation to set the account's password, both or neither.
    pub async fn accept_invite(
        self,
        invite_hash: &str,
        staff_id: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query(
            "UPDATE staff_invites SET used_at = $1
             WHERE token_hash = $2 AND staff_id = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(invite_hash)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Err(StorageError::NotFound);
        }
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes an account with its sessions, codes and invitations; false when there was none.
    pub async fn delete(self, staff_id: &str) -> Result<bool, StorageError> {
        let mut tx = self.pool.begin().await?;
        for table in [
            "staff_sessions",
            "staff_recovery_codes",
            "staff_invites",
            "sign_in_failures",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = $1"))
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
        }
        let deleted = sqlx::query("DELETE FROM staff WHERE id = $1")
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() == 1)
    }

    pub async fn record_sign_in_failure(
        self,
        staff_id: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO sign_in_failures (staff_id, at) VALUES ($1, $2)")
            .bind(staff_id)
            .bind(now)
            .execute(self.pool)
            .await?;
        Ok(())
    }

    pub async fn sign_in_failures_since(
        self,
        staff_id: &str,
        since: i64,
    ) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM sign_in_failures WHERE staff_id = $1 AND at > $2",
        )
        .bind(staff_id)
        .bind(since)
        .fetch_one(self.pool)
        .await?)
    }
}

impl Sessions<'_> {
    pub async fn create(
        self,
        token_hash: &str,
        staff_id: &str,
        stage: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO staff_sessions (token_hash, staff_id, stage, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(token_hash)
            .bind(staff_id)
            .bind(stage)
            .bind(now)
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Ends one session and starts its successor at a new stage, both or neither: a session's
    /// token changes whenever what it may do changes. The transaction writes first: on SQLite a
    /// transaction that reads before it writes fails at once (SQLITE_BUSY, no waiting) when another
    /// connection wrote in between.
    pub async fn replace(
        self,
        old_hash: &str,
        new_hash: &str,
        stage: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        let started = sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, stage, created_at, last_seen_at)
             SELECT $1, staff_id, $2, $3, $3 FROM staff_sessions WHERE token_hash = $4",
        )
        .bind(new_hash)
        .bind(stage)
        .bind(now)
        .bind(old_hash)
        .execute(&mut *tx)
        .await?;
        if started.rows_affected() != 1 {
            return Err(StorageError::NotFound);
        }
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(old_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn find(self, token_hash: &str) -> Result<Option<SessionRecord>, StorageError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS}, x.stage, x.created_at, x.last_seen_at
             FROM staff_sessions x JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(self.pool)
        .await?)
    }

    pub async fn touch(self, token_hash: &str, now: i64) -> Result<(), StorageError> {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// How many sessions the account has besides `this` one.
    pub async fn count_others(self, staff_id: &str, this: &str) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_sessions WHERE staff_id = $1 AND token_hash <> $2",
        )
        .bind(staff_id)
        .bind(this)
        .fetch_one(self.pool)
        .await?)
    }

    /// Ends every session of the account except `keep` (pass "" to end them all); returns how
    /// many ended.
    pub async fn end_all_but(self, staff_id: &str, keep: &str) -> Result<u64, StorageError> {
        Ok(
            sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1 AND token_hash <> $2")
                .bind(staff_id)
                .bind(keep)
                .execute(self.pool)
                .await?
                .rows_affected(),
        )
    }

    pub async fn delete(self, token_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool)
            .await?;
        Ok(())
    }
}

impl AuditLog<'_> {
    pub async fn record(
        self,
        now: i64,
        actor: Actor<'_>,
        action: AuditAction,
        detail: &str,
    ) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO audit_log (at, actor, action, detail) VALUES ($1, $2, $3, $4)")
            .bind(now)
            .bind(actor.as_str())
            .bind(action.as_str())
            .bind(detail)
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// The newest entries first.
    pub async fn newest(
        self,
        limit: i64,
    ) -> Result<Vec<(i64, String, String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool)
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

#[derive(Debug, thiserror::Error)]
pub enum ResealError {
    #[error(
        "the two-factor secret of account {0} does not open with the current key: is TWO_FACTOR_KEY (or its file) the key this database was sealed with? Nothing was changed"
    )]
    WrongKey(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}
