//! Anonymised exports of a study's submitted responses, for the tools researchers use.
//! Every export streams: one participant is read, written and forgotten before the next.

mod analysis;
mod codebook;
pub mod csv;
mod format;
mod json;
mod memos;
mod qdpx;
mod redaction_log;
mod sink;
pub mod small_groups;
mod syntax;
mod table;
mod workshop_answers;
mod writeup;
mod xlsx;
mod zip_stream;

use std::sync::Arc;

use futures_util::{Stream, TryStreamExt};

pub use analysis::{AnalysisExport, analysis_export};
pub use format::ExportFormat;
pub use sink::{ChannelSink, ExportSink, WriterSink};
pub use table::{Variable, participant_name, variables};
pub use workshop_answers::{WORKSHOP_CSV_HEADER, workshop_answers_csv};

use crate::analysis::Blinding;
use crate::ids::StudySlug;
use crate::redaction::review::ExportRedactions;
use crate::storage::{Storage, StorageError, SubmittedResponse};
use crate::study::Study;

/// The GUID of one answer's TextSource in the REFI-QDA export: the same in every export.
pub fn qdpx_source_guid(study_slug: &StudySlug, participant: i64, question: &str) -> String {
    qdpx::Guids::of_study(study_slug).source(participant, question)
}

/// How our REFI-QDA exports name a study's codes, to know them again on import.
pub struct QdpxCodeNames {
    /// The questions' own codes (structure: never imported as codings), by GUID.
    pub question_guids: std::collections::HashSet<String>,
    /// The same by path (page title, question), for a project another tool wrote out again
    /// with GUIDs of its own.
    pub question_paths: std::collections::HashSet<Vec<String>>,
    /// The study's codes by GUID: GUID to code id.
    pub code_guids: std::collections::HashMap<String, String>,
}

impl QdpxCodeNames {
    pub fn of(study: &Study, codes: &[crate::storage::CodeRecord]) -> Self {
        let guids = qdpx::Guids::of_study(&study.slug);
        let questions = variables(study);
        Self {
            question_guids: questions
                .iter()
                .map(|variable| guids.question_code(variable.id()))
                .collect(),
            question_paths: questions
                .iter()
                .map(|variable| vec![variable.page_title.to_owned(), variable.id().to_owned()])
                .collect(),
            code_guids: codes
                .iter()
                .map(|code| (guids.analysis_code(&code.id), code.id.clone()))
                .collect(),
        }
    }
}

/// What a researcher may choose about an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Experience in exact months instead of bands (bands are the default: fewer people stand out).
    pub exact_experience: bool,
}

impl ExportOptions {
    /// Words for the audit log.
    pub fn describe(self) -> &'static str {
        if self.exact_experience {
            "experience in exact months"
        } else {
            "experience banded"
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Storage(#[from] StorageError),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes one export of `study` (its newest version; `versions` are all of its versions, oldest
/// first) to `sink`, calling `progress` with the number of participants written so far; returns
/// that number. The REFI-QDA project and the workbook hold the codings (and the project the
/// memos) `blinding` shows.
pub async fn write_export(
    storage: &Storage,
    (study, versions): (&Study, &[Arc<Study>]),
    format: ExportFormat,
    options: ExportOptions,
    blinding: &Blinding,
    sink: &mut impl ExportSink,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ExportError> {
    let context = format::Context {
        study,
        versions,
        design: table::design_columns(study),
        variables: variables(study),
        options,
        redactions: if format.reads_responses() {
            ExportRedactions::of_study(storage, &study.slug).await?
        } else {
            ExportRedactions::default()
        },
    };
    match format {
        ExportFormat::Qdpx => {
            return qdpx::write(storage, &context, blinding, sink, progress).await;
        }
        ExportFormat::RedactionLog => return redaction_log::write(storage, &context, sink).await,
        ExportFormat::Xlsx => {
            return xlsx::write(storage, &context, blinding, sink, progress).await;
        }
        _ => {}
    }
    sink.write(format.opening(&context).into_bytes()).await?;
    let mut written = 0;
    if format.reads_responses() {
        let mut participants = std::pin::pin!(redacted_responses(storage, &context));
        while let Some(response) = participants.try_next().await? {
            sink.write(
                format
                    .participant(&context, &response, written == 0)
                    .into_bytes(),
            )
            .await?;
            written += 1;
            progress(written);
        }
    }
    sink.write(format.closing().as_bytes().to_vec()).await?;
    sink.finish().await?;
    Ok(written)
}

/// The study's submitted responses, streamed, with accepted findings replaced by descriptors.
fn redacted_responses<'a>(
    storage: &'a Storage,
    context: &'a format::Context<'a>,
) -> impl Stream<Item = Result<SubmittedResponse, StorageError>> + Send + 'a {
    storage
        .exports()
        .submitted_responses(&context.study.slug)
        .map_ok(|mut response| {
            context.redactions.apply(&mut response);
            response
        })
}
