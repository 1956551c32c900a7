//! Authoring studies in the researcher area: publishing a study file (a new study, or a new
//! version of one), checked first, with problems named by line and field.

pub mod publish;

/// The authoring form posts.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    publish::post::routes()
}
