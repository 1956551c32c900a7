//! The researcher's review queue for identifiers found in free-text answers (the detection,
//! review and erasure themselves live in `domain::redaction`).

pub mod data;
pub mod loaders;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod posts;
