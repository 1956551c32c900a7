//! A step of the journey: one of the study's pages, or check your answers. Each post saves and
//! redirects (303) to the next step, or shows the same page again with its errors (422) and saves
//! nothing. Addresses name the study and the step; whose answers they are comes from this
//! browser's cookie.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::check::CheckPage;
use super::data::*;
use super::questions::QuestionsPage;
use crate::components::when_loaded;

#[server]
pub async fn load_step(
    study: String,
    step: String,
    return_to: Option<String>,
    link_renewed: bool,
) -> Result<StepView, ServerFnError> {
    load::step(&study, &step, return_to.as_deref(), link_renewed)
        .await
        .map_err(|e| e.into_server_fn_error())
}

/// Saves some fields of one page as the participant types. Checked exactly as Continue checks them.
#[server(input = Json)]
pub async fn save_fields(
    study: String,
    step: String,
    fields: Vec<(String, String)>,
) -> Result<(), ServerFnError> {
    load::save(&study, &step, &fields)
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
        study: &str,
        step: &str,
        return_to: Option<&str>,
        link_renewed: bool,
    ) -> Result<StepView, AppError> {
        let state = app_state()?;
        let headers = request_headers();
        let (participant, answers) =
            Participant::on_device_with_answers(&state, &headers, study).await?;
        let rejected = use_context::<RejectedForm>();
        let link = ShownLink {
            url: format!(
                "{}{}",
                site_url(&state, &headers),
                participant.private_link_path()
            ),
            renewed: link_renewed,
        };
        if step == CHECK_STEP_SLUG {
            return Ok(StepView::Check(check_view(
                &participant,
                &answers,
                rejected.is_some(),
                link,
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
            link,
        )))
    }

    pub async fn save(
        study: &str,
        step: &str,
        fields: &[(String, String)],
    ) -> Result<(), AppError> {
        let state = app_state()?;
        let participant = Participant::on_device(&state, &request_headers(), study).await?;
        participant.check_still_answering(&state)?;
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
            let query = query.read();
            (
                params.get("study").unwrap_or_default(),
                params.get("step").unwrap_or_default(),
                query.get("return"),
                query.get("link").is_some_and(|value| value == "new"),
            )
        },
        |(study, step, return_to, link_renewed)| load_step(study, step, return_to, link_renewed),
    );
    when_loaded(step, |step| match step {
        StepView::Questions(view) => view! { <QuestionsPage view/> }.into_any(),
        StepView::Check(view) => view! { <CheckPage view/> }.into_any(),
    })
}

/// The form posts, plain ones: how the survey works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {

    use super::super::flow::*;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, parse_form, render_rejected, render_with_context};
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::events::Event;

    use domain::journey::*;
    use domain::private_link::{minute_of, minutes_since};

    pub fn routes() -> Router<AppState> {
        Router::new().route("/s/{study}/answers/{step}", post(continue_step))
    }

    async fn continue_step(
        State(state): State<AppState>,
        Path((study, step)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        if step == CHECK_STEP_SLUG {
            let participant = Participant::held_on_device(&state, &headers, &study).await?;
            participant.check_still_answering(&state)?;
            return submit(&state, &participant, &fields, &headers).await;
        }
        let participant = Participant::on_device(&state, &headers, &study).await?;
        participant.check_still_answering(&state)?;
        let (index, page) = participant.study.page(&step).ok_or(AppError::UnknownStep)?;
        let form = read_page_form(page, &fields)?;
        let here = participant.step_href(&page.slug);
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
        Ok(Redirect::to(&participant.step_href(next)).into_response())
    }

    /// Submits, makes the browser forget the link, and answers with the thanks page and its
    /// withdrawal code: shown this once, so that neither history nor the next person at this
    /// device can bring it back. A resend (a double click) before the browser has forgotten the
    /// link answers the same.
    async fn submit(
        state: &AppState,
        participant: &Participant,
        fields: &[(String, String)],
        headers: &HeaderMap,
    ) -> Result<Response, AppError> {
        if let Some((name, _)) = fields.first() {
            return Err(AppError::UnknownField(name.clone()));
        }
        if participant.record.submitted_on.is_none()
            && let Some(missing_answers) = record_submission(state, participant).await?
        {
            let check = participant.step_href(CHECK_STEP_SLUG);
            return Ok(render_rejected(state, &check, headers, missing_answers).await);
        }
        let study = &participant.study;
        let thanks = submitted_view(study, &participant.token);
        let mut response =
            render_with_context(state, &thanks_path(&study.slug), headers, thanks).await;
        clear_resume_cookie(state, &mut response, &study.slug);
        Ok(response)
    }

    /// Submits the participant's answers; or, when some required ones are missing, the rejected
    /// form that lists them.
    async fn record_submission(
        state: &AppState,
        participant: &Participant,
    ) -> Result<Option<RejectedForm>, AppError> {
        let answers = state
            .storage
            .responses()
            .answers(&participant.record.id)
            .await?;
        if !missing_answers(&participant.study, &answers, &|_, _| String::new()).is_empty() {
            return Ok(Some(RejectedForm::default()));
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
        Ok(None)
    }
}
