//! Staff sessions: an opaque token in a cookie, the session itself in the database so that any
//! app instance can serve it. 30 minutes idle, 12 hours at most.

use axum::http::HeaderMap;

use crate::cookies::cookie_value;
use crate::error::AppError;
use crate::state::AppState;
use domain::accounts::Role;
use domain::audit::Actor;
use domain::secret_token::SecretToken;
use domain::storage::StaffRecord;

pub const IDLE_SECONDS: i64 = 30 * 60;
pub const ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;
/// Failed sign-ins count against an account for this long.
pub const FAILURE_WINDOW_SECONDS: i64 = 60 * 60;

/// What the database may forget, and when: see `Storage::purge_expired`.
pub const LIFETIMES: domain::storage::Lifetimes = domain::storage::Lifetimes {
    session_idle: IDLE_SECONDS,
    session_absolute: ABSOLUTE_SECONDS,
    sign_in_failures: FAILURE_WINDOW_SECONDS,
};

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

/// How far signing in has got. A session's token changes whenever its stage does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; a code from the authenticator app is needed.
    SecondFactor,
    /// The password was right; the account must set up two-factor before anything else.
    TwoFactorSetup,
    /// Signed in.
    Full,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SecondFactor => "second_factor",
            Self::TwoFactorSetup => "two_factor_setup",
            Self::Full => "full",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::SecondFactor, Self::TwoFactorSetup, Self::Full]
            .into_iter()
            .find(|stage| stage.as_str() == text)
    }

    /// The page a session at this stage continues at.
    pub fn landing_path(self) -> &'static str {
        match self {
            Self::SecondFactor => "/admin/sign-in/code",
            Self::TwoFactorSetup => "/admin/two-factor/setup",
            Self::Full => "/admin",
        }
    }
}

/// The stage a session of an account starts at once its password is accepted.
pub fn stage_after_password(state: &AppState, has_two_factor: bool, role: Role) -> SessionStage {
    if has_two_factor {
        SessionStage::SecondFactor
    } else if state.require_two_factor && role.reads_research_data() {
        SessionStage::TwoFactorSetup
    } else {
        SessionStage::Full
    }
}

/// A member of staff behind a session cookie.
pub struct Staff {
    pub record: StaffRecord,
    pub role: Role,
    pub token: SecretToken,
    pub stage: SessionStage,
    /// Unix seconds at which the session ends if nothing more is done.
    pub idle_expires_at: i64,
    /// Unix seconds of this request, by the app's clock.
    pub seen_at: i64,
}

impl Staff {
    /// The signed-in member of staff behind a request's session cookie.
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Self, AppError> {
        Self::at_stage(state, headers, SessionStage::Full).await
    }

    /// The member of staff behind the cookie, only if their session is at `stage`.
    pub async fn at_stage(
        state: &AppState,
        headers: &HeaderMap,
        stage: SessionStage,
    ) -> Result<Self, AppError> {
        let staff = Self::at_any_stage(state, headers).await?;
        if staff.stage == stage {
            Ok(staff)
        } else {
            Err(AppError::NotSignedIn)
        }
    }

    /// The session behind the cookie, whatever its stage. Touching the session keeps it alive;
    /// an idle or too old session is ended.
    pub async fn at_any_stage(state: &AppState, headers: &HeaderMap) -> Result<Self, AppError> {
        let token = cookie_value(headers, cookie_name(state))
            .and_then(SecretToken::parse)
            .ok_or(AppError::NotSignedIn)?;
        let hash = token.storage_hash();
        let session = state
            .storage
            .sessions()
            .find(&hash)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        let now = state.clock.now();
        if now - session.last_seen_at > IDLE_SECONDS || now - session.created_at > ABSOLUTE_SECONDS
        {
            state.storage.sessions().delete(&hash).await?;
            return Err(AppError::NotSignedIn);
        }
        state.storage.sessions().touch(&hash, now).await?;
        let role = Role::parse(&session.staff.role)
            .ok_or_else(|| AppError::Internal("unknown role stored".into()))?;
        let stage = SessionStage::parse(&session.stage)
            .ok_or_else(|| AppError::Internal("unknown session stage stored".into()))?;
        Ok(Self {
            record: session.staff,
            role,
            token,
            stage,
            idle_expires_at: (now + IDLE_SECONDS).min(session.created_at + ABSOLUTE_SECONDS),
            seen_at: now,
        })
    }
}

/// Ends the session whose cookie the request carries, if any: signing in again on a browser
/// must not leave the session it held usable by whoever copied its cookie.
pub async fn end_held_session(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(token) = cookie_value(headers, cookie_name(state)).and_then(SecretToken::parse) {
        state
            .storage
            .sessions()
            .delete(&token.storage_hash())
            .await?;
    }
    Ok(())
}

impl Staff {
    /// This member of staff, as the audit log names them.
    pub fn actor(&self) -> Actor<'_> {
        Actor::Staff(&self.record.email)
    }
}
