//! Scripts that read the wide CSV export into SPSS (or PSPP) and into R with every label: question
//! wording as variable labels, Likert anchors and choice labels as value labels or factor levels,
//! and measure levels.

use super::ExportOptions;
use super::format::{Context, ExportFormat};
use super::table::{Measure, PARTICIPANT_COLUMN, SUBMITTED_COLUMN, Variable};
use crate::study::QuestionKind;

/// SPSS strings in single quotes, quotes doubled; line breaks would end the command.
fn spss_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''").replace(['\r', '\n'], " "))
}

fn spss_format(variable: &Variable<'_>, options: ExportOptions) -> String {
    match variable.question.kind {
        _ if variable.is_numeric(options) => "F8.0".into(),
        // Room for the longest answer in bytes (up to 4 a character), within SPSS's limit.
        QuestionKind::Text { max_chars } => format!("A{}", (max_chars * 4 + 1).min(32_767)),
        _ => "A64".into(),
    }
}

fn spss_level(measure: Measure) -> &'static str {
    match measure {
        Measure::Nominal => "NOMINAL",
        Measure::Ordinal => "ORDINAL",
        Measure::Scale => "SCALE",
    }
}

/// A variable with value labels: its name, whether its codes are numbers, and the labels.
type LabelledVariable<'a> = (&'a str, bool, Vec<(String, String)>);

pub fn spss(context: &Context<'_>) -> String {
    let csv = ExportFormat::CsvSpss.file_name(&context.study.slug);
    let mut text = format!(
        "* Encoding: UTF-8.\n\
         * Reads {csv} (the CSV export for SPSS) with its labels. Study {} version {}; {}.\n\
         * Put this file next to {csv}. Text cells that began with = + - @ carry a leading '.\n\
         GET DATA\n  /TYPE=TXT\n  /FILE={}\n  /ENCODING='UTF8'\n  /ARRANGEMENT=DELIMITED\n  \
         /DELCASE=LINE\n  /FIRSTCASE=2\n  /DELIMITERS=','\n  /QUALIFIER='\"'\n  /VARIABLES=\n    \
         {PARTICIPANT_COLUMN} A16\n    {SUBMITTED_COLUMN} A10\n",
        context.study.slug,
        context.study.version,
        context.options.describe(),
        spss_string(&csv),
    );
    for column in &context.design {
        let format = if column.is_numeric() { "F8.0" } else { "A512" };
        text.push_str(&format!("    {} {format}\n", column.name));
    }
    for variable in &context.variables {
        text.push_str(&format!(
            "    {} {}\n",
            variable.id(),
            spss_format(variable, context.options)
        ));
    }
    text.push_str(".\nVARIABLE LABELS\n");
    text.push_str(&format!(
        "  {PARTICIPANT_COLUMN} 'Participant'\n  /{SUBMITTED_COLUMN} 'Day submitted (YYYY-MM-DD)'\n"
    ));
    for column in &context.design {
        text.push_str(&format!("  /{} {}\n", column.name, spss_string(&column.label)));
    }
    for variable in &context.variables {
        text.push_str(&format!(
            "  /{} {}\n",
            variable.id(),
            spss_string(&variable.label)
        ));
    }
    text.push_str(".\n");
    // Design columns' codes are text; answers' are numbers where the variable is numeric.
    let mut labelled: Vec<LabelledVariable<'_>> = context
        .design
        .iter()
        .filter(|column| !column.value_labels.is_empty())
        .map(|column| (column.name.as_str(), false, column.value_labels.clone()))
        .collect();
    labelled.extend(
        context
            .variables
            .iter()
            .map(|v| (v.id(), v.is_numeric(context.options), v.value_labels(context.options)))
            .filter(|(_, _, labels)| !labels.is_empty()),
    );
    if !labelled.is_empty() {
        text.push_str("VALUE LABELS\n");
        for (i, (name, numeric, labels)) in labelled.iter().enumerate() {
            let pairs: Vec<String> = labels
                .iter()
                .map(|(value, label)| {
                    let value = if *numeric {
                        value.clone()
                    } else {
                        spss_string(value)
                    };
                    format!("{value} {}", spss_string(label))
                })
                .collect();
            let slash = if i == 0 { " " } else { " /" };
            text.push_str(&format!("{slash}{name} {}\n", pairs.join(" ")));
        }
        text.push_str(".\n");
    }
    text.push_str("VARIABLE LEVEL\n");
    text.push_str(&format!(
        "  {PARTICIPANT_COLUMN} {SUBMITTED_COLUMN} (NOMINAL)\n"
    ));
    for column in &context.design {
        let level = if column.is_numeric() { "ORDINAL" } else { "NOMINAL" };
        text.push_str(&format!("  /{} ({level})\n", column.name));
    }
    for variable in &context.variables {
        text.push_str(&format!(
            "  /{} ({})\n",
            variable.id(),
            spss_level(variable.measure(context.options))
        ));
    }
    text.push_str(".\nEXECUTE.\n");
    text
}

/// An R string literal.
fn r_string(text: &str) -> String {
    format!(
        "\"{}\"",
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
    )
}

fn r_vector(items: impl IntoIterator<Item = String>) -> String {
    format!("c({})", items.into_iter().collect::<Vec<_>>().join(", "))
}

pub fn r(context: &Context<'_>) -> String {
    let csv = ExportFormat::CsvWide.file_name(&context.study.slug);
    let name = "answers";
    let mut text = format!(
        "# Reads {csv} (the wide CSV export) with labelled factors. Study {} version {}; {}.\n\
         # Run it in the folder that holds {csv}: source(\"{}\")\n\
         {name} <- read.csv({}, encoding = \"UTF-8\", stringsAsFactors = FALSE,\n    \
         na.strings = \"\", check.names = FALSE, colClasses = \"character\")\n\
         # The export put a ' before text that began like a spreadsheet formula; take it off again.\n\
         {name}[] <- lapply({name}, function(x) sub(\"^'([-=+@\\t\\r])\", \"\\\\1\", x))\n",
        context.study.slug,
        context.study.version,
        context.options.describe(),
        ExportFormat::RScript.file_name(&context.study.slug),
        r_string(&csv),
    );
    for design in &context.design {
        let column = format!("{name}[[{}]]", r_string(&design.name));
        if design.is_numeric() {
            text.push_str(&format!("{column} <- as.integer({column})\n"));
        } else if !design.value_labels.is_empty() {
            text.push_str(&format!(
                "{column} <- factor({column}, levels = {}, labels = {})\n",
                r_vector(design.value_labels.iter().map(|(v, _)| r_string(v))),
                r_vector(design.value_labels.iter().map(|(_, l)| r_string(l))),
            ));
        }
        text.push_str(&format!(
            "attr({column}, \"label\") <- {}\n",
            r_string(&design.label)
        ));
    }
    for variable in &context.variables {
        let column = format!("{name}[[{}]]", r_string(variable.id()));
        let labels = variable.value_labels(context.options);
        let ordered = variable.measure(context.options) == Measure::Ordinal;
        if !labels.is_empty() {
            text.push_str(&format!(
                "{column} <- factor({column}, levels = {}, labels = {}, ordered = {})\n",
                r_vector(labels.iter().map(|(v, _)| r_string(v))),
                r_vector(labels.iter().map(|(_, l)| r_string(l))),
                if ordered { "TRUE" } else { "FALSE" },
            ));
        } else if variable.is_numeric(context.options) {
            text.push_str(&format!("{column} <- as.integer({column})\n"));
        }
        text.push_str(&format!(
            "attr({column}, \"label\") <- {}\n",
            r_string(&variable.label)
        ));
    }
    text
}
