//! The researcher area: accounts, sign-in, study progress and answers side by side. A file (or a
//! folder) per page, each with its loader and its form posts.

pub mod account;
pub mod answers;
pub mod audit_log;
pub mod dashboard;
pub mod data;
#[cfg(feature = "ssr")]
pub mod filters;
pub mod home;
pub mod likert;
pub mod likert_charts;
pub mod response;
pub mod responses;
mod shared;
pub mod sign_in;
pub mod team;
pub mod versions;

/// Small forms only: a sign-in, a code, an email address and a role.
#[cfg(feature = "ssr")]
const SMALL_FORM_LIMIT: usize = 16 * 1024;

/// The researcher area's form posts.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    sign_in::routes()
        .merge(account::post::routes())
        .merge(team::routes())
        .merge(response::post::routes())
        .merge(versions::file::routes())
        .layer(axum::extract::DefaultBodyLimit::max(SMALL_FORM_LIMIT))
}
