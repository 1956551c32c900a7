//! Redaction of identifiers in free-text answers: detectors find candidates (emails, UK phone
//! numbers, NHS numbers, UK postcodes, names from a study's list, capitalised words that look like
//! names), a researcher accepts, edits or rejects each in a review queue, and every export shows
//! accepted ones as bracketed descriptors. The stored answer keeps the original until a
//! researcher erases it.

pub mod api;
pub mod page;
pub mod view;

#[cfg(feature = "ssr")]
pub mod apply;
#[cfg(feature = "ssr")]
pub mod descriptor;
#[cfg(feature = "ssr")]
pub mod detect;
#[cfg(feature = "ssr")]
pub mod forms;
#[cfg(feature = "ssr")]
pub mod review;

#[cfg(feature = "ssr")]
pub use detect::{Detector, Finding, IdentifierFinder};
