//! The analysis of a study: its written questions to code, its codes with their definitions
//! (adding one), and a code's page with its extracts collated from every answer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, field_error, load_by_study_and, when_loaded};

#[server]
pub async fn load_analysis(study: String) -> Result<AnalysisView, ServerFnError> {
    load::analysis(&study).await.map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_collated(study: String, code: String) -> Result<CollatedView, ServerFnError> {
    load::collated(&study, &code)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use std::collections::HashMap;

    use domain::export::AnalysisExport;
    use domain::ids::QuestionId;
    use domain::study::QuestionKind;
    use leptos::prelude::use_context;

    use super::super::{analysis_path, code_view, coder_name, participant_labels};
    use super::*;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn analysis(slug: &str) -> Result<AnalysisView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let mut questions = Vec::new();
        for (_, question) in study.questions() {
            if matches!(question.kind, QuestionKind::Text { .. }) {
                let answered = analysis.answers_to(&study.slug, &question.id).await?.len();
                questions.push((
                    question.id.to_string(),
                    question.label.clone(),
                    i64::try_from(answered).unwrap_or(i64::MAX),
                ));
            }
        }
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let typed = |name: &str| rejected.values.get(name).cloned().unwrap_or_default();
        Ok(AnalysisView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            questions,
            codes: analysis
                .codes(&study.slug)
                .await?
                .into_iter()
                .map(code_view)
                .collect(),
            exports: AnalysisExport::ALL
                .into_iter()
                .map(|export| {
                    let path = analysis_path(&study.slug);
                    (
                        format!("{path}/exports/{}", export.slug()),
                        export.describe().to_owned(),
                    )
                })
                .collect(),
            typed: (typed("name"), typed("definition")),
            errors: rejected.summary(),
        })
    }

    pub async fn collated(slug: &str, code: &str) -> Result<CollatedView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let record = analysis
            .code(&study.slug, code)
            .await?
            .ok_or(AppError::UnknownCode)?;
        let codings = analysis.codings_of_code(&study.slug, code).await?;
        let labels = participant_labels(&state, &study).await?;
        let mut answers: HashMap<(QuestionId, String), String> = HashMap::new();
        for question in codings
            .iter()
            .map(|c| c.question.clone())
            .collect::<std::collections::BTreeSet<_>>()
        {
            for answer in analysis.answers_to(&study.slug, &question).await? {
                answers.insert((question.clone(), answer.response.to_string()), answer.text);
            }
        }
        let extracts = codings
            .into_iter()
            .map(|coding| ExtractView {
                participant: labels
                    .get(&coding.participant_number)
                    .cloned()
                    .unwrap_or_else(|| format!("P{}", coding.participant_number)),
                question_label: study
                    .question(&coding.question)
                    .map_or_else(|| coding.question.to_string(), |q| q.label.clone()),
                answer: answers
                    .get(&(coding.question.clone(), coding.response.clone()))
                    .cloned()
                    .unwrap_or_default(),
                coder: coder_name(coding.coder.as_deref()),
                extract: coding.extract,
            })
            .collect();
        Ok(CollatedView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            code: code_view(record),
            extracts,
        })
    }
}

