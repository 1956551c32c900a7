//! The draft forms' posts, plain ones: they work without JavaScript. Each edit is applied to the
//! draft as saved now; when someone else saved meanwhile, it is applied again to their version,
//! so neither change is lost.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::audit::AuditAction;
use domain::ids::StudySlug;
use domain::storage::StoredDraft;
use domain::study::{Draft, Study};

use super::edits::{Edit, Fields, Problem};
use super::{draft_page_path, draft_path};
use crate::auth::session::Staff;
use crate::auth::{Researcher, editable_draft};
use crate::authoring::publishing::{self, problem_of, versions_page_after};
use crate::error::AppError;
use crate::form_posts::{FORM_BODY_LIMIT, RejectedForm, parse_form, render_rejected};
use crate::state::AppState;

/// How often an edit is tried again when others keep saving the same draft: each round one of
/// the edits in flight succeeds, so this many people can save the same draft at one moment.
const EDIT_ATTEMPTS: usize = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/studies/{study}/draft", post(edit))
        .route("/admin/studies/{study}/draft/start", post(start))
        .route("/admin/studies/{study}/draft/publish", post(publish))
        .route("/admin/studies/{study}/draft/discard", post(discard))
        .route("/admin/studies/{study}/copy", post(copy))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
}

async fn start(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Researcher(staff): Researcher,
) -> Result<Response, AppError> {
    let study = crate::auth::research_study(&state, &staff, &slug).await?;
    let started = state
        .storage
        .study_drafts()
        .start(
            &study.slug,
            &study.source,
            Some(study.version_number),
            &staff.record.id,
            state.clock.now(),
        )
        .await?;
    if started {
        let detail = format!("{} from version {}", study.slug, study.version_number);
        state
            .audit(staff.actor(), AuditAction::StudyDraftStarted, &detail)
            .await?;
    }
    Ok(Redirect::to(&draft_path(study.slug.as_str())).into_response())
}

/// A new study from the newest version of this one: a draft under its own slug and title.
async fn copy(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Researcher(staff): Researcher,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let study = crate::auth::research_study(&state, &staff, &slug).await?;
    let fields = Fields::new(parse_form(&headers, &body)?);
    let versions_path = format!("/admin/studies/{}/versions", study.slug);
    let refuse = |problem: Problem| rejected(&state, &headers, &versions_path, &fields, problem);
    let title = fields.get("copy_title").trim().to_owned();
    let Ok(new_slug) = StudySlug::parse(fields.get("copy_slug").trim()) else {
        let problem = "Enter a short name for the new study's address: lower-case letters, digits, - or _, starting with a letter";
        return Ok(refuse(("copy_slug".into(), problem.into())).await);
    };
    if title.is_empty() {
        return Ok(refuse(("copy_title".into(), "Enter the new study's title".into())).await);
    }
    let taken = state.studies.get(&new_slug).is_some()
        || state.storage.study_drafts().get(&new_slug).await?.is_some();
    if taken {
        let problem = format!("\"{new_slug}\" is already a study's address: choose another");
        return Ok(refuse(("copy_slug".into(), problem)).await);
    }
    let mut draft = Draft::parse(&study.source).map_err(|e| AppError::Internal(e.to_string()))?;
    draft.make_copy(new_slug.as_str(), &title);
    let started = state
        .storage
        .study_drafts()
        .start(
            &new_slug,
            &draft.text(),
            None,
            &staff.record.id,
            state.clock.now(),
        )
        .await?;
    if !started {
        let problem = format!("\"{new_slug}\" is already a study's address: choose another");
        return Ok(refuse(("copy_slug".into(), problem)).await);
    }
    let detail = format!(
        "{new_slug} copied from {} version {}",
        study.slug, study.version_number
    );
    state
        .audit(staff.actor(), AuditAction::StudyDraftStarted, &detail)
        .await?;
    Ok(Redirect::to(&draft_path(new_slug.as_str())).into_response())
}

