//! The researcher's review queue for identifiers found in free-text answers (the detection,
//! review and erasure themselves live in `domain::redaction`).

pub mod api;
pub mod page;
pub mod view;

#[cfg(feature = "ssr")]
pub mod forms;
