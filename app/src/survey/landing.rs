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
            None => {
                let mut open = state.studies.open_on(state.clock.today());
                if open.len() > 1 {
                    return Ok(choosing(&open, device_forgotten));
                }
                open.pop().or_else(|| state.studies.default_study())
            }
        }
        .ok_or(AppError::UnknownStudy)?;
        // A stale or foreign cookie simply means there is nothing to resume; nor is there once
        // the study has stopped taking answers.
        let resume_href = Participant::on_device(&state, &request_headers(), study.slug.as_str())
            .await
            .ok()
            .filter(|participant| participant.check_still_answering(&state).is_ok())
            .map(|participant| participant.continue_href());
        Ok(LandingView {
            study_slug: study.slug.to_string(),
            title: study.title.clone(),
            summary: study.summary.clone(),
            closed_note: check_admission(&state, &study).err().map(|e| e.to_string()),
            open_studies: Vec::new(),
            resume_href,
            device_forgotten,
        })
    }

    /// The start page of an instance with several open studies: a list to choose from.
    fn choosing(
        open: &[std::sync::Arc<domain::study::Study>],
        device_forgotten: bool,
    ) -> LandingView {
        LandingView {
            study_slug: String::new(),
            title: "Studies open now".into(),
            summary: None,
            closed_note: None,
            open_studies: open
                .iter()
                .map(|study| StudyChoice {
                    slug: study.slug.to_string(),
                    title: study.title.clone(),
                    summary: study.summary.clone(),
                })
                .collect(),
            resume_href: None,
            device_forgotten,
        }
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
    if !view.open_studies.is_empty() {
        return view! { <StudyList view/> }.into_any();
    }
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
        {view.summary.map(|summary| view! { <p class="lead">{summary}</p> })}
        <p>"It is anonymous. Your answers are saved as you go, so you can stop and come back."</p>
        {view.resume_href.map(|href| view! {
            <div class="inset">
                <p>"You have answers in progress in this browser."</p>
                <a href=href class="button">"Continue where you left off"</a>
                <ForgetDevice study_slug/>
            </div>
        })}
        {match view.closed_note {
            None => view! { <a href=start class="button button--start">"Start now"</a> }.into_any(),
            Some(note) => view! { <div class="inset" role="status"><p>{note}</p></div> }.into_any(),
        }}
    }
    .into_any()
}

/// The start page when several studies are open: each with its summary and a link to its own.
#[component]
fn StudyList(view: LandingView) -> impl IntoView {
    view! {
        <Title text=view.title.clone()/>
        <h1>{view.title}</h1>
        <p>"Each study is anonymous. Your answers are saved as you go, so you can stop and come back."</p>
        <ul class="study-list">
            {view.open_studies.into_iter().map(|study| view! {
                <li>
                    <h2 class="heading-m"><a href=format!("/s/{}", study.slug)>{study.title}</a></h2>
                    {study.summary.map(|summary| view! { <p>{summary}</p> })}
                </li>
            }).collect_view()}
        </ul>
    }
}
