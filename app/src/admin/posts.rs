//! Sign in, sign out and first-start setup as plain form posts (they work without JavaScript).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::audit::{Actor, AuditAction};
use domain::ids::ResponseId;

use crate::auth::session::{
    SessionStage, Staff, clearing_cookie, session_cookie, stage_after_password,
};
use crate::auth::{
    AnySession, AuthRejection, PendingSecondFactor, PendingTwoFactorSetup, Researcher,
    after_sign_in, with_next,
};
use crate::error::AppError;
use crate::form_posts::{RejectedForm, fields_named, render_rejected, render_with_context};
use crate::state::AppState;
use domain::accounts::two_factor::{RECOVERY_CODES, RECOVERY_PURPOSE, SecondFactor, TotpSecret};
use domain::accounts::{AccountError, Email, NewPassword, check_password, hash_password};
use domain::secret_token::{HandCode, SecretToken};
use domain::storage::{NewStaff, StorageError};

/// Failed sign-ins an account may have in an hour before it is refused outright.
pub const MAX_FAILURES_PER_HOUR: i64 = 100;
const SIGN_IN_PATH: &str = "/admin/sign-in";
const WRONG_SIGN_IN: &str = "Enter a correct email address and password";
const WRONG_CODE: &str =
    "Enter the 6-digit code your authenticator app shows now, or one of your recovery codes";
const WRONG_SETUP_CODE: &str = "The code did not match. Check that your phone's clock is right, then enter the 6-digit code the app shows now";

/// Recovery codes just made, for the page that shows them once.
#[derive(Clone, Debug)]
pub struct FreshRecoveryCodes(pub Vec<String>);
const SMALL_FORM_LIMIT: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(SIGN_IN_PATH, post(sign_in))
        .route("/admin/sign-out", post(sign_out))
        .route("/admin/setup/{token}", post(set_up_owner))
        .route(
            SessionStage::SecondFactor.landing_path(),
            post(check_second_factor),
        )
        .route(
            SessionStage::TwoFactorSetup.landing_path(),
            post(set_up_two_factor),
        )
        .route(
            "/admin/studies/{study}/responses/{id}/delete",
            post(delete_response),
        )
        .layer(DefaultBodyLimit::max(SMALL_FORM_LIMIT))
}

async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = fields_named(&headers, &body, &["email", "password", "next"])?;
    let next = after_sign_in(fields.get("next").map(String::as_str));
    let typed_email = fields.get("email").cloned().unwrap_or_default();
    let password = fields
        .get("password")
        .map(String::as_str)
        .unwrap_or_default();
    let staff = match Email::parse(&typed_email) {
        Ok(email) => state.storage.staff().by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let Some(staff) = staff else {
        check_password(None, password).await;
        state
            .audit(Actor::UnknownAccount, AuditAction::SignInFailed, "")
            .await?;
        return Ok(refuse_sign_in(&state, &headers, typed_email, &next).await);
    };
    if too_many_failures(&state, &staff).await? {
        check_password(None, password).await;
        return Ok(refuse_sign_in(&state, &headers, typed_email, &next).await);
    }
    if !check_password(Some(staff.password_hash.clone()), password).await {
        record_failure(&state, &staff, "wrong password").await?;
        return Ok(refuse_sign_in(&state, &headers, typed_email, &next).await);
    }
    let role = domain::accounts::Role::parse(&staff.role)
        .ok_or_else(|| AppError::Internal("unknown role stored".into()))?;
    let stage = stage_after_password(&state, staff.totp_secret.is_some(), role);
    let action = if stage == SessionStage::Full {
        AuditAction::SignedIn
    } else {
        AuditAction::PasswordAccepted
    };
    state.audit(Actor::Staff(&staff.email), action, "").await?;
    start_session(&state, &staff.id, stage, &next).await
}

/// A wrong password or code: counted towards the hourly limit and written in the audit log.
async fn record_failure(
    state: &AppState,
    staff: &domain::storage::StaffRecord,
    what: &str,
) -> Result<(), AppError> {
    state
        .storage
        .staff()
        .record_sign_in_failure(&staff.id, state.clock.now())
        .await?;
    state
        .audit(Actor::Staff(&staff.email), AuditAction::SignInFailed, what)
        .await
}

/// Failed passwords and codes count together: at most `MAX_FAILURES_PER_HOUR` an hour.
async fn too_many_failures(
    state: &AppState,
    staff: &domain::storage::StaffRecord,
) -> Result<bool, AppError> {
    let now = state.clock.now();
    let recent = state
        .storage
        .staff()
        .sign_in_failures_since(&staff.id, now - 3600)
        .await?;
    if recent < MAX_FAILURES_PER_HOUR {
        return Ok(false);
    }
    state
        .audit(
            Actor::Staff(&staff.email),
            AuditAction::SignInRefused,
            "too many failed attempts in the last hour",
        )
        .await?;
    Ok(true)
}

