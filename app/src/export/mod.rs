//! Downloads of a study's exports (the formats themselves live in `domain::export`).

pub mod download;
