//! Plain HTML form posts: how the survey works without JavaScript (and how Continue works with it).
//! Each post either saves and redirects (303) to the next step, or shows the same page again with
//! its errors (422) and saves nothing.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::flow::*;
use crate::error::AppError;
use crate::form_posts::{FORM_BODY_LIMIT, RejectedForm, parse_form, render_rejected};
use crate::state::AppState;
use domain::events::Event;
use domain::ids::StudySlug;
use domain::journey::*;
use domain::private_link::{
    WITHDRAWAL_PURPOSE, masked_start, minute_of, minutes_since, withdrawal_code,
};
use domain::secret_token::SecretToken;
use domain::storage::NewResponse;

const CONSENT_FIELD: &str = "consent";
const RESUME_COOKIE_DAYS: u32 = 180;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/s/{study}/consent", post(consent))
        .route("/r/{token}", get(resume))
        .route("/r/{token}/{step}", post(continue_step))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
}

async fn consent(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let study = state.studies.get(&slug).ok_or(AppError::UnknownStudy)?;
    let mut agreed = false;
    for (name, value) in parse_form(&headers, &body)? {
        match name.as_str() {
            CONSENT_FIELD if value == "yes" => agreed = true,
            _ => return Err(AppError::UnknownField(name)),
        }
    }
    if !agreed {
        let rejected = RejectedForm::with_error(
            CONSENT_FIELD,
            "Confirm that you have read the information and agree to take part",
        );
        return Ok(render_rejected(&state, uri.path(), &headers, rejected).await);
    }
    let token = SecretToken::generate();
    let first_step = page_step(0);
    state
        .storage
        .responses()
        .start(NewResponse {
            study_slug: &study.slug,
            study_version: &study.version,
            token_hash: &token.storage_hash(),
            consent_version: &study.consent_version,
            first_step: i64::try_from(first_step).unwrap_or(1),
            today: state.clock.today(),
            withdrawal_hash: &withdrawal_code(&token).storage_hash(WITHDRAWAL_PURPOSE),
            masked_start_minute: masked_start(&token, minute_of(state.clock.now())),
        })
        .await?;
    let mut response =
        Redirect::to(&step_href(&token, slug_for_step(&study, first_step))).into_response();
    set_resume_cookie(&state, &mut response, &study.slug, &token);
    Ok(response)
}

/// The private link: takes the person to the step they reached, and remembers them in this browser.
async fn resume(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let participant = Participant::find(&state, &token).await?;
    let mut response = Redirect::to(&participant.continue_href()).into_response();
    if participant.record.submitted_on.is_none() {
        set_resume_cookie(
            &state,
            &mut response,
            &participant.study.slug,
            &participant.token,
        );
    }
    Ok(response)
}

async fn continue_step(
    State(state): State<AppState>,
    Path((token, step)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let participant = Participant::find(&state, &token).await?;
    let fields = parse_form(&headers, &body)?;
    if step == CHECK_STEP_SLUG {
        return submit(&state, &participant, &fields, &headers).await;
    }
    if participant.record.submitted_on.is_some() {
        return Err(AppError::AlreadySubmitted);
    }
    let (index, page) = participant.study.page(&step).ok_or(AppError::UnknownStep)?;
    let form = read_page_form(page, &fields)?;
    let here = step_href(&participant.token, &page.slug);
    if !form.typing_errors.is_empty() {
        let path = if form.return_to_check {
            format!("{here}?{RETURN_FIELD}={CHECK_STEP_SLUG}")
        } else {
            here
        };
        let rejected = RejectedForm {
            values: fields.into_iter().collect(),
            errors: form.typing_errors,
        };
        return Ok(render_rejected(&state, &path, &headers, rejected).await);
    }
    let next_step = page_step(index) + 1;
    let reached = i64::try_from(next_step).unwrap_or(i64::MAX);
    state
        .storage
        .responses()
        .save_answers(
            &participant.record.id,
            &form.changes,
            reached,
            state.clock.today(),
        )
        .await?;
    let next = if form.return_to_check {
        CHECK_STEP_SLUG
    } else {
        slug_for_step(&participant.study, next_step)
    };
    Ok(Redirect::to(&step_href(&participant.token, next)).into_response())
}

async fn submit(
    state: &AppState,
    participant: &Participant,
    fields: &[(String, String)],
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    if let Some((name, _)) = fields.first() {
        return Err(AppError::UnknownField(name.clone()));
    }
    let thanks = Redirect::to(&step_href(&participant.token, THANKS_STEP_SLUG)).into_response();
    if participant.record.submitted_on.is_some() {
        return Ok(thanks);
    }
    let answers = state
        .storage
        .responses()
        .answers(&participant.record.id)
        .await?;
    if !missing_answers(&participant.study, &answers, &|_, _| String::new()).is_empty() {
        let check = step_href(&participant.token, CHECK_STEP_SLUG);
        return Ok(render_rejected(state, &check, headers, RejectedForm::default()).await);
    }
    let last_step = i64::try_from(total_steps(&participant.study)).unwrap_or(i64::MAX);
    let minutes = participant
        .record
        .masked_start_minute
        .map(|masked| minutes_since(&participant.token, masked, minute_of(state.clock.now())));
    state
        .storage
        .responses()
        .submit(
            &participant.record.id,
            last_step,
            state.clock.today(),
            minutes,
        )
        .await?;
    state
        .events
        .publish(Event::ResponseSubmitted {
            study: participant.study.slug.clone(),
            response: participant.record.id.clone(),
        })
        .await;
    Ok(thanks)
}

fn set_resume_cookie(
    state: &AppState,
    response: &mut Response,
    study_slug: &StudySlug,
    token: &SecretToken,
) {
    let secure = if state.serves_https() { "; Secure" } else { "" };
    let max_age = RESUME_COOKIE_DAYS * 24 * 60 * 60;
    let cookie = format!(
        "{}={}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        resume_cookie_name(study_slug),
        token.as_str()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
