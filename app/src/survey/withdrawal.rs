//! Withdrawal: a participant gives their withdrawal code, confirms, and their answers are deleted.
//! Plain form posts, so it works without JavaScript.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::audit::{Actor, AuditAction};

use super::data::WithdrawalView;
use crate::error::AppError;
use crate::form_posts::{RejectedForm, fields_named, render_rejected, render_with_context};
use crate::state::AppState;
use domain::private_link::WITHDRAWAL_PURPOSE;
use domain::secret_token::HandCode;
use domain::storage::ResponseRecord;

pub const WITHDRAW_PATH: &str = "/withdraw";
pub const WITHDRAWN_PATH: &str = "/withdraw/done";
pub const CONFIRM_PATH: &str = "/withdraw/confirm";
const NO_MATCH: &str =
    "No answers match this withdrawal code. Check that you copied all 12 letters and numbers";
const SMALL_FORM_LIMIT: usize = 4 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(WITHDRAW_PATH, post(find_answers))
        .route(CONFIRM_PATH, post(withdraw_answers))
        .layer(DefaultBodyLimit::max(SMALL_FORM_LIMIT))
}

enum Lookup {
    Found(HandCode, ResponseRecord),
    NoMatch(RejectedForm),
}

/// The answers a typed withdrawal code belongs to.
async fn look_up(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Lookup, AppError> {
    let fields = fields_named(headers, body, &["code"])?;
    let typed = fields.get("code").cloned().unwrap_or_default();
    if let Some(code) = HandCode::parse(&typed)
        && let Some(record) = state
            .storage
            .responses()
            .find_by_withdrawal_hash(&code.storage_hash(WITHDRAWAL_PURPOSE))
            .await?
    {
        return Ok(Lookup::Found(code, record));
    }
    let mut rejected = RejectedForm::with_error("code", NO_MATCH);
    rejected.values.insert("code".into(), typed);
    Ok(Lookup::NoMatch(rejected))
}

/// First post: the code is right; ask to confirm before anything is deleted.
async fn find_answers(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    match look_up(&state, &headers, &body).await? {
        Lookup::NoMatch(rejected) => {
            Ok(render_rejected(&state, WITHDRAW_PATH, &headers, rejected).await)
        }
        Lookup::Found(code, record) => {
            let confirm = WithdrawalView::Confirm {
                code: code.for_display(),
                study_title: state
                    .studies
                    .get(&record.study_slug)
                    .map(|study| study.title.clone())
                    .unwrap_or_default(),
                submitted_on: record
                    .submitted_on
                    .map(|day| day.format("%-d %B %Y").to_string()),
            };
            Ok(render_with_context(&state, WITHDRAW_PATH, &headers, confirm).await)
        }
    }
}

/// Second post: delete the answers, and say so on a page of its own.
async fn withdraw_answers(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let record = match look_up(&state, &headers, &body).await? {
        Lookup::NoMatch(rejected) => {
            return Ok(render_rejected(&state, CONFIRM_PATH, &headers, rejected).await);
        }
        Lookup::Found(_, record) => record,
    };
    state.storage.responses().delete(&record.id).await?;
    let who = record
        .participant_number
        .map_or_else(|| "not submitted".to_owned(), |n| format!("P{n}"));
    state
        .audit(
            Actor::Participant,
            AuditAction::ResponseWithdrawn,
            &format!("study {}, {who}", record.study_slug),
        )
        .await?;
    Ok(Redirect::to(WITHDRAWN_PATH).into_response())
}
