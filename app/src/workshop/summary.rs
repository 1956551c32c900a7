//! After the workshop: a one-page summary for the group (each step's results, the answers shown,
//! the room beside the study; printable on A4), and the workshop's answers as a CSV file.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::admin::WORKSHOPS_PATH;
use super::data::QuestionResult;
use super::review::{ThemeBeside, Wall, WallView};
use super::room::Results;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryView {
    pub id: String,
    pub title: String,
    pub study_title: String,
    pub joined: i64,
    pub steps: Vec<SummaryStep>,
    pub themes: Vec<ThemeBeside>,
}

/// A step that asked something: its results and the written answers shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryStep {
    pub title: String,
    pub results: Vec<QuestionResult>,
    pub shown: Vec<(String, String)>,
}

#[server]
pub async fn load_summary(id: String) -> Result<SummaryView, ServerFnError> {
    load::summary(&id).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::{SummaryStep, SummaryView};
    use crate::auth::{Trainer, in_server_fn};
    use crate::error::AppError;
    use crate::workshop::console::load::facilitated_plan;
    use crate::workshop::review::wall_view;
    use crate::workshop::room::step_results;

    pub async fn summary(id: &str) -> Result<SummaryView, AppError> {
        let (state, Trainer(staff)) = in_server_fn::<Trainer>().await?;
        let (record, study, plan) = facilitated_plan(&state, &staff, id).await?;
        let answers = state.storage.workshops().every_answer(&record.id).await?;
        let mut steps = Vec::new();
        let mut themes = Vec::new();
        for step in plan
            .steps()
            .iter()
            .filter(|step| !step.questions.is_empty())
        {
            // A step asked again is summed up by its last round.
            let round = answers
                .iter()
                .filter(|answer| step.questions.contains(&answer.question))
                .map(|answer| answer.round)
                .max()
                .unwrap_or(1);
            let wall = wall_view(&state, &record.id, (&study, &plan), (step, round)).await?;
            themes = wall.themes;
            steps.push(SummaryStep {
                title: study
                    .page(&step.page)
                    .map_or_else(|| step.page.clone(), |(_, page)| page.title.clone()),
                results: step_results(&state, &record.id, &study, (step, round)).await?,
                shown: wall.shown,
            });
        }
        Ok(SummaryView {
            id: record.id.clone(),
            title: record.title.clone(),
            study_title: study.title.clone(),
            joined: state.storage.workshops().joined(&record.id).await?,
            steps,
            themes,
        })
    }
}

#[component]
pub fn SummaryPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_summary,
    );
    when_loaded(data, |summary| {
        let console = format!("{WORKSHOPS_PATH}/{}", summary.id);
        view! {
            <Title text=format!("Summary: {}", summary.title)/>
            <div class="summary-page">
                <h1>{format!("Summary: {}", summary.title)}</h1>
                <p>{format!("{} phones joined. The vignette and questions are from “{}”.", summary.joined, summary.study_title)}</p>
                <p class="no-print">
                    <a href=format!("{console}/answers.csv")>"Download the answers (CSV)"</a>
                    " · "<a href=console>"Back to the console"</a>
                </p>
                {summary.steps.into_iter().map(|step| view! {
                    <section class="summary-step">
                        <h2>{step.title}</h2>
                        <Results results=step.results/>
                        <Wall wall=WallView { shown: step.shown, words: Vec::new(), themes: Vec::new() }/>
                    </section>
                }).collect_view()}
                <Wall wall=WallView { shown: Vec::new(), words: Vec::new(), themes: summary.themes }/>
            </div>
        }
        .into_any()
    })
}

#[cfg(feature = "ssr")]
pub(super) mod download {
    use axum::Router;
    use axum::extract::{Path, State};
    use axum::response::Response;
    use axum::routing::get;
    use domain::audit::AuditAction;
    use domain::export::workshop_answers_csv;

    use crate::auth::Trainer;
    use crate::downloads::attachment;
    use crate::error::AppError;
    use crate::state::AppState;
    use crate::workshop::console::load::facilitated;
    use crate::workshop::room::study_of;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/workshops/{id}/answers.csv", get(answers))
    }

    async fn answers(
        State(state): State<AppState>,
        Path(id): Path<String>,
        Trainer(staff): Trainer,
    ) -> Result<Response, AppError> {
        let record = facilitated(&state, &staff, &id).await?;
        let study = study_of(&state, &record)?;
        let workshops = state.storage.workshops();
        let phones = workshops.phones_in_join_order(&record.id).await?;
        let answers = workshops.every_answer(&record.id).await?;
        let csv = workshop_answers_csv(&study, &phones, &answers);
        let name = format!("workshop-{}-answers.csv", record.code.as_str());
        // Like every export of answers, even a room's anonymous ones.
        let detail = format!("workshop {}, answers", record.code.as_str());
        state
            .audit(staff.actor(), AuditAction::ExportedData, &detail)
            .await?;
        Ok(attachment("text/csv; charset=utf-8", &name, csv))
    }
}
