//! What importing a project would change: each of its sources matched to an answer (by its
//! name, "P17 r2", checked against the answer's exported text; or by that text alone), each of
//! its codes to one of the study's (by the GUID our exports give it, else by name, else a new
//! code), each coder to a researcher of the study (else the importer); then, per answer, code and
//! coder, the codings the file has and this study has not (added), those this study has and the
//! file has not (removed) and those at another place (moved).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::project::{ImportedProject, ImportedSource};
use crate::export::QdpxCodeNames;
use crate::ids::QuestionId;
use crate::redaction::apply::{Replacement, redact, span_before_redaction};
use crate::storage::{CodeRecord, CodingRecord};

/// A submitted answer a source may be.
pub struct AnswerToMatch {
    pub response: String,
    pub participant: i64,
    pub question: QuestionId,
    pub stored: String,
    /// Its accepted identifier findings, replaced in every export.
    pub replacements: Vec<Replacement>,
}

/// What the study has already.
pub struct Known<'a> {
    pub codes: &'a [CodeRecord],
    /// The codings the importer may see.
    pub codings: &'a [CodingRecord],
    /// The emails of the study's researchers.
    pub team: &'a [String],
    pub importer: &'a str,
    /// How our exports name the questions' own codes (structure, never imported) and ours.
    pub ours: &'a QdpxCodeNames,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Added,
    Removed,
    Moved,
}

impl Change {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Moved => "moved",
        }
    }
}

/// One difference, to accept or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub change: Change,
    pub response: String,
    pub participant: i64,
    pub question: String,
    /// The study's code; None for a code the file brings.
    pub code_id: Option<String>,
    pub code_name: String,
    /// The researcher it is for, by email.
    pub coder: String,
    /// The coding here that is removed or moved.
    pub coding: Option<String>,
    /// Where the coding is here, in code points of the stored answer.
    pub from: Option<(usize, usize)>,
    /// Where the file has it.
    pub to: Option<(usize, usize)>,
    /// The words coded: at the file's place, or those removed.
    pub extract: String,
    /// Who coded it in the file when that is no researcher of the study.
    pub coded_as: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub items: Vec<ImportItem>,
    /// Sources matched to answers, and what the file holds that was left out, in words.
    pub matched: usize,
    pub notices: Vec<String>,
    /// Codings of the file that are here already, at the same place.
    pub unchanged: usize,
}

impl ImportPlan {
    /// The plan as kept until its importer decides.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a plan is plain data")
    }

    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }
}

