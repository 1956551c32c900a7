//! Changing a code from its page: its name and definition, its place in the code tree, merging
//! it into another code, splitting it, and archiving or restoring it. Each change goes into the
//! analysis log.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::storage::{CodeRecord, StorageError};
use domain::study::Study;
use std::collections::HashSet;
use std::sync::Arc;

use super::{add_code, analysis_path, code_fields, log_change, visible_codings};
use crate::auth::Researcher;
use crate::auth::session::Staff;
use crate::error::AppError;
use crate::form_posts::{RejectedForm, fields_named, form_value, parse_form, render_rejected};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    let code = "/admin/studies/{study}/analysis/codes/{code}";
    Router::new()
        .route(&format!("{code}/edit"), post(edit))
        .route(&format!("{code}/merge"), post(merge))
        .route(&format!("{code}/archive"), post(archive))
        .route(&format!("{code}/parent"), post(move_in_tree))
        .route(&format!("{code}/split"), post(split))
}

/// The codings of code `id` ticked in `fields` that `staff` may see: in independent mode a split
/// moves only the splitter's own codings, whatever ids the form carries.
async fn chosen_codings_seen(
    state: &AppState,
    study: &Study,
    staff: &Staff,
    id: &str,
    fields: &[(String, String)],
) -> Result<Vec<String>, AppError> {
    let of_code = state
        .storage
        .analysis()
        .codings_of_code(&study.slug, id)
        .await?;
    let seen: HashSet<String> = visible_codings(state, study, staff, of_code)
        .await?
        .into_iter()
        .map(|coding| coding.id)
        .collect();
    Ok(fields
        .iter()
        .filter(|(name, value)| name == "coding" && seen.contains(value))
        .map(|(_, value)| value.clone())
        .collect())
}

/// The study, if the account reads it, and its code `id`.
async fn study_and_code(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: &str,
) -> Result<(Arc<Study>, CodeRecord), AppError> {
    let study = crate::auth::research_study(state, staff, slug).await?;
    let code = state
        .storage
        .analysis()
        .code(&study.slug, id)
        .await?
        .ok_or(AppError::UnknownCode)?;
    Ok((study, code))
}

fn code_path(study: &Study, code: &str) -> String {
    format!("{}/codes/{code}", analysis_path(&study.slug))
}

async fn edit(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (study, code) = study_and_code(&state, &staff, &slug, &id).await?;
    let fields = fields_named(&headers, &body, &["name", "definition"])?;
    let typed = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let page = code_path(&study, &id);
    let refuse =
        |field: &str, message: String| RejectedForm::keeping(field, &message, fields.clone());
    let (name, definition) = match code_fields(&typed("name"), &typed("definition")) {
        Ok(fields) => fields,
        Err((field, problem)) => {
            return Ok(render_rejected(&state, &page, &headers, refuse(field, problem)).await);
        }
    };
    let changed = state
        .storage
        .analysis()
        .update_code(&study.slug, &id, (name.as_str(), &definition))
        .await;
    match changed {
        Ok(()) => {}
        Err(StorageError::Duplicate) => {
            let message = format!("The study already has a code called \"{}\"", name.as_str());
            return Ok(render_rejected(&state, &page, &headers, refuse("name", message)).await);
        }
        Err(other) => return Err(other.into()),
    }
    let detail = if code.name == name.as_str() {
        format!("“{}”: definition changed", code.name)
    } else {
        format!("“{}” renamed “{}”", code.name, name.as_str())
    };
    log_change(&state, &study.slug, &staff, "code changed", &detail).await?;
    Ok(Redirect::to(&page).into_response())
}

async fn merge(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (study, code) = study_and_code(&state, &staff, &slug, &id).await?;
    let fields = fields_named(&headers, &body, &["into"])?;
    let into = fields.get("into").cloned().unwrap_or_default();
    if into == id {
        return Err(AppError::BadForm(
            "A code cannot be merged into itself.".into(),
        ));
    }
    let (_, target) = study_and_code(&state, &staff, &slug, &into).await?;
    state
        .storage
        .analysis()
        .merge_codes(&study.slug, &id, &into)
        .await?;
    // The log is every coder's: in independent mode a count would tell of others' codings.
    let moved = if super::blinding_of(&state, &study, &staff)
        .await?
        .independent
    {
        String::new()
    } else {
        format!(" ({} codings)", code.codings)
    };
    let detail = format!("“{}”{moved} merged into “{}”", code.name, target.name);
    log_change(&state, &study.slug, &staff, "codes merged", &detail).await?;
    Ok(Redirect::to(&code_path(&study, &into)).into_response())
}

