//! How a study names its participants in researchers' lists, declared in its `[participants.label]`
//! table: a format such as `"{role}[, {experience} experience]"` and, per question, the words an
//! answer stands for ("inpatient" → "Inpatient", "support_worker" → "{setting} SW").

use std::borrow::Borrow;
use std::collections::BTreeMap;

use serde::Deserialize;

use super::definition::{Invalid, Page, QuestionKind, invalid};
use crate::text::describe_months;
use crate::ids::QuestionId;

/// The word a choice question's table uses for a participant who left it unanswered.
const UNANSWERED: &str = "unanswered";
/// What a placeholder outside any [optional part] reads when its question has no answer and no
/// `unanswered` word.
const NOT_ANSWERED: &str = "not answered";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLabel {
    #[serde(default)]
    format: String,
    #[serde(default)]
    words: BTreeMap<String, BTreeMap<String, String>>,
}

/// A parsed label format. Empty when a study declares none: participants are then just "P17".
#[derive(Debug, Clone, Default)]
pub struct ParticipantLabel {
    parts: Vec<Part>,
    wording: BTreeMap<QuestionId, Wording>,
    /// The questions the label reads, in the order the study asks them.
    questions: Vec<QuestionId>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Answer(QuestionId),
    /// Left out when any answer inside it is missing.
    Optional(Vec<Part>),
}

#[derive(Debug, Clone)]
enum Wording {
    /// Words per option value; an option without words reads as its label.
    Choice {
        words: BTreeMap<String, Vec<Part>>,
        labels: BTreeMap<String, String>,
        unanswered: Option<Vec<Part>>,
    },
    /// "14 months", "2 years", or the `months` / `years` patterns with `#` for the number.
    Duration {
        months: Option<String>,
        years: Option<String>,
        unanswered: Option<Vec<Part>>,
    },
}

impl ParticipantLabel {
    /// The questions whose answers the label reads.
    pub fn questions(&self) -> &[QuestionId] {
        &self.questions
    }

    /// "Inpatient SW, 14 months experience" for answers keyed by question id.
    pub fn describe<K: Borrow<str> + Ord>(&self, answers: &BTreeMap<K, String>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Optional(inner) => {
                    if let Some(text) = self.render_all(inner, answers) {
                        out.push_str(&text);
                    }
                }
                other => match self.render_all(std::slice::from_ref(other), answers) {
                    Some(text) => out.push_str(&text),
                    None => out.push_str(NOT_ANSWERED),
                },
            }
        }
        out
    }

    /// The parts as text, or `None` when an answer they need is missing.
    fn render_all<K: Borrow<str> + Ord>(
        &self,
        parts: &[Part],
        answers: &BTreeMap<K, String>,
    ) -> Option<String> {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Answer(id) => out.push_str(&self.answer_words(id, answers)?),
                Part::Optional(inner) => out.push_str(&self.render_all(inner, answers)?),
            }
        }
        Some(out)
    }

    fn answer_words<K: Borrow<str> + Ord>(
        &self,
        id: &QuestionId,
        answers: &BTreeMap<K, String>,
    ) -> Option<String> {
        let answer = answers.get(id.as_str());
        let words = match self.wording.get(id)? {
            Wording::Choice {
                words,
                labels,
                unanswered,
            } => match answer {
                Some(value) => match words.get(value) {
                    Some(parts) => parts.clone(),
                    None => vec![Part::Text(labels.get(value).unwrap_or(value).clone())],
                },
                None => unanswered.clone()?,
            },
            Wording::Duration {
                months,
                years,
                unanswered,
            } => match answer.and_then(|a| a.parse::<u32>().ok()) {
                Some(total) => vec![Part::Text(duration_words(total, months, years))],
                None => unanswered.clone()?,
            },
        };
        self.render_all(&words, answers)
    }
}

fn duration_words(total: u32, months: &Option<String>, years: &Option<String>) -> String {
    let plain = describe_months(total);
    let (number, pattern) = match plain.split_once(' ') {
        Some((number, unit)) if unit.starts_with("year") => (number, years),
        Some((number, _)) => (number, months),
        None => return plain,
    };
    match pattern {
        Some(pattern) if total != 1 => pattern.replace('#', number),
        _ => plain,
    }
}

