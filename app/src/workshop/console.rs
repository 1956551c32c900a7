//! The facilitator's console (step on and back, open and close answering, show and hide the
//! results, close joining) and the projector's screen: large type, the code while joining is
//! open, no controls.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::admin::WORKSHOPS_PATH;
use super::co_facilitator::CoFacilitator;
use super::data::*;
use super::review::{ReviewQueue, Wall};
use super::room::{Results, StepText};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, when_loaded};

#[server]
pub async fn load_console(id: String) -> Result<ConsoleView, ServerFnError> {
    load::console(&id).await.map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_screen(id: String) -> Result<RoomView, ServerFnError> {
    load::screen(&id).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
pub(super) mod load {
    use std::sync::Arc;

    use domain::storage::WorkshopRecord;
    use domain::study::Study;
    use domain::workshop::Plan;

    use super::super::co_facilitator::co_facilitator_view;
    use super::super::data::*;
    use super::super::review::review_view;
    use super::super::room::{current_step, plan_of, room_view, study_of};
    use crate::auth::{Trainer, in_server_fn, session::Staff};
    use crate::context::request_headers;
    use crate::error::AppError;
    use crate::state::AppState;

    /// The workshop, when `staff` runs it (the trainer who made it, its co-facilitator, or an
    /// owner); otherwise 403.
    pub async fn facilitated(
        state: &AppState,
        staff: &Staff,
        id: &str,
    ) -> Result<WorkshopRecord, AppError> {
        let record = state
            .storage
            .workshops()
            .get(id)
            .await?
            .ok_or(AppError::UnknownWorkshop)?;
        let runs_it =
            staff.role == domain::accounts::Role::Owner || record.is_run_by(&staff.record.id);
        if runs_it {
            Ok(record)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The workshop `staff` runs, with its study version and what it asks.
    pub async fn facilitated_plan(
        state: &AppState,
        staff: &Staff,
        id: &str,
    ) -> Result<(WorkshopRecord, Arc<Study>, Plan), AppError> {
        let record = facilitated(state, staff, id).await?;
        let study = study_of(state, &record)?;
        let plan = plan_of(&record, &study)?;
        Ok((record, study, plan))
    }

    pub async fn console(id: &str) -> Result<ConsoleView, AppError> {
        let (state, Trainer(staff)) = in_server_fn::<Trainer>().await?;
        let (record, study, plan) = facilitated_plan(&state, &staff, id).await?;
        let steps = plan
            .steps()
            .iter()
            .filter_map(|step| study.page(&step.page).map(|(_, page)| page.title.clone()))
            .collect();
        let step = current_step(&plan, &record.state);
        let versions = match record.split_variants {
            true => versions_dealt(&state, &record.id, &study).await?,
            false => Vec::new(),
        };
        Ok(ConsoleView {
            versions,
            co_facilitator: co_facilitator_view(&state, &staff, &record).await?,
            review: review_view(&state, &record.id, &study, (step, record.state.round)).await?,
            id: record.id.clone(),
            room: room_view(&state, &request_headers(), &record, (&study, &plan), None).await?,
            steps,
            keep_days: record.keep_days,
        })
    }

    /// Each version of the vignette with how many phones were dealt it.
    async fn versions_dealt(
        state: &AppState,
        workshop: &str,
        study: &Study,
    ) -> Result<Vec<(String, i64)>, AppError> {
        let dealt = state
            .storage
            .workshops()
            .phones_by_variant(workshop)
            .await?;
        Ok(study
            .variants
            .iter()
            .map(|variant| {
                let phones = dealt
                    .iter()
                    .find(|(id, _)| *id == variant.id)
                    .map_or(0, |(_, phones)| *phones);
                (variant.label.clone(), phones)
            })
            .collect())
    }

    pub async fn screen(id: &str) -> Result<RoomView, AppError> {
        let (state, Trainer(staff)) = in_server_fn::<Trainer>().await?;
        let (record, study, plan) = facilitated_plan(&state, &staff, id).await?;
        let mut room =
            room_view(&state, &request_headers(), &record, (&study, &plan), None).await?;
        if room.joining_open {
            room.join_qr_svg = Some(domain::qr::qr_code_svg(&room.join_url));
        }
        Ok(room)
    }
}

#[component]
pub fn ConsolePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_console,
    );
    when_loaded(data, |console| {
        let room = console.room.clone();
        let action = format!("{WORKSHOPS_PATH}/{}/control", console.id);
        let control = move |name: &'static str, label: &'static str| {
            view! {
                <form method="post" action=action.clone() class="inline-form">
                    <input type="hidden" name="control" value=name/>
                    <button type="submit" class="button button--secondary">{label}</button>
                </form>
            }
        };
        view! {
            <Title text=if console.co_facilitator.errors.is_empty() { format!("Workshop: {}", room.title) } else { format!("Error: Workshop: {}", room.title) }/>
            <ErrorSummary errors=console.co_facilitator.errors.clone()/>
            <h1>{room.title.clone()}</h1>
            <LiveCounts id=console.id.clone() room=room.clone()/>
            {(!console.versions.is_empty()).then(|| {
                let dealt: Vec<String> = console.versions.iter().map(|(label, phones)| format!("{label}: {phones}")).collect();
                view! { <p>{format!("The room is split between versions of the vignette. Phones dealt each: {}.", dealt.join(" · "))}</p> }
            })}
            <p>{format!("People join at {} ", room.join_url)}
               <a href=format!("{WORKSHOPS_PATH}/{}/screen", console.id)>"Open the projector's screen"</a></p>
            <div class="row-actions">
                {(room.step > 0).then(|| control("back", "Previous step"))}
                {(room.step + 1 < room.steps).then(|| control("next", "Next step"))}
                {if room.answering_open { control("close-answering", "Close answering") } else { control("open-answering", "Open answering") }}
                {if room.results.is_some() { control("hide-results", "Hide the results") } else { control("show-results", "Show the results") }}
                {(!room.questions.is_empty()).then(|| control("ask-again", "Ask this again"))}
                {if room.joining_open { control("close-joining", "Close joining") } else { control("open-joining", "Open joining") }}
            </div>
            <p role="status">{format!(
                "Now: step {} of {}{}. Answering is {}; results are {}.",
                room.step + 1,
                room.steps,
                if room.round > 1 { format!(", asked {} times", room.round) } else { String::new() },
                if room.answering_open { "open" } else { "closed" },
                if room.results.is_some() { "shown" } else { "hidden" },
            )}</p>
            {room.results.clone().map(|results| view! { <Results results/> })}
            {(!console.review.answers.is_empty()).then(|| view! { <ReviewQueue workshop=console.id.clone() review=console.review.clone()/> })}
            <h2>"Steps"</h2>
            <p><a href=format!("{WORKSHOPS_PATH}/{}/plan", console.id)>"Choose the pages and questions"</a></p>
            <ol>
                {console.steps.iter().enumerate().map(|(index, title)| {
                    let current = index == room.step;
                    view! { <li aria-current=current.then_some("step")>{if current { format!("{title} (now)") } else { title.clone() }}</li> }
                }).collect_view()}
            </ol>
            <CoFacilitator workshop=console.id.clone() view=console.co_facilitator.clone()/>
            <h2>"Materials"</h2>
            <p><a href=format!("{WORKSHOPS_PATH}/{}/pack", console.id)>"The printable pack"</a>
               " · "<a href=format!("{WORKSHOPS_PATH}/{}/guide", console.id)>"The facilitator's guide"</a></p>
            <h2>"Afterwards"</h2>
            <p><a href=format!("{WORKSHOPS_PATH}/{}/summary", console.id)>"The summary for the group"</a>
               " · "<a href=format!("{WORKSHOPS_PATH}/{}/answers.csv", console.id)>"Download the answers (CSV)"</a></p>
            <p>{format!("The room's answers are deleted {} days after the workshop was made.", console.keep_days)}</p>
            <p><a href=WORKSHOPS_PATH>"Back to workshops"</a></p>
        }
        .into_any()
    })
}

/// The console's counts of phones and answers, kept up to date while JavaScript runs; a change
/// made from another console (a co-facilitator's) is announced with a link to load it.
#[island]
fn LiveCounts(id: String, room: RoomView) -> impl IntoView {
    let loaded_revision = room.revision;
    let console = format!("{WORKSHOPS_PATH}/{id}");
    let room_signal = RwSignal::new(room);
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let id = id.clone();
        super::live::keep_fresh(
            &super::live::facilitator_feed(&id),
            move || room_signal.with_untracked(|room| room.revision),
            move || load_screen(id.clone()),
            move |fresh| room_signal.set(fresh),
        );
    });
    view! {
        {move || room_signal.with(|room| view! {
            <p class="lead">{format!("Code {} · {} joined", room.code, room.joined)}</p>
            {(room.revision != loaded_revision).then(|| view! {
                <div class="notification" role="status">
                    <p>"The workshop was changed from another console. "<a href=console.clone()>"Load the console again"</a></p>
                </div>
            })}
            <h2>"Answered so far"</h2>
            <ul>
                {room.questions.iter().map(|q| view! { <li>{format!("{}: {}", q.label, q.answered)}</li> }).collect_view()}
            </ul>
        })}
    }
    .into_any()
}

