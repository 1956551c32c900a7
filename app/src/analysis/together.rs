//! Coding together: independent mode (each coder sees only their own codings until they and the
//! others release theirs), releasing one's codings, and the answers two coders or more have coded
//! set side by side, each coding marked where it differs, with a discussion memo per answer.
//! No agreement score.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AnalysisHeading;
use super::memos::{MemoView, MemosAbout, MemosOn};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{FieldError, load_by_study, when_loaded};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub slug: String,
    pub study_title: String,
    pub independent: bool,
    pub viewer_released: bool,
    /// (coder, whether they have released their codings) of each coder of the study.
    pub coders: Vec<(String, bool)>,
    pub compared: Vec<ComparedAnswer>,
    pub errors: Vec<FieldError>,
}

/// An answer coded by two coders or more, each coder's codings side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedAnswer {
    pub participant: String,
    pub number: i64,
    pub question_id: String,
    pub question_label: String,
    pub answer: String,
    /// Each coder and their codings.
    pub by_coder: Vec<(String, Vec<ComparedCoding>)>,
    pub differences: usize,
    pub memos: Vec<MemoView>,
    pub typed_memo: String,
}

/// One coder's coding of a compared answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedCoding {
    pub code: String,
    pub extract: String,
    /// How it compares with the other coders' ("matched", or how it differs).
    pub compared: String,
}

#[server]
pub async fn load_team(study: String) -> Result<TeamView, ServerFnError> {
    load::team(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    use domain::analysis::{Agreement, CoderMark, agreement_of};
    use domain::ids::QuestionId;
    use domain::storage::CodingRecord;
    use domain::study::Study;
    use leptos::prelude::use_context;

    use super::super::memos::memo_views;
    use super::*;
    use crate::analysis::{blinding_of, coder_name, participant_labels};
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use crate::state::AppState;

    pub async fn team(slug: &str) -> Result<TeamView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let blinding = blinding_of(&state, &study, &staff).await?;
        let all = analysis.codings_of_study(&study.slug).await?;
        let coders: BTreeSet<String> = all
            .iter()
            .map(|coding| coder_name(coding.coder.as_deref()))
            .chain(blinding.released.iter().cloned())
            .collect();
        let mut answers: BTreeMap<(i64, QuestionId, String), Vec<CodingRecord>> = BTreeMap::new();
        for coding in all {
            if blinding.shows(coding.coder.as_deref()) {
                let key = (
                    coding.participant_number,
                    coding.question.clone(),
                    coding.response.clone(),
                );
                answers.entry(key).or_default().push(coding);
            }
        }
        answers.retain(|_, codings| {
            let coders: BTreeSet<_> = codings.iter().map(|c| c.coder.clone()).collect();
            coders.len() > 1
        });
        let compared = compared_answers(&state, &study, answers).await?;
        Ok(TeamView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            independent: blinding.independent,
            viewer_released: blinding.viewer_released(),
            coders: coders
                .into_iter()
                .map(|coder| {
                    let released = blinding.released.contains(&coder);
                    (coder, released)
                })
                .collect(),
            compared,
            errors: use_context::<RejectedForm>().unwrap_or_default().summary(),
        })
    }

    async fn compared_answers(
        state: &AppState,
        study: &Study,
        answers: BTreeMap<(i64, QuestionId, String), Vec<CodingRecord>>,
    ) -> Result<Vec<ComparedAnswer>, AppError> {
        let analysis = state.storage.analysis();
        let labels = participant_labels(state, study).await?;
        let memos = analysis.answer_memos(&study.slug).await?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let mut texts: HashMap<(QuestionId, String), String> = HashMap::new();
        let questions: BTreeSet<QuestionId> = answers.keys().map(|(_, q, _)| q.clone()).collect();
        for question in questions {
            for answer in analysis.answers_to(&study.slug, &question).await? {
                texts.insert((question.clone(), answer.response.to_string()), answer.text);
            }
        }
        let mut compared = Vec::new();
        for ((number, question, response), codings) in answers {
            let marks: Vec<CoderMark<'_>> = codings
                .iter()
                .map(|c| CoderMark {
                    coder: c.coder.as_deref().unwrap_or_default(),
                    code: &c.code,
                    start: c.start,
                    end: c.end,
                })
                .collect();
            let mut by_coder: BTreeMap<String, Vec<ComparedCoding>> = BTreeMap::new();
            let mut differences = 0;
            for (coding, mark) in codings.iter().zip(&marks) {
                let agreement = agreement_of(mark, &marks);
                differences += usize::from(agreement != Agreement::Matched);
                by_coder
                    .entry(coder_name(coding.coder.as_deref()))
                    .or_default()
                    .push(ComparedCoding {
                        code: coding.code_name.clone(),
                        extract: coding.extract.clone(),
                        compared: agreement.describe().to_owned(),
                    });
            }
            let subject = format!("answer:{number}:{question}");
            let on_answer = memos
                .iter()
                .filter(|memo| memo.subject == subject)
                .cloned()
                .collect();
            let typed = |name: &str| rejected.values.get(name).map(String::as_str);
            compared.push(ComparedAnswer {
                participant: labels
                    .get(&number)
                    .cloned()
                    .unwrap_or_else(|| format!("P{number}")),
                number,
                question_label: study
                    .question(&question)
                    .map_or_else(|| question.to_string(), |q| q.label.clone()),
                answer: texts
                    .get(&(question.clone(), response))
                    .cloned()
                    .unwrap_or_default(),
                question_id: question.to_string(),
                by_coder: by_coder.into_iter().collect(),
                differences,
                memos: memo_views(study, on_answer),
                typed_memo: match typed("body") {
                    Some(body) if typed("subject") == Some(subject.as_str()) => body.to_owned(),
                    _ => String::new(),
                },
            });
        }
        Ok(compared)
    }
}

