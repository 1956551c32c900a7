//! The study's start page, with a way back in for someone who has already begun.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::data::*;
use crate::components::when_loaded;

#[server]
pub async fn load_landing(study: Option<String>) -> Result<LandingView, ServerFnError> {
    load::landing(study)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
pub(crate) mod load {

    use super::super::data::*;
    use super::super::flow::*;
    use crate::context::{app_state, request_headers};
    use crate::cookies::cookie_value;
    use crate::error::AppError;

    pub async fn landing(slug: Option<String>) -> Result<LandingView, AppError> {
        let state = app_state()?;
        let study = match slug {
            Some(slug) => state.studies.get(&slug),
            None => state.studies.default_study(),
        }
        .ok_or(AppError::UnknownStudy)?;
        let headers = request_headers();
        let mut resume_href = None;
        if let Some(token) = cookie_value(&headers, &resume_cookie_name(&study.slug)) {
            // A stale or foreign cookie simply means there is nothing to resume.
            if let Ok(participant) = Participant::find(&state, token).await
                && participant.record.submitted_on.is_none()
            {
                resume_href = Some(participant.resume_href());
            }
        }
        Ok(LandingView {
            study_slug: study.slug.to_string(),
            title: study.title.clone(),
            resume_href,
        })
    }
}

#[component]
pub fn LandingPage() -> impl IntoView {
    let params = use_params_map();
    let landing = Resource::new_blocking(move || params.read().get("study"), load_landing);
    when_loaded(landing, |view| view! { <Landing view/> })
}

#[component]
fn Landing(view: LandingView) -> impl IntoView {
    let start = format!("/s/{}/consent", view.study_slug);
    view! {
        <Title text=view.title.clone()/>
        <h1>{view.title}</h1>
        <p class="lead">
            "A short, anonymous survey for mental health support workers about recovery and positive risk-taking, "
            "built around a story about a fictional person called Sam."
        </p>
        <p>"It takes 20 to 30 minutes. Your answers are saved as you go, so you can stop and come back."</p>
        {view.resume_href.map(|href| view! {
            <div class="inset">
                <p>"You have answers in progress in this browser."</p>
                // rel=external: the resume address is a server redirect, not a page of the app.
                <a href=href class="button" rel="external">"Continue where you left off"</a>
            </div>
        })}
        <a href=start class="button button--start">"Start now"</a>
    }
}
