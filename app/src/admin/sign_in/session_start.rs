//! What every step of signing in shares: starting or advancing a session, and a refused code.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::session::{SessionStage, Staff, session_cookie};
use crate::auth::with_next;
use crate::error::AppError;
use crate::form_posts::{RejectedForm, render_rejected};
use crate::state::AppState;
use domain::secret_token::SecretToken;

/// A new session (so a token from before sign-in is never reused), then the page of its stage:
/// `next` once fully signed in.
pub(in crate::admin) async fn start_session(
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
pub(super) async fn advance_session(
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

pub(super) fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

pub(super) async fn wrong_code(
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