/// A coding the file has, resolved to what is here.
struct FileCoding {
    answer: usize,
    code: CodeKey,
    coder: String,
    coded_as: Option<String>,
    span: (usize, usize),
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum CodeKey {
    Existing(String),
    New(String),
}

pub fn plan_import(project: &ImportedProject, answers: &[AnswerToMatch], known: &Known<'_>) -> ImportPlan {
    let mut plan = ImportPlan {
        notices: project.notices.clone(),
        ..ImportPlan::default()
    };
    let exported: Vec<String> = answers
        .iter()
        .map(|answer| redact(&answer.stored, &answer.replacements))
        .collect();
    let mut file_codings = Vec::new();
    let mut matched_answers = BTreeSet::new();
    for source in &project.sources {
        let Some(answer) = match_source(source, answers, &exported, &mut plan.notices) else {
            continue;
        };
        matched_answers.insert(answer);
        plan.matched += 1;
        for selection in &source.selections {
            for guid in &selection.codes {
                let Some(code) = resolve_code(project, guid, known, &source.name, &mut plan.notices)
                else {
                    continue;
                };
                let (coder, coded_as) = resolve_coder(selection.user.as_deref(), known);
                let stored = &answers[answer];
                let span = span_before_redaction(
                    &stored.stored,
                    (selection.start, selection.end),
                    &stored.replacements,
                );
                file_codings.push(FileCoding {
                    answer,
                    code,
                    coder,
                    coded_as,
                    span,
                });
            }
        }
    }
    compare(&mut plan, answers, &matched_answers, file_codings, known);
    plan
}

/// The answer a source is: by its name, when its text is the answer's as exported; else the one
/// answer whose exported text it is.
fn match_source(
    source: &ImportedSource,
    answers: &[AnswerToMatch],
    exported: &[String],
    notices: &mut Vec<String>,
) -> Option<usize> {
    if let Some((participant, question)) = named_answer(&source.name) {
        let found = answers
            .iter()
            .position(|a| a.participant == participant && a.question.as_str() == question);
        if let Some(index) = found {
            if exported[index] == source.text {
                return Some(index);
            }
            notices.push(format!(
                "{}: its text is not the answer's here (changed or redacted since), so its codings are left out",
                source.name
            ));
            return None;
        }
    }
    let mut same_text = exported.iter().enumerate().filter(|(_, t)| **t == source.text);
    match (same_text.next(), same_text.next()) {
        (Some((index, _)), None) => Some(index),
        (Some(_), Some(_)) => {
            notices.push(format!(
                "{}: several answers have its text, so its codings are left out",
                source.name
            ));
            None
        }
        _ => {
            notices.push(format!(
                "{}: no submitted answer has its text, so its codings are left out",
                source.name
            ));
            None
        }
    }
}

/// The participant number and question of a source named as our exports name them: "P17 r2".
fn named_answer(name: &str) -> Option<(i64, &str)> {
    let (participant, question) = name.trim().split_once(' ')?;
    let number = participant.strip_prefix('P')?.parse().ok()?;
    Some((number, question.trim()))
}

fn resolve_code(
    project: &ImportedProject,
    guid: &str,
    known: &Known<'_>,
    source: &str,
    notices: &mut Vec<String>,
) -> Option<CodeKey> {
    if known.ours.question_guids.contains(guid) {
        return None;
    }
    if let Some(id) = known.ours.code_guids.get(guid) {
        return Some(CodeKey::Existing(id.clone()));
    }
    let Some(code) = project.codes.get(guid) else {
        notices.push(format!("{source}: a coding with a code the file does not define is left out"));
        return None;
    };
    if known.ours.question_paths.contains(&code.path) {
        return None;
    }
    if !code.codable {
        notices.push(format!(
            "{source}: a coding with \"{}\", which is not a code to code with, is left out",
            code.path_text()
        ));
        return None;
    }
    let existing = known.codes.iter().find(|c| c.name == code.name);
    Some(match existing {
        Some(existing) => CodeKey::Existing(existing.id.clone()),
        None => CodeKey::New(code.name.clone()),
    })
}

/// The researcher a coding is for: the file's coder when they are on the study's team, else the
/// importer (with the file's name for the coder kept to show).
fn resolve_coder(user: Option<&str>, known: &Known<'_>) -> (String, Option<String>) {
    match user {
        Some(user) if known.team.iter().any(|email| email.eq_ignore_ascii_case(user)) => {
            (user.to_lowercase(), None)
        }
        Some(user) => (known.importer.to_owned(), Some(user.to_owned())),
        None => (known.importer.to_owned(), None),
    }
}

/// An answer (by index), a code and a coder: codings are compared within each.
type GroupKey = (usize, CodeKey, String);

/// The places the file codes in a group, and who coded them there when no researcher here.
type FileGroup = (BTreeSet<(usize, usize)>, Option<String>);

fn compare(
    plan: &mut ImportPlan,
    answers: &[AnswerToMatch],
    matched: &BTreeSet<usize>,
    file_codings: Vec<FileCoding>,
    known: &Known<'_>,
) {
    let coders: BTreeSet<String> = file_codings.iter().map(|c| c.coder.clone()).collect();
    let mut file: BTreeMap<GroupKey, FileGroup> = BTreeMap::new();
    for coding in file_codings {
        let entry = file
            .entry((coding.answer, coding.code, coding.coder))
            .or_default();
        entry.0.insert(coding.span);
        entry.1 = entry.1.take().or(coding.coded_as);
    }
    // The matched answers by response and question, so each coding here finds its own at once.
    let matched: HashMap<(&str, &QuestionId), usize> = matched
        .iter()
        .map(|&index| {
            let answer = &answers[index];
            ((answer.response.as_str(), &answer.question), index)
        })
        .collect();
    let mut here: BTreeMap<GroupKey, Vec<&CodingRecord>> = BTreeMap::new();
    for coding in known.codings {
        let Some(coder) = coding.coder.as_deref().map(str::to_lowercase) else {
            continue;
        };
        let answer = matched
            .get(&(coding.response.as_str(), &coding.question))
            .copied();
        if let (Some(answer), true) = (answer, coders.contains(&coder)) {
            let key = (answer, CodeKey::Existing(coding.code.clone()), coder);
            here.entry(key).or_default().push(coding);
        }
    }
    let keys: BTreeSet<GroupKey> = file.keys().chain(here.keys()).cloned().collect();
    for key in keys {
        let (spans, coded_as) = file.remove(&key).unwrap_or_default();
        let existing = here.remove(&key).unwrap_or_default();
        let item = |change, coding: Option<&CodingRecord>, to: Option<(usize, usize)>| {
            let answer = &answers[key.0];
            let (code_id, code_name) = match &key.1 {
                CodeKey::Existing(id) => {
                    let name = known.codes.iter().find(|c| &c.id == id).map_or("", |c| &c.name);
                    (Some(id.clone()), name.to_owned())
                }
                CodeKey::New(name) => (None, name.clone()),
            };
            let extract = match (to, coding) {
                (Some((start, end)), _) => answer.stored.chars().skip(start).take(end - start).collect(),
                (None, Some(coding)) => coding.extract.clone(),
                (None, None) => String::new(),
            };
            ImportItem {
                change,
                response: answer.response.clone(),
                participant: answer.participant,
                question: answer.question.to_string(),
                code_id,
                code_name,
                coder: key.2.clone(),
                coding: coding.map(|c| c.id.clone()),
                from: coding.map(|c| (c.start, c.end)),
                to,
                extract,
                coded_as: coded_as.clone(),
            }
        };
        let here_spans: BTreeSet<(usize, usize)> = existing.iter().map(|c| (c.start, c.end)).collect();
        plan.unchanged += spans.intersection(&here_spans).count();
        let only_file: Vec<(usize, usize)> = spans.difference(&here_spans).copied().collect();
        let only_here: Vec<&CodingRecord> = existing
            .iter()
            .copied()
            .filter(|c| !spans.contains(&(c.start, c.end)))
            .collect();
        let moved = only_file.len().min(only_here.len());
        for (to, coding) in only_file.iter().zip(&only_here) {
            plan.items.push(item(Change::Moved, Some(coding), Some(*to)));
        }
        for to in &only_file[moved..] {
            plan.items.push(item(Change::Added, None, Some(*to)));
        }
        for coding in &only_here[moved..] {
            plan.items.push(item(Change::Removed, Some(coding), None));
        }
    }
}
