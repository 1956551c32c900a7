//! Themes, the layer above codes: a theme's page (its central organising concept, status, codes
//! and their extracts collated), adding a theme (maybe within an overarching one), and the
//! analysis log, where every change is kept.

use leptos::prelude::*;

use super::data::*;
use super::memos::{MemoForm, MemoList};
use super::{AnalysisHeading, ExtractList};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{field_error, load_by_study, load_by_study_and, when_loaded};

/// How many lines of the analysis log its page shows.
#[cfg(feature = "ssr")]
const LOG_LINES_SHOWN: i64 = 500;

#[server]
pub async fn load_theme(study: String, theme: String) -> Result<ThemePageView, ServerFnError> {
    load::theme(&study, &theme)
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_log(study: String) -> Result<LogView, ServerFnError> {
    load::log(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use domain::analysis::ThemeStatus;
    use leptos::prelude::use_context;

    use super::super::memos::memo_views;
    use super::super::{code_view, extract_views, theme_view};
    use super::*;
    use crate::analysis::visible_codings;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn theme(slug: &str, id: &str) -> Result<ThemePageView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let themes = analysis.themes(&study.slug).await?;
        let record = themes
            .iter()
            .find(|theme| theme.id == id)
            .cloned()
            .ok_or(AppError::UnknownTheme)?;
        let codes = analysis.codes(&study.slug).await?;
        let mut codings = Vec::new();
        for code in &record.codes {
            codings.extend(analysis.codings_of_code(&study.slug, code).await?);
        }
        let mut codings = visible_codings(&state, &study, &staff, codings).await?;
        codings.sort_by_key(|c| (c.participant_number, c.question.clone(), c.start, c.end));
        let overarching = record.parent.as_ref().and_then(|parent| {
            themes
                .iter()
                .find(|theme| &theme.id == parent)
                .map(|theme| (theme.id.clone(), theme.name.clone()))
        });
        let subthemes = themes
            .iter()
            .filter(|theme| theme.parent.as_deref() == Some(id))
            .map(|theme| (theme.id.clone(), theme.name.clone()))
            .collect();
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        Ok(ThemePageView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            codes: codes
                .iter()
                .map(|code| {
                    (
                        code_view(code.clone(), &codes),
                        record.codes.contains(&code.id),
                    )
                })
                .collect(),
            theme: theme_view(&record, &codes),
            overarching,
            subthemes,
            statuses: ThemeStatus::ALL
                .into_iter()
                .map(|status| (status.as_str().to_owned(), status.describe().to_owned()))
                .collect(),
            extracts: extract_views(&state, &study, codings).await?,
            memos: memo_views(
                &study,
                analysis
                    .memos_about(&study.slug, &format!("theme:{id}"))
                    .await?,
            ),
            memo_typed: rejected.values.get("body").cloned().unwrap_or_default(),
            errors: rejected.summary(),
        })
    }

    pub async fn log(slug: &str) -> Result<LogView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let blinding = super::super::blinding_of(&state, &study, &staff).await?;
        let entries = state
            .storage
            .analysis()
            .log_of(&study.slug, LOG_LINES_SHOWN, &blinding)
            .await?
            .into_iter()
            .map(|entry| {
                (
                    domain::clock::moment_of(entry.at),
                    super::super::coder_name(entry.actor.as_deref()),
                    entry.action,
                    entry.detail,
                )
            })
            .collect();
        Ok(LogView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            entries,
        })
    }
}

