//! The columns of an export: one variable per switched-on question, and how a stored answer
//! becomes a cell.

use std::borrow::Cow;

use super::ExportOptions;
use crate::participants::ExperienceBand;
use crate::storage::{SubmittedResponse, WORKSHOP_SOURCE};
use crate::study::{Question, QuestionKind, Study};

/// Columns every table starts with, before the questions.
pub const PARTICIPANT_COLUMN: &str = "participant";
pub const SUBMITTED_COLUMN: &str = "submitted_on";

/// One question as a variable of the data set.
#[derive(Debug, Clone)]
pub struct Variable<'a> {
    pub page_title: &'a str,
    pub question: &'a Question,
    /// The question's wording, led by its page's title where another question has the same
    /// wording (each situation asks "How far would you support Sam…"), so labels tell them apart.
    pub label: Cow<'a, str>,
}

impl Variable<'_> {
    pub fn id(&self) -> &str {
        self.question.id.as_str()
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

/// How statistics packages should treat a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Nominal,
    Ordinal,
    Scale,
}

impl Variable<'_> {
    /// The question's kind as the codebook names it.
    pub fn kind_name(&self) -> &'static str {
        match self.question.kind {
            QuestionKind::Text { .. } => "text",
            QuestionKind::Likert { .. } => "likert",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::Duration => "duration",
        }
    }

    /// The values a cell may hold, each with its label; empty for free text and exact months.
    pub fn value_labels(&self, options: ExportOptions) -> Vec<(String, String)> {
        match &self.question.kind {
            QuestionKind::Likert { labels } => labels
                .iter()
                .enumerate()
                .map(|(i, label)| ((i + 1).to_string(), label.clone()))
                .collect(),
            QuestionKind::Choice { options } => options
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect(),
            QuestionKind::Duration if !options.exact_experience => ExperienceBand::ALL
                .iter()
                .map(|band| (band.slug().to_owned(), band.label().to_owned()))
                .collect(),
            QuestionKind::Duration | QuestionKind::Text { .. } => Vec::new(),
        }
    }

    /// What a cell holds when there are no value labels to list.
    pub fn free_values(&self) -> &'static str {
        match self.question.kind {
            QuestionKind::Duration => "whole months",
            _ => "free text",
        }
    }

    /// True when the variable's cells are numbers (Likert points, exact months).
    pub fn is_numeric(&self, options: ExportOptions) -> bool {
        match self.question.kind {
            QuestionKind::Likert { .. } => true,
            QuestionKind::Duration => options.exact_experience,
            _ => false,
        }
    }

    pub fn measure(&self, options: ExportOptions) -> Measure {
        match self.question.kind {
            QuestionKind::Likert { .. } => Measure::Ordinal,
            QuestionKind::Duration if options.exact_experience => Measure::Scale,
            QuestionKind::Duration => Measure::Ordinal,
            QuestionKind::Choice { .. } | QuestionKind::Text { .. } => Measure::Nominal,
        }
    }
}

/// The study's switched-on questions, in the order participants meet them.
pub fn variables(study: &Study) -> Vec<Variable<'_>> {
    let shares_its_wording = |wording: &str| {
        study
            .questions()
            .filter(|(_, question)| question.label == wording)
            .nth(1)
            .is_some()
    };
    study
        .questions()
        .map(|(page, question)| Variable {
            page_title: &page.title,
            question,
            label: if shares_its_wording(&question.label) {
                Cow::Owned(format!("{}: {}", page.title, question.label))
            } else {
                Cow::Borrowed(&question.label)
            },
        })
        .collect()
}

/// "P17": participants are named by their number, never by a response id.
pub fn participant_name(number: i64) -> String {
    ParticipantName(number).to_string()
}

/// A participant's name as `Display`, to write it without allocating.
pub struct ParticipantName(pub i64);

impl std::fmt::Display for ParticipantName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "P{}", self.0)
    }
}

