//! JSON: the study definition exactly as participants saw it, then every submitted response.
//! Written as one document, a response at a time.

use serde_json::{Map, Value, json};

use super::ExportOptions;
use super::table::{Variable, participant_name};
use crate::storage::SubmittedResponse;
use crate::study::Study;

pub fn opening(study: &Study, options: ExportOptions) -> String {
    let definition = toml::from_str::<toml::Value>(&study.source)
        .ok()
        .and_then(|value| serde_json::to_value(value).ok())
        .unwrap_or(Value::Null);
    let head = json!({
        "study": { "slug": study.slug, "version": study.version, "definition": definition },
        "experience": options.describe(),
    });
    // The head object without its closing brace, so the responses can follow inside it.
    let head = head.to_string();
    format!("{},\"responses\":[\n", &head[..head.len() - 1])
}

pub fn response(
    variables: &[Variable<'_>],
    response: &SubmittedResponse,
    options: ExportOptions,
    first: bool,
) -> String {
    let answers: Map<String, Value> = variables
        .iter()
        .filter_map(|variable| {
            let stored = response.answers.get(variable.id())?;
            let cell = variable.cell(Some(stored), options);
            Some((variable.id().to_owned(), Value::String(cell.into_owned())))
        })
        .collect();
    let item = json!({
        "participant": participant_name(response.participant_number),
        "submitted_on": response.submitted_on.format("%Y-%m-%d").to_string(),
        "answers": answers,
    });
    format!("{}{item}", if first { "" } else { ",\n" })
}

pub const CLOSING: &str = "\n]}\n";
