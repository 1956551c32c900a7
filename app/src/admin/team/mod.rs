//! The owner's account management, and the invited person setting their password. A file per
//! page, each with its loader and its form posts.

pub mod accounts;
pub mod invitation;
pub mod remove_member;
pub mod study_members;

#[cfg(feature = "ssr")]
use crate::{error::AppError, form_posts::RejectedForm, state::AppState};
#[cfg(feature = "ssr")]
use domain::storage::StaffRecord;

#[cfg(feature = "ssr")]
pub const TEAM_PATH: &str = "/admin/team";

#[cfg(feature = "ssr")]
pub(super) fn rejected(field: &str, message: &str, values: &[(&str, &str)]) -> RejectedForm {
    let mut form = RejectedForm::with_error(field, message);
    for (name, value) in values {
        form.values.insert((*name).to_owned(), (*value).to_owned());
    }
    form
}

#[cfg(feature = "ssr")]
/// The account a team page acts on.
pub(super) async fn member(state: &AppState, id: &str) -> Result<StaffRecord, AppError> {
    state
        .storage
        .staff()
        .by_id(id)
        .await?
        .ok_or(AppError::UnknownAccount)
}

/// The form posts of account management.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<AppState> {
    accounts::post::routes()
        .merge(remove_member::post::routes())
        .merge(invitation::post::routes())
        .merge(study_members::post::routes())
}
