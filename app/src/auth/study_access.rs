//! Which studies an account reads: owners every study, researchers the studies they are members
//! of. Every page, download and form post of one study's research data asks here.

use std::sync::Arc;

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::ids::StudySlug;
use domain::storage::StoredDraft;
use domain::study::Study;

use super::session::Staff;
use crate::error::AppError;
use crate::state::AppState;

/// The study at `slug`, when `staff` may read its research data; otherwise 403, audit-logged.
pub async fn research_study(
    state: &AppState,
    staff: &Staff,
    slug: &str,
) -> Result<Arc<Study>, AppError> {
    let study = state.study(slug)?;
    if reads_study(state, staff, &study.slug).await? {
        return Ok(study);
    }
    refuse(state, staff, &study.slug).await
}

/// 403 for a study the account may not open, written to the audit log.
async fn refuse<T>(state: &AppState, staff: &Staff, slug: &StudySlug) -> Result<T, AppError> {
    let refused = format!("study {slug}: not a member");
    state
        .audit(staff.actor(), AuditAction::AccessRefused, &refused)
        .await?;
    Err(AppError::NotAMember)
}

/// True when `staff` may read the research data of the study at `slug`.
pub async fn reads_study(
    state: &AppState,
    staff: &Staff,
    slug: &StudySlug,
) -> Result<bool, AppError> {
    Ok(match staff.role {
        Role::Owner => true,
        Role::Researcher => {
            state
                .storage
                .study_members()
                .is_member(slug, &staff.record.id)
                .await?
        }
        Role::Trainer => false,
    })
}

/// Who may edit the study at `slug`, and its draft if it has one. A published study is edited by
/// those who read it; a study not yet published (a copy being written) by the account that
/// started its draft, and owners. Anyone else gets 403, audit-logged; an unknown slug 404.
pub async fn editable_draft(
    state: &AppState,
    staff: &Staff,
    slug: &str,
) -> Result<(StudySlug, Option<StoredDraft>), AppError> {
    let slug = StudySlug::parse(slug).map_err(|_| AppError::UnknownStudy)?;
    let draft = state.storage.study_drafts().get(&slug).await?;
    let allowed = if state.studies.get(&slug).is_some() {
        reads_study(state, staff, &slug).await?
    } else {
        let Some(draft) = &draft else {
            return Err(AppError::UnknownStudy);
        };
        staff.role == Role::Owner || draft.created_by.as_deref() == Some(staff.record.id.as_str())
    };
    if allowed {
        return Ok((slug, draft));
    }
    refuse(state, staff, &slug).await
}
