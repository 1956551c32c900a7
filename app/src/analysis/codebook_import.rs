//! Importing a codebook (a REFI-QDA `.qdc` or a CSV of codes): the codes the study lacks are
//! added, nested as in the file, and codes here without a definition take the file's. Nothing
//! here is renamed, moved or redefined, so importing the same codebook again changes nothing.
//! Every change goes into the analysis log.

use std::collections::HashMap;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::qda_import::{CodebookPlan, plan_codebook, read_codebook};
use domain::storage::StorageError;

use super::import::CODEBOOK_FIELD;
use super::{CodeName, add_code, code_fields, log_change};
use crate::auth::Researcher;
use crate::auth::session::Staff;
use crate::error::AppError;
use crate::form_posts::{refuse_upload, uploaded_file};
use crate::state::AppState;

/// A codebook of thousands of codes is well under a megabyte.
const CODEBOOK_FILE_LIMIT: usize = 5 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/admin/studies/{study}/analysis/import/codebook",
        post(upload).layer(DefaultBodyLimit::max(CODEBOOK_FILE_LIMIT + 64 * 1024)),
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
    let page = format!("/admin/studies/{}/analysis/import", study.slug);
    let refuse = |problem| refuse_upload((&state, &headers), &page, CODEBOOK_FIELD, problem);
    let Some((name, bytes)) = uploaded_file(form, CODEBOOK_FIELD, "the codebook").await? else {
        return Ok(refuse("Choose a codebook file (.qdc or .csv) to import".into()).await);
    };
    let file_codes = match read_codebook(&bytes) {
        Ok(codes) => codes,
        Err(problem) => return Ok(refuse(problem).await),
    };
    let codes = state.storage.analysis().codes(&study.slug).await?;
    let plan = plan_codebook(&file_codes, &codes);
    let names = match accepted_names(&plan) {
        Ok(names) => names,
        Err(problem) => return Ok(refuse(format!("{problem} Nothing was imported.")).await),
    };
    let mut ids: HashMap<String, String> = codes.into_iter().map(|c| (c.name, c.id)).collect();
    let added = add_codes(&state, &study.slug, &staff, (&plan, names), &mut ids).await?;
    define_codes(&state, &study.slug, &staff, &plan).await?;
    let mut detail = format!(
        "{name}: {added} added, {} given a definition, {} unchanged",
        plan.defined.len(),
        plan.unchanged
    );
    if !plan.kept.is_empty() {
        detail.push_str(&format!(
            "; definitions here kept for {}",
            quoted(&plan.kept)
        ));
    }
    if !plan.repeated.is_empty() {
        detail.push_str(&format!(
            "; named more than once, first used: {}",
            quoted(&plan.repeated)
        ));
    }
    log_change(&state, &study.slug, &staff, "codebook imported", &detail).await?;
    let summary = format!(
        "{page}?codebook={added}-{}-{}-{}",
        plan.defined.len(),
        plan.unchanged,
        plan.kept.len()
    );
    Ok(Redirect::to(&summary).into_response())
}

/// Every code to add and definition to take must be one the code form would accept; the names
/// of the codes to add, in the plan's order.
fn accepted_names(plan: &CodebookPlan) -> Result<Vec<CodeName>, String> {
    let accepted = |name: &str, definition: &str| {
        code_fields(name, definition).map_err(|(_, problem)| {
            let shown: String = name.chars().take(40).collect();
            format!("The code “{shown}” cannot be imported: {problem}.")
        })
    };
    let mut names = Vec::with_capacity(plan.added.len());
    for code in &plan.added {
        names.push(accepted(&code.name, &code.definition)?.0);
    }
    for (_, name, definition) in &plan.defined {
        accepted(name, definition)?;
    }
    Ok(names)
}

/// Adds the plan's new codes (under their accepted `names`), each inside its parent; returns how
/// many were added.
async fn add_codes(
    state: &AppState,
    slug: &domain::ids::StudySlug,
    staff: &Staff,
    (plan, names): (&CodebookPlan, Vec<CodeName>),
    ids: &mut HashMap<String, String>,
) -> Result<usize, AppError> {
    let mut added = 0;
    for (code, name) in plan.added.iter().zip(names) {
        // None: another researcher added a code of that name meanwhile.
        let Some(id) = add_code(state, slug, &name, &code.definition, staff).await? else {
            continue;
        };
        added += 1;
        if let Some(parent) = code
            .parent
            .as_ref()
            .and_then(|p| ids.get(p).map(|id| (p, id)))
        {
            let (parent_name, parent_id) = parent;
            state
                .storage
                .analysis()
                .set_code_parent(slug, &id, Some(parent_id))
                .await?;
            let detail = format!("“{}” now inside “{parent_name}”", code.name);
            log_change(state, slug, staff, "code moved in the tree", &detail).await?;
        }
        ids.insert(code.name.clone(), id);
    }
    Ok(added)
}

async fn define_codes(
    state: &AppState,
    slug: &domain::ids::StudySlug,
    staff: &Staff,
    plan: &CodebookPlan,
) -> Result<(), AppError> {
    for (id, name, definition) in &plan.defined {
        match state
            .storage
            .analysis()
            .update_code(slug, id, (name, definition))
            .await
        {
            Ok(()) => {}
            Err(StorageError::Duplicate) => continue,
            Err(other) => return Err(other.into()),
        }
        let detail = format!("“{name}” defined from the imported codebook");
        log_change(state, slug, staff, "code changed", &detail).await?;
    }
    Ok(())
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("“{name}”"))
        .collect::<Vec<_>>()
        .join(", ")
}
