//! A study definition: everything a participant sees, loaded from one TOML file per study.

mod definition;
mod markdown;

pub use definition::{
    ChoiceOption, Page, Question, QuestionKind, Study, StudyError, Studies, DEFAULT_MAX_CHARS,
};
pub use markdown::render_markdown;
