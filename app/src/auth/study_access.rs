//! Which studies an account reads: owners every study, researchers the studies they are members
//! of. Every page, download and form post of one study's research data asks here.

use std::sync::Arc;

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::ids::StudySlug;
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
    let refused = format!("study {}: not a member", study.slug);
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
