//! Memos: the dated reflexive journal, memos on codes and themes (shown on their pages), and the
//! page that sets the researchers' themes beside the published study's, with a memo on each pair
//! saying how they relate. Interpretation, not a score: nothing here counts agreement.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::AnalysisHeading;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{FieldError, field_error, load_by_study, when_loaded};

/// The field a memo's words are typed in.
pub const MEMO_FIELD: &str = "memo-body";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoView {
    /// "2026-12-05 14:03:00".
    pub when: String,
    pub who: String,
    /// For a pair: how the two themes relate, and the published theme's name.
    pub pair: Option<(String, String)>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalView {
    pub slug: String,
    pub study_title: String,
    pub entries: Vec<MemoView>,
    pub typed: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BesideView {
    pub slug: String,
    pub study_title: String,
    /// (id, name, central concept, status words, the memos on its pairs) of each theme not
    /// discarded.
    pub ours: Vec<(String, String, String, String, Vec<MemoView>)>,
    /// (id, name, summary) of the published themes and subthemes.
    pub published: Vec<(String, String, String)>,
    pub errors: Vec<FieldError>,
}

/// How one of the researchers' themes relates to one of the published study's.
pub const RELATIONS: [(&str, &str); 3] = [
    ("similar", "Similar"),
    ("contrasting", "Contrasting"),
    ("absent", "Absent from the other analysis"),
];

#[server]
pub async fn load_journal(study: String) -> Result<JournalView, ServerFnError> {
    load::journal(&study).await.map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_beside(study: String) -> Result<BesideView, ServerFnError> {
    load::beside(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
pub use load::{memo_views, refused_memo};

#[cfg(feature = "ssr")]
mod load {
    use domain::analysis::ThemeStatus;
    use domain::storage::MemoRecord;
    use domain::study::Study;
    use leptos::prelude::use_context;

    use super::*;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    /// The words of a memo about `subject` that was just refused, to show again in its box; empty
    /// when the refused form was another.
    pub fn refused_memo(rejected: &RejectedForm, subject: &str) -> String {
        let value = |name: &str| rejected.values.get(name).map(String::as_str);
        match value("body") {
            Some(body) if value("subject") == Some(subject) => body.to_owned(),
            _ => String::new(),
        }
    }

    /// Memos as pages show them; `study` names the published themes of pairs.
    pub fn memo_views(study: &Study, memos: Vec<MemoRecord>) -> Vec<MemoView> {
        memos
            .into_iter()
            .map(|memo| {
                let pair = memo
                    .subject
                    .rsplit_once(':')
                    .and_then(|(start, published)| {
                        start.starts_with("pair:").then(|| {
                            let name = study
                                .themes
                                .iter()
                                .flat_map(|t| t.with_subthemes())
                                .find(|t| t.id == published)
                                .map_or_else(|| published.to_owned(), |t| t.name.clone());
                            let relation = memo.relation.clone().unwrap_or_default();
                            let words = RELATIONS
                                .iter()
                                .find(|(word, _)| *word == relation)
                                .map_or(relation.clone(), |(_, words)| (*words).to_owned());
                            (words, name)
                        })
                    });
                MemoView {
                    when: domain::clock::moment_of(memo.at),
                    who: super::super::coder_name(memo.author.as_deref()),
                    pair,
                    body: memo.body,
                }
            })
            .collect()
    }

    pub async fn journal(slug: &str) -> Result<JournalView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let memos = state
            .storage
            .analysis()
            .memos_about(&study.slug, "journal")
            .await?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        Ok(JournalView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            entries: memo_views(&study, memos),
            typed: rejected.values.get("body").cloned().unwrap_or_default(),
            errors: rejected.summary(),
        })
    }

    pub async fn beside(slug: &str) -> Result<BesideView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let pair_memos = analysis.pair_memos(&study.slug).await?;
        let ours = analysis
            .themes(&study.slug)
            .await?
            .into_iter()
            .filter(|theme| theme.status != ThemeStatus::Discarded)
            .map(|theme| {
                let prefix = format!("pair:{}:", theme.id);
                let memos = pair_memos
                    .iter()
                    .filter(|memo| memo.subject.starts_with(&prefix))
                    .cloned()
                    .collect();
                (
                    theme.id,
                    theme.name,
                    theme.central_concept,
                    theme.status.describe().to_owned(),
                    memo_views(&study, memos),
                )
            })
            .collect();
        let published = study
            .themes
            .iter()
            .flat_map(|t| t.with_subthemes())
            .map(|t| (t.id.clone(), t.name.clone(), t.summary.clone()))
            .collect();
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        Ok(BesideView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            ours,
            published,
            errors: rejected.summary(),
        })
    }
}

/// Memos, oldest first, each dated and signed.
#[component]
pub fn MemoList(memos: Vec<MemoView>) -> impl IntoView {
    view! {
        <ol class="memos">
            {memos.into_iter().map(|memo| view! {
                <li class="memo">
                    <p class="caption">{format!("{} · {}", memo.when, memo.who)}</p>
                    {memo.pair.map(|(relation, name)| view! { <p><strong>{format!("{relation}: {name}")}</strong></p> })}
                    <p class="answers__text">{memo.body}</p>
                </li>
            }).collect_view()}
        </ol>
    }
}

/// A form adding a memo about `subject`; `field` is its box's id where a page has several.
#[component]
pub fn MemoForm(
    slug: String,
    subject: String,
    label: &'static str,
    errors: Vec<FieldError>,
    typed: String,
    #[prop(optional)] field: Option<String>,
    /// The page to come back to when it is not the subject's own ("team").
    #[prop(optional)]
    back: Option<&'static str>,
) -> impl IntoView {
    let field = field.unwrap_or_else(|| MEMO_FIELD.to_owned());
    let error = field_error(&errors, &field);
    let has_error = error.is_some();
    view! {
        <form method="post" action=format!("/admin/studies/{slug}/analysis/memos") novalidate>
            <input type="hidden" name="subject" value=subject/>
            {back.map(|back| view! { <input type="hidden" name="back" value=back/> })}
            <div class="form-group" class:form-group--error=has_error>
                <label class="label" for=field.clone()>{label}</label>
                {error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                <textarea class="textarea" id=field name="body" rows="4">{typed}</textarea>
            </div>
            <button type="submit" class="button">"Add the memo"</button>
        </form>
    }
}

/// What a folded list of memos is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemosAbout {
    Answer,
    Coding,
    Question,
    Dataset,
}

impl MemosAbout {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::Answer => ("Memos on this answer", "A memo on this answer"),
            Self::Coding => ("Memos on this coding", "A memo on this coding"),
            Self::Question => (
                "Familiarisation notes on this question",
                "A note on this question's answers",
            ),
            Self::Dataset => (
                "Familiarisation notes on the whole data set",
                "A note on the data set",
            ),
        }
    }
}

