//! The columns of an export: one variable per switched-on question, and how a stored answer
//! becomes a cell.

use std::borrow::Cow;

use super::ExportOptions;
use crate::admin::labels::ExperienceBand;
use crate::study::{Question, QuestionKind, Study};

/// Columns every table starts with, before the questions.
pub const PARTICIPANT_COLUMN: &str = "participant";
pub const SUBMITTED_COLUMN: &str = "submitted_on";

/// One question as a variable of the data set.
#[derive(Debug, Clone)]
pub struct Variable<'a> {
    pub page_title: &'a str,
    pub question: &'a Question,
}

impl Variable<'_> {
    pub fn id(&self) -> &str {
        &self.question.id
    }

    /// The exported value of a stored answer: Likert points and choice codes as stored, text as
    /// written, a duration as its experience band unless exact months are asked for.
    pub fn cell<'v>(&self, stored: Option<&'v str>, options: ExportOptions) -> Cow<'v, str> {
        let Some(stored) = stored else {
            return Cow::Borrowed("");
        };
        match self.question.kind {
            QuestionKind::Duration if !options.exact_experience => {
                Cow::Borrowed(ExperienceBand::of_answer(stored).map_or("", ExperienceBand::slug))
            }
            _ => Cow::Borrowed(stored),
        }
    }
}

/// The study's switched-on questions, in the order participants meet them.
pub fn variables(study: &Study) -> Vec<Variable<'_>> {
    study
        .questions()
        .map(|(page, question)| Variable {
            page_title: &page.title,
            question,
        })
        .collect()
}

/// "P17": participants are named by their number, never by a response id.
pub fn participant_name(number: i64) -> String {
    format!("P{number}")
}
