//! What the room wrote, before anything of it reaches the projector: the facilitator's queue of
//! written answers (each checked by the identifier detectors), shown on the screen's wall or kept
//! off it, and placed on the published study's themes so the screen can set "this room" beside
//! "the study". Nothing written is on the screen until the facilitator shows it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A written answer as the facilitator reviews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewedAnswer {
    pub reference: String,
    pub question: String,
    pub text: String,
    /// What the identifier detectors found, as "a UK phone number: 07700 900123".
    pub findings: Vec<String>,
    pub status: String,
    pub theme: Option<String>,
}

/// The facilitator's queue for the step, and the themes answers can be placed on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub answers: Vec<ReviewedAnswer>,
    /// (id, name) of every theme and subtheme, subthemes after their theme.
    pub themes: Vec<(String, String)>,
}

/// One theme of the study beside what the room placed on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeBeside {
    pub about: String,
    pub name: String,
    pub summary: String,
    pub subtheme: bool,
    /// The room's answers placed on it.
    pub placed: Vec<String>,
}

/// What the screen shows of the room's writing once results are shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallView {
    /// (question, text) of the step's answers the facilitator showed.
    pub shown: Vec<(String, String)>,
    /// The words most used in them, with how many answers used each.
    pub words: Vec<(String, usize)>,
    /// Empty when the study lists no themes, or no answer is placed yet.
    pub themes: Vec<ThemeBeside>,
}

#[cfg(feature = "ssr")]
pub use build::{review_view, wall_view};

#[cfg(feature = "ssr")]
pub(super) mod build {
    use domain::redaction::detect::IdentifierFinder;
    use domain::storage::{Decision, RoomAnswer};
    use domain::study::{QuestionKind, Study};
    use domain::workshop::{Plan, PlanStep, most_used};

    use super::{ReviewView, ReviewedAnswer, ThemeBeside, WallView};
    use crate::error::AppError;
    use crate::state::AppState;

    /// Words in the cloud: as many as a projector shows legibly.
    const CLOUD_WORDS: usize = 30;

