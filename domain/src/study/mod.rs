//! A study definition: everything a participant sees, loaded from one TOML file per study.

mod definition;
mod diff;
mod draft;
mod label;
mod locate;
mod markdown;
mod order;
mod schedule;
mod themes;
mod variants;

pub use definition::{
    ChoiceOption, DEFAULT_MAX_CHARS, Dealt, Page, Question, QuestionKind, RedactionWords, Studies, Study,
    StudyError, WordingChange,
};
pub use diff::{DiffLine, LineChange, changes_between};
pub use draft::{
    Draft, DraftError, DraftPage, DraftQuestion, DraftVariant, NewQuestionKind, QuestionEdit, StudyText,
    next_consent_version,
};
pub use label::ParticipantLabel;
pub use markdown::render_markdown;
pub use order::{OrderDesign, ScenarioOrder, balanced_cell};
pub use schedule::{Admission, DEFAULT_GRACE_DAYS, Schedule};
pub use themes::{SUMMARY_MAX_CHARS, Theme};
pub use variants::Variant;
