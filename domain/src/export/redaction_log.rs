//! The redaction log: every finding of the review queue and what was decided, as CSV. It names
//! the kind of identifier and its descriptor, never the words that were found.

use super::csv::record;
use super::format::Context;
use super::table::participant_name;
use super::{ExportError, ExportSink};
use crate::clock::day_of;
use crate::storage::{RedactionStatus, Storage};

const COLUMNS: [&str; 9] = [
    "participant",
    "question",
    "detector",
    "descriptor",
    "status",
    "start",
    "end",
    "decided_by",
    "decided_on",
];

pub(super) async fn write(
    storage: &Storage,
    context: &Context<'_>,
    sink: &mut impl ExportSink,
) -> Result<u64, ExportError> {
    sink.write(record(COLUMNS).into_bytes()).await?;
    let findings = storage
        .redactions()
        .list(&context.study.slug, &RedactionStatus::ALL, i64::MAX)
        .await?;
    for finding in &findings {
        let decided_on = finding.decided_at.map(day_of).unwrap_or_default();
        let (start, end) = (finding.start.to_string(), finding.end.to_string());
        let line = record([
            participant_name(finding.participant_number).as_str(),
            finding.question_id.as_str(),
            &finding.detector,
            &finding.descriptor,
            finding.status.as_str(),
            &start,
            &end,
            finding.decided_by.as_deref().unwrap_or_default(),
            &decided_on,
        ]);
        sink.write(line.into_bytes()).await?;
    }
    sink.finish().await?;
    Ok(findings.len() as u64)
}
