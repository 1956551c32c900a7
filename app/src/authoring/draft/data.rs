//! What the draft pages show, as sent from the server to the page.

use serde::{Deserialize, Serialize};

use crate::components::FieldError;

/// The draft overview: every study-wide form, the pages, and whether the draft can be published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftView {
    pub slug: String,
    pub title: String,
    /// The newest published version; None for a study not yet published.
    pub published: Option<i64>,
    /// False when the study has no draft yet: the page offers to start one.
    pub has_draft: bool,
    /// Why the draft cannot be published as it is, with its line and field.
    pub problem: Option<String>,
    /// How many lines of the file the draft changes.
    pub changed_lines: usize,
    /// Set when a newer version was published after the draft was started: (started from,
    /// newest).
    pub behind: Option<(i64, i64)>,
    pub summary: String,
    pub information_title: String,
    pub information_body: String,
    pub consent_statement: String,
    pub consent_version: String,
    pub thanks_title: String,
    pub thanks_body: String,
    pub pages: Vec<PageRow>,
    pub order_design: String,
    /// Choice and duration questions: those that can describe participants.
    pub describing_questions: Vec<(String, String)>,
    pub demographics: Vec<String>,
    pub label_format: String,
    /// Opening, closing and last answer days as yyyy-mm-dd, or empty.
    pub schedule: [String; 3],
    pub variants: Vec<(String, String)>,
    pub source: String,
    pub errors: Vec<FieldError>,
    /// What the last form post did.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRow {
    pub slug: String,
    pub title: String,
    pub questions: usize,
    /// Dealt in the balanced scenario order.
    pub dealt: bool,
}

/// One page of the draft, its questions and its wording in each variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftPageView {
    pub study_slug: String,
    pub study_title: String,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub questions: Vec<QuestionForm>,
    pub variants: Vec<VariantText>,
    /// The scales a Likert question can use.
    pub scales: Vec<String>,
    pub citation: String,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionForm {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub short_label: String,
    pub hint: String,
    pub theme: String,
    pub required: bool,
    pub asked: bool,
    pub max_chars: String,
    pub scale: String,
    /// One option a line, "value: label".
    pub options: String,
    pub from_instrument: bool,
    pub adapted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantText {
    pub id: String,
    pub label: String,
    pub title: String,
    pub body: String,
}

/// A draft's changes against the published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftChangesView {
    pub slug: String,
    pub title: String,
    pub published: Option<i64>,
    /// (started from, newest) when a newer version was published after the draft was started.
    pub behind: Option<(i64, i64)>,
    pub groups: Vec<Vec<ChangedLine>>,
    pub problem: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedLine {
    /// "kept", "removed" or "added".
    pub change: String,
    pub before: Option<usize>,
    pub after: Option<usize>,
    pub text: String,
}
