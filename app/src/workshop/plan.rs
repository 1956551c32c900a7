//! Choosing what a workshop asks: which pages of its study it shows, in the study's order, and
//! which of each page's questions the room answers there.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::admin::WORKSHOPS_PATH;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, FieldError, when_loaded};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub id: String,
    pub title: String,
    pub pages: Vec<PlanChoice>,
    /// The labels of the study's versions of the vignette; empty when it has one wording.
    pub versions: Vec<String>,
    /// Whether the room is split between those versions.
    pub split: bool,
    /// A version fewer phones answered than this shows no breakdown.
    pub min_group: i64,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanChoice {
    pub slug: String,
    pub title: String,
    pub chosen: bool,
    /// (id, wording, chosen) of each question a room can answer.
    pub questions: Vec<(String, String, bool)>,
}

#[server]
pub async fn load_plan(id: String) -> Result<PlanView, ServerFnError> {
    load::plan(&id).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use domain::study::QuestionKind;
    use leptos::prelude::use_context;

    use super::{PlanChoice, PlanView};
    use crate::auth::{Trainer, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use crate::workshop::console::load::facilitated_plan;

    pub async fn plan(id: &str) -> Result<PlanView, AppError> {
        let (state, Trainer(staff)) = in_server_fn::<Trainer>().await?;
        let (record, study, plan) = facilitated_plan(&state, &staff, id).await?;
        let rejected = use_context::<RejectedForm>();
        let step_of = |slug: &str| plan.steps().iter().find(|step| step.page == slug);
        let pages = study
            .pages
            .iter()
            .map(|page| PlanChoice {
                slug: page.slug.clone(),
                title: page.title.clone(),
                chosen: step_of(&page.slug).is_some(),
                questions: page
                    .questions
                    .iter()
                    .filter(|q| !matches!(q.kind, QuestionKind::Duration))
                    .map(|q| {
                        let chosen = step_of(&page.slug).is_some_and(|step| {
                            step.questions.iter().any(|id| id == q.id.as_str())
                        });
                        (q.id.to_string(), q.label.clone(), chosen)
                    })
                    .collect(),
            })
            .collect();
        Ok(PlanView {
            id: record.id,
            title: record.title,
            pages,
            versions: study.variants.iter().map(|v| v.label.clone()).collect(),
            split: record.split_variants,
            min_group: state.workshop_min_group,
            errors: rejected.map(|r| r.summary()).unwrap_or_default(),
        })
    }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_plan,
    );
    when_loaded(data, |plan| {
        let heading = format!("What {} asks", plan.title);
        let has_errors = !plan.errors.is_empty();
        view! {
            <Title text=if has_errors { format!("Error: {heading}") } else { heading.clone() }/>
            <ErrorSummary errors=plan.errors.clone()/>
            <h1>{heading}</h1>
            <p>"Tick the pages the room reads, in the study's order, and the questions it answers on each. "
               "Saving goes back to the first page, with answering closed and results hidden."</p>
            <form method="post" action=format!("{WORKSHOPS_PATH}/{}/plan", plan.id) novalidate>
                {plan.pages.into_iter().enumerate().map(|(index, page)| {
                    let page_id = if index == 0 { "pages".to_owned() } else { format!("page-{}", page.slug) };
                    view! {
                        <fieldset class="fieldset">
                            <legend class="fieldset__legend">{page.title.clone()}</legend>
                            <div class="checkboxes__item">
                                <input class="checkboxes__input" type="checkbox" id=page_id.clone() name="page" value=page.slug.clone() checked=page.chosen/>
                                <label class="checkboxes__label" for=page_id>{format!("Show \"{}\"", page.title)}</label>
                            </div>
                            {page.questions.into_iter().map(|(id, label, chosen)| {
                                let box_id = format!("question-{id}");
                                view! {
                                    <div class="checkboxes__item">
                                        <input class="checkboxes__input" type="checkbox" id=box_id.clone() name="question" value=id checked=chosen/>
                                        <label class="checkboxes__label" for=box_id>{format!("Ask: {label}")}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                    }
                }).collect_view()}
                {(!plan.versions.is_empty()).then(|| view! {
                    <fieldset class="fieldset">
                        <legend class="fieldset__legend">"Versions of the vignette"</legend>
                        <p class="hint" id="split-hint">{format!(
                            "The study words the vignette {} ways: {}. Split, each phone reads one of them, dealt at random and evenly, and after you show the results the screen compares how each version's phones rated (with n for each, and nothing for a version fewer than {} answered). Phones that join before you split keep the version they were dealt.",
                            plan.versions.len(), plan.versions.join("; "), plan.min_group
                        )}</p>
                        <div class="checkboxes__item">
                            <input class="checkboxes__input" type="checkbox" id="split" name="split" value="yes" checked=plan.split aria-describedby="split-hint"/>
                            <label class="checkboxes__label" for="split">"Split the room between the versions"</label>
                        </div>
                    </fieldset>
                })}
                <button type="submit" class="button">"Save what the workshop asks"</button>
            </form>
            <p><a href=format!("{WORKSHOPS_PATH}/{}", plan.id)>"Back to the console"</a></p>
        }
        .into_any()
    })
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::workshop::{Plan, PlanStep};

    use crate::auth::Trainer;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, parse_form, render_rejected};
    use crate::state::AppState;
    use crate::workshop::admin::WORKSHOPS_PATH;
    use crate::workshop::console::load::facilitated;
    use crate::workshop::live::announce_change;
    use crate::workshop::room::study_of;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/workshops/{id}/plan", post(save))
    }

    async fn save(
        State(state): State<AppState>,
        Path(id): Path<String>,
        Trainer(staff): Trainer,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let record = facilitated(&state, &staff, &id).await?;
        let study = study_of(&state, &record)?;
        let ticked = |name: &str, value: &str| fields.iter().any(|(k, v)| k == name && v == value);
        // A question ticked on a page not ticked shows its page too.
        let steps: Vec<PlanStep> = study
            .pages
            .iter()
            .map(|page| PlanStep {
                page: page.slug.clone(),
                questions: page
                    .questions
                    .iter()
                    .filter(|q| ticked("question", q.id.as_str()))
                    .map(|q| q.id.to_string())
                    .collect(),
            })
            .filter(|step| ticked("page", &step.page) || !step.questions.is_empty())
            .collect();
        let path = format!("{WORKSHOPS_PATH}/{}/plan", record.id);
        let plan = match Plan::check(steps, &study) {
            Ok(plan) => plan,
            Err(problem) => {
                let form = RejectedForm::with_error("pages", &problem.to_string());
                return Ok(render_rejected(&state, &path, &headers, form).await);
            }
        };
        let workshops = state.storage.workshops();
        workshops.set_plan(&record.id, &plan.to_json()).await?;
        let split = !study.variants.is_empty() && ticked("split", "yes");
        workshops.set_split(&record.id, split).await?;
        if let Some(changed) = state.storage.workshops().get(&record.id).await? {
            announce_change(&state, &record.id, changed.state).await;
        }
        Ok(Redirect::to(&format!("{WORKSHOPS_PATH}/{}", record.id)).into_response())
    }
}