/// A column about how the study was shown to a participant rather than what they answered: the
/// version of the study they started on, the scenario order they were dealt, each varied page's
/// place in it, and their vignette variant.
#[derive(Debug, Clone)]
pub struct DesignColumn {
    pub name: String,
    pub label: String,
    shows: Dealing,
    /// Each value with its label, where the values are codes (the variants' ids).
    pub value_labels: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
enum Dealing {
    StudyVersion,
    Order,
    /// The place of the page with this slug in the order.
    Place(String),
    Variant,
    Source,
}

/// The column that holds the catalogue's number of the version a participant started on.
pub const STUDY_VERSION_COLUMN: &str = "study_version";
/// The column that holds a participant's scenario order.
pub const SCENARIO_ORDER_COLUMN: &str = "scenario_order";
/// The column that holds a participant's vignette variant.
pub const VARIANT_COLUMN: &str = "vignette_variant";
/// The column that tells a survey's participants from a workshop's who gave their answers.
pub const SOURCE_COLUMN: &str = "source";
const SURVEY: &str = "survey";

impl DesignColumn {
    /// The participant's cell: the order as stored (slugs, space-separated), a page's place in
    /// it from 1, or the variant's id; empty where the response was dealt none.
    pub fn cell(&self, response: &SubmittedResponse) -> String {
        match &self.shows {
            Dealing::StudyVersion => response.study_version_number.to_string(),
            Dealing::Order => response.dealt.scenario_order.clone().unwrap_or_default(),
            Dealing::Place(page) => response
                .dealt
                .place_of(page)
                .map_or_else(String::new, |place| place.to_string()),
            Dealing::Variant => response.dealt.variant.clone().unwrap_or_default(),
            Dealing::Source => source_of(response).to_owned(),
        }
    }

    /// The page whose place in the scenario order this column gives.
    pub fn place_of(&self) -> Option<&str> {
        match &self.shows {
            Dealing::Place(page) => Some(page),
            _ => None,
        }
    }

    /// Versions and places are numbers; the order and the variant are text.
    pub fn is_numeric(&self) -> bool {
        matches!(self.shows, Dealing::Place(_) | Dealing::StudyVersion)
    }

    /// What the codebook says a cell holds.
    pub fn values(&self) -> String {
        match self.shows {
            Dealing::Order => "page slugs in the order shown".into(),
            Dealing::Place(_) | Dealing::StudyVersion => "1, 2, …".into(),
            Dealing::Variant | Dealing::Source => self
                .value_labels
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// Where a participant gave their answers: "survey", or "workshop" for a workshop's donated answers.
pub fn source_of(response: &SubmittedResponse) -> &'static str {
    if response.from_workshop {
        WORKSHOP_SOURCE
    } else {
        SURVEY
    }
}

/// The design columns of a study: the version each participant started on, where they answered
/// (the survey, or a workshop whose answers they gave), then, where the study deals them, the
/// scenario order and the variant.
pub fn design_columns(study: &Study) -> Vec<DesignColumn> {
    let column = |name: &str, label: String, shows: Dealing| DesignColumn {
        name: name.to_owned(),
        label,
        shows,
        value_labels: Vec::new(),
    };
    let mut columns = vec![column(
        STUDY_VERSION_COLUMN,
        format!(
            "Version of the study started on (the catalogue's number; /admin/studies/{}/versions)",
            study.slug
        ),
        Dealing::StudyVersion,
    )];
    columns.push(DesignColumn {
        value_labels: vec![
            (SURVEY.to_owned(), "Took the survey".to_owned()),
            (
                WORKSHOP_SOURCE.to_owned(),
                "Answered in a workshop and chose to give the answers to the research".to_owned(),
            ),
        ],
        ..column(
            SOURCE_COLUMN,
            "Where the answers were given".to_owned(),
            Dealing::Source,
        )
    });
    if let Some(order) = &study.scenario_order {
        let title_of = |slug: &str| {
            study
                .page(slug)
                .map_or_else(|| slug.to_owned(), |(_, page)| page.title.clone())
        };
        columns.push(column(
            SCENARIO_ORDER_COLUMN,
            format!(
                "Order the scenario pages were shown in ({})",
                order.design.name()
            ),
            Dealing::Order,
        ));
        columns.extend(order.pages.iter().map(|slug| {
            column(
                &format!("position_{}", slug.replace('-', "_")),
                format!("Place of \"{}\" in the scenario order", title_of(slug)),
                Dealing::Place(slug.clone()),
            )
        }));
    }
    if !study.variants.is_empty() {
        columns.push(DesignColumn {
            value_labels: study
                .variants
                .iter()
                .map(|v| (v.id.clone(), v.label.clone()))
                .collect(),
            ..column(
                VARIANT_COLUMN,
                "Version of the vignette shown".to_owned(),
                Dealing::Variant,
            )
        });
    }
    columns
}
