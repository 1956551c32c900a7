//! The analysis of a study: its written questions to code, its codes with their definitions
//! (adding one), and a code's page with its extracts collated from every answer.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ExtractList;
use super::data::*;
use super::memos::{MemoForm, MemoList, MemosAbout, MemosOn};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{
    ErrorSummary, FieldError, field_error, load_by_study, load_by_study_and, when_loaded,
};

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
    use domain::export::AnalysisExport;
    use leptos::prelude::use_context;

    use super::super::memos::{memo_views, refused_memo};
    use super::super::{analysis_path, code_view, extract_views, theme_view};
    use super::*;
    use crate::analysis::{blinding_of, visible_codings};
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn analysis(slug: &str) -> Result<AnalysisView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let mut questions = Vec::new();
        for question in study.written_questions() {
            let answered = analysis.answers_to(&study.slug, &question.id).await?.len();
            questions.push((
                question.id.to_string(),
                question.label.clone(),
                i64::try_from(answered).unwrap_or(i64::MAX),
            ));
        }
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let typed = |name: &str| rejected.values.get(name).cloned().unwrap_or_default();
        let blinding = blinding_of(&state, &study, &staff).await?;
        let codes = analysis.codes_seen_by(&study.slug, &blinding).await?;
        let themes = analysis.themes(&study.slug).await?;
        Ok(AnalysisView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            questions,
            first_participant: analysis
                .participant_numbers(&study.slug)
                .await?
                .first()
                .copied(),
            themes: overarching_first(
                themes
                    .iter()
                    .map(|theme| theme_view(theme, &codes))
                    .collect(),
            ),
            unthemed: codes
                .iter()
                .filter(|code| !themes.iter().any(|theme| theme.codes.contains(&code.id)))
                .map(|code| code_view(code.clone(), &codes))
                .collect(),
            typed_theme: (
                typed("theme_name"),
                typed("central_concept"),
                typed("within"),
            ),
            codes: in_tree_order(
                codes
                    .iter()
                    .map(|code| code_view(code.clone(), &codes))
                    .collect(),
            ),
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
            notes: memo_views(&study, analysis.memos_about(&study.slug, "dataset").await?),
            typed_note: refused_memo(&rejected, "dataset"),
            errors: rejected.summary(),
        })
    }

    /// Each overarching theme followed by its subthemes.
    fn overarching_first(themes: Vec<ThemeView>) -> Vec<ThemeView> {
        let (top, sub): (Vec<_>, Vec<_>) = themes.into_iter().partition(|t| t.parent.is_none());
        let mut ordered = Vec::new();
        for theme in top {
            let id = theme.id.clone();
            ordered.push(theme);
            ordered.extend(
                sub.iter()
                    .filter(|t| t.parent.as_ref() == Some(&id))
                    .cloned(),
            );
        }
        ordered
    }

    /// The codes by their place in the tree: each followed by the codes inside it.
    fn in_tree_order(mut codes: Vec<CodeView>) -> Vec<CodeView> {
        codes.sort_by(|a, b| a.path.cmp(&b.path));
        codes
    }

    pub async fn collated(slug: &str, code: &str) -> Result<CollatedView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let all = analysis.codes(&study.slug).await?;
        let record = all
            .iter()
            .find(|known| known.id == code)
            .cloned()
            .ok_or(AppError::UnknownCode)?;
        let codings = analysis.codings_of_code(&study.slug, code).await?;
        let codings = visible_codings(&state, &study, &staff, codings).await?;
        let extracts = extract_views(&state, &study, codings).await?;
        let split_choices = extracts
            .iter()
            .map(|e| {
                (
                    e.coding_id.clone(),
                    format!("{}: “{}”", e.participant, e.extract),
                )
            })
            .collect();
        let path_of = |id: &str| domain::storage::code_path(&all, id);
        let others = all
            .iter()
            .filter(|other| other.id != record.id)
            .map(|other| (other.id.clone(), path_of(&other.id)))
            .collect();
        let parents = all
            .iter()
            .filter(|other| !domain::storage::is_within(&all, &other.id, &record.id))
            .map(|other| (other.id.clone(), path_of(&other.id)))
            .collect();
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let typed = rejected.values.contains_key("name").then(|| {
            let typed = |name: &str| rejected.values.get(name).cloned().unwrap_or_default();
            (typed("name"), typed("definition"))
        });
        let memos = analysis
            .memos_about(&study.slug, &format!("code:{}", record.id))
            .await?;
        let typed_split = (
            rejected
                .values
                .get("split_name")
                .cloned()
                .unwrap_or_default(),
            rejected
                .values
                .get("split_definition")
                .cloned()
                .unwrap_or_default(),
            rejected
                .values
                .get("split_codings")
                .map(|ids| ids.split(' ').map(str::to_owned).collect())
                .unwrap_or_default(),
        );
        Ok(CollatedView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            memos: memo_views(&study, memos),
            memo_typed: rejected.values.get("body").cloned().unwrap_or_default(),
            code: code_view(record, &all),
            extracts,
            others,
            parents,
            split_choices,
            typed_split,
            typed,
            errors: rejected.summary(),
        })
    }
}