#[component]
pub fn CodingTogetherPage() -> impl IntoView {
    let data = load_by_study(load_team);
    when_loaded(data, |view| {
        let base = format!("/admin/studies/{}/analysis", view.slug);
        let (mode_words, switch, button) = if view.independent {
            (
                "Independent mode is on: each coder sees only their own codings until they release theirs, and then the codings of the others who have released.",
                "off",
                "Turn independent mode off (every coder sees every coding)",
            )
        } else {
            (
                "Independent mode is off: every coder sees every coding.",
                "on",
                "Turn independent mode on",
            )
        };
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Coding together".to_owned() errors=view.errors.clone()/>
            <p>{mode_words}</p>
            <form method="post" action=format!("{base}/team/mode") class="inline-form">
                <input type="hidden" name="independent" value=switch/>
                <button type="submit" class="button button--secondary">{button}</button>
            </form>
            {(view.independent && !view.viewer_released).then(|| view! {
                <p>"When you have finished coding on your own, release your codings: you will then see those of the others who have released theirs, and they yours."</p>
                <form method="post" action=format!("{base}/team/release") class="inline-form">
                    <button type="submit" class="button">"Release my codings"</button>
                </form>
            })}
            <h2>"Coders"</h2>
            {if view.coders.is_empty() {
                view! { <p>"No one has coded yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {view.coders.iter().map(|(coder, released)| {
                            let state = if !view.independent { "" } else if *released { " (released)" } else { " (coding on their own)" };
                            view! { <li>{format!("{coder}{state}")}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2>"Answers coded by more than one coder"</h2>
            <p>"Each coder's codings side by side, with where they differ. Discuss the differences and note what you decide in a memo on the answer; nothing here scores agreement."</p>
            {if view.compared.is_empty() {
                view! { <p>"None you can compare yet."</p> }.into_any()
            } else {
                view.compared.into_iter().map(|answer| {
                    let id = format!("compared-{}-{}", answer.number, answer.question_id);
                    let subject = format!("answer:{}:{}", answer.number, answer.question_id);
                    let field = format!("memo-answer-{}-{}", answer.number, answer.question_id);
                    view! {
                        <section class="coding" aria-labelledby=id.clone()>
                            <h3 class="heading-s" id=id.clone()>
                                <a href=format!("{base}/participants/{}", answer.number)>{answer.participant.clone()}</a>
                                {format!(" · {} · {} differences", answer.question_label, answer.differences)}
                            </h3>
                            <p class="answers__text">{answer.answer.clone()}</p>
                            {answer.by_coder.into_iter().map(|(coder, codings)| view! {
                                <h4 class="heading-s">{coder}</h4>
                                <ul class="codings">
                                    {codings.into_iter().map(|coding| view! {
                                        <li><strong>{coding.code}</strong>{format!(": “{}” ({})", coding.extract, coding.compared)}</li>
                                    }).collect_view()}
                                </ul>
                            }).collect_view()}
                            <MemosOn about=MemosAbout::Answer subject field memos=answer.memos typed=answer.typed_memo slug=view.slug.clone() errors=view.errors.clone() back="team"/>
                        </section>
                    }
                }).collect_view().into_any()
            }}
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

    use crate::analysis::{analysis_path, log_change};
    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::form_posts::fields_named;
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/admin/studies/{study}/analysis/team/mode", post(set_mode))
            .route(
                "/admin/studies/{study}/analysis/team/release",
                post(release),
            )
    }

    async fn set_mode(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = fields_named(&headers, &body, &["independent"])?;
        let on = match fields.get("independent").map(String::as_str) {
            Some("on") => true,
            Some("off") => false,
            _ => {
                return Err(AppError::BadForm(
                    "Say whether to turn independent mode on or off.".into(),
                ));
            }
        };
        let by = (staff.record.id.as_str(), state.clock.now());
        state
            .storage
            .analysis()
            .set_independent(&study.slug, on, by)
            .await?;
        let action = if on {
            "independent mode on"
        } else {
            "independent mode off"
        };
        log_change(&state, &study.slug, &staff, action, "").await?;
        Ok(Redirect::to(&format!("{}/team", analysis_path(&study.slug))).into_response())
    }

    async fn release(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        fields_named(&headers, &body, &[])?;
        let analysis = state.storage.analysis();
        if !analysis
            .blinding(&study.slug, &staff.record.email)
            .await?
            .independent
        {
            return Err(AppError::BadForm(
                "Independent mode is off: every coding is already shared.".into(),
            ));
        }
        let by = (staff.record.id.as_str(), state.clock.now());
        analysis.release_codings(&study.slug, by).await?;
        log_change(&state, &study.slug, &staff, "codings released", "").await?;
        Ok(Redirect::to(&format!("{}/team", analysis_path(&study.slug))).into_response())
    }
}