impl RawLabel {
    pub(super) fn validate(self, pages: &[Page]) -> Result<ParticipantLabel, Invalid> {
        let parts = parse_format("participants.label.format", &self.format, true)?;
        let mut wording = BTreeMap::new();
        for (id, words) in self.words {
            let field = format!("participants.label.words.{id}");
            let question = asked_question(&field, &id, pages)?;
            let parsed = parse_wording(&field, &question.kind, words)?;
            if parsed.names().contains(&question.id) {
                return Err(invalid(field, format!("the words for \"{id}\" cannot name {{{id}}} itself")));
            }
            wording.insert(question.id.clone(), parsed);
        }
        let mut named = Vec::new();
        collect_answers(&parts, &mut named);
        let in_format = named.len();
        for id in named.clone() {
            if let Some(words) = wording.get(&id) {
                for nested in words.names() {
                    if !named.contains(&nested) {
                        named.push(nested);
                    }
                }
            }
        }
        for (index, id) in named.iter().enumerate() {
            let words = wording.get(id);
            if index >= in_format && words.is_some_and(|w| !w.names().is_empty()) {
                return Err(invalid(
                    format!("participants.label.words.{id}"),
                    "names other answers, but is itself named in another question's words: one level only",
                ));
            }
        }
        if let Some(unused) = wording.keys().find(|id| !named.contains(id)) {
            return Err(invalid(
                format!("participants.label.words.{unused}"),
                format!("the label never shows {{{unused}}}"),
            ));
        }
        for id in &named {
            let question = asked_question("participants.label.format", id.as_str(), pages)?;
            wording
                .entry(question.id.clone())
                .or_insert_with(|| default_wording(&question.kind));
        }
        let questions = pages
            .iter()
            .flat_map(|page| &page.questions)
            .map(|question| &question.id)
            .filter(|id| named.contains(id))
            .cloned()
            .collect();
        Ok(ParticipantLabel {
            parts,
            wording,
            questions,
        })
    }
}

impl Wording {
    /// The questions this question's words name, as in "{setting} SW".
    fn names(&self) -> Vec<QuestionId> {
        let (words, unanswered) = match self {
            Wording::Choice {
                words, unanswered, ..
            } => (Some(words), unanswered),
            Wording::Duration { unanswered, .. } => (None, unanswered),
        };
        let mut named = Vec::new();
        for parts in words.into_iter().flat_map(|w| w.values()).chain(unanswered) {
            collect_answers(parts, &mut named);
        }
        named
    }
}

fn asked_question<'a>(
    field: &str,
    id: &str,
    pages: &'a [Page],
) -> Result<&'a super::Question, Invalid> {
    let question = pages
        .iter()
        .flat_map(|page| &page.questions)
        .find(|question| question.id == id)
        .ok_or_else(|| invalid(field, format!("no question \"{id}\" is asked in this study")))?;
    match question.kind {
        QuestionKind::Choice { .. } | QuestionKind::Duration => Ok(question),
        _ => Err(invalid(field, format!("\"{id}\" must be a choice or duration question"))),
    }
}

fn default_wording(kind: &QuestionKind) -> Wording {
    match kind {
        QuestionKind::Choice { options } => Wording::Choice {
            words: BTreeMap::new(),
            labels: option_labels(options),
            unanswered: None,
        },
        _ => Wording::Duration {
            months: None,
            years: None,
            unanswered: None,
        },
    }
}

fn option_labels(options: &[super::ChoiceOption]) -> BTreeMap<String, String> {
    options
        .iter()
        .map(|o| (o.value.clone(), o.label.clone()))
        .collect()
}

fn parse_wording(
    field: &str,
    kind: &QuestionKind,
    mut words: BTreeMap<String, String>,
) -> Result<Wording, Invalid> {
    let unanswered = words
        .remove(UNANSWERED)
        .map(|text| parse_format(&format!("{field}.{UNANSWERED}"), &text, false))
        .transpose()?;
    match kind {
        QuestionKind::Choice { options } => {
            let mut parsed = BTreeMap::new();
            for (value, text) in words {
                let word_field = format!("{field}.{value}");
                if !options.iter().any(|o| o.value == value) {
                    let known: Vec<_> = options.iter().map(|o| o.value.as_str()).collect();
                    return Err(invalid(
                        word_field,
                        format!(
                            "\"{value}\" is not an option of this question (its options are {}, and \"{UNANSWERED}\")",
                            known.join(", ")
                        ),
                    ));
                }
                parsed.insert(value, parse_format(&word_field, &text, false)?);
            }
            Ok(Wording::Choice {
                words: parsed,
                labels: option_labels(options),
                unanswered,
            })
        }
        _ => {
            let mut months = None;
            let mut years = None;
            for (unit, pattern) in words {
                let slot = match unit.as_str() {
                    "months" => &mut months,
                    "years" => &mut years,
                    _ => {
                        return Err(invalid(
                            format!("{field}.{unit}"),
                            format!("a duration's words are \"months\", \"years\" and \"{UNANSWERED}\""),
                        ));
                    }
                };
                if !pattern.contains('#') {
                    return Err(invalid(
                        format!("{field}.{unit}"),
                        "needs a # where the number goes, as in \"# years\"",
                    ));
                }
                *slot = Some(pattern);
            }
            Ok(Wording::Duration {
                months,
                years,
                unanswered,
            })
        }
    }
}

