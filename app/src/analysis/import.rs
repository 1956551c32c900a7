//! Importing codings made in QDA software (a REFI-QDA .qdpx from NVivo, ATLAS.ti, MAXQDA,
//! QualCoder, or this platform): the file is read and compared with the study's codings, and
//! the differences (added, removed, moved, per coder) are shown for the researcher to accept
//! item by item. Nothing is written to the analysis until they do.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AnalysisHeading;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{FieldError, field_error, load_by_study_and, when_loaded};

/// The upload form's file field.
const FILE_FIELD: &str = "file";
/// The codebook form's file field.
pub(super) const CODEBOOK_FIELD: &str = "codebook";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportStartView {
    pub slug: String,
    pub study_title: String,
    /// What importing a codebook just did, in words.
    pub codebook_imported: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPlanView {
    pub slug: String,
    pub study_title: String,
    pub import_id: String,
    pub file_name: String,
    pub matched: usize,
    pub unchanged: usize,
    pub notices: Vec<String>,
    /// Each coder and the differences for them.
    pub by_coder: Vec<(String, Vec<ImportItemView>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportItemView {
    pub index: usize,
    /// "added", "removed" or "moved".
    pub change: String,
    pub participant: String,
    pub question: String,
    pub code: String,
    pub new_code: bool,
    pub extract: String,
    /// Where, in words: "points 3–9", or "from points 3–9 to 4–9".
    pub place: String,
    pub coded_as: Option<String>,
}

/// `codebook` is the page's `codebook` query after a codebook import: "added-defined-unchanged-kept".
#[server]
pub async fn load_import_start(
    study: String,
    codebook: String,
) -> Result<ImportStartView, ServerFnError> {
    load::start(&study, &codebook)
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_import_plan(
    study: String,
    import: String,
) -> Result<ImportPlanView, ServerFnError> {
    load::plan(&study, &import)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use domain::qda_import::{Change, ImportPlan};

    use super::*;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn start(slug: &str, codebook: &str) -> Result<ImportStartView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        Ok(ImportStartView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            codebook_imported: codebook_words(codebook),
            errors: use_context::<RejectedForm>().unwrap_or_default().summary(),
        })
    }

    /// "3 codes added, 1 given its definition, 2 here already; 1 kept its own definition."
    fn codebook_words(counts: &str) -> Option<String> {
        let counts: Vec<usize> = counts
            .split('-')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        let [added, defined, unchanged, kept] = counts[..] else {
            return None;
        };
        let codes = |n: usize| {
            if n == 1 {
                "1 code".to_owned()
            } else {
                format!("{n} codes")
            }
        };
        let mut words = format!(
            "Codebook imported: {} added, {} given the file's definition, {} here already with the same definition.",
            codes(added),
            codes(defined),
            codes(unchanged)
        );
        if kept > 0 {
            words.push_str(&format!(
                " {} here kept their own definition, which differs from the file's (the analysis log names them).",
                codes(kept)
            ));
        }
        Some(words)
    }

    pub async fn plan(slug: &str, import: &str) -> Result<ImportPlanView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let pending = state
            .storage
            .analysis()
            .pending_import(&study.slug, (&staff.record.id, state.clock.now()), import)
            .await?
            .ok_or(AppError::UnknownImport)?;
        let plan = ImportPlan::from_json(&pending.plan)
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let mut by_coder: Vec<(String, Vec<ImportItemView>)> = Vec::new();
        for (index, item) in plan.items.iter().enumerate() {
            let place = match (item.change, item.from, item.to) {
                (Change::Moved, Some((a, b)), Some((c, d))) => {
                    format!("from points {a}–{b} to {c}–{d}")
                }
                (_, _, Some((start, end))) | (_, Some((start, end)), None) => {
                    format!("points {start}–{end}")
                }
                _ => String::new(),
            };
            let view = ImportItemView {
                index,
                change: item.change.describe().to_owned(),
                participant: format!("P{}", item.participant),
                question: item.question.clone(),
                code: item.code_name.clone(),
                new_code: item.code_id.is_none(),
                extract: item.extract.clone(),
                place,
                coded_as: item.coded_as.clone(),
            };
            match by_coder.iter_mut().find(|(coder, _)| *coder == item.coder) {
                Some((_, items)) => items.push(view),
                None => by_coder.push((item.coder.clone(), vec![view])),
            }
        }
        Ok(ImportPlanView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            import_id: pending.id,
            file_name: pending.file_name,
            matched: plan.matched,
            unchanged: plan.unchanged,
            notices: plan.notices,
            by_coder,
        })
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new_blocking(
        move || {
            (
                params.read().get("study").unwrap_or_default(),
                query.read().get("codebook").unwrap_or_default(),
            )
        },
        |(study, codebook)| load_import_start(study, codebook),
    );
    when_loaded(data, |view| {
        let error = field_error(&view.errors, FILE_FIELD);
        let has_error = error.is_some();
        let codebook_error = field_error(&view.errors, CODEBOOK_FIELD);
        let codebook_has_error = codebook_error.is_some();
        view! {
            {view.codebook_imported.clone().map(|words| view! {
                <div class="notification" role="status"><p>{words}</p></div>
            })}
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Import codings from QDA software".to_owned() errors=view.errors.clone()/>
            <p>"Choose a REFI-QDA project (.qdpx) coded in NVivo, ATLAS.ti, MAXQDA, QualCoder or exported from here. Its answers are matched to this study's by their names (such as P17 r2) and text, its codes to this study's by name. You then see what it would add, remove or move, coder by coder, and accept each change or not: nothing changes before that."</p>
            <form method="post" action=format!("/admin/studies/{}/analysis/import", view.slug) enctype="multipart/form-data" novalidate>
                <div class="form-group" class:form-group--error=has_error>
                    <label class="label" for=FILE_FIELD>"Project file (.qdpx)"</label>
                    <p class="hint" id="file-hint">"At most 50 MB."</p>
                    {error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <input class="file-input" type="file" id=FILE_FIELD name=FILE_FIELD accept=".qdpx,application/zip" aria-describedby="file-hint"/>
                </div>
                <button type="submit" class="button">"Compare with this study"</button>
            </form>
            <h2 class="heading-m">"Import a codebook"</h2>
            <p>"Choose a codebook: a REFI-QDA codebook (.qdc) from QDA software, or a CSV whose first row names a code column (and maybe definition and code_path columns), such as this platform's codebook download. Codes this study lacks are added, nested as in the file; a code here without a definition takes the file's. Nothing here is renamed, moved or redefined, and every change goes into the analysis log."</p>
            <form method="post" action=format!("/admin/studies/{}/analysis/import/codebook", view.slug) enctype="multipart/form-data" novalidate>
                <div class="form-group" class:form-group--error=codebook_has_error>
                    <label class="label" for=CODEBOOK_FIELD>"Codebook (.qdc or .csv)"</label>
                    <p class="hint" id="codebook-hint">"At most 5 MB, UTF-8 text."</p>
                    {codebook_error.map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <input class="file-input" type="file" id=CODEBOOK_FIELD name=CODEBOOK_FIELD accept=".qdc,.csv,text/csv,application/xml" aria-describedby="codebook-hint"/>
                </div>
                <button type="submit" class="button">"Import the codebook"</button>
            </form>
        }
        .into_any()
    })
}

#[component]
pub fn ImportPlanPage() -> impl IntoView {
    let data = load_by_study_and("import", load_import_plan);
    when_loaded(data, |view| {
        let action = format!(
            "/admin/studies/{}/analysis/import/{}",
            view.slug, view.import_id
        );
        let total: usize = view.by_coder.iter().map(|(_, items)| items.len()).sum();
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="What the import would change".to_owned()/>
            <p>{format!("{}: {} answers matched; {} codings are here already at the same place; {total} differences.", view.file_name, view.matched, view.unchanged)}</p>
            {(!view.notices.is_empty()).then(|| view! {
                <h2 class="heading-s">"Left out"</h2>
                <ul class="list">{view.notices.into_iter().map(|notice| view! { <li>{notice}</li> }).collect_view()}</ul>
            })}
            <form method="post" action=action.clone() novalidate>
                {view.by_coder.into_iter().map(|(coder, items)| view! {
                    <fieldset class="fieldset">
                        <legend class="heading-s">{format!("Codings for {coder}")}</legend>
                        <ul class="checkboxes">
                            {items.into_iter().map(|item| {
                                let id = format!("item-{}", item.index);
                                let code = if item.new_code { format!("{} (a new code)", item.code) } else { item.code.clone() };
                                let coded_as = item.coded_as.map(|name| format!(", coded by {name} in the file")).unwrap_or_default();
                                view! {
                                    <li class="checkboxes__item">
                                        <input class="checkboxes__input" type="checkbox" id=id.clone() name="item" value=item.index.to_string() checked=true/>
                                        <label class="checkboxes__label" for=id>
                                            {format!("{}: “{code}” on {}'s answer to {}, {}{coded_as}", capitalised(&item.change), item.participant, item.question, item.place)}
                                            <span class="extract-quote">{format!("“{}”", item.extract)}</span>
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </fieldset>
                }).collect_view()}
                {(total > 0).then(|| view! { <button type="submit" class="button">"Apply the ticked changes"</button> })}
            </form>
            <form method="post" action=format!("{action}/discard") novalidate>
                <button type="submit" class="button button--secondary">"Discard this import"</button>
            </form>
        }
        .into_any()
    })
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use std::collections::HashSet;

    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::multipart::MultipartRejection;
    use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::qda_import::{ImportError, ImportPlan, Importer, apply, plan_file};

    use super::FILE_FIELD;
    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::form_posts::{parse_form, refuse_upload, uploaded_file};
    use crate::state::AppState;

    /// A coded project of a few thousand answers is a few MB; room to spare.
    const PROJECT_FILE_LIMIT: usize = 50 * 1024 * 1024;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(
                "/admin/studies/{study}/analysis/import",
                post(upload).layer(DefaultBodyLimit::max(PROJECT_FILE_LIMIT + 64 * 1024)),
            )
            .route(
                "/admin/studies/{study}/analysis/import/{import}",
                post(accept),
            )
            .route(
                "/admin/studies/{study}/analysis/import/{import}/discard",
                post(discard),
            )
    }

    async fn upload(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        form: Result<Multipart, MultipartRejection>,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let path = format!("/admin/studies/{}/analysis/import", study.slug);
        let refuse = |problem| refuse_upload((&state, &headers), &path, FILE_FIELD, problem);
        let Some((name, bytes)) = uploaded_file(form, FILE_FIELD, "the file").await? else {
            return Ok(refuse("Choose a project file (.qdpx) to import".into()).await);
        };
        let importer = Importer {
            id: &staff.record.id,
            email: &staff.record.email,
        };
        let blinding = super::super::blinding_of(&state, &study, &staff).await?;
        let plan = match plan_file(&state.storage, &study, importer, &blinding, &bytes).await {
            Ok(plan) => plan,
            Err(ImportError::Project(problem)) => return Ok(refuse(problem.to_string()).await),
            Err(ImportError::Storage(error)) => return Err(error.into()),
        };
        let id = state
            .storage
            .analysis()
            .save_import(
                &study.slug,
                (&staff.record.id, state.clock.now()),
                &name,
                &plan.to_json(),
            )
            .await?;
        Ok(Redirect::to(&format!("{path}/{id}")).into_response())
    }

    async fn accept(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, import)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = parse_form(&headers, &body)?;
        let analysis = state.storage.analysis();
        let pending = analysis
            .pending_import(&study.slug, (&staff.record.id, state.clock.now()), &import)
            .await?
            .ok_or(AppError::UnknownImport)?;
        let plan = ImportPlan::from_json(&pending.plan)
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let accepted: HashSet<usize> = fields
            .iter()
            .filter(|(name, _)| name == "item")
            .filter_map(|(_, value)| value.parse().ok())
            .collect();
        let importer = Importer {
            id: &staff.record.id,
            email: &staff.record.email,
        };
        let now = state.clock.now();
        apply(&state.storage, &study, importer, &plan, &accepted, now).await?;
        analysis.forget_import(&study.slug, &import).await?;
        Ok(Redirect::to(&format!("/admin/studies/{}/analysis/log", study.slug)).into_response())
    }

    async fn discard(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, import)): Path<(String, String)>,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let analysis = state.storage.analysis();
        if analysis
            .pending_import(&study.slug, (&staff.record.id, state.clock.now()), &import)
            .await?
            .is_some()
        {
            analysis.forget_import(&study.slug, &import).await?;
        }
        let back = format!("/admin/studies/{}/analysis/import", study.slug);
        Ok(Redirect::to(&back).into_response())
    }
}