    /// The written questions of these steps.
    pub(in crate::workshop) fn written_questions<'a>(
        study: &'a Study,
        steps: impl IntoIterator<Item = &'a PlanStep>,
    ) -> Vec<&'a str> {
        steps
            .into_iter()
            .flat_map(|step| step.questions.iter())
            .filter(|id| {
                study
                    .question(id)
                    .is_some_and(|q| matches!(q.kind, QuestionKind::Text { .. }))
            })
            .map(String::as_str)
            .collect()
    }

    /// The queue of the step's written answers in `round`.
    pub async fn review_view(
        state: &AppState,
        workshop: &str,
        study: &Study,
        (step, round): (&PlanStep, i64),
    ) -> Result<ReviewView, AppError> {
        let questions = written_questions(study, [step]);
        let answers = state
            .storage
            .workshops()
            .written_answers(workshop, &questions, round)
            .await?;
        let finder = IdentifierFinder::new(&study.redaction.names, &study.redaction.not_names);
        Ok(ReviewView {
            answers: answers
                .iter()
                .map(|answer| ReviewedAnswer {
                    reference: answer.reference(),
                    question: label_of(study, answer),
                    text: answer.text.clone(),
                    findings: finder
                        .find(&answer.text)
                        .into_iter()
                        .map(|found| format!("{}: {}", found.detector.looks_like(), found.text))
                        .collect(),
                    status: match &answer.decision {
                        Decision::Waiting => "Waiting".to_owned(),
                        Decision::Hidden => "Kept off the screen".to_owned(),
                        Decision::Shown { theme: None } => "On the screen".to_owned(),
                        Decision::Shown { theme: Some(id) } => format!(
                            "On the screen, placed on {}",
                            study
                                .theme(id)
                                .map_or_else(|| id.clone(), |t| t.name.clone())
                        ),
                    },
                    theme: match &answer.decision {
                        Decision::Shown { theme } => theme.clone(),
                        _ => None,
                    },
                })
                .collect(),
            themes: study
                .themes
                .iter()
                .flat_map(|theme| theme.with_subthemes())
                .map(|theme| (theme.id.clone(), theme.name.clone()))
                .collect(),
        })
    }

    /// The step's shown answers in `round`, and every theme beside what the whole workshop
    /// placed on it (in any round).
    pub async fn wall_view(
        state: &AppState,
        workshop: &str,
        (study, plan): (&Study, &Plan),
        (step, round): (&PlanStep, i64),
    ) -> Result<WallView, AppError> {
        let mut answers = state.storage.workshops().every_answer(workshop).await?;
        let asked = written_questions(study, plan.steps());
        answers.retain(|answer| asked.contains(&answer.question.as_str()));
        let on_step = written_questions(study, [step]);
        let shown: Vec<&RoomAnswer> = answers
            .iter()
            .filter(|answer| matches!(answer.decision, Decision::Shown { .. }))
            .collect();
        let placed_on = |id: &str| -> Vec<String> {
            shown
                .iter()
                .filter(|a| matches!(&a.decision, Decision::Shown { theme: Some(t) } if t == id))
                .map(|a| a.text.clone())
                .collect()
        };
        let any_placed = shown
            .iter()
            .any(|a| matches!(a.decision, Decision::Shown { theme: Some(_) }));
        let themes = if any_placed {
            study
                .themes
                .iter()
                .flat_map(|theme| {
                    theme.with_subthemes().map(|each| ThemeBeside {
                        about: theme.about.clone(),
                        name: each.name.clone(),
                        summary: each.summary.clone(),
                        subtheme: each.id != theme.id,
                        placed: placed_on(&each.id),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let shown_on_step: Vec<&&RoomAnswer> = shown
            .iter()
            .filter(|answer| answer.round == round && on_step.contains(&answer.question.as_str()))
            .collect();
        Ok(WallView {
            words: most_used(
                shown_on_step.iter().map(|answer| answer.text.as_str()),
                &study.redaction.not_names,
                CLOUD_WORDS,
            ),
            shown: shown_on_step
                .iter()
                .map(|answer| (label_of(study, answer), answer.text.clone()))
                .collect(),
            themes,
        })
    }

    fn label_of(study: &Study, answer: &RoomAnswer) -> String {
        study
            .question(&answer.question)
            .map_or_else(|| answer.question.clone(), |q| q.label.clone())
    }
}

/// The facilitator's queue: each written answer with what the detectors found and the two
/// decisions (on the screen or off it), and a theme to place it on.
#[component]
pub fn ReviewQueue(workshop: String, review: ReviewView) -> impl IntoView {
    let action = format!("{}/{workshop}/review", super::admin::WORKSHOPS_PATH);
    let waiting = review
        .answers
        .iter()
        .filter(|a| a.status == "Waiting")
        .count();
    view! {
        <section aria-labelledby="review-heading" id="review">
            <h2 id="review-heading">"Written answers"</h2>
            <p>{format!(
                "{} written, {waiting} waiting. Nothing written is on the screen until you show it.",
                review.answers.len()
            )}</p>
            <ul class="review-list">
                {review.answers.into_iter().map(|answer| {
                    let text_id = format!("answer-{}", answer.reference);
                    let select_id = format!("theme-{}", answer.reference);
                    view! {
                        <li class="review-list__item">
                            <p class="answers__text" id=text_id.clone()>{answer.text.clone()}</p>
                            <p class="caption">{format!("{} · {}", answer.question, answer.status)}</p>
                            {(!answer.findings.is_empty()).then(|| view! {
                                <p class="warning-text"><strong>"May identify someone: "</strong>{answer.findings.join("; ")}</p>
                            })}
                            <form method="post" action=action.clone() class="inline-form">
                                <input type="hidden" name="answer" value=answer.reference.clone()/>
                                <button type="submit" name="decision" value="show" class="button button--secondary" aria-describedby=text_id.clone()>"Show on the screen"</button>
                                <button type="submit" name="decision" value="hide" class="button button--secondary" aria-describedby=text_id.clone()>"Keep off the screen"</button>
                            </form>
                            {(!review.themes.is_empty()).then(|| view! {
                                <form method="post" action=action.clone() class="inline-form">
                                    <input type="hidden" name="answer" value=answer.reference.clone()/>
                                    <label class="label" for=select_id.clone()>"Theme of the study"</label>
                                    <select class="select" id=select_id name="theme">
                                        {review.themes.iter().map(|(id, name)| {
                                            let selected = answer.theme.as_deref() == Some(id.as_str());
                                            view! { <option value=id.clone() selected=selected>{name.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                    <button type="submit" name="decision" value="place" class="button button--secondary" aria-describedby=text_id>"Place and show"</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// The screen's wall of shown answers and the room beside the study.
#[component]
pub fn Wall(wall: WallView) -> impl IntoView {
    let mut abouts: Vec<String> = Vec::new();
    for theme in &wall.themes {
        if !abouts.contains(&theme.about) {
            abouts.push(theme.about.clone());
        }
    }
    view! {
        {(!wall.shown.is_empty()).then(|| view! {
            <section aria-labelledby="wall-heading">
                <h2 id="wall-heading">"What the room wrote"</h2>
                <ul class="wall">
                    {wall.shown.iter().map(|(question, text)| view! {
                        <li class="wall__item"><p class="answers__text">{text.clone()}</p><p class="caption">{question.clone()}</p></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!wall.words.is_empty()).then(|| view! { <WordCloud words=wall.words.clone()/> })}
        {(!wall.themes.is_empty()).then(|| view! {
            <section aria-labelledby="beside-heading">
                <h2 id="beside-heading">"This room beside the study"</h2>
                {abouts.into_iter().map(|about| {
                    let rows: Vec<_> = wall.themes.iter().filter(|t| t.about == about).cloned().collect();
                    view! {
                        <table class="table beside">
                            <caption>{about}</caption>
                            <thead><tr><th scope="col">"Theme"</th><th scope="col">"The study found"</th><th scope="col">"This room"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|theme| view! {
                                    <tr class:beside__subtheme=theme.subtheme>
                                        <th scope="row">{theme.name}</th>
                                        <td>{theme.summary}</td>
                                        <td>
                                            {if theme.placed.is_empty() {
                                                view! { <span>"None yet"</span> }.into_any()
                                            } else {
                                                view! {
                                                    <p>{format!("{} answers", theme.placed.len())}</p>
                                                    <ul>{theme.placed.into_iter().map(|text| view! { <li class="answers__text">{text}</li> }).collect_view()}</ul>
                                                }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                }).collect_view()}
            </section>
        })}
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
    use domain::storage::{Decision, StorageError};

    use super::build::written_questions;
    use crate::auth::Trainer;
    use crate::error::AppError;
    use crate::form_posts::{form_value, parse_form};
    use crate::state::AppState;
    use crate::workshop::admin::WORKSHOPS_PATH;
    use crate::workshop::console::load::facilitated_plan;
    use crate::workshop::live::announce_answers;
    use crate::workshop::room::current_step;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/workshops/{id}/review", post(decide))
    }

    async fn decide(
        State(state): State<AppState>,
        Path(id): Path<String>,
        Trainer(staff): Trainer,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let (record, study, plan) = facilitated_plan(&state, &staff, &id).await?;
        let theme = form_value(&fields, "theme");
        let decision = match form_value(&fields, "decision") {
            "show" => Decision::Shown { theme: None },
            "hide" => Decision::Hidden,
            "place" if study.theme(theme).is_some() => Decision::Shown {
                theme: Some(theme.to_owned()),
            },
            "place" => {
                return Err(AppError::BadForm(
                    "Choose one of the study's themes.".into(),
                ));
            }
            _ => {
                return Err(AppError::BadForm(
                    "This decision is not one the console has.".into(),
                ));
            }
        };
        let questions = written_questions(&study, [current_step(&plan, &record.state)]);
        let answers = state
            .storage
            .workshops()
            .written_answers(&record.id, &questions, record.state.round)
            .await?;
        let reference = form_value(&fields, "answer");
        let answer = answers
            .iter()
            .find(|answer| answer.reference() == reference)
            .ok_or_else(|| {
                AppError::BadForm(
                    "That answer is not among this step's: the room may have moved on. Go back to the console."
                        .into(),
                )
            })?;
        match state
            .storage
            .workshops()
            .decide(&record.id, answer, &decision, state.clock.now())
            .await
        {
            Ok(()) | Err(StorageError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
        announce_answers(&state, &record.id).await;
        Ok(Redirect::to(&format!("{WORKSHOPS_PATH}/{}#review", record.id)).into_response())
    }
}

/// The words most used in the shown answers, larger the more answers used them; listed in order
/// of use, so a screen reader reads the most used first.
#[component]
fn WordCloud(words: Vec<(String, usize)>) -> impl IntoView {
    let most = words.iter().map(|(_, count)| *count).max().unwrap_or(1);
    view! {
        <section aria-labelledby="words-heading">
            <h2 id="words-heading">"Words the room used most"</h2>
            <ul class="word-cloud">
                {words.into_iter().map(|(word, count)| {
                    let size = format!("word-cloud__word word-cloud__word--{}", (count * 5).div_ceil(most));
                    view! { <li class=size>{word}<span class="visually-hidden">{format!(" ({count} answers)")}</span></li> }
                }).collect_view()}
            </ul>
        </section>
    }
}
