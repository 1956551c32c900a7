//! Redaction of identifiers in free-text answers: detectors find candidates (emails, UK phone
//! numbers, NHS numbers, UK postcodes, names from a study's list, capitalised words that look like
//! names), a researcher accepts, edits or rejects each, and every export shows accepted ones as
//! bracketed descriptors. The stored answer keeps the original until a researcher erases it.

pub mod apply;
pub mod descriptor;
pub mod detect;
pub mod review;
pub mod scanner;

pub use detect::{Detector, Finding, IdentifierFinder};
