//! The trainer's list of workshops and the form that creates one from a study.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::WorkshopsView;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

pub const WORKSHOPS_PATH: &str = "/admin/workshops";

#[server]
pub async fn load_workshops() -> Result<WorkshopsView, ServerFnError> {
    load::workshops().await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use leptos::prelude::use_context;

    use super::super::data::*;
    use crate::auth::{Trainer, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    /// The studies a workshop can be made from, the instance's default study first.
    fn studies_default_first(state: &crate::state::AppState) -> Vec<(String, String)> {
        let default = state
            .studies
            .default_study()
            .map(|study| study.slug.clone());
        let mut studies = state.studies.all();
        studies.sort_by_key(|study| Some(&study.slug) != default.as_ref());
        studies
            .iter()
            .map(|study| (study.slug.to_string(), study.title.clone()))
            .collect()
    }

    pub async fn workshops() -> Result<WorkshopsView, AppError> {
        let (state, Trainer(staff)) = in_server_fn::<Trainer>().await?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let is_owner = staff.role == domain::accounts::Role::Owner;
        let workshops = state
            .storage
            .workshops()
            .all()
            .await?
            .into_iter()
            .filter(|w| is_owner || w.is_run_by(&staff.record.id))
            .map(|w| WorkshopRow {
                study_title: state
                    .studies
                    .get(&w.study)
                    .map(|study| study.title.clone())
                    .unwrap_or_else(|| w.study.to_string()),
                id: w.id,
                title: w.title,
                code: w.code.spaced(),
            })
            .collect();
        Ok(WorkshopsView {
            workshops,
            studies: studies_default_first(&state),
            title: rejected.values.get("title").cloned().unwrap_or_default(),
            errors: rejected.summary(),
        })
    }
}

#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_workshops());
    when_loaded(data, |view_data| {
        let has_errors = !view_data.errors.is_empty();
        view! {
            <Title text=if has_errors { "Error: Workshops" } else { "Workshops" }/>
            <ErrorSummary errors=view_data.errors.clone()/>
            <h1>"Workshops"</h1>
            <p>"Run a study's vignette live with a room: people join on their phones with a code, "
               "read each situation and answer; you decide when they answer and when the room sees the results. "
               "Nobody gives a name, and the answers are deleted after the number of days you choose."</p>
            {if view_data.workshops.is_empty() {
                view! { <p>"You have no workshops yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">"Your workshops, newest first"</caption>
                        <thead><tr><th scope="col">"Workshop"</th><th scope="col">"Code"</th><th scope="col">"Study"</th></tr></thead>
                        <tbody>
                            {view_data.workshops.into_iter().map(|w| view! {
                                <tr>
                                    <td><a href=format!("{WORKSHOPS_PATH}/{}", w.id)>{w.title}</a></td>
                                    <td>{w.code}</td>
                                    <td>{w.study_title}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h2>"New workshop"</h2>
            <form method="post" action=WORKSHOPS_PATH novalidate>
                <TextInput id="title" label="Name of the workshop" kind="text" autocomplete="off"
                    hint="For you and the room, for example: Positive risk-taking, ward team, March."
                    value=view_data.title.clone() error=field_error(&view_data.errors, "title")/>
                <div class="form-group">
                    <label class="label" for="study">"Study"</label>
                    <select class="select" id="study" name="study">
                        {view_data.studies.into_iter().map(|(slug, title)| view! { <option value=slug>{title}</option> }).collect_view()}
                    </select>
                </div>
                <TextInput id="keep_days" label="Days to keep the answers" kind="text" autocomplete="off"
                    hint="The room's answers are deleted this many days after today; 30 when empty."
                    value=String::new() error=field_error(&view_data.errors, "keep_days")/>
                <button type="submit" class="button">"Create the workshop"</button>
            </form>
        }
        .into_any()
    })
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::workshop::{DEFAULT_KEEP_DAYS, Plan, WorkshopPlan};

    use super::WORKSHOPS_PATH;
    use crate::auth::Trainer;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, form_value, parse_form, render_rejected};
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new().route(WORKSHOPS_PATH, post(create))
    }

    async fn create(
        State(state): State<AppState>,
        Trainer(staff): Trainer,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let get = |name: &str| form_value(&fields, name).trim();
        let refuse = |field: &str, message: &str| {
            let form = RejectedForm::keeping(field, message, fields.clone());
            render_rejected(&state, WORKSHOPS_PATH, &headers, form)
        };
        let title = get("title");
        if title.is_empty() {
            return Ok(refuse("title", "Enter a name for the workshop").await);
        }
        let keep_days = match get("keep_days") {
            "" => DEFAULT_KEEP_DAYS,
            days => match days.parse::<i64>() {
                Ok(days) if (1..=365).contains(&days) => days,
                _ => return Ok(refuse("keep_days", "Enter a number of days from 1 to 365").await),
            },
        };
        let study = state.study(get("study"))?;
        let plan = Plan::default_for(&study);
        let new = WorkshopPlan {
            title,
            study: &study,
            plan: &plan,
            keep_days,
        };
        let created = state
            .storage
            .workshops()
            .create_with_fresh_code(new, &staff.record.id, state.clock.now())
            .await?;
        Ok(Redirect::to(&format!("{WORKSHOPS_PATH}/{}", created.id)).into_response())
    }
}