#[component]
pub fn AnalysisPage() -> impl IntoView {
    let data = load_by_study(load_analysis);
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
            <super::live::LiveChanges slug=view.slug.clone()/>
            <p>"You code the answers yourselves: nothing here suggests or makes codings."</p>
            <MemosOn about=MemosAbout::Dataset subject="dataset".to_owned() field="memo-dataset".to_owned() memos=view.notes.clone() typed=view.typed_note.clone() slug=view.slug.clone() errors=view.errors.clone()/>
            <h2>"Questions to code"</h2>
            <ul class="link-list">
                {view.questions.iter().map(|(id, label, answered)| view! {
                    <li>
                        <a href=format!("{base}/questions/{id}")>{label.clone()}</a>
                        {format!(" ({answered} answers)")}
                    </li>
                }).collect_view()}
            </ul>
            {view.first_participant.map(|first| view! {
                <p><a href=format!("{base}/participants/{first}")>"Or read and code one participant's answers at a time"</a></p>
            })}
            <h2>"Codes"</h2>
            {if view.codes.is_empty() {
                view! { <p>"No codes yet. Add one below, or while coding an answer."</p> }.into_any()
            } else {
                view! {
                    <dl class="codebook">
                        {view.codes.iter().map(|code| view! {
                            <dt><a href=format!("{base}/codes/{}", code.id)>{code.path.clone()}</a>{format!(" ({} codings{})", code.codings, if code.archived { ", archived" } else { "" })}</dt>
                            <dd>{if code.definition.is_empty() { "No definition yet.".to_owned() } else { code.definition.clone() }}</dd>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
            <h2>"Themes"</h2>
            {if view.themes.is_empty() {
                view! { <p>"No themes yet. Add one below once codes start to cluster."</p> }.into_any()
            } else {
                view! {
                    <ul class="themes">
                        {view.themes.iter().map(|theme| view! {
                            <li class:themes__sub=theme.parent.is_some()>
                                <a href=format!("{base}/themes/{}", theme.id)>{theme.name.clone()}</a>
                                {format!(" ({}", theme.status.1)}
                                {theme.parent.is_some().then_some(", a subtheme")}
                                {format!("; codes: {})", if theme.code_names.is_empty() { "none yet".to_owned() } else { theme.code_names.join(", ") })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Miscellaneous: codes in no theme yet"</h3>
            <p>{if view.unthemed.is_empty() { "None.".to_owned() } else { view.unthemed.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", ") }}</p>
            <h3>"Add a theme"</h3>
            <form method="post" action=format!("{base}/themes") novalidate>
                <div class="form-group" class:form-group--error=field_error(&view.errors, "theme_name").is_some()>
                    <label class="label" for="theme_name">"Theme name"</label>
                    {field_error(&view.errors, "theme_name").map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <input class="input" type="text" id="theme_name" name="theme_name" value=view.typed_theme.0.clone() autocomplete="off"/>
                </div>
                <div class="form-group" class:form-group--error=field_error(&view.errors, "central_concept").is_some()>
                    <label class="label" for="central_concept">"Central organising concept"</label>
                    <p class="hint" id="central-concept-hint">"The idea that holds the theme together: what it says about the data, not only its topic."</p>
                    {field_error(&view.errors, "central_concept").map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <textarea class="textarea" id="central_concept" name="central_concept" rows="3" aria-describedby="central-concept-hint">{view.typed_theme.1.clone()}</textarea>
                </div>
                <div class="form-group" class:form-group--error=field_error(&view.errors, "within").is_some()>
                    <label class="label" for="within">"Within an overarching theme"</label>
                    {field_error(&view.errors, "within").map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <select class="select" id="within" name="within">
                        <option value="">"None: an overarching theme itself"</option>
                        {view.themes.iter().filter(|t| t.parent.is_none()).map(|theme| view! {
                            <option value=theme.id.clone() selected=view.typed_theme.2 == theme.id>{theme.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Add the theme"</button>
            </form>
            <p><a href=format!("{base}/team")>"Coding together: independent coding, and comparing coders"</a></p>
            <p><a href=format!("{base}/map")>"The thematic map, with dated snapshots"</a></p>
            <p><a href=format!("{base}/untouched")>"Answers no theme touches (reviewing the themes)"</a></p>
            <p><a href=format!("{base}/beside")>"Your themes beside the published study's"</a></p>
            <p><a href=format!("{base}/by-group")>"Themes by setting, role and experience"</a></p>
            <p><a href=format!("{base}/journal")>"The reflexive journal"</a></p>
            <p><a href=format!("{base}/log")>"The analysis log: every change, by whom and when"</a></p>
            <h2>"Download the analysis"</h2>
            <p>"Extracts and positions are over the exported answers: identifiers accepted in the review are replaced by their descriptors. Participants are named by number; their demographics are in the study's data exports."</p>
            <ul class="link-list">
                {view.exports.iter().map(|(href, words)| view! {
                    <li><a href=href.clone() download="">{words.clone()}</a></li>
                }).collect_view()}
                <li><a href=format!("/admin/studies/{}/exports/qdpx", view.slug) download="">"The whole project for QDA software, with every coding you may see, the themes and the memos (REFI-QDA .qdpx)"</a></li>
            </ul>
            <p><a href=format!("{base}/import")>"Import codings from QDA software (.qdpx), checking each change first"</a></p>
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

fn extracts_count(count: usize) -> String {
    match count {
        1 => "1 extract".to_owned(),
        count => format!("{count} extracts"),
    }
}

#[component]
pub fn CollatedPage() -> impl IntoView {
    let data = load_by_study_and("code", load_collated);
    when_loaded(data, |view| {
        let heading = format!("Code: {}", view.code.name);
        let action = format!(
            "/admin/studies/{}/analysis/codes/{}",
            view.slug, view.code.id
        );
        let (name, definition) = view
            .typed
            .clone()
            .unwrap_or_else(|| (view.code.name.clone(), view.code.definition.clone()));
        let title = if view.errors.is_empty() {
            heading.clone()
        } else {
            format!("Error: {heading}")
        };
        view! {
            <Title text=title/>
            <ErrorSummary errors=view.errors.clone()/>
            <a href=format!("/admin/studies/{}/analysis", view.slug) class="back-link">"Back to the analysis"</a>
            <h1>{heading}</h1>
            <super::live::LiveChanges slug=view.slug.clone()/>
            {(!view.code.definition.is_empty()).then(|| view! { <p class="lead">{view.code.definition.clone()}</p> })}
            {view.code.archived.then(|| view! { <p>"Archived: not offered while coding. Its codings stay."</p> })}
            <p>{format!("{} from {}.", extracts_count(view.extracts.len()), view.study_title)}</p>
            <ExtractList extracts=view.extracts with_code=false/>
            <h2>"Memos"</h2>
            {(!view.memos.is_empty()).then(|| view! { <MemoList memos=view.memos.clone()/> })}
            <MemoForm slug=view.slug.clone() subject=format!("code:{}", view.code.id) label="A memo on this code" errors=view.errors.clone() typed=view.memo_typed.clone()/>
            <h2>"Change the code"</h2>
            <p>"Every change is kept in the analysis log."</p>
            <form method="post" action=format!("{action}/edit") novalidate>
                <div class="form-group" class:form-group--error=field_error(&view.errors, "name").is_some()>
                    <label class="label" for="name">"Name"</label>
                    {field_error(&view.errors, "name").map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <input class="input" type="text" id="name" name="name" value=name autocomplete="off"/>
                </div>
                <div class="form-group" class:form-group--error=field_error(&view.errors, "definition").is_some()>
                    <label class="label" for="definition">"Definition"</label>
                    {field_error(&view.errors, "definition").map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <textarea class="textarea" id="definition" name="definition" rows="3">{definition}</textarea>
                </div>
                <button type="submit" class="button">"Save the name and definition"</button>
            </form>
            {(!view.others.is_empty()).then(|| view! {
                <form method="post" action=format!("{action}/merge")>
                    <div class="form-group">
                        <label class="label" for="into">"Merge into another code"</label>
                        <p class="hint" id="into-hint">"Its codings move to the other code, which joins its themes; this code goes."</p>
                        <select class="select" id="into" name="into" aria-describedby="into-hint">
                            {view.others.iter().map(|(id, other)| view! { <option value=id.clone()>{other.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button--secondary">"Merge"</button>
                </form>
            })}
            <form method="post" action=format!("{action}/parent")>
                <div class="form-group">
                    <label class="label" for="parent">"Inside another code (the code tree)"</label>
                    <select class="select" id="parent" name="parent">
                        <option value="">"None: at the top of the tree"</option>
                        {view.parents.iter().map(|(id, path)| view! {
                            <option value=id.clone() selected=view.code.parent.as_ref() == Some(id)>{path.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button button--secondary">"Move in the tree"</button>
            </form>
            {(!view.split_choices.is_empty()).then(|| view! { <SplitForm action=format!("{action}/split") choices=view.split_choices.clone() errors=view.errors.clone() typed=view.typed_split.clone()/> })}
            <form method="post" action=format!("{action}/archive")>
                <input type="hidden" name="archived" value=if view.code.archived { "no" } else { "yes" }/>
                <button type="submit" class="button button--secondary">{if view.code.archived { "Restore the code" } else { "Archive the code" }}</button>
            </form>
        }
        .into_any()
    })
}

/// Splitting a code: a new code, and the extracts that move to it.
#[component]
fn SplitForm(
    action: String,
    choices: Vec<(String, String)>,
    errors: Vec<FieldError>,
    typed: (String, String, Vec<String>),
) -> impl IntoView {
    let (name, definition, chosen) = typed;
    let name_error = field_error(&errors, "split_name");
    let definition_error = field_error(&errors, "split_definition");
    let choice_error = field_error(&errors, "split-0");
    let wrong = (
        name_error.is_some(),
        definition_error.is_some(),
        choice_error.is_some(),
    );
    view! {
        <form method="post" action=action novalidate>
            <h3 class="heading-s">"Split the code"</h3>
            <div class="form-group" class:form-group--error=wrong.0>
                <label class="label" for="split_name">"Name of the new code"</label>
                {name_error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                <input class="input" type="text" id="split_name" name="split_name" value=name autocomplete="off"/>
            </div>
            <div class="form-group" class:form-group--error=wrong.1>
                <label class="label" for="split_definition">"Its definition"</label>
                {definition_error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                <textarea class="textarea" id="split_definition" name="split_definition" rows="2">{definition}</textarea>
            </div>
            <div class="form-group" class:form-group--error=wrong.2>
                <fieldset class="fieldset">
                    <legend class="label">"The extracts that move to the new code"</legend>
                    {choice_error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <ul class="checkboxes">
                        {choices.into_iter().enumerate().map(|(index, (id, words))| {
                            let field = format!("split-{index}");
                            let checked = chosen.contains(&id);
                            view! {
                                <li class="checkboxes__item">
                                    <input class="checkboxes__input" type="checkbox" id=field.clone() name="coding" value=id checked=checked/>
                                    <label class="checkboxes__label" for=field>{words}</label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </fieldset>
            </div>
            <button type="submit" class="button button--secondary">"Split"</button>
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

    use super::super::{add_code, analysis_path, code_fields};
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
        let refuse =
            |field: &str, message: String| RejectedForm::keeping(field, &message, fields.clone());
        let (name, definition) = match code_fields(&typed("name"), &typed("definition")) {
            Ok(fields) => fields,
            Err((field, problem)) => {
                let form = refuse(field, problem);
                return Ok(render_rejected(&state, &path, &headers, form).await);
            }
        };
        match add_code(&state, &study.slug, &name, &definition, &staff).await? {
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
