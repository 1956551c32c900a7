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
    /// The first submitted participant's number, to read participants one at a time.
    pub first_participant: Option<i64>,
    pub codes: Vec<CodeView>,
    /// Overarching themes first, each followed by its subthemes.
    pub themes: Vec<ThemeView>,
    /// The codes no theme holds yet: the miscellaneous bin.
    pub unthemed: Vec<CodeView>,
    /// The new theme's name, central organising concept and overarching theme, as typed.
    pub typed_theme: (String, String, String),
    /// (address, what it holds) of each download of the analysis.
    pub exports: Vec<(String, String)>,
    /// The new code's name and definition as typed, when they were refused.
    pub typed: (String, String),
    /// Familiarisation notes on the whole data set, and a refused note's words.
    pub notes: Vec<super::memos::MemoView>,
    pub typed_note: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeView {
    pub id: String,
    pub name: String,
    /// Its place in the code tree: "Parent / Child".
    pub path: String,
    pub parent: Option<String>,
    pub definition: String,
    pub codings: i64,
    pub archived: bool,
}

/// Every answer to one written question, side by side, to code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridView {
    pub slug: String,
    pub study_title: String,
    pub question_id: String,
    pub question_label: String,
    pub codes: Vec<CodeView>,
    /// One page of the answers the filter admits, unread ones first.
    pub answers: Vec<GridAnswer>,
    /// Which page, and how many answers the filter admits on all pages.
    pub place: crate::components::PageView,
    /// The grid's query with its page, for the forms on it to come back to.
    pub back: String,
    /// How many of the admitted answers the viewer has marked read.
    pub read_count: usize,
    pub filter: GridFilterView,
    /// Familiarisation notes on the question, and a refused note's words.
    pub notes: Vec<super::memos::MemoView>,
    pub typed_note: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridAnswer {
    pub response: String,
    pub question_id: String,
    pub participant_number: i64,
    /// "P17: Inpatient SW, 14 months experience".
    pub participant: String,
    /// The answer cut at its codings' edges: (words, coded).
    pub pieces: Vec<(String, bool)>,
    pub codings: Vec<CodingView>,
    /// What was typed into this answer's form when it was refused.
    pub typed_extract: String,
    pub typed_new_code: String,
    /// Memos on the answer (on a participant's page only), and a refused memo's words.
    pub memos: Vec<super::memos::MemoView>,
    pub typed_memo: String,
    /// Whether the viewer has marked it read.
    pub read: bool,
}

impl GridAnswer {
    /// What tells this answer's elements from the others' on a page: a participant's page has
    /// one response, a question's grid one question.
    pub fn key(&self) -> String {
        format!("{}-{}", self.response, self.question_id)
    }
}

/// What the grid is narrowed to, and the choices of its filter form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GridFilterView {
    pub questions: Vec<FilterSelect>,
    /// (id, label) of the vignette's variants, and the one chosen.
    pub variants: Vec<(String, String)>,
    pub variant: String,
    /// The scenario orders that may be dealt, and the one chosen.
    pub orders: Vec<String>,
    pub order: String,
    pub code_search: String,
    /// The query it came from ("?setting=inpatient"), for the forms to come back to.
    pub query: String,
    /// How many answers the question has, filtered or not.
    pub total: usize,
}

/// A closed question to filter by: its id, wording, (value, label) of each answer, and the value
/// chosen ("" for any).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterSelect {
    pub id: String,
    pub label: String,
    pub values: Vec<(String, String)>,
    pub chosen: String,
}

impl GridFilterView {
    pub fn narrows(&self) -> bool {
        !self.query.is_empty()
    }
}

/// All of one participant's written answers, to read and code them together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantView {
    pub slug: String,
    pub study_title: String,
    pub number: i64,
    pub label: String,
    /// The numbers of the participants before and after this one.
    pub previous: Option<i64>,
    pub next: Option<i64>,
    /// Each written question they answered: its wording, and their answer.
    pub answers: Vec<(String, GridAnswer)>,
    pub codes: Vec<CodeView>,
    pub memos: Vec<super::memos::MemoView>,
    pub memo_typed: String,
    pub errors: Vec<FieldError>,
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
    /// Memos on the coding (on a participant's page only), and a refused memo's words.
    pub memos: Vec<super::memos::MemoView>,
    pub typed_memo: String,
}

/// A code's extracts collated from every answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollatedView {
    pub slug: String,
    pub study_title: String,
    pub code: CodeView,
    pub extracts: Vec<ExtractView>,
    /// (id, path) of the study's other codes, to merge this one into.
    pub others: Vec<(String, String)>,
    /// (id, path) of the codes it may sit inside: not itself, nor any code inside it.
    pub parents: Vec<(String, String)>,
    /// (coding id, participant and words) of each extract, to choose those a split moves.
    pub split_choices: Vec<(String, String)>,
    /// The new code's name and definition and the extracts chosen, when a split was refused.
    pub typed_split: (String, String, Vec<String>),
    /// The name and definition as typed, when a change was refused.
    pub typed: Option<(String, String)>,
    pub memos: Vec<super::memos::MemoView>,
    pub memo_typed: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractView {
    pub coding_id: String,
    pub participant: String,
    pub code_name: String,
    pub question_label: String,
    pub extract: String,
    pub coder: String,
    /// The whole answer, to read the extract in its place.
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeView {
    pub id: String,
    pub name: String,
    pub central_concept: String,
    /// The stored word ("candidate") and the words shown ("Candidate").
    pub status: (String, String),
    /// The overarching theme's id, for a subtheme.
    pub parent: Option<String>,
    pub code_names: Vec<String>,
    /// Its definition, scope and boundaries.
    pub definition: (String, String, String),
    /// The codings chosen as its vivid extracts.
    pub chosen: Vec<String>,
    /// Its extracts reviewed so far: (coding, whether it fits the theme).
    pub reviewed: Vec<(String, bool)>,
}

/// One theme: its concept, status, codes and their extracts collated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemePageView {
    pub slug: String,
    pub study_title: String,
    pub theme: ThemeView,
    /// (id, name) of the overarching theme.
    pub overarching: Option<(String, String)>,
    /// (id, name) of each subtheme.
    pub subthemes: Vec<(String, String)>,
    /// Every code of the study, and whether the theme holds it.
    pub codes: Vec<(CodeView, bool)>,
    /// (stored word, words) of each status.
    pub statuses: Vec<(String, String)>,
    pub extracts: Vec<ExtractView>,
    pub memos: Vec<super::memos::MemoView>,
    pub memo_typed: String,
    pub errors: Vec<FieldError>,
}

/// The analysis log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogView {
    pub slug: String,
    pub study_title: String,
    /// (when, who, what, detail).
    pub entries: Vec<(String, String, String, String)>,
}
