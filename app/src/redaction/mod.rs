//! The researcher's review queue for identifiers found in free-text answers (the detection,
//! review and erasure themselves live in `domain::redaction`). A file per page, each with its
//! loader and its form posts.

pub mod data;
pub mod erase;
pub mod queue;

#[cfg(feature = "ssr")]
use axum::response::{IntoResponse, Redirect, Response};
#[cfg(feature = "ssr")]
use domain::ids::StudySlug;
#[cfg(feature = "ssr")]
use domain::storage::{RedactionStatus, Storage};

#[cfg(feature = "ssr")]
use crate::error::AppError;
#[cfg(feature = "ssr")]
use data::RedactionCounts;

/// Room for a decision with an edited descriptor, no more.
#[cfg(feature = "ssr")]
const SMALL_FORM_LIMIT: usize = 64 * 1024;

/// The review queue's form posts.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    queue::post::routes()
        .merge(erase::post::routes())
        .layer(axum::extract::DefaultBodyLimit::max(SMALL_FORM_LIMIT))
}

#[cfg(feature = "ssr")]
fn queue_path(slug: &str) -> String {
    format!("/admin/studies/{slug}/redactions")
}

/// Back to the queue after a post, saying what was done.
#[cfg(feature = "ssr")]
fn back_to_queue(slug: &str, done: &str) -> Response {
    Redirect::to(&format!("{}?done={done}#queue", queue_path(slug))).into_response()
}

/// How many findings of the study have each status.
#[cfg(feature = "ssr")]
pub(crate) async fn counts(
    storage: &Storage,
    slug: &StudySlug,
) -> Result<RedactionCounts, AppError> {
    let mut counts = RedactionCounts::default();
    for (status, n) in storage.redactions().counts(slug).await? {
        *match status {
            RedactionStatus::Pending => &mut counts.pending,
            RedactionStatus::Accepted => &mut counts.accepted,
            RedactionStatus::Rejected => &mut counts.rejected,
            RedactionStatus::Erased => &mut counts.erased,
        } = n;
    }
    Ok(counts)
}