#[component]
pub fn ThemePage() -> impl IntoView {
    let data = load_by_study_and("theme", load_theme);
    when_loaded(data, |view| {
        let heading = format!("Theme: {}", view.theme.name);
        let base = format!("/admin/studies/{}/analysis", view.slug);
        let action = format!("{base}/themes/{}", view.theme.id);
        let current = view.theme.status.0.clone();
        let (definition, scope, boundaries) = view.theme.definition.clone();
        let chosen: Vec<ExtractView> = view
            .extracts
            .iter()
            .filter(|extract| view.theme.chosen.contains(&extract.coding_id))
            .cloned()
            .collect();
        let define_field = |id: &'static str,
                            label: &'static str,
                            hint: &'static str,
                            value: String| {
            let error = field_error(&view.errors, id);
            let has_error = error.is_some();
            view! {
                <div class="form-group" class:form-group--error=has_error>
                    <label class="label" for=id>{label}</label>
                    <p class="hint" id=format!("{id}-hint")>{hint}</p>
                    {error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <textarea class="textarea" id=id name=id rows="3" aria-describedby=format!("{id}-hint")>{value}</textarea>
                </div>
            }
        };
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading=heading errors=view.errors.clone()/>
            <p class="lead">{if view.theme.central_concept.is_empty() { "No central organising concept yet.".to_owned() } else { view.theme.central_concept.clone() }}</p>
            <p>{format!("Status: {}.", view.theme.status.1)}</p>
            {view.overarching.clone().map(|(id, name)| view! {
                <p>"A subtheme of "<a href=format!("{base}/themes/{id}")>{name}</a>"."</p>
            })}
            {(!view.subthemes.is_empty()).then(|| view! {
                <h2>"Subthemes"</h2>
                <ul class="link-list">
                    {view.subthemes.iter().map(|(id, name)| view! {
                        <li><a href=format!("{base}/themes/{id}")>{name.clone()}</a></li>
                    }).collect_view()}
                </ul>
            })}
            <h2>"Definition"</h2>
            <form method="post" action=format!("{action}/definition") novalidate>
                {define_field("definition", "What the theme is", "Its story, in a few sentences.", definition)}
                {define_field("scope", "Scope", "What it covers.", scope)}
                {define_field("boundaries", "Boundaries", "What it does not cover, and which theme does.", boundaries)}
                <button type="submit" class="button">"Save the definition"</button>
            </form>
            <h2>"Chosen extracts"</h2>
            {if chosen.is_empty() {
                view! { <p>"None chosen yet: choose vivid extracts from the list below."</p> }.into_any()
            } else {
                view! { <ExtractList extracts=chosen with_code=true/> }.into_any()
            }}
            <h2>"Status"</h2>
            <form method="post" action=format!("{action}/status")>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Where the theme stands in the review"</legend>
                    {view.statuses.iter().map(|(word, words)| {
                        let id = format!("status-{word}");
                        view! {
                            <div class="radios__item">
                                <input class="radios__input" type="radio" id=id.clone() name="status" value=word.clone() checked=*word == current/>
                                <label class="radios__label" for=id>{words.clone()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">"Save the status"</button>
            </form>
            <h2>"Codes in this theme"</h2>
            {if view.codes.is_empty() {
                view! { <p>"The study has no codes yet."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=format!("{action}/codes")>
                        <fieldset class="fieldset">
                            <legend class="fieldset__legend">"Tick the codes this theme gathers (a code may be in several themes)"</legend>
                            {view.codes.iter().map(|(code, member)| {
                                let id = format!("theme-code-{}", code.id);
                                view! {
                                    <div class="checkboxes__item">
                                        <input class="checkboxes__input" type="checkbox" id=id.clone() name="code" value=code.id.clone() checked=*member/>
                                        <label class="checkboxes__label" for=id>{code.name.clone()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class="button">"Save the codes"</button>
                    </form>
                }.into_any()
            }}
            <h2>"Memos"</h2>
            {(!view.memos.is_empty()).then(|| view! { <MemoList memos=view.memos.clone()/> })}
            <MemoForm slug=view.slug.clone() subject=format!("theme:{}", view.theme.id) label="A memo on this theme" errors=view.errors.clone() typed=view.memo_typed.clone()/>
            <h2>"Extracts"</h2>
            <p>{format!("{} extracts from its codes.", view.extracts.len())}</p>
            <p>{review_summary(&view.extracts, &view.theme.reviewed)}</p>
            <ExtractList extracts=view.extracts with_code=true choose=(format!("{action}/extracts"), view.theme.chosen.clone()) review=(format!("{action}/reviews"), view.theme.reviewed.clone())/>
        }
        .into_any()
    })
}

#[component]
pub fn LogPage() -> impl IntoView {
    let data = load_by_study(load_log);
    when_loaded(data, |view| {
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Analysis log".to_owned()/>
            <p>"Every change to the codes, codings and themes, who made it and when (UTC), newest first. Lines are never changed or deleted; they hold no participant's words."</p>
            <div class="table-wrapper" tabindex="0" role="region" aria-label="The analysis log">
                <table class="table">
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Details"</th></tr></thead>
                    <tbody>
                        {view.entries.into_iter().map(|(at, who, what, detail)| view! {
                            <tr><td>{at}</td><td>{who}</td><td>{what}</td><td>{detail}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    })
}

/// Where the first level of review stands: how many of the extracts fit, do not, or wait.
fn review_summary(extracts: &[ExtractView], reviewed: &[(String, bool)]) -> String {
    let verdict = |extract: &ExtractView| {
        reviewed
            .iter()
            .find(|(id, _)| *id == extract.coding_id)
            .map(|(_, fits)| *fits)
    };
    let fits = extracts.iter().filter(|e| verdict(e) == Some(true)).count();
    let misfits = extracts
        .iter()
        .filter(|e| verdict(e) == Some(false))
        .count();
    let waiting = extracts.len() - fits - misfits;
    format!(
        "Reviewing the extracts (level one): {fits} fit the theme, {misfits} do not, {waiting} not reviewed yet."
    )
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::analysis::ThemeStatus;
    use domain::storage::{StorageError, ThemeDefinition, ThemeRecord};
    use domain::study::Study;
    use std::sync::Arc;

    use super::super::{CodeName, analysis_path, coding_seen_by, log_change};
    use crate::auth::Researcher;
    use crate::auth::session::Staff;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, parse_form, render_rejected};
    use crate::state::AppState;

    /// A central organising concept is a sentence or two.
    const CONCEPT_MOST: usize = 2_000;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/admin/studies/{study}/analysis/themes", post(create))
            .route(
                "/admin/studies/{study}/analysis/themes/{theme}/status",
                post(set_status),
            )
            .route(
                "/admin/studies/{study}/analysis/themes/{theme}/codes",
                post(set_codes),
            )
            .route(
                "/admin/studies/{study}/analysis/themes/{theme}/definition",
                post(define),
            )
            .route(
                "/admin/studies/{study}/analysis/themes/{theme}/extracts",
                post(choose_extract),
            )
            .route(
                "/admin/studies/{study}/analysis/themes/{theme}/reviews",
                post(review_extract),
            )
    }

    async fn create(
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
            &["theme_name", "central_concept", "within"],
        )?;
        let typed = |name: &str| fields.get(name).cloned().unwrap_or_default();
        let path = analysis_path(&study.slug);
        let refuse =
            |field: &str, message: String| RejectedForm::keeping(field, &message, fields.clone());
        let name = match CodeName::parse(&typed("theme_name")) {
            Ok(name) => name,
            Err(problem) => {
                let problem = problem.replace("the code", "the theme");
                let form = refuse("theme_name", problem);
                return Ok(render_rejected(&state, &path, &headers, form).await);
            }
        };
        let concept = typed("central_concept");
        if concept.chars().count() > CONCEPT_MOST {
            let message =
                format!("Keep the central organising concept to {CONCEPT_MOST} characters");
            let form = refuse("central_concept", message);
            return Ok(render_rejected(&state, &path, &headers, form).await);
        }
        let analysis = state.storage.analysis();
        let within = typed("within");
        let themes = analysis.themes(&study.slug).await?;
        let parent = match within.as_str() {
            "" => None,
            id => match themes.iter().find(|theme| theme.id == id) {
                Some(theme) if theme.parent.is_none() => Some(theme),
                Some(_) => {
                    let message = "Choose an overarching theme: a subtheme has no subthemes";
                    let form = refuse("within", message.into());
                    return Ok(render_rejected(&state, &path, &headers, form).await);
                }
                None => return Err(AppError::UnknownTheme),
            },
        };
        let made = analysis
            .create_theme(
                &study.slug,
                (name.as_str(), concept.trim()),
                parent.map(|theme| theme.id.as_str()),
                (&staff.record.id, state.clock.now()),
            )
            .await;
        let id = match made {
            Ok(id) => id,
            Err(StorageError::Duplicate) => {
                let message = format!("The study already has a theme called \"{}\"", name.as_str());
                let form = refuse("theme_name", message);
                return Ok(render_rejected(&state, &path, &headers, form).await);
            }
            Err(other) => return Err(other.into()),
        };
        let detail = match parent {
            Some(parent) => format!("“{}”, within “{}”", name.as_str(), parent.name),
            None => format!("“{}”", name.as_str()),
        };
        log_change(&state, &study.slug, &staff, "theme added", &detail).await?;
        Ok(Redirect::to(&format!("{path}/themes/{id}")).into_response())
    }

    async fn set_status(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let (study, theme) = study_and_theme(&state, &staff, &slug, &id).await?;
        let fields = fields_named(&headers, &body, &["status"])?;
        let analysis = state.storage.analysis();
        let page = format!("{}/themes/{id}", analysis_path(&study.slug));
        let Some(status) = fields
            .get("status")
            .and_then(|word| ThemeStatus::parse(word))
        else {
            let form = RejectedForm::with_error("status-candidate", "Choose a status");
            return Ok(render_rejected(&state, &page, &headers, form).await);
        };
        analysis.set_theme_status(&study.slug, &id, status).await?;
        let detail = format!(
            "“{}”: {} → {}",
            theme.name,
            theme.status.describe(),
            status.describe()
        );
        log_change(&state, &study.slug, &staff, "theme status", &detail).await?;
        Ok(Redirect::to(&page).into_response())
    }

    async fn set_codes(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let (study, theme) = study_and_theme(&state, &staff, &slug, &id).await?;
        let fields = parse_form(&headers, &body)?;
        let analysis = state.storage.analysis();
        let codes = analysis.codes(&study.slug).await?;
        let mut chosen = Vec::new();
        for (name, value) in &fields {
            if name != "code" {
                return Err(AppError::UnknownField(name.clone()));
            }
            let code = codes
                .iter()
                .find(|code| code.id == *value)
                .ok_or(AppError::UnknownCode)?;
            chosen.push(code);
        }
        let ids: Vec<String> = chosen.iter().map(|code| code.id.clone()).collect();
        analysis.set_theme_codes(&study.slug, &id, &ids).await?;
        let names: Vec<&str> = chosen.iter().map(|code| code.name.as_str()).collect();
        let detail = format!("“{}”: {}", theme.name, words_list(&names));
        log_change(&state, &study.slug, &staff, "theme codes", &detail).await?;
        Ok(Redirect::to(&format!("{}/themes/{id}", analysis_path(&study.slug))).into_response())
    }

    async fn define(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let (study, theme) = study_and_theme(&state, &staff, &slug, &id).await?;
        let names = ["definition", "scope", "boundaries"];
        let fields = fields_named(&headers, &body, &names)?;
        let page = format!("{}/themes/{id}", analysis_path(&study.slug));
        let typed = |name: &str| fields.get(name).map_or("", |v| v.trim()).to_owned();
        if let Some(long) = names
            .iter()
            .find(|name| typed(name).chars().count() > CONCEPT_MOST)
        {
            let message = format!("Keep each part of the definition to {CONCEPT_MOST} characters");
            let form = RejectedForm::keeping(long, &message, fields.clone());
            return Ok(render_rejected(&state, &page, &headers, form).await);
        }
        let definition = ThemeDefinition {
            definition: typed("definition"),
            scope: typed("scope"),
            boundaries: typed("boundaries"),
        };
        let analysis = state.storage.analysis();
        analysis.define_theme(&study.slug, &id, &definition).await?;
        let detail = format!("“{}”", theme.name);
        log_change(&state, &study.slug, &staff, "theme defined", &detail).await?;
        Ok(Redirect::to(&page).into_response())
    }

    async fn choose_extract(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let (study, theme) = study_and_theme(&state, &staff, &slug, &id).await?;
        let fields = fields_named(&headers, &body, &["coding", "chosen"])?;
        let chosen = match fields.get("chosen").map(String::as_str) {
            Some("yes") => true,
            Some("no") => false,
            _ => {
                return Err(AppError::BadForm(
                    "Say whether to choose the extract.".into(),
                ));
            }
        };
        let coding = extract_of_theme(&state, (&study, &theme), &staff, &fields).await?;
        let analysis = state.storage.analysis();
        analysis
            .choose_extract(&study.slug, (&id, &coding), chosen)
            .await?;
        let action = if chosen {
            "extract chosen"
        } else {
            "extract unchosen"
        };
        let detail = format!("for “{}”", theme.name);
        log_change(&state, &study.slug, &staff, action, &detail).await?;
        let page = format!("{}/themes/{id}", analysis_path(&study.slug));
        Ok(Redirect::to(&page).into_response())
    }

    async fn review_extract(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let (study, theme) = study_and_theme(&state, &staff, &slug, &id).await?;
        let fields = fields_named(&headers, &body, &["coding", "verdict"])?;
        let fits = match fields.get("verdict").map(String::as_str) {
            Some("fits") => Some(true),
            Some("misfit") => Some(false),
            Some("clear") => None,
            _ => {
                return Err(AppError::BadForm(
                    "Say whether the extract fits the theme.".into(),
                ));
            }
        };
        let coding = extract_of_theme(&state, (&study, &theme), &staff, &fields).await?;
        let by = (staff.record.id.as_str(), state.clock.now());
        state
            .storage
            .analysis()
            .review_extract(&study.slug, (&id, &coding), fits, by)
            .await?;
        let verdict = match fits {
            Some(true) => "fits",
            Some(false) => "does not fit",
            None => "review cleared",
        };
        let detail = format!("for “{}”: {verdict}", theme.name);
        log_change(&state, &study.slug, &staff, "extract reviewed", &detail).await?;
        let page = format!("{}/themes/{id}", analysis_path(&study.slug));
        Ok(Redirect::to(&page).into_response())
    }

    /// The coding the form names, if `staff` may see it and it is one of the theme's extracts
    /// (a coding with one of its codes).
    async fn extract_of_theme(
        state: &AppState,
        (study, theme): (&Study, &ThemeRecord),
        staff: &Staff,
        fields: &std::collections::HashMap<String, String>,
    ) -> Result<String, AppError> {
        let id = fields.get("coding").map(String::as_str).unwrap_or_default();
        let coding = coding_seen_by(state, study, staff, id)
            .await?
            .ok_or(AppError::UnknownCoding)?;
        if !theme.codes.contains(&coding.code) {
            return Err(AppError::BadForm(format!(
                "That extract is coded “{}”, which is not one of this theme's codes.",
                coding.code_name
            )));
        }
        Ok(coding.id)
    }

    /// The study, if the account reads it, and its theme `id`.
    async fn study_and_theme(
        state: &AppState,
        staff: &Staff,
        slug: &str,
        id: &str,
    ) -> Result<(Arc<Study>, ThemeRecord), AppError> {
        let study = crate::auth::research_study(state, staff, slug).await?;
        let theme = state
            .storage
            .analysis()
            .theme(&study.slug, id)
            .await?
            .ok_or(AppError::UnknownTheme)?;
        Ok((study, theme))
    }

    fn words_list(names: &[&str]) -> String {
        if names.is_empty() {
            "no codes".to_owned()
        } else {
            names
                .iter()
                .map(|name| format!("“{name}”"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}
