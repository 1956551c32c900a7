//! Sign in, sign out and first-start setup as plain form posts (they work without JavaScript).

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

use super::accounts::{
    AccountError, Email, NewPassword, password_matches, spend_password_check_time,
};
use super::session::{Staff, clearing_cookie, now, session_cookie};
use crate::error::AppError;
use crate::forms::{RejectedForm, parse_form, render_rejected};
use crate::secret_token::SecretToken;
use crate::state::AppState;
use crate::storage::{NewStaff, StorageError};

/// Failed sign-ins an account may have in an hour before it is refused outright.
pub const MAX_FAILURES_PER_HOUR: i64 = 100;
const SIGN_IN_PATH: &str = "/admin/sign-in";
const WRONG_SIGN_IN: &str = "Enter a correct email address and password";
const SMALL_FORM_LIMIT: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(SIGN_IN_PATH, post(sign_in))
        .route("/admin/sign-out", post(sign_out))
        .route("/admin/setup/{token}", post(set_up_owner))
        .layer(DefaultBodyLimit::max(SMALL_FORM_LIMIT))
}

fn fields_of(
    headers: &HeaderMap,
    body: &[u8],
    allowed: &[&str],
) -> Result<HashMap<String, String>, AppError> {
    let mut fields = HashMap::new();
    for (name, value) in parse_form(headers, body)? {
        if !allowed.contains(&name.as_str()) {
            return Err(AppError::UnknownField(name));
        }
        fields.insert(name, value);
    }
    Ok(fields)
}

async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = fields_of(&headers, &body, &["email", "password"])?;
    let typed_email = fields.get("email").cloned().unwrap_or_default();
    let password = fields
        .get("password")
        .map(String::as_str)
        .unwrap_or_default();
    let now = now();
    let staff = match Email::parse(&typed_email) {
        Ok(email) => state.storage.staff_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let Some(staff) = staff else {
        spend_password_check_time(password);
        state
            .storage
            .audit(now, "unknown account", "sign-in failed", "")
            .await?;
        return Ok(refuse_sign_in(&state, &headers, typed_email).await);
    };
    let recent_failures = state
        .storage
        .sign_in_failures_since(&staff.id, now - 3600)
        .await?;
    if recent_failures >= MAX_FAILURES_PER_HOUR {
        spend_password_check_time(password);
        state
            .storage
            .audit(
                now,
                &staff.email,
                "sign-in refused",
                "too many failed attempts in the last hour",
            )
            .await?;
        return Ok(refuse_sign_in(&state, &headers, typed_email).await);
    }
    if !password_matches(&staff.password_hash, password) {
        state.storage.record_sign_in_failure(&staff.id, now).await?;
        state
            .storage
            .audit(now, &staff.email, "sign-in failed", "wrong password")
            .await?;
        return Ok(refuse_sign_in(&state, &headers, typed_email).await);
    }
    state
        .storage
        .audit(now, &staff.email, "signed in", "")
        .await?;
    start_session(&state, &staff.id).await
}

/// The same answer whether the account exists, the password is wrong or the account is throttled.
async fn refuse_sign_in(state: &AppState, headers: &HeaderMap, typed_email: String) -> Response {
    let mut rejected = RejectedForm::with_error("email", WRONG_SIGN_IN);
    rejected.values.insert("email".into(), typed_email);
    render_rejected(state, SIGN_IN_PATH, headers, rejected).await
}

/// A new session (so a token from before sign-in is never reused), then the researcher area.
async fn start_session(state: &AppState, staff_id: &str) -> Result<Response, AppError> {
    let token = SecretToken::generate();
    state
        .storage
        .create_session(&token.storage_hash(), staff_id, now())
        .await?;
    let mut response = Redirect::to("/admin").into_response();
    set_cookie(&mut response, &session_cookie(state, &token));
    Ok(response)
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    fields_of(&headers, &body, &[])?;
    if let Ok(staff) = Staff::from_headers(&state, &headers).await {
        state
            .storage
            .delete_session(&staff.token.storage_hash())
            .await?;
        state
            .storage
            .audit(now(), &staff.record.email, "signed out", "")
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
    let fields = fields_of(&headers, &body, &["email", "password", "confirm"])?;
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
    let hash = password.hash();
    let new = NewStaff {
        email: email.as_str(),
        password_hash: &hash,
        role: "owner",
        now: now(),
    };
    let id = match state
        .storage
        .create_owner_with_setup_link(&link.storage_hash(), new)
        .await
    {
        Ok(id) => id,
        Err(StorageError::NotFound) => return Err(AppError::UnknownLink),
        Err(other) => return Err(other.into()),
    };
    state
        .storage
        .audit(
            now(),
            email.as_str(),
            "account created",
            "first owner, from the setup link",
        )
        .await?;
    start_session(&state, &id).await
}
