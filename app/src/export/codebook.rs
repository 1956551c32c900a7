//! The codebook: every exported variable with its question wording, type, allowed values and
//! their labels, and the study version, as CSV and as Markdown.

use super::ExportOptions;
use super::csv::record;
use super::table::{PARTICIPANT_COLUMN, SUBMITTED_COLUMN, Variable};
use crate::study::Study;

const COLUMNS: [&str; 6] = [
    "variable",
    "question",
    "type",
    "values",
    "value_labels",
    "study_version",
];

/// One codebook line: the cells under `COLUMNS`.
struct Entry {
    variable: String,
    question: String,
    kind: String,
    values: String,
    value_labels: String,
}

fn entries(variables: &[Variable<'_>], options: ExportOptions) -> Vec<Entry> {
    let fixed = |variable: &str, question: &str, values: &str| Entry {
        variable: variable.into(),
        question: question.into(),
        kind: "identifier".into(),
        values: values.into(),
        value_labels: String::new(),
    };
    let mut entries = vec![
        fixed(
            PARTICIPANT_COLUMN,
            "Participant number, given at submission",
            "P1, P2, …",
        ),
        fixed(
            SUBMITTED_COLUMN,
            "Day the answers were submitted",
            "YYYY-MM-DD",
        ),
    ];
    entries.extend(variables.iter().map(|variable| {
        let labels = variable.value_labels(options);
        let values = if labels.is_empty() {
            variable.free_values().to_owned()
        } else {
            labels
                .iter()
                .map(|(v, _)| v.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        Entry {
            variable: variable.id().into(),
            question: variable.question.label.clone(),
            kind: variable.kind_name().into(),
            values,
            value_labels: labels
                .iter()
                .map(|(value, label)| format!("{value} = {label}"))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }));
    entries
}

pub fn csv(study: &Study, variables: &[Variable<'_>], options: ExportOptions) -> String {
    let mut text = record(COLUMNS);
    for e in entries(variables, options) {
        text.push_str(&record([
            e.variable.as_str(),
            &e.question,
            &e.kind,
            &e.values,
            &e.value_labels,
            &study.version,
        ]));
    }
    text
}

pub fn markdown(study: &Study, variables: &[Variable<'_>], options: ExportOptions) -> String {
    let mut text = format!(
        "# Codebook: {}\n\nStudy `{}`, version {}. Experience: {}.\n\n\
         | Variable | Question | Type | Values | Value labels |\n| --- | --- | --- | --- | --- |\n",
        study.title,
        study.slug,
        study.version,
        options.describe()
    );
    for e in entries(variables, options) {
        let cells = [
            &e.variable,
            &e.question,
            &e.kind,
            &e.values,
            &e.value_labels,
        ];
        let cells: Vec<String> = cells.iter().map(|c| table_cell(c)).collect();
        text.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    text
}

/// Pipes and line breaks would end a Markdown table cell.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}
