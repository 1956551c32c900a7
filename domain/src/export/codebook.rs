//! The codebook: every exported variable with its question wording, type, allowed values and
//! their labels, and the study version, as CSV, as Markdown and as a sheet of the XLSX export.

use super::ExportOptions;
use super::csv::{push_record, record};
use super::format::Context;
use super::table::{PARTICIPANT_COLUMN, SUBMITTED_COLUMN, Variable, variables};

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
/// every format. A question worded differently in some versions has a row for each wording,
/// its `study_version` naming the versions (as in the data's `study_version` column) it
/// applies to.
pub(super) fn rows(context: &Context<'_>) -> Vec<[String; 6]> {
    let every_version = version_list(&all_versions(context));
    let fixed = |variable: &str, question: &str, values: &str| {
        [variable, question, "identifier", values, "", &every_version].map(str::to_owned)
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
            every_version.clone(),
        ]
    }));
    let earlier: Vec<(i64, Vec<Variable<'_>>)> = context
        .versions
        .iter()
        .map(|version| (version.version_number, variables(version)))
        .collect();
    for variable in &context.variables {
        rows.extend(question_rows(variable, &earlier, context));
    }
    rows
}

/// The catalogue numbers of the versions the export covers: all of them, or the one it was
/// given when it has no catalogue.
fn all_versions(context: &Context<'_>) -> Vec<i64> {
    if context.versions.is_empty() {
        vec![context.study.version_number]
    } else {
        context.versions.iter().map(|v| v.version_number).collect()
    }
}

fn version_list(numbers: &[i64]) -> String {
    numbers
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A row for each distinct wording of the question across the versions that ask it, oldest
/// first.
fn question_rows(
    variable: &Variable<'_>,
    versions: &[(i64, Vec<Variable<'_>>)],
    context: &Context<'_>,
) -> Vec<[String; 6]> {
    let mut wordings: Vec<([String; 5], Vec<i64>)> = Vec::new();
    let asked_in = versions.iter().filter_map(|(number, variables)| {
        let same = variables.iter().find(|v| v.id() == variable.id())?;
        Some((*number, same))
    });
    let asked_in: Vec<(i64, &Variable<'_>)> = if versions.is_empty() {
        vec![(context.study.version_number, variable)]
    } else {
        asked_in.collect()
    };
    for (number, asked) in asked_in {
        let cells = question_cells(asked, context.options);
        match wordings.iter_mut().find(|(known, _)| *known == cells) {
            Some((_, numbers)) => numbers.push(number),
            None => wordings.push((cells, vec![number])),
        }
    }
    wordings
        .into_iter()
        .map(|(cells, numbers)| {
            let [variable, question, kind, values, value_labels] = cells;
            [variable, question, kind, values, value_labels, version_list(&numbers)]
        })
        .collect()
}

fn question_cells(variable: &Variable<'_>, options: ExportOptions) -> [String; 5] {
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
        "# Codebook: {}\n\nStudy `{}`, version {}. Experience: {}. Study versions: the \
         versions (the data's `study_version`) a row's wording applies to.\n\n\
         | Variable | Question | Type | Values | Value labels | Study versions |\n\
         | --- | --- | --- | --- | --- | --- |\n",
        study.title,
        study.slug,
        study.version,
        options.describe()
    );
    for row in rows(context) {
        let cells: Vec<String> = row.iter().map(|c| table_cell(c)).collect();
        text.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    text
}

/// Pipes and line breaks would end a Markdown table cell.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}
