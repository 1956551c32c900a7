//! What the review queue's pages show, sent from the server to the page.

use serde::{Deserialize, Serialize};

use crate::components::FieldError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedactionQueueView {
    pub slug: String,
    pub title: String,
    pub counts: RedactionCounts,
    pub pending: Vec<FindingView>,
    pub decided: Vec<FindingView>,
    /// The most findings listed in each part of the page.
    pub shown_at_most: i64,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
    /// The finding whose edit was refused, with what was typed.
    pub editing: Option<EditedFinding>,
    /// Submitted responses whose scan has not finished yet.
    pub still_scanning: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RedactionCounts {
    pub pending: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub erased: i64,
}

/// One finding in its answer: the found text with some words either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingView {
    pub id: String,
    pub participant: String,
    pub question: String,
    pub looks_like: String,
    pub before: String,
    pub found: String,
    pub after: String,
    pub descriptor: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub can_reopen: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditedFinding {
    pub id: String,
    pub descriptor: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EraseView {
    pub slug: String,
    pub title: String,
    pub accepted: i64,
}
