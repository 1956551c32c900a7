//! The codebook: every exported variable with its question wording, type, allowed values and
//! their labels, and the study version, as CSV, as Markdown and as a sheet of the XLSX export.

use super::ExportOptions;
use super::csv::{push_record, record};
use super::format::Context;
use super::table::{PARTICIPANT_COLUMN, SUBMITTED_COLUMN, Variable};

/// The codebook's columns; `rows` fills them in this order.
pub(super) const COLUMNS: [&str; 6] = [
    "variable",
    "question",
    "type",
    "values",
    "value_labels",
    "study_version",
];

/// Every exported variable as the cells under `COLUMNS`: the one source of the codebook in
/// every format.
pub(super) fn rows(context: &Context<'_>) -> Vec<[String; 6]> {
    let version = context.study.version.as_str();
    let fixed = |variable: &str, question: &str, values: &str| {
        [variable, question, "identifier", values, "", version].map(str::to_owned)
    };
    let mut rows = vec![
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
    rows.extend(context.design.iter().map(|column| {
        let value_labels = column
            .value_labels
            .iter()
            .map(|(value, label)| format!("{value} = {label}"))
            .collect::<Vec<_>>()
            .join("; ");
        [
            column.name.clone(),
            column.label.clone(),
            "design".to_owned(),
            column.values(),
            value_labels,
            version.to_owned(),
        ]
    }));
    rows.extend(
        context
            .variables
            .iter()
            .map(|v| question_row(v, context.options, version)),
    );
    rows
}

fn question_row(variable: &Variable<'_>, options: ExportOptions, version: &str) -> [String; 6] {
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
    let value_labels = labels
        .iter()
        .map(|(value, label)| format!("{value} = {label}"))
        .collect::<Vec<_>>()
        .join("; ");
    [
        variable.id().to_owned(),
        variable.question.label.clone(),
        variable.kind_name().to_owned(),
        values,
        value_labels,
        version.to_owned(),
    ]
}

pub(super) fn csv(context: &Context<'_>) -> String {
    let mut text = record(COLUMNS);
    for row in rows(context) {
        push_record(&mut text, row.iter().map(String::as_str));
    }
    text
}

pub(super) fn markdown(context: &Context<'_>) -> String {
    let (study, options) = (context.study, context.options);
    let mut text = format!(
        "# Codebook: {}\n\nStudy `{}`, version {}. Experience: {}.\n\n\
         | Variable | Question | Type | Values | Value labels |\n| --- | --- | --- | --- | --- |\n",
        study.title,
        study.slug,
        study.version,
        options.describe()
    );
    // The study version stands in the heading, not in every row.
    for row in rows(context) {
        let cells: Vec<String> = row[..5].iter().map(|c| table_cell(c)).collect();
        text.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    text
}

/// Pipes and line breaks would end a Markdown table cell.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}
