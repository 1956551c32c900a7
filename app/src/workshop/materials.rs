//! Materials made from the workshop's study version, so they always match the live wording: a
//! printable pack (A4: the join code and QR, each step's text with its prompts, and a paper answer
//! sheet for people without a phone) and the facilitator's guide (timings, and for each step that
//! asks something, prompts for the room's discussion).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::admin::WORKSHOPS_PATH;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{Prose, when_loaded};

/// Minutes for joining and the introduction, for reading a step, answering it, discussing it,
/// and for closing with the study's themes.
const MINUTES_TO_START: u32 = 5;
const MINUTES_TO_READ: u32 = 3;
const MINUTES_TO_ANSWER: u32 = 4;
const MINUTES_TO_DISCUSS: u32 = 8;
const MINUTES_TO_CLOSE: u32 = 10;

/// What the room talks over after answering a step: the five questions of positive risk-taking.
const DISCUSSION_PROMPTS: [(&str, &str); 5] = [
    (
        "Rights",
        "What is Sam entitled to decide here, and which of Sam's rights are at stake?",
    ),
    (
        "Responsibilities",
        "What are you responsible for as Sam's support worker, and what is not yours to carry?",
    ),
    (
        "What could help",
        "What would make this go well for Sam? Which people, plans and strengths could back it up?",
    ),
    (
        "What could go wrong",
        "What could go wrong, how likely is it, and how could any harm be kept small?",
    ),
    (
        "Who decides",
        "Who makes this decision, and how is Sam part of making it?",
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialsView {
    pub id: String,
    pub title: String,
    pub code: String,
    pub join_url: String,
    pub join_qr_svg: String,
    pub study_title: String,
    pub citation: String,
    pub steps: Vec<MaterialStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialStep {
    pub title: String,
    pub body_html: String,
    pub questions: Vec<MaterialQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialQuestion {
    pub label: String,
    /// The labels to tick from; empty for a written answer.
    pub options: Vec<String>,
}

#[server]
pub async fn load_materials(id: String) -> Result<MaterialsView, ServerFnError> {
    load::materials(&id).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use domain::study::QuestionKind;

    use super::{MaterialQuestion, MaterialStep, MaterialsView};
    use crate::auth::{Trainer, in_server_fn};
    use crate::context::{request_headers, site_url};
    use crate::error::AppError;
    use crate::workshop::console::load::facilitated_plan;

    pub async fn materials(id: &str) -> Result<MaterialsView, AppError> {
        let (state, Trainer(staff)) = in_server_fn::<Trainer>().await?;
        let (record, study, plan) = facilitated_plan(&state, &staff, id).await?;
        let join_url = format!(
            "{}/join/{}",
            site_url(&state, &request_headers()),
            record.code.as_str()
        );
        let steps = plan
            .steps()
            .iter()
            .filter_map(|step| {
                let (_, page) = study.page(&step.page)?;
                let questions = step
                    .questions
                    .iter()
                    .filter_map(|id| study.question(id))
                    .map(|question| MaterialQuestion {
                        label: question.label.clone(),
                        options: match &question.kind {
                            QuestionKind::Likert { labels } => labels.clone(),
                            QuestionKind::Choice { options } => {
                                options.iter().map(|o| o.label.clone()).collect()
                            }
                            QuestionKind::Text { .. } | QuestionKind::Duration => Vec::new(),
                        },
                    })
                    .collect();
                Some(MaterialStep {
                    title: page.title.clone(),
                    body_html: page.body_html.clone(),
                    questions,
                })
            })
            .collect();
        Ok(MaterialsView {
            id: record.id.clone(),
            title: record.title.clone(),
            code: record.code.spaced(),
            join_qr_svg: domain::qr::qr_code_svg(&join_url),
            join_url,
            study_title: study.title.clone(),
            citation: study.citation.clone(),
            steps,
        })
    }
}

fn materials_resource() -> Resource<Result<MaterialsView, ServerFnError>> {
    let params = use_params_map();
    Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_materials,
    )
}

/// How to join, as printed.
#[component]
fn JoinBox(materials: MaterialsView) -> impl IntoView {
    view! {
        <div class="pack-join">
            <div class="qr-code" role="img" aria-label="QR code of the join address" inner_html=materials.join_qr_svg></div>
            <p>"Join at "<strong>{materials.join_url}</strong>" with the code "<strong class="pack-join__code">{materials.code}</strong>
               ". You do not give your name."</p>
        </div>
    }
}

#[component]
pub fn PackPage() -> impl IntoView {
    when_loaded(materials_resource(), |materials| {
        let console = format!("{WORKSHOPS_PATH}/{}", materials.id);
        view! {
            <Title text=format!("Printable pack: {}", materials.title)/>
            <div class="pack">
                <h1>{format!("Printable pack: {}", materials.title)}</h1>
                <p class="no-print">"Print this page (A4). Each step starts on a new sheet; the answer sheet is last. "
                    <a href=console>"Back to the console"</a></p>
                <JoinBox materials=materials.clone()/>
                {materials.steps.iter().cloned().map(|step| view! {
                    <section class="pack-card">
                        <h2>{step.title}</h2>
                        <Prose html=step.body_html/>
                        {(!step.questions.is_empty()).then(|| view! {
                            <h3>"We ask"</h3>
                            <ul>{step.questions.iter().map(|q| view! { <li>{q.label.clone()}</li> }).collect_view()}</ul>
                        })}
                    </section>
                }).collect_view()}
                <section class="pack-card">
                    <h2>"Answer sheet"</h2>
                    <p>"For anyone without a phone: tick one box for each rating, and write in the space."</p>
                    {materials.steps.iter().filter(|s| !s.questions.is_empty()).cloned().map(|step| view! {
                        <h3>{step.title}</h3>
                        {step.questions.into_iter().map(|question| view! {
                            <div class="sheet-question">
                                <p class="sheet-question__label">{question.label}</p>
                                {if question.options.is_empty() {
                                    view! { <div class="sheet-question__space"></div> }.into_any()
                                } else {
                                    view! { <ul class="sheet-question__boxes">{question.options.into_iter().map(|label| view! { <li>{label}</li> }).collect_view()}</ul> }.into_any()
                                }}
                            </div>
                        }).collect_view()}
                    }).collect_view()}
                </section>
                <p class="caption">{format!("From the study “{}”. {}", materials.study_title, materials.citation)}</p>
            </div>
        }
        .into_any()
    })
}

#[component]
pub fn GuidePage() -> impl IntoView {
    when_loaded(materials_resource(), |materials| {
        let console = format!("{WORKSHOPS_PATH}/{}", materials.id);
        let mut running = MINUTES_TO_START;
        let mut timings = vec![("Joining and introduction".to_owned(), "Everyone joins with the code; say that answers are anonymous and deleted after the workshop.".to_owned(), MINUTES_TO_START, running)];
        for step in &materials.steps {
            let (what, minutes) = if step.questions.is_empty() {
                ("Read together.".to_owned(), MINUTES_TO_READ)
            } else {
                (
                    "Read, open answering, then show the results and discuss.".to_owned(),
                    MINUTES_TO_READ + MINUTES_TO_ANSWER + MINUTES_TO_DISCUSS,
                )
            };
            running += minutes;
            timings.push((step.title.clone(), what, minutes, running));
        }
        running += MINUTES_TO_CLOSE;
        timings.push((
            "Close".to_owned(),
            "Place answers on the study's themes and set the room beside the study.".to_owned(),
            MINUTES_TO_CLOSE,
            running,
        ));
        view! {
            <Title text=format!("Facilitator's guide: {}", materials.title)/>
            <div class="pack">
                <h1>{format!("Facilitator's guide: {}", materials.title)}</h1>
                <p class="no-print"><a href=console>"Back to the console"</a></p>
                <JoinBox materials=materials.clone()/>
                <h2>"Timings"</h2>
                <table class="table">
                    <caption class="visually-hidden">"Timings, in minutes"</caption>
                    <thead><tr><th scope="col">"Step"</th><th scope="col">"What happens"</th><th scope="col">"Minutes"</th><th scope="col">"By"</th></tr></thead>
                    <tbody>
                        {timings.into_iter().map(|(step, what, minutes, by)| view! {
                            <tr><th scope="row">{step}</th><td>{what}</td><td>{minutes}</td><td>{by}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h2>"Prompts for each discussion"</h2>
                <p>"After the room has answered and you have shown the results, talk it through. Results stay hidden until you show them, so the room answers alone first."</p>
                {materials.steps.iter().filter(|s| !s.questions.is_empty()).cloned().map(|step| view! {
                    <section class="pack-card">
                        <h3>{step.title}</h3>
                        <dl class="summary-list">
                            {DISCUSSION_PROMPTS.iter().map(|(area, prompt)| view! {
                                <div class="summary-list__row"><dt class="summary-list__key">{*area}</dt><dd class="summary-list__value">{*prompt}</dd></div>
                            }).collect_view()}
                        </dl>
                    </section>
                }).collect_view()}
            </div>
        }
        .into_any()
    })
}