#[component]
pub fn ScreenPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_screen,
    );
    when_loaded(data, move |room| {
        let id = params.read_untracked().get("id").unwrap_or_default();
        view! {
            <Title text=format!("Screen: {}", room.title)/>
            <LiveScreen id room/>
        }
        .into_any()
    })
}

/// The projector's screen, kept up to date with the room (and its counts) while JavaScript runs.
#[island]
fn LiveScreen(id: String, room: RoomView) -> impl IntoView {
    let room_signal = RwSignal::new(room);
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let id = id.clone();
        super::live::keep_fresh(
            &super::live::facilitator_feed(&id),
            move || room_signal.with_untracked(|room| room.revision),
            move || load_screen(id.clone()),
            move |fresh| room_signal.set(fresh),
        );
    });
    view! {
        <div class="projector">
            {move || {
                let room = room_signal.get();
                view! {
                    <h1>{room.title.clone()}</h1>
                    {room.joining_open.then(|| view! {
                        <div class="projector__joining">
                            <p class="projector__join">"Join at "<strong>{room.join_url.clone()}</strong>" with the code "<strong class="projector__code">{room.code.clone()}</strong></p>
                            {room.join_qr_svg.clone().map(|svg| view! {
                                <div class="qr-code projector__qr" role="img" aria-label="QR code of the join address" inner_html=svg></div>
                            })}
                        </div>
                    })}
                    <StepText room=room.clone()/>
                    <p>{format!("{} joined", room.joined)}</p>
                    {room.results.clone().map(|results| view! { <Results results/> })}
                    {room.wall.clone().map(|wall| view! { <Wall wall/> })}
                }
            }}
        </div>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::workshop::Control;

    use super::load::facilitated_plan;
    use crate::auth::Trainer;
    use crate::error::AppError;
    use crate::form_posts::{form_value, parse_form};
    use crate::state::AppState;
    use crate::workshop::admin::WORKSHOPS_PATH;
    use crate::workshop::live::announce_change;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/workshops/{id}/control", post(steer))
    }

    async fn steer(
        State(state): State<AppState>,
        Path(id): Path<String>,
        Trainer(staff): Trainer,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let control = Control::parse(form_value(&fields, "control"))
            .ok_or_else(|| AppError::BadForm("This control is not one the console has.".into()))?;
        let (record, _, plan) = facilitated_plan(&state, &staff, &id).await?;
        let steps = plan.steps().len();
        let steered = state
            .storage
            .workshops()
            .steer(&record.id, control, steps)
            .await?;
        if let Some(live) = steered {
            announce_change(&state, &record.id, live).await;
        }
        Ok(Redirect::to(&format!("{WORKSHOPS_PATH}/{}", record.id)).into_response())
    }
}