/// The memos on one answer or coding, folded away until wanted (open when its memo was refused
/// or has just been added): the memos, then a form adding one.
#[component]
pub fn MemosOn(
    about: MemosAbout,
    subject: String,
    field: String,
    memos: Vec<MemoView>,
    typed: String,
    slug: String,
    errors: Vec<FieldError>,
    #[prop(optional)] back: Option<&'static str>,
) -> impl IntoView {
    let refused = field_error(&errors, &field).is_some();
    let just_added = use_query_map()
        .with_untracked(|query| query.get("memo").is_some_and(|added| added == field));
    let (summary, label) = about.words();
    view! {
        <details class="details" open=refused || just_added>
            <summary>{format!("{summary} ({})", memos.len())}</summary>
            {(!memos.is_empty()).then(|| view! { <MemoList memos/> })}
            <MemoForm slug subject label errors typed field back=back.unwrap_or_default()/>
        </details>
    }
}

#[component]
pub fn JournalPage() -> impl IntoView {
    let data = load_by_study(load_journal);
    when_loaded(data, |view| {
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Reflexive journal".to_owned() errors=view.errors.clone()/>
            <p>"Your thoughts on the analysis as it goes: what you bring to it, what surprised you, why you made a choice. Entries are dated and kept; none is changed later."</p>
            {if view.entries.is_empty() {
                view! { <p>"No entries yet."</p> }.into_any()
            } else {
                view! { <MemoList memos=view.entries/> }.into_any()
            }}
            <MemoForm slug=view.slug subject="journal".to_owned() label="A new entry" errors=view.errors typed=view.typed/>
        }
        .into_any()
    })
}