/// The same answer whether the account exists, the password is wrong or the account is throttled.
async fn refuse_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    typed_email: String,
    next: &str,
) -> Response {
    let mut rejected = RejectedForm::with_error("email", WRONG_SIGN_IN);
    rejected.values.insert("email".into(), typed_email);
    rejected.values.insert("next".into(), next.to_owned());
    render_rejected(state, SIGN_IN_PATH, headers, rejected).await
}

/// A new session (so a token from before sign-in is never reused), then the page of its stage:
/// `next` once fully signed in.
pub(super) async fn start_session(
    state: &AppState,
    staff_id: &str,
    stage: SessionStage,
    next: &str,
) -> Result<Response, AppError> {
    let token = SecretToken::generate();
    state
        .storage
        .sessions()
        .create(
            &token.storage_hash(),
            staff_id,
            stage.as_str(),
            state.clock.now(),
        )
        .await?;
    let landing = match stage {
        SessionStage::Full => next.to_owned(),
        SessionStage::SecondFactor => with_next(stage.landing_path(), next),
        _ => stage.landing_path().to_owned(),
    };
    let mut response = Redirect::to(&landing).into_response();
    set_cookie(&mut response, &session_cookie(state, &token));
    Ok(response)
}

/// Moves a session on to `stage` under a new token; returns the cookie that carries it.
async fn advance_session(
    state: &AppState,
    staff: &Staff,
    stage: SessionStage,
) -> Result<String, AppError> {
    let token = SecretToken::generate();
    state
        .storage
        .sessions()
        .replace(
            &staff.token.storage_hash(),
            &token.storage_hash(),
            stage.as_str(),
            state.clock.now(),
        )
        .await?;
    Ok(session_cookie(state, &token))
}

async fn check_second_factor(
    State(state): State<AppState>,
    PendingSecondFactor(staff): PendingSecondFactor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = fields_named(&headers, &body, &["code", "next"])?;
    let typed = fields.get("code").map(String::as_str).unwrap_or_default();
    let next = after_sign_in(fields.get("next").map(String::as_str));
    let here = SessionStage::SecondFactor.landing_path();
    if too_many_failures(&state, &staff.record).await? {
        return Ok(wrong_code(&state, &headers, here, WRONG_CODE, &next).await);
    }
    let Some(how) = second_factor_accepted(&state, &staff, typed).await? else {
        record_failure(&state, &staff.record, "wrong code").await?;
        return Ok(wrong_code(&state, &headers, here, WRONG_CODE, &next).await);
    };
    state
        .audit(staff.actor(), AuditAction::SignedIn, &how)
        .await?;
    let cookie = advance_session(&state, &staff, SessionStage::Full).await?;
    let mut response = Redirect::to(&next).into_response();
    set_cookie(&mut response, &cookie);
    Ok(response)
}

/// How the second factor was given, if it was right: a code is used once, a recovery code too.
async fn second_factor_accepted(
    state: &AppState,
    staff: &Staff,
    typed: &str,
) -> Result<Option<String>, AppError> {
    let secret = staff
        .record
        .totp_secret
        .as_deref()
        .and_then(TotpSecret::from_base32)
        .ok_or_else(|| AppError::Internal("two-factor secret missing or malformed".into()))?;
    let id = &staff.record.id;
    match SecondFactor::parse(typed) {
        Some(SecondFactor::Totp(code)) => match secret.step_of(&code, state.clock.now()) {
            Some(step) if state.storage.staff().accept_totp_step(id, step).await? => {
                Ok(Some("with an authenticator code".into()))
            }
            _ => Ok(None),
        },
        Some(SecondFactor::Recovery(code)) => {
            let hash = code.storage_hash(RECOVERY_PURPOSE);
            if !state
                .storage
                .staff()
                .use_recovery_code(id, &hash, state.clock.now())
                .await?
            {
                return Ok(None);
            }
            let left = state.storage.staff().unused_recovery_codes(id).await?;
            Ok(Some(format!("with a recovery code, {left} left")))
        }
        None => Ok(None),
    }
}

async fn wrong_code(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    message: &str,
    next: &str,
) -> Response {
    let mut rejected = RejectedForm::with_error("code", message);
    rejected.values.insert("next".into(), next.to_owned());
    render_rejected(state, path, headers, rejected).await
}

