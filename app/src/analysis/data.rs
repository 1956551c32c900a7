//! What the analysis pages show, as sent from the server to the page.

use serde::{Deserialize, Serialize};

use crate::components::FieldError;

/// The analysis of one study: the questions to code, and its codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisView {
    pub slug: String,
    pub study_title: String,
    /// (id, wording, how many answered) of each written question.
    pub questions: Vec<(String, String, i64)>,
    pub codes: Vec<CodeView>,
    /// (address, what it holds) of each download of the analysis.
    pub exports: Vec<(String, String)>,
    /// The new code's name and definition as typed, when they were refused.
    pub typed: (String, String),
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeView {
    pub id: String,
    pub name: String,
    pub definition: String,
    pub codings: i64,
}

/// Every answer to one written question, side by side, to code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridView {
    pub slug: String,
    pub study_title: String,
    pub question_id: String,
    pub question_label: String,
    pub codes: Vec<CodeView>,
    pub answers: Vec<GridAnswer>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridAnswer {
    pub response: String,
    /// "P17: Inpatient SW, 14 months experience".
    pub participant: String,
    /// The answer cut at its codings' edges: (words, coded).
    pub pieces: Vec<(String, bool)>,
    pub codings: Vec<CodingView>,
    /// What was typed into this answer's form when it was refused.
    pub typed_extract: String,
    pub typed_new_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodingView {
    pub id: String,
    pub code_name: String,
    pub extract: String,
    /// Who coded it ("a removed account" once the account is gone).
    pub coder: String,
    /// True when the answer has changed since (a redaction, say): the extract may not fit.
    pub stale: bool,
}

/// A code's extracts collated from every answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollatedView {
    pub slug: String,
    pub study_title: String,
    pub code: CodeView,
    pub extracts: Vec<ExtractView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractView {
    pub participant: String,
    pub question_label: String,
    pub extract: String,
    pub coder: String,
    /// The whole answer, to read the extract in its place.
    pub answer: String,
}