#[component]
pub fn AnalysisPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("study").unwrap_or_default(),
        load_analysis,
    );
    when_loaded(data, |view| {
        let has_errors = !view.errors.is_empty();
        let base = format!("/admin/studies/{}/analysis", view.slug);
        let title = if has_errors {
            "Error: Thematic analysis"
        } else {
            "Thematic analysis"
        };
        view! {
            <Title text=title/>
            <ErrorSummary errors=view.errors.clone()/>
            <a href=format!("/admin/studies/{}", view.slug) class="back-link">"Back to the study"</a>
            <span class="caption">{view.study_title.clone()}</span>
            <h1>"Thematic analysis"</h1>
            <p>"You code the answers yourselves: nothing here suggests or makes codings."</p>
            <h2>"Questions to code"</h2>
            <ul class="link-list">
                {view.questions.iter().map(|(id, label, answered)| view! {
                    <li>
                        <a href=format!("{base}/questions/{id}")>{label.clone()}</a>
                        {format!(" ({answered} answers)")}
                    </li>
                }).collect_view()}
            </ul>
            <h2>"Codes"</h2>
            {if view.codes.is_empty() {
                view! { <p>"No codes yet. Add one below, or while coding an answer."</p> }.into_any()
            } else {
                view! {
                    <dl class="codebook">
                        {view.codes.iter().map(|code| view! {
                            <dt><a href=format!("{base}/codes/{}", code.id)>{code.name.clone()}</a>{format!(" ({} codings)", code.codings)}</dt>
                            <dd>{if code.definition.is_empty() { "No definition yet.".to_owned() } else { code.definition.clone() }}</dd>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
            <h2>"Download the analysis"</h2>
            <p>"Extracts and positions are over the exported answers: identifiers accepted in the review are replaced by their descriptors. Participants are named by number; their demographics are in the study's data exports."</p>
            <ul class="link-list">
                {view.exports.iter().map(|(href, words)| view! {
                    <li><a href=href.clone() download="">{words.clone()}</a></li>
                }).collect_view()}
            </ul>
            <h2>"Add a code"</h2>
            <form method="post" action=format!("{base}/codes") novalidate>
                <div class="form-group" class:form-group--error=field_error(&view.errors, "name").is_some()>
                    <label class="label" for="name">"Name"</label>
                    {field_error(&view.errors, "name").map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <input class="input" type="text" id="name" name="name" value=view.typed.0.clone() autocomplete="off"/>
                </div>
                <div class="form-group" class:form-group--error=field_error(&view.errors, "definition").is_some()>
                    <label class="label" for="definition">"Definition"</label>
                    <p class="hint" id="definition-hint">"What the code captures, so that everyone codes alike."</p>
                    {field_error(&view.errors, "definition").map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <textarea class="textarea" id="definition" name="definition" rows="3" aria-describedby="definition-hint">{view.typed.1}</textarea>
                </div>
                <button type="submit" class="button">"Add the code"</button>
            </form>
        }
        .into_any()
    })
}

#[component]
pub fn CollatedPage() -> impl IntoView {
    let data = load_by_study_and("code", load_collated);
    when_loaded(data, |view| {
        let heading = format!("Code: {}", view.code.name);
        view! {
            <Title text=heading.clone()/>
            <a href=format!("/admin/studies/{}/analysis", view.slug) class="back-link">"Back to the analysis"</a>
            <h1>{heading}</h1>
            {(!view.code.definition.is_empty()).then(|| view! { <p class="lead">{view.code.definition.clone()}</p> })}
            <p>{format!("{} extracts from {}.", view.extracts.len(), view.study_title)}</p>
            <ol class="extracts">
                {view.extracts.into_iter().map(|extract| view! {
                    <li class="extract">
                        <p class="caption">{format!("{} · {} · coded by {}", extract.participant, extract.question_label, extract.coder)}</p>
                        <blockquote class="answers__text">{extract.extract}</blockquote>
                        <details class="details">
                            <summary>"The whole answer"</summary>
                            <p class="answers__text">{extract.answer}</p>
                        </details>
                    </li>
                }).collect_view()}
            </ol>
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

    use super::super::{CodeName, add_code, analysis_path};
    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/studies/{study}/analysis/codes", post(create))
    }

    async fn create(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = fields_named(&headers, &body, &["name", "definition"])?;
        let typed = |name: &str| fields.get(name).cloned().unwrap_or_default();
        let path = analysis_path(&study.slug);
        let refuse = |field: &str, message: String| {
            let mut form = RejectedForm::with_error(field, &message);
            form.values = fields.clone().into_iter().collect();
            form
        };
        let name = match CodeName::parse(&typed("name")) {
            Ok(name) => name,
            Err(problem) => {
                let form = refuse("name", problem);
                return Ok(render_rejected(&state, &path, &headers, form).await);
            }
        };
        let definition = typed("definition");
        if definition.chars().count() > super::super::DEFINITION_MOST {
            let form = refuse(
                "definition",
                format!(
                    "Keep the definition to {} characters",
                    super::super::DEFINITION_MOST
                ),
            );
            return Ok(render_rejected(&state, &path, &headers, form).await);
        }
        match add_code(&state, &study.slug, &name, definition.trim(), &staff).await? {
            Some(_) => Ok(Redirect::to(&path).into_response()),
            None => {
                let form = refuse(
                    "name",
                    format!("The study already has a code called \"{}\"", name.as_str()),
                );
                Ok(render_rejected(&state, &path, &headers, form).await)
            }
        }
    }
}
