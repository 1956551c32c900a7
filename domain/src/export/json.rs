//! JSON: the study definition exactly as participants saw it, then every submitted response.
//! Written as one document, a response at a time.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::ExportOptions;
use super::format::{Context, design_cells};
use super::table::{participant_name, source_of};
use crate::storage::SubmittedResponse;
use crate::study::Study;

/// The head of the document: the newest definition, and every version's, since each response
/// was shown the wording of its `study_version`.
pub fn opening(study: &Study, versions: &[Arc<Study>], options: ExportOptions) -> String {
    let versions: Vec<Value> = versions
        .iter()
        .map(|version| {
            json!({
                "number": version.version_number,
                "version": version.version,
                "definition": shown_definition(version),
            })
        })
        .collect();
    let head = json!({
        "study": { "slug": study.slug, "version": study.version, "definition": shown_definition(study) },
        "versions": versions,
        "experience": options.describe(),
    });
    // The head object without its closing brace, so the responses can follow inside it.
    let head = head.to_string();
    format!("{},\"responses\":[\n", &head[..head.len() - 1])
}

/// The study file as JSON, without what participants did not see.
fn shown_definition(study: &Study) -> Value {
    toml::from_str::<toml::Table>(&study.source)
        .ok()
        .map(|mut table| {
            // Not what participants saw: the words that steer the identifier review, among them
            // the real names (the study site's staff) it looks for.
            table.remove("redaction");
            table
        })
        .and_then(|table| serde_json::to_value(table).ok())
        .unwrap_or(Value::Null)
}

pub(super) fn response(context: &Context<'_>, response: &SubmittedResponse, first: bool) -> String {
    let answers: Map<String, Value> = context
        .variables
        .iter()
        .filter_map(|variable| {
            let stored = response.answers.get(variable.id())?;
            let cell = variable.cell(Some(stored), context.options);
            Some((variable.id().to_owned(), Value::String(cell.into_owned())))
        })
        .collect();
    let mut item = json!({
        "participant": participant_name(response.participant_number),
        "submitted_on": response.submitted_on.format("%Y-%m-%d").to_string(),
        "study_version": response.study_version_number,
        "source": source_of(response),
        "answers": answers,
    });
    if let Some(order) = &response.dealt.scenario_order {
        let places: Map<String, Value> = context
            .design
            .iter()
            .zip(design_cells(context, response))
            .filter(|(column, _)| column.place_of().is_some())
            .filter_map(|(column, cell)| Some((column.name.clone(), cell.parse::<u64>().ok()?.into())))
            .collect();
        item["scenario_order"] = json!({ "pages": order.split(' ').collect::<Vec<_>>(), "places": places });
    }
    if let Some(variant) = &response.dealt.variant {
        item["vignette_variant"] = json!(variant);
    }
    format!("{}{item}", if first { "" } else { ",\n" })
}

pub const CLOSING: &str = "\n]}\n";

#[cfg(test)]
mod tests {
    use super::opening;
    use crate::study::Study;

    #[test]
    fn the_definition_leaves_out_the_names_the_identifier_review_looks_for() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../studies/sam.toml");
        let source = std::fs::read_to_string(path)
            .unwrap()
            .replacen("names = []", "names = [\"Dafydd Prydderch\"]", 1);
        let study = Study::parse("sam.toml", &source).unwrap();
        assert_eq!(study.redaction.names, ["Dafydd Prydderch"]);
        let head = opening(&study, &[std::sync::Arc::new(study.clone())], Default::default());
        assert!(!head.contains("Dafydd"), "{head}");
        assert!(!head.contains("not_names"), "{head}");
        assert!(head.contains("\"consent\""), "the rest of the definition stays");
    }
}
