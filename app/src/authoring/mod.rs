//! Authoring studies in the researcher area: publishing a study file (a new study, or a new
//! version of one), checked first, with problems named by line and field; and editing a study in
//! the app as a draft, previewed, compared and published.

pub mod draft;
pub mod publish;
#[cfg(feature = "ssr")]
mod publishing;

/// The authoring form posts.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    publish::post::routes().merge(draft::post::routes())
}
