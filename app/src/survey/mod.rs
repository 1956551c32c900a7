//! The participant's journey: consent, the study's pages, check your answers, submit; and
//! withdrawing afterwards. A file per page, each with its loader and its form posts.

mod autosave;
mod check;
pub mod consent;
pub mod data;
mod device;
mod frame;
pub mod landing;
pub mod preview;
pub mod private_link;
mod questions;
pub mod step;
pub mod thanks;
pub mod withdraw;

#[cfg(feature = "ssr")]
pub mod flow;

/// The survey's form posts. The journey's forms may carry long answers; withdrawal's only a code.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    use axum::extract::DefaultBodyLimit;
    consent::post::routes()
        .merge(step::post::routes())
        .merge(private_link::post::routes())
        .merge(device::post::routes())
        .layer(DefaultBodyLimit::max(crate::form_posts::FORM_BODY_LIMIT))
        .merge(withdraw::post::routes().layer(DefaultBodyLimit::max(WITHDRAWAL_FORM_LIMIT)))
}

#[cfg(feature = "ssr")]
const WITHDRAWAL_FORM_LIMIT: usize = 4 * 1024;
