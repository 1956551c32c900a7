//! A step of the journey: one of the study's pages, check your answers, or the thanks after
//! submitting. Loaded and saved through the private link; each post saves and redirects (303) to
//! the next step, or shows the same page again with its errors (422) and saves nothing.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::check::CheckPage;
use super::data::*;
use super::questions::QuestionsPage;
use super::thanks::SubmittedPage;
use crate::components::when_loaded;

#[server]
pub async fn load_step(
    token: String,
    step: String,
    return_to: Option<String>,
) -> Result<StepView, ServerFnError> {
    load::step(&token, &step, return_to.as_deref())
        .await
        .map_err(|e| e.into_server_fn_error())
}

/// Saves some fields of one page as the participant types. Checked exactly as Continue checks them.
#[server(input = Json)]
pub async fn save_fields(
    token: String,
    step: String,
    fields: Vec<(String, String)>,
) -> Result<(), ServerFnError> {
    load::save(&token, &step, &fields)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
pub(crate) mod load {
    use super::super::data::*;
    use super::super::flow::*;
    use crate::context::{app_state, request_headers, site_url};
    use leptos::prelude::use_context;

    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use domain::journey::*;

    pub async fn step(
        token: &str,
        step: &str,
        return_to: Option<&str>,
    ) -> Result<StepView, AppError> {
        let state = app_state()?;
        let (participant, answers) = Participant::find_with_answers(&state, token).await?;
        if let Some(day) = participant.record.submitted_on {
            return Ok(StepView::Submitted(submitted_view(
                &participant.study,
                day,
                &participant.token,
            )));
        }
        let rejected = use_context::<RejectedForm>();
        let resume_url = format!(
            "{}{}",
            site_url(&state, &request_headers()),
            participant.resume_href()
        );
        if step == CHECK_STEP_SLUG || step == THANKS_STEP_SLUG {
            return Ok(StepView::Check(check_view(
                &participant,
                &answers,
                rejected.is_some(),
                resume_url,
            )));
        }
        let (index, _) = participant.study.page(step).ok_or(AppError::UnknownStep)?;
        let return_to_check = return_to == Some(CHECK_STEP_SLUG);
        Ok(StepView::Questions(questions_view(
            &participant,
            index,
            &answers,
            rejected.as_ref(),
            return_to_check,
            resume_url,
        )))
    }

    pub async fn save(
        token: &str,
        step: &str,
        fields: &[(String, String)],
    ) -> Result<(), AppError> {
        let state = app_state()?;
        let participant = Participant::find(&state, token).await?;
        if participant.record.submitted_on.is_some() {
            return Err(AppError::AlreadySubmitted);
        }
        let (index, page) = participant.study.page(step).ok_or(AppError::UnknownStep)?;
        let form = read_page_form(page, fields)?;
        if let Some((_, message)) = form.typing_errors.first() {
            return Err(AppError::BadForm(message.clone()));
        }
        let current_step = i64::try_from(page_step(index)).unwrap_or(i64::MAX);
        state
            .storage
            .responses()
            .save_answers(
                &participant.record.id,
                &form.changes,
                current_step,
                state.clock.today(),
            )
            .await?;
        Ok(())
    }
}

#[component]
pub fn StepPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let step = Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("token").unwrap_or_default(),
                params.get("step").unwrap_or_default(),
                query.read().get("return"),
            )
        },
        |(token, step, return_to)| load_step(token, step, return_to),
    );
    when_loaded(step, |step| match step {
        StepView::Questions(view) => view! { <QuestionsPage view/> }.into_any(),
        StepView::Check(view) => view! { <CheckPage view/> }.into_any(),
        StepView::Submitted(view) => view! { <SubmittedPage view/> }.into_any(),
    })
}

/// The form posts, plain ones: how the survey works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {

    use super::super::flow::*;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, parse_form, render_rejected};
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::{get, post};
    use domain::events::Event;

    use domain::journey::*;
    use domain::private_link::{minute_of, minutes_since};

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/r/{token}", get(resume))
            .route("/r/{token}/{step}", post(continue_step))
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
}
