//! Redaction of identifiers in free-text answers. So far: the detectors that find candidates for
//! a researcher's review queue (emails, UK phone numbers, NHS numbers, UK postcodes, names from a
//! study's list, capitalised words that look like names).

pub mod detect;

pub use detect::{Detector, Finding, find_identifiers};
