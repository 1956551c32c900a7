//! The information about the study and the consent to take part; agreeing starts a response and
//! its private link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::data::*;
use super::device::{ForgetDevice, RememberDevice};
use super::frame::{StepHeader, page_title};
use crate::components::{ErrorSummary, Prose, when_loaded};

#[server]
pub async fn load_consent(study: String) -> Result<ConsentView, ServerFnError> {
    load::consent(&study).map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
pub(crate) mod load {
    use super::super::data::*;
    use super::super::flow::*;
    use crate::context::{app_state, request_headers};
    use leptos::prelude::use_context;

    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use domain::journey::*;

    pub fn consent(slug: &str) -> Result<ConsentView, AppError> {
        let state = app_state()?;
        let study = state.studies.get(slug).ok_or(AppError::UnknownStudy)?;
        check_admission(&state, &study)?;
        let rejected = use_context::<RejectedForm>();
        Ok(ConsentView {
            frame: frame(FrameInput {
                study: &study,
                step: CONSENT_STEP,
                back_href: Some(format!("/s/{slug}")),
                resume_url: None,
                link_renewed: false,
            }),
            study_slug: study.slug.to_string(),
            title: study.information_title.clone(),
            information_html: study.information_html.clone(),
            statement: study.consent_statement.clone(),
            errors: rejected
                .as_ref()
                .map(RejectedForm::summary)
                .unwrap_or_default(),
            holds_answers: held_token(&state, &request_headers(), slug).is_ok(),
        })
    }
}

#[component]
pub fn ConsentPage() -> impl IntoView {
    let params = use_params_map();
    let consent = Resource::new_blocking(
        move || params.read().get("study").unwrap_or_default(),
        load_consent,
    );
    when_loaded(consent, |view| view! { <Consent view/> })
}

#[component]
fn Consent(view: ConsentView) -> impl IntoView {
    let error = view.errors.first().map(|e| e.message.clone());
    let has_error = error.is_some();
    let forget = view.holds_answers.then(|| view.study_slug.clone());
    view! {
        <Title text=page_title(&view.title, has_error)/>
        <StepHeader frame=view.frame/>
        <ErrorSummary errors=view.errors/>
        <h1>{view.title}</h1>
        <Prose html=view.information_html/>
        <form method="post" action=format!("/s/{}/consent", view.study_slug) novalidate>
            <div class="form-group" class:form-group--error=has_error>
                <fieldset class="fieldset" aria-describedby=has_error.then_some("consent-error")>
                    <legend class="fieldset__legend fieldset__legend--m">"Do you agree to take part?"</legend>
                    {error.map(|message| view! {
                        <p id="consent-error" class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
                    })}
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" type="checkbox" id="consent" name="consent" value="yes"/>
                        <label class="checkboxes__label" for="consent">{view.statement}</label>
                    </div>
                </fieldset>
            </div>
            <RememberDevice/>
            <button type="submit" class="button">"Agree and continue"</button>
        </form>
        {forget.map(|study_slug| view! { <ForgetDevice study_slug/> })}
    }
}

/// The form posts, plain ones: how the survey works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {

    use super::super::flow::*;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::{HeaderMap, Uri};
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;

    use domain::journey::*;
    use domain::private_link::{WITHDRAWAL_PURPOSE, masked_start, minute_of, withdrawal_code};
    use domain::secret_token::SecretToken;
    use domain::storage::NewResponse;

    const CONSENT_FIELD: &str = "consent";

    pub fn routes() -> Router<AppState> {
        Router::new().route("/s/{study}/consent", post(consent))
    }

    async fn consent(
        State(state): State<AppState>,
        Path(slug): Path<String>,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = state.studies.get(&slug).ok_or(AppError::UnknownStudy)?;
        check_admission(&state, &study)?;
        let fields = fields_named(&headers, &body, &[CONSENT_FIELD, REMEMBER_FIELD])?;
        let agreed = fields
            .get(CONSENT_FIELD)
            .is_some_and(|value| value == "yes");
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
                study_version_number: study.version_number,
                token_hash: &token.storage_hash(),
                consent_version: &study.consent_version,
                first_step: i64::try_from(first_step).unwrap_or(1),
                today: state.clock.today(),
                withdrawal_hash: &withdrawal_code(&token).storage_hash(WITHDRAWAL_PURPOSE),
                masked_start_minute: masked_start(&token, minute_of(state.clock.now())),
                deal_from: study.deals_anything().then_some(&*study),
            })
            .await?;
        let first_page = step_href(&study.slug, slug_for_step(&study, first_step));
        let mut response = Redirect::to(&first_page).into_response();
        let memory = DeviceMemory::chosen(fields.get(REMEMBER_FIELD));
        set_resume_cookie(&state, &mut response, &study.slug, &token, memory);
        Ok(response)
    }
}
