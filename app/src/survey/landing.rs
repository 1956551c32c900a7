//! The study's start page, with a way back in for someone who has already begun.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
use super::device::ForgetDevice;
use crate::components::when_loaded;

#[server]
pub async fn load_landing(
    study: Option<String>,
    device_forgotten: bool,
) -> Result<LandingView, ServerFnError> {
    load::landing(study, device_forgotten)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
pub(crate) mod load {

    use super::super::data::*;
    use super::super::flow::*;
    use crate::context::{app_state, request_headers};
    use crate::error::AppError;

    pub async fn landing(
        slug: Option<String>,
        device_forgotten: bool,
    ) -> Result<LandingView, AppError> {
        let state = app_state()?;
        let study = match slug {
            Some(slug) => state.studies.get(&slug),
            None => state.studies.default_study(),
        }
        .ok_or(AppError::UnknownStudy)?;
        // A stale or foreign cookie simply means there is nothing to resume.
        let resume_href = Participant::on_device(&state, &request_headers(), study.slug.as_str())
            .await
            .ok()
            .map(|participant| participant.continue_href());
        Ok(LandingView {
            study_slug: study.slug.to_string(),
            title: study.title.clone(),
            resume_href,
            device_forgotten,
        })
    }
}

#[component]
pub fn LandingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let landing = Resource::new_blocking(
        move || {
            let forgotten = query.read().get("device").is_some_and(|v| v == "forgotten");
            (params.read().get("study"), forgotten)
        },
        |(study, forgotten)| load_landing(study, forgotten),
    );
    when_loaded(landing, |view| view! { <Landing view/> })
}

#[component]
fn Landing(view: LandingView) -> impl IntoView {
    let start = format!("/s/{}/consent", view.study_slug);
    let study_slug = view.study_slug.clone();
    view! {
        <Title text=view.title.clone()/>
        {view.device_forgotten.then(|| view! {
            <div class="notification" role="status">
                <p>"This browser no longer holds your answers. They are still saved, and your private link opens them again."</p>
            </div>
        })}
        <h1>{view.title}</h1>
        <p class="lead">
            "A short, anonymous survey for mental health support workers about recovery and positive risk-taking, "
            "built around a story about a fictional person called Sam."
        </p>
        <p>"It takes 20 to 30 minutes. Your answers are saved as you go, so you can stop and come back."</p>
        {view.resume_href.map(|href| view! {
            <div class="inset">
                <p>"You have answers in progress in this browser."</p>
                <a href=href class="button">"Continue where you left off"</a>
                <ForgetDevice study_slug/>
            </div>
        })}
        <a href=start class="button button--start">"Start now"</a>
    }
}