/// Parses text with `{question_id}` placeholders and, where allowed, `[optional parts]`.
fn parse_format(field: &str, text: &str, optional_parts: bool) -> Result<Vec<Part>, Invalid> {
    let mut stack: Vec<Vec<Part>> = vec![Vec::new()];
    let mut literal = String::new();
    let mut chars = text.chars();
    let flush = |literal: &mut String, parts: &mut Vec<Part>| {
        if !literal.is_empty() {
            parts.push(Part::Text(std::mem::take(literal)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                let mut name = String::new();
                let closed = chars.by_ref().any(|c| {
                    let end = c == '}';
                    if !end {
                        name.push(c);
                    }
                    end
                });
                if !closed {
                    return Err(invalid(field, format!("\"{{{name}\" is not closed with }}")));
                }
                let id = QuestionId::parse(name.trim()).map_err(|_| {
                    invalid(field, format!("\"{{{name}\" is not a placeholder such as {{role}}"))
                })?;
                flush(&mut literal, stack.last_mut().expect("a level"));
                stack.last_mut().expect("a level").push(Part::Answer(id));
            }
            '[' if optional_parts => {
                if stack.len() > 1 {
                    return Err(invalid(field, "optional parts in [brackets] cannot be nested"));
                }
                flush(&mut literal, stack.last_mut().expect("a level"));
                stack.push(Vec::new());
            }
            ']' if optional_parts => {
                if stack.len() < 2 {
                    return Err(invalid(field, "a ] closes no ["));
                }
                flush(&mut literal, stack.last_mut().expect("a level"));
                let inner = stack.pop().expect("an optional part");
                stack.last_mut().expect("a level").push(Part::Optional(inner));
            }
            '}' => return Err(invalid(field, "a } closes no {")),
            other => literal.push(other),
        }
    }
    if stack.len() > 1 {
        return Err(invalid(field, "a [ is not closed"));
    }
    let mut parts = stack.pop().expect("the top level");
    flush(&mut literal, &mut parts);
    Ok(parts)
}

fn collect_answers(parts: &[Part], into: &mut Vec<QuestionId>) {
    for part in parts {
        match part {
            Part::Answer(id) if !into.contains(id) => into.push(id.clone()),
            Part::Optional(inner) => collect_answers(inner, into),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::study::{Study, StudyError};

    fn sam_with_label(label: &str) -> Result<Study, StudyError> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../studies/sam.toml");
        let source = std::fs::read_to_string(path).unwrap();
        let start = source.find("[participants.label]").unwrap();
        let end = source[start..].find("\n[scales.").unwrap() + start;
        Study::parse("edited.toml", &format!("{}{label}\n{}", &source[..start], &source[end..]))
    }

    fn error_field(label: &str) -> (String, String) {
        let error = sam_with_label(label).unwrap_err();
        (error.field, error.problem)
    }

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_choice_without_words_reads_as_its_option_label() {
        let study = sam_with_label("[participants.label]\nformat = \"{setting} ({experience})\"").unwrap();
        let label = &study.participant_label;
        let ids: Vec<_> = label.questions().iter().map(|q| q.to_string()).collect();
        assert_eq!(ids, ["setting", "experience"]);
        let both = answers(&[("setting", "inpatient"), ("experience", "30")]);
        assert_eq!(label.describe(&both), "Inpatient mental health services (2.5 years)");
        let none = answers(&[]);
        assert_eq!(label.describe(&none), "not answered (not answered)");
    }

    #[test]
    fn a_label_that_cannot_be_read_names_its_field() {
        let cases = [
            ("format = \"{shoe_size}\"", "participants.label.format", "shoe_size"),
            ("format = \"{r1}\"", "participants.label.format", "choice or duration"),
            ("format = \"{role\"", "participants.label.format", "not closed"),
            ("format = \"[{role}\"", "participants.label.format", "not closed"),
            ("format = \"{role}]\"", "participants.label.format", "closes no"),
            ("format = \"[[{role}]]\"", "participants.label.format", "nested"),
            (
                "format = \"{role}\"\n[participants.label.words.role]\nnurse = \"N\"",
                "participants.label.words.role.nurse",
                "support_worker",
            ),
            (
                "format = \"{role}\"\n[participants.label.words.role]\nother = \"{role}\"",
                "participants.label.words.role",
                "itself",
            ),
            (
                "format = \"{role}\"\n[participants.label.words.setting]\nother = \"x\"",
                "participants.label.words.setting",
                "never shows",
            ),
            (
                "format = \"{experience}\"\n[participants.label.words.experience]\ndecades = \"# decades\"",
                "participants.label.words.experience.decades",
                "months",
            ),
            (
                "format = \"{experience}\"\n[participants.label.words.experience]\nyears = \"years\"",
                "participants.label.words.experience.years",
                "#",
            ),
            (
                "format = \"{role}\"\n[participants.label.words.role]\nother = \"{setting}\"\n[participants.label.words.setting]\nother = \"{experience}\"",
                "participants.label.words.setting",
                "one level",
            ),
        ];
        for (label, field, problem) in cases {
            let (got_field, got_problem) = error_field(&format!("[participants.label]\n{label}"));
            assert_eq!(got_field, field, "{label}");
            assert!(got_problem.contains(problem), "{label}: {got_problem}");
        }
    }
}
