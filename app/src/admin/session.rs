//! Staff sessions: an opaque token in a cookie, the session itself in the database so that any
//! app instance can serve it. 30 minutes idle, 12 hours at most.

use axum::http::HeaderMap;

use super::accounts::Role;
use crate::error::AppError;
use crate::forms::cookie_value;
use crate::secret_token::SecretToken;
use crate::state::AppState;
use crate::storage::StaffRecord;

pub const IDLE_SECONDS: i64 = 30 * 60;
pub const ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.serves_https() {
        "__Host-staff-session"
    } else {
        "staff-session"
    }
}

pub fn session_cookie(state: &AppState, token: &SecretToken) -> String {
    let secure = if state.serves_https() { "; Secure" } else { "" };
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
        cookie_name(state),
        token.as_str()
    )
}

pub fn clearing_cookie(state: &AppState) -> String {
    let secure = if state.serves_https() { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}",
        cookie_name(state)
    )
}

/// A signed-in member of staff.
pub struct Staff {
    pub record: StaffRecord,
    pub role: Role,
    pub token: SecretToken,
}

impl Staff {
    /// The signed-in member of staff behind a request's session cookie. Touching the session
    /// keeps it alive; an idle or too old session is ended.
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Self, AppError> {
        let token = cookie_value(headers, cookie_name(state))
            .and_then(SecretToken::parse)
            .ok_or(AppError::NotSignedIn)?;
        let hash = token.storage_hash();
        let session = state
            .storage
            .session(&hash)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        let now = now();
        if now - session.last_seen_at > IDLE_SECONDS || now - session.created_at > ABSOLUTE_SECONDS
        {
            state.storage.delete_session(&hash).await?;
            return Err(AppError::NotSignedIn);
        }
        state.storage.touch_session(&hash, now).await?;
        let role = Role::parse(&session.staff.role)
            .ok_or_else(|| AppError::Internal("unknown role stored".into()))?;
        Ok(Self {
            record: session.staff,
            role,
            token,
        })
    }

    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.role == Role::Owner {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_research_access(&self) -> Result<(), AppError> {
        if self.role.reads_research_data() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}
