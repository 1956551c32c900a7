//! What the survey pages show, as sent from the server to the page (and to hydration).

use serde::{Deserialize, Serialize};

pub use crate::components::{FieldError, RadioOption};

/// The parts every survey step shares: where the person is and how to get back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepFrame {
    pub study_title: String,
    pub step: usize,
    pub total_steps: usize,
    pub back_href: Option<String>,
    /// The private resume link, once there is one.
    pub resume_url: Option<String>,
    /// Set on the first page after the link was replaced, to say so.
    pub link_renewed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentView {
    pub frame: StepFrame,
    pub study_slug: String,
    pub title: String,
    pub information_html: String,
    pub statement: String,
    pub errors: Vec<FieldError>,
    /// True when this browser already holds answers to this study, so it can forget them.
    pub holds_answers: bool,
}

/// A study on the start page's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyChoice {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandingView {
    pub study_slug: String,
    pub title: String,
    /// Who the study is for and how long it takes, as its file says.
    pub summary: Option<String>,
    /// Why the study takes no one today (not yet open, or closed); None when it is open.
    pub closed_note: Option<String>,
    /// On the start page of an instance with several open studies: each of them, to choose from
    /// (the fields above are then empty).
    pub open_studies: Vec<StudyChoice>,
    /// Set when this browser has answers in progress.
    pub resume_href: Option<String>,
    /// Set right after this browser was asked to forget the answers it held.
    pub device_forgotten: bool,
}

/// The page a private link opens: when the answers were started, and a warning, before anything
/// of them is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivateLinkView {
    pub study_slug: String,
    pub study_title: String,
    pub link: String,
    /// e.g. "3 May 2026".
    pub started_on: String,
    pub submitted_on: Option<String>,
    /// True when this browser already holds the link, so continuing does not replace it.
    pub held_here: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StepView {
    Questions(QuestionsView),
    Check(CheckView),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionsView {
    pub frame: StepFrame,
    pub study_slug: String,
    pub slug: String,
    pub title: String,
    pub body_html: String,
    pub questions: Vec<QuestionView>,
    pub errors: Vec<FieldError>,
    /// Shown under the questions when any of them quotes the published instrument.
    pub citation: Option<String>,
    /// True when the study adapts the wording of any of them.
    pub wording_adapted: bool,
    /// Set when the person came from the check page, so Continue returns there.
    pub return_to_check: bool,
    /// In a researcher's preview of a draft: where its form leads. Nothing is saved.
    pub preview_next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: String,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    pub input: InputView,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InputView {
    Text {
        max_chars: usize,
        value: String,
    },
    Radios {
        options: Vec<RadioOption>,
        selected: Option<String>,
    },
    Duration {
        years: String,
        months: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    pub frame: StepFrame,
    pub study_slug: String,
    pub sections: Vec<CheckSection>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckSection {
    pub title: String,
    pub rows: Vec<CheckRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRow {
    pub label: String,
    /// None when not answered yet.
    pub answer: Option<String>,
    pub change_href: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmittedView {
    pub study_title: String,
    pub title: String,
    pub body_html: String,
    /// The code that withdraws these answers: shown once, in the answer to the submitting post.
    pub withdrawal_code: String,
}

/// The withdrawal page, at each of its stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WithdrawalView {
    EnterCode {
        code: String,
        errors: Vec<FieldError>,
    },
    Confirm {
        code: String,
        study_title: String,
        /// When the answers were submitted, e.g. "3 May 2026"; None while still in progress.
        submitted_on: Option<String>,
    },
}