async fn archive(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (study, code) = study_and_code(&state, &staff, &slug, &id).await?;
    let fields = fields_named(&headers, &body, &["archived"])?;
    let archived = match fields.get("archived").map(String::as_str) {
        Some("yes") => true,
        Some("no") => false,
        _ => return Err(AppError::BadForm("Say whether to archive the code.".into())),
    };
    let at = archived.then(|| state.clock.now());
    state
        .storage
        .analysis()
        .set_code_archived(&study.slug, &id, at)
        .await?;
    let action = if archived {
        "code archived"
    } else {
        "code restored"
    };
    log_change(
        &state,
        &study.slug,
        &staff,
        action,
        &format!("“{}”", code.name),
    )
    .await?;
    Ok(Redirect::to(&code_path(&study, &id)).into_response())
}

async fn move_in_tree(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (study, code) = study_and_code(&state, &staff, &slug, &id).await?;
    let fields = fields_named(&headers, &body, &["parent"])?;
    let parent = fields.get("parent").filter(|p| !p.is_empty());
    let analysis = state.storage.analysis();
    let codes = analysis.codes(&study.slug).await?;
    let detail = match parent {
        None => format!("“{}” now at the top of the code tree", code.name),
        Some(parent) => {
            let Some(inside) = codes.iter().find(|c| &c.id == parent) else {
                return Err(AppError::UnknownCode);
            };
            if domain::storage::is_within(&codes, parent, &id) {
                return Err(AppError::BadForm(
                    "A code cannot sit inside itself or a code inside it.".into(),
                ));
            }
            format!("“{}” now inside “{}”", code.name, inside.name)
        }
    };
    analysis
        .set_code_parent(&study.slug, &id, parent.map(String::as_str))
        .await?;
    log_change(
        &state,
        &study.slug,
        &staff,
        "code moved in the tree",
        &detail,
    )
    .await?;
    Ok(Redirect::to(&code_path(&study, &id)).into_response())
}

async fn split(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (study, code) = study_and_code(&state, &staff, &slug, &id).await?;
    let fields = parse_form(&headers, &body)?;
    let chosen = chosen_codings_seen(&state, &study, &staff, &id, &fields).await?;
    let page = code_path(&study, &id);
    let typed = [
        ("split_name", form_value(&fields, "split_name").to_owned()),
        (
            "split_definition",
            form_value(&fields, "split_definition").to_owned(),
        ),
        ("split_codings", chosen.join(" ")),
    ];
    let refuse = |field: &str, message: &str| {
        let values: Vec<(String, String)> = typed
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        RejectedForm::keeping(field, message, values)
    };
    let (name, definition) = match code_fields(&typed[0].1, &typed[1].1) {
        Ok(fields) => fields,
        Err((field, problem)) => {
            let form = refuse(&format!("split_{field}"), &problem);
            return Ok(render_rejected(&state, &page, &headers, form).await);
        }
    };
    if chosen.is_empty() {
        let form = refuse("split-0", "Choose the extracts that move to the new code");
        return Ok(render_rejected(&state, &page, &headers, form).await);
    }
    let Some(new_id) = add_code(&state, &study.slug, &name, &definition, &staff).await? else {
        let message = format!("The study already has a code called \"{}\"", name.as_str());
        let form = refuse("split_name", &message);
        return Ok(render_rejected(&state, &page, &headers, form).await);
    };
    let analysis = state.storage.analysis();
    analysis
        .set_code_parent(&study.slug, &new_id, code.parent.as_deref())
        .await?;
    let moved = analysis
        .move_codings(&study.slug, (&id, &new_id), &chosen)
        .await?;
    let detail = format!(
        "“{}” split: {moved} codings moved to “{}”",
        code.name,
        name.as_str()
    );
    log_change(&state, &study.slug, &staff, "code split", &detail).await?;
    Ok(Redirect::to(&code_path(&study, &new_id)).into_response())
}