async fn set_up_two_factor(
    State(state): State<AppState>,
    PendingTwoFactorSetup(staff): PendingTwoFactorSetup,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = fields_named(&headers, &body, &["code"])?;
    let typed = fields.get("code").map(String::as_str).unwrap_or_default();
    let here = SessionStage::TwoFactorSetup.landing_path();
    let secret = TotpSecret::offered_during(&staff.token);
    let step = match SecondFactor::parse(typed) {
        Some(SecondFactor::Totp(code)) => secret.step_of(&code, state.clock.now()),
        _ => None,
    };
    let Some(step) = step else {
        return Ok(wrong_code(&state, &headers, here, WRONG_SETUP_CODE, "/admin").await);
    };
    let codes: Vec<HandCode> = (0..RECOVERY_CODES).map(|_| HandCode::generate()).collect();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| c.storage_hash(RECOVERY_PURPOSE))
        .collect();
    state
        .storage
        .staff()
        .enable_two_factor(&staff.record.id, &secret.to_base32(), step, &hashes)
        .await?;
    state
        .audit(staff.actor(), AuditAction::TwoFactorSetUp, "")
        .await?;
    let cookie = advance_session(&state, &staff, SessionStage::Full).await?;
    let shown = FreshRecoveryCodes(codes.iter().map(HandCode::for_display).collect());
    let mut response = render_with_context(&state, here, &headers, shown).await;
    set_cookie(&mut response, &cookie);
    Ok(response)
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

async fn sign_out(
    State(state): State<AppState>,
    session: Result<AnySession, AuthRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    fields_named(&headers, &body, &[])?;
    if let Ok(AnySession(staff)) = session {
        state
            .storage
            .sessions()
            .delete(&staff.token.storage_hash())
            .await?;
        state
            .audit(staff.actor(), AuditAction::SignedOut, "")
            .await?;
    }
    let mut response = Redirect::to(SIGN_IN_PATH).into_response();
    set_cookie(&mut response, &clearing_cookie(&state));
    Ok(response)
}

async fn set_up_owner(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let link = SecretToken::parse(&token).ok_or(AppError::UnknownLink)?;
    let fields = fields_named(&headers, &body, &["email", "password", "confirm"])?;
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
    let here = format!("/admin/setup/{token}");
    let checked = Email::parse(field("email"))
        .map_err(|e| ("email", e))
        .and_then(|email| {
            let password = NewPassword::parse(field("password")).map_err(|e| ("password", e))?;
            if field("password") != field("confirm") {
                return Err(("confirm", AccountError::PasswordsDiffer));
            }
            Ok((email, password))
        });
    let (email, password) = match checked {
        Ok(valid) => valid,
        Err((field_id, problem)) => {
            let mut rejected = RejectedForm::with_error(field_id, &problem.to_string());
            rejected
                .values
                .insert("email".into(), field("email").to_owned());
            return Ok(render_rejected(&state, &here, &headers, rejected).await);
        }
    };
    let hash = hash_password(password).await;
    let new = NewStaff {
        email: email.as_str(),
        password_hash: &hash,
        role: "owner",
        now: state.clock.now(),
    };
    let id = match state
        .storage
        .staff()
        .create_owner_with_setup_link(&link.storage_hash(), new)
        .await
    {
        Ok(id) => id,
        Err(StorageError::NotFound) => return Err(AppError::UnknownLink),
        Err(other) => return Err(other.into()),
    };
    state
        .audit(
            Actor::Staff(email.as_str()),
            AuditAction::AccountCreated,
            "first owner, from the setup link",
        )
        .await?;
    let stage = stage_after_password(&state, false, domain::accounts::Role::Owner);
    start_session(&state, &id, stage, "/admin").await
}

/// A researcher deletes one response (after the confirmation page).
async fn delete_response(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Researcher(staff): Researcher,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    fields_named(&headers, &body, &[])?;
    let study = state.study(&slug)?;
    let id = ResponseId::parse(id).map_err(|_| AppError::UnknownResponse)?;
    let record = state
        .storage
        .responses()
        .in_study(&study.slug, &id)
        .await?
        .ok_or(AppError::UnknownResponse)?;
    state.storage.responses().delete(&record.id).await?;
    let who = record.participant_number.map_or_else(
        || "a response not submitted".to_owned(),
        |n| format!("P{n}"),
    );
    state
        .audit(
            staff.actor(),
            AuditAction::DeletedResponse,
            &format!("study {slug}, {who}"),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/studies/{slug}/responses?deleted=1")).into_response())
}
