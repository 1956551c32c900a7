//! Workshops: a trainer runs a study's vignette live with a room on their phones. The trainer's
//! list and the form that makes a workshop (admin.rs), the facilitator's console and the
//! projector's screen (console.rs), joining and each phone's page (phone.rs), what a workshop asks
//! (plan.rs), what the room sees, built on the server with results only once shown (room.rs),
//! the feed that keeps phones and screens live (live.rs), and the facilitator's review of what
//! the room wrote: the queue, the wall and the study's themes (review.rs); afterwards, a summary
//! for the group and the answers as CSV (summary.rs); the printable pack and the facilitator's
//! guide (materials.rs); a co-facilitator who steers it too (co_facilitator.rs).

pub mod admin;
pub mod co_facilitator;
pub mod console;
pub mod data;
pub mod live;
pub mod materials;
pub mod phone;
pub mod plan;
pub mod review;
mod room;
pub mod summary;

/// The workshop form posts.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    admin::post::routes()
        .merge(console::post::routes())
        .merge(phone::post::routes())
        .merge(plan::post::routes())
        .merge(live::routes())
        .merge(review::post::routes())
        .merge(summary::download::routes())
        .merge(co_facilitator::post::routes())
}