async fn edit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Researcher(staff): Researcher,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = Fields::new(parse_form(&headers, &body)?);
    let (slug, stored) = existing_draft(&state, &staff, &slug).await?;
    let variant_ids: Vec<String> = draft_of(&stored)?
        .variants()
        .into_iter()
        .map(|variant| variant.id)
        .collect();
    let back = match fields.get("page") {
        page if !page.is_empty() && fields.get("from") == "page" => {
            draft_page_path(slug.as_str(), page)
        }
        _ => draft_path(slug.as_str()),
    };
    let edit = match Edit::read(&fields, &variant_ids) {
        Ok(edit) => edit,
        Err(problem) => return Ok(rejected(&state, &headers, &back, &fields, problem).await),
    };
    let published = state.studies.get(&slug);
    let mut stored = stored;
    for _ in 0..EDIT_ATTEMPTS {
        let mut draft = draft_of(&stored)?;
        if let Err(problem) = edit.apply(&mut draft, published.as_deref()) {
            return Ok(rejected(&state, &headers, &back, &fields, (edit.field(), problem)).await);
        }
        let drafts = state.storage.study_drafts();
        if drafts
            .save(&slug, &draft.text(), stored.revision, state.clock.now())
            .await?
        {
            let section = fields.get("section");
            return Ok(Redirect::to(&format!("{back}?saved={section}#{section}")).into_response());
        }
        stored = drafts.get(&slug).await?.ok_or(AppError::UnknownStudy)?;
    }
    Err(AppError::BadForm(
        "Others are saving this draft at the same moment; your change was not saved. Go back and send it again.".into(),
    ))
}

async fn publish(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Researcher(staff): Researcher,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = Fields::new(parse_form(&headers, &body)?);
    let (slug, stored) = existing_draft(&state, &staff, &slug).await?;
    let changes_path = format!("{}/changes", draft_path(slug.as_str()));
    let checked = match Study::parse(slug.as_str(), &stored.definition) {
        Ok(checked) if checked.slug == slug => checked,
        Ok(_) => {
            let problem = format!("The draft's slug must stay \"{slug}\". Nothing was published");
            return Ok(rejected(
                &state,
                &headers,
                &changes_path,
                &fields,
                ("publish".into(), problem),
            )
            .await);
        }
        Err(error) => {
            let problem = ("publish".into(), problem_of(&error));
            return Ok(rejected(&state, &headers, &changes_path, &fields, problem).await);
        }
    };
    match publishing::publish(&state, &staff, &checked).await? {
        Ok(publication) => {
            state.storage.study_drafts().discard(&slug).await?;
            Ok(Redirect::to(&versions_page_after(&publication)).into_response())
        }
        Err(problems) => {
            let form = RejectedForm {
                values: fields.values(),
                errors: problems
                    .into_iter()
                    .map(|p| ("publish".to_owned(), p))
                    .collect(),
            };
            Ok(render_rejected(&state, &changes_path, &headers, form).await)
        }
    }
}

async fn discard(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Researcher(staff): Researcher,
) -> Result<Response, AppError> {
    let (slug, _) = editable_draft(&state, &staff, &slug).await?;
    if state.storage.study_drafts().discard(&slug).await? {
        state
            .audit(
                staff.actor(),
                AuditAction::StudyDraftDiscarded,
                slug.as_str(),
            )
            .await?;
    }
    let after = if state.studies.get(&slug).is_some() {
        format!("/admin/studies/{slug}/versions")
    } else {
        "/admin".to_owned()
    };
    Ok(Redirect::to(&after).into_response())
}

/// The study's draft, when the account may edit it; 404 when it has none.
async fn existing_draft(
    state: &AppState,
    staff: &Staff,
    slug: &str,
) -> Result<(StudySlug, StoredDraft), AppError> {
    let (slug, stored) = editable_draft(state, staff, slug).await?;
    Ok((slug, stored.ok_or(AppError::UnknownStudy)?))
}

fn draft_of(stored: &StoredDraft) -> Result<Draft, AppError> {
    // Every saved text was read as TOML before it was saved.
    Draft::parse(&stored.definition).map_err(|error| AppError::Internal(error.to_string()))
}

async fn rejected(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    fields: &Fields,
    (field, message): Problem,
) -> Response {
    let form = RejectedForm {
        values: fields.values(),
        errors: vec![(field, message)],
    };
    render_rejected(state, path, headers, form).await
}
