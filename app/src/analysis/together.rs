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
    /// With the coding-reliability mode on: each pair of coders' agreement per code.
    pub reliability: Option<Vec<ReliabilityPair>>,
    pub errors: Vec<FieldError>,
}

/// Two coders' agreement per code, over every submitted written answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityPair {
    pub first: String,
    pub second: String,
    pub answers: usize,
    /// (code, both coded, only the first, only the second, neither, Cohen's kappa in words).
    pub rows: Vec<(String, usize, usize, usize, usize, String)>,
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
    use std::collections::{BTreeMap, BTreeSet, HashSet};

    use domain::analysis::{Agreement, Blinding, CoderMark, PairTally, agreement_of};
    use domain::ids::QuestionId;
    use domain::storage::CodingRecord;
    use domain::study::Study;
    use leptos::prelude::use_context;

    use super::super::memos::{memo_views, refused_memo};
    use super::*;
    use crate::analysis::{answer_texts, blinding_of, coder_name, participant_labels};
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
        let visible: Vec<CodingRecord> = all
            .into_iter()
            .filter(|coding| blinding.shows(coding.coder.as_deref()))
            .collect();
        let mut answers: BTreeMap<(i64, QuestionId, String), Vec<CodingRecord>> = BTreeMap::new();
        for coding in &visible {
            let key = (
                coding.participant_number,
                coding.question.clone(),
                coding.response.clone(),
            );
            answers.entry(key).or_default().push(coding.clone());
        }
        answers.retain(|_, codings| {
            let coders: BTreeSet<_> = codings.iter().map(|c| c.coder.clone()).collect();
            coders.len() > 1
        });
        let reliability = if analysis.reliability_mode(&study.slug).await? {
            Some(reliability_pairs(&state, &study, &visible).await?)
        } else {
            None
        };
        let compared = compared_answers(&state, &study, &blinding, answers).await?;
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
            reliability,
            errors: use_context::<RejectedForm>().unwrap_or_default().summary(),
        })
    }

    /// Cohen's kappa per code for each pair of coders whose codings the viewer sees, over every
    /// submitted written answer: whether each coder coded the answer with the code.
    async fn reliability_pairs(
        state: &AppState,
        study: &Study,
        visible: &[CodingRecord],
    ) -> Result<Vec<ReliabilityPair>, AppError> {
        let analysis = state.storage.analysis();
        let mut answers = Vec::new();
        for question in study.written_questions() {
            for answer in analysis.answers_to(&study.slug, &question.id).await? {
                answers.push((answer.response.to_string(), question.id.clone()));
            }
        }
        let coded: HashSet<(&str, &str, &str, &QuestionId)> = visible
            .iter()
            .filter_map(|c| {
                Some((
                    c.coder.as_deref()?,
                    c.code.as_str(),
                    c.response.as_str(),
                    &c.question,
                ))
            })
            .collect();
        let coders: BTreeSet<&str> = coded.iter().map(|(coder, ..)| *coder).collect();
        let coders: Vec<&str> = coders.into_iter().collect();
        let codes = analysis.codes(&study.slug).await?;
        let mut pairs = Vec::new();
        for (at, first) in coders.iter().enumerate() {
            for second in &coders[at + 1..] {
                let rows = codes
                    .iter()
                    .map(|code| {
                        let mut tally = PairTally::default();
                        for (response, question) in &answers {
                            let by = |coder: &str| {
                                coded.contains(&(
                                    coder,
                                    code.id.as_str(),
                                    response.as_str(),
                                    question,
                                ))
                            };
                            tally.add(by(first), by(second));
                        }
                        let kappa = tally.cohens_kappa().map_or_else(
                            || "undefined: no variation".to_owned(),
                            |kappa| format!("{kappa:.2}"),
                        );
                        (
                            code.name.clone(),
                            tally.both,
                            tally.only_first,
                            tally.only_second,
                            tally.neither,
                            kappa,
                        )
                    })
                    .collect();
                pairs.push(ReliabilityPair {
                    first: (*first).to_owned(),
                    second: (*second).to_owned(),
                    answers: answers.len(),
                    rows,
                });
            }
        }
        Ok(pairs)
    }

    async fn compared_answers(
        state: &AppState,
        study: &Study,
        blinding: &Blinding,
        answers: BTreeMap<(i64, QuestionId, String), Vec<CodingRecord>>,
    ) -> Result<Vec<ComparedAnswer>, AppError> {
        let analysis = state.storage.analysis();
        let labels = participant_labels(state, study).await?;
        let mut memos = analysis.answer_memos(&study.slug).await?;
        memos.retain(|memo| blinding.shows_memo(&memo.subject, memo.author.as_deref()));
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let questions = answers.keys().map(|(_, q, _)| q.clone());
        let texts = answer_texts(state, study, questions).await?;
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
                typed_memo: refused_memo(&rejected, &subject),
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
            <Reliability slug=view.slug.clone() pairs=view.reliability.clone()/>
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

/// The coding-reliability mode: off, a switch and why it is off by default; on, Cohen's kappa per
/// code for each pair of coders, clearly labelled.
#[component]
fn Reliability(slug: String, pairs: Option<Vec<ReliabilityPair>>) -> impl IntoView {
    let action = format!("/admin/studies/{slug}/analysis/team/reliability");
    let (switch, button) = if pairs.is_some() {
        ("off", "Switch the coding-reliability mode off")
    } else {
        ("on", "Switch the coding-reliability mode on")
    };
    view! {
        <h2>"Coding reliability"</h2>
        {match pairs {
            None => view! {
                <p>"Off. Reflexive thematic analysis does not measure agreement between coders: differences are for discussion. Switch this on only if your study takes a coding-reliability approach; it then shows Cohen's kappa per code for each pair of coders."</p>
            }.into_any(),
            Some(pairs) => view! {
                <p><strong>"Coding-reliability mode is on."</strong>" Cohen's kappa per code, for each pair of coders, computed over every submitted written answer: whether each coder coded the answer with the code at all, whatever the words."</p>
                {if pairs.is_empty() {
                    view! { <p>"It needs two coders whose codings you can see."</p> }.into_any()
                } else {
                    pairs.into_iter().map(|pair| {
                        let caption = format!("{} and {}, over {} answers", pair.first, pair.second, pair.answers);
                        view! {
                            <div class="table-wrapper" tabindex="0" role="region" aria-label=caption.clone()>
                                <table class="table">
                                    <caption>{caption.clone()}</caption>
                                    <thead><tr>
                                        <th scope="col">"Code"</th>
                                        <th scope="col">"Both"</th>
                                        <th scope="col">{format!("Only {}", pair.first)}</th>
                                        <th scope="col">{format!("Only {}", pair.second)}</th>
                                        <th scope="col">"Neither"</th>
                                        <th scope="col">"Cohen's kappa"</th>
                                    </tr></thead>
                                    <tbody>
                                        {pair.rows.into_iter().map(|(code, both, first, second, neither, kappa)| view! {
                                            <tr>
                                                <th scope="row">{code}</th>
                                                <td>{both}</td><td>{first}</td><td>{second}</td><td>{neither}</td>
                                                <td>{kappa}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
            }.into_any(),
        }}
        <form method="post" action=action class="inline-form">
            <input type="hidden" name="reliability" value=switch/>
            <button type="submit" class="button button--secondary">{button}</button>
        </form>
    }
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
            .route(
                "/admin/studies/{study}/analysis/team/reliability",
                post(set_reliability),
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
        let on = on_or_off(fields.get("independent"), "independent mode")?;
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

    async fn set_reliability(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = fields_named(&headers, &body, &["reliability"])?;
        let on = on_or_off(fields.get("reliability"), "the coding-reliability mode")?;
        let by = (staff.record.id.as_str(), state.clock.now());
        let analysis = state.storage.analysis();
        analysis.set_reliability_mode(&study.slug, on, by).await?;
        let action = if on {
            "coding-reliability mode on"
        } else {
            "coding-reliability mode off"
        };
        log_change(&state, &study.slug, &staff, action, "").await?;
        Ok(Redirect::to(&format!("{}/team", analysis_path(&study.slug))).into_response())
    }

    /// A switch's field: "on" or "off".
    fn on_or_off(value: Option<&String>, what: &str) -> Result<bool, AppError> {
        match value.map(String::as_str) {
            Some("on") => Ok(true),
            Some("off") => Ok(false),
            _ => Err(AppError::BadForm(format!(
                "Say whether to turn {what} on or off."
            ))),
        }
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