#[component]
pub fn BesidePage() -> impl IntoView {
    let data = load_by_study(load_beside);
    when_loaded(data, |view| {
        let action = format!("/admin/studies/{}/analysis/memos", view.slug);
        let published = view.published.clone();
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Your themes beside the study's".to_owned() errors=view.errors.clone()/>
            <p>"Each of your themes (discarded ones left out) with a memo on how it relates to a theme of the published study: similar, contrasting, or absent from one of the analyses. This is interpretation, not a score."</p>
            <h2>"The published study's themes"</h2>
            <dl class="codebook">
                {view.published.iter().map(|(_, name, summary)| view! {
                    <dt>{name.clone()}</dt>
                    <dd>{summary.clone()}</dd>
                }).collect_view()}
            </dl>
            <h2>"Your themes"</h2>
            {if view.ours.is_empty() {
                view! { <p>"No themes yet."</p> }.into_any()
            } else {
                view.ours.into_iter().map(|(id, name, concept, status, memos)| {
                    let error = field_error(&view.errors, &format!("pair-{id}"));
                    let has_error = error.is_some();
                    view! {
                        <section class="coding" aria-labelledby=format!("ours-{id}")>
                            <h3 id=format!("ours-{id}")>{format!("{name} ({status})")}</h3>
                            {(!concept.is_empty()).then(|| view! { <p>{concept}</p> })}
                            {(!memos.is_empty()).then(|| view! { <MemoList memos/> })}
                            <form method="post" action=action.clone() novalidate>
                                <input type="hidden" name="ours" value=id.clone()/>
                                <div class="form-group">
                                    <label class="label" for=format!("published-{id}")>"The published theme"</label>
                                    <select class="select" id=format!("published-{id}") name="published">
                                        {published.iter().map(|(value, label, _)| view! { <option value=value.clone()>{label.clone()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <fieldset class="fieldset">
                                    <legend class="fieldset__legend">"How they relate"</legend>
                                    {RELATIONS.iter().enumerate().map(|(i, (value, words))| {
                                        let radio = format!("relation-{id}-{value}");
                                        view! {
                                            <div class="radios__item">
                                                <input class="radios__input" type="radio" id=radio.clone() name="relation" value=*value checked=i == 0/>
                                                <label class="radios__label" for=radio>{*words}</label>
                                            </div>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <div class="form-group" class:form-group--error=has_error>
                                    <label class="label" for=format!("pair-{id}")>"Memo"</label>
                                    {error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                                    <textarea class="textarea" id=format!("pair-{id}") name="body" rows="3"></textarea>
                                </div>
                                <button type="submit" class="button">"Add the memo"</button>
                            </form>
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
    use domain::ids::ResponseId;
    use domain::storage::NewMemo;
    use domain::study::Study;

    use super::{MEMO_FIELD, RELATIONS};
    use crate::analysis::{analysis_path, coding_seen_by, log_change};
    use crate::auth::Researcher;
    use crate::auth::session::Staff;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;

    /// A memo is a few paragraphs.
    const MEMO_MOST: usize = 10_000;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/studies/{study}/analysis/memos", post(add))
    }

    /// What a memo is about: its stored subject, the page it is shown on, the field its words
    /// are typed in, and words for the log.
    struct Subject {
        stored: String,
        relation: Option<&'static str>,
        page: String,
        field: String,
        about: String,
        /// For a memo on a participant, an answer or a coding: the response (and coding) it
        /// goes with.
        response: Option<ResponseId>,
        coding: Option<String>,
    }

    /// A memo on a participant, one of their answers or a coding of one.
    async fn participant_subject(
        state: &AppState,
        study: &Study,
        staff: &Staff,
        subject: &str,
    ) -> Result<Option<Subject>, AppError> {
        let analysis = state.storage.analysis();
        let (number, question, coding) = match subject.split_once(':') {
            Some(("participant", number)) => (number.to_owned(), None, None),
            Some(("answer", rest)) => match rest.split_once(':') {
                Some((number, question)) => (number.to_owned(), Some(question.to_owned()), None),
                None => return Ok(None),
            },
            Some(("coding", id)) => {
                let coding = coding_seen_by(state, study, staff, id)
                    .await?
                    .ok_or(AppError::UnknownCoding)?;
                let number = coding.participant_number.to_string();
                (number, Some(coding.question.to_string()), Some(coding))
            }
            _ => return Ok(None),
        };
        let number: i64 = number.parse().map_err(|_| AppError::UnknownResponse)?;
        let (response, answers) = analysis
            .answers_of_participant(&study.slug, number)
            .await?
            .ok_or(AppError::UnknownResponse)?;
        if let Some(question) = &question
            && !answers
                .iter()
                .any(|(answered, _)| answered.as_str() == question)
        {
            return Err(AppError::UnknownQuestion);
        }
        let (field, about) = match (&coding, &question) {
            (Some(coding), _) => (
                format!("memo-coding-{}", coding.id),
                format!(
                    "a coding “{}” on P{number}'s answer to {}",
                    coding.code_name, coding.question
                ),
            ),
            (None, Some(question)) => (
                format!("memo-answer-{number}-{question}"),
                format!("P{number}'s answer to {question}"),
            ),
            (None, None) => (MEMO_FIELD.to_owned(), format!("participant P{number}")),
        };
        Ok(Some(Subject {
            stored: subject.to_owned(),
            relation: None,
            page: format!("{}/participants/{number}", analysis_path(&study.slug)),
            field,
            about,
            response: Some(response),
            coding: coding.map(|coding| coding.id),
        }))
    }

    async fn subject_of(
        state: &AppState,
        study: &Study,
        staff: &Staff,
        fields: &std::collections::HashMap<String, String>,
    ) -> Result<Subject, AppError> {
        let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
        let base = analysis_path(&study.slug);
        let analysis = state.storage.analysis();
        if !field("ours").is_empty() {
            let ours = analysis
                .theme(&study.slug, field("ours"))
                .await?
                .ok_or(AppError::UnknownTheme)?;
            let published = study
                .themes
                .iter()
                .flat_map(|t| t.with_subthemes())
                .find(|t| t.id == field("published"))
                .ok_or_else(|| AppError::BadForm("Choose one of the published themes.".into()))?;
            let relation = RELATIONS
                .iter()
                .find(|(word, _)| *word == field("relation"))
                .map(|(word, _)| *word)
                .ok_or_else(|| AppError::BadForm("Say how the two themes relate.".into()))?;
            return Ok(Subject {
                stored: format!("pair:{}:{}", ours.id, published.id),
                relation: Some(relation),
                page: format!("{base}/beside"),
                field: format!("pair-{}", ours.id),
                about: format!("“{}” beside “{}”: {relation}", ours.name, published.name),
                response: None,
                coding: None,
            });
        }
        let subject = field("subject");
        if let Some(about_a_participant) = participant_subject(state, study, staff, subject).await?
        {
            return Ok(about_a_participant);
        }
        let mut field_id = MEMO_FIELD.to_owned();
        let (page, about) = match subject.split_once(':') {
            None if subject == "journal" => (format!("{base}/journal"), "the journal".to_owned()),
            None if subject == "dataset" => {
                field_id = "memo-dataset".to_owned();
                (base.clone(), "the data set".to_owned())
            }
            Some(("question", id)) => {
                let question = study
                    .question(id)
                    .filter(|q| q.is_written())
                    .ok_or(AppError::UnknownQuestion)?;
                field_id = "memo-question".to_owned();
                (
                    format!("{base}/questions/{}", question.id),
                    format!("question {}", question.id),
                )
            }
            Some(("code", id)) => {
                let code = analysis
                    .code(&study.slug, id)
                    .await?
                    .ok_or(AppError::UnknownCode)?;
                (
                    format!("{base}/codes/{id}"),
                    format!("code “{}”", code.name),
                )
            }
            Some(("theme", id)) => {
                let theme = analysis
                    .theme(&study.slug, id)
                    .await?
                    .ok_or(AppError::UnknownTheme)?;
                (
                    format!("{base}/themes/{id}"),
                    format!("theme “{}”", theme.name),
                )
            }
            _ => {
                return Err(AppError::BadForm(
                    "The memo is about nothing we know.".into(),
                ));
            }
        };
        Ok(Subject {
            stored: subject.to_owned(),
            relation: None,
            page,
            field: field_id,
            about,
            response: None,
            coding: None,
        })
    }

    async fn add(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = fields_named(
            &headers,
            &body,
            &["subject", "ours", "published", "relation", "body", "back"],
        )?;
        let mut subject = subject_of(&state, &study, &staff, &fields).await?;
        if fields.get("back").map(String::as_str) == Some("team") {
            subject.page = format!("{}/team", analysis_path(&study.slug));
        }
        let words = fields.get("body").map_or("", |body| body.trim());
        let problem = if words.is_empty() {
            Some("Write the memo".to_owned())
        } else if words.chars().count() > MEMO_MOST {
            Some(format!("Keep a memo to {MEMO_MOST} characters"))
        } else {
            None
        };
        if let Some(problem) = problem {
            let form = RejectedForm::keeping(&subject.field, &problem, fields.clone());
            return Ok(render_rejected(&state, &subject.page, &headers, form).await);
        }
        state
            .storage
            .analysis()
            .add_memo(NewMemo {
                study: &study.slug,
                subject: &subject.stored,
                relation: subject.relation,
                response: subject.response.as_ref(),
                coding: subject.coding.as_deref(),
                body: words,
                by: &staff.record.id,
                now: state.clock.now(),
            })
            .await?;
        let detail = format!("on {}", subject.about);
        log_change(&state, &study.slug, &staff, "memo added", &detail).await?;
        // Back at the memo's box, its folded list open, so the new memo shows where it was written.
        let back = format!(
            "{}?memo={field}#{field}",
            subject.page,
            field = subject.field
        );
        Ok(Redirect::to(&back).into_response())
    }
}
