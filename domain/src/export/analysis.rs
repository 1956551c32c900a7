//! The thematic analysis as researchers' tools read it: every coded extract (a row each), the
//! codes in each participant's answers (present or not, and how many codings), the codebook
//! (CSV, and REFI-QDA `.qdc`) and the themes. Like every export, the answers' accepted identifier findings are
//! replaced by their descriptors, so an extract and its positions are over the exported text;
//! participants are named by number only (their demographics are in the data exports).

use std::collections::BTreeMap;

use futures_util::TryStreamExt;

use super::csv::{UTF8_BOM, push_record, record};
use super::qdpx::{Guids, push_code_tree};
use super::table::participant_name;
use super::memos::{MEMO_HEADER, memo_rows};
use super::writeup;
use super::{ExportError, qdpx_source_guid};
use crate::analysis::{Blinding, answer_hash};
use crate::participants::participant_label;
use crate::redaction::apply::redact_around;
use crate::redaction::review::ExportRedactions;
use crate::storage::{CodeRecord, CodingRecord, Storage, ThemeRecord, code_path, in_tree_order};
use crate::study::Study;

/// The analysis exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisExport {
    Extracts,
    CodesByParticipant,
    CodingCountsByParticipant,
    CodebookCsv,
    CodebookQdc,
    Themes,
    Memos,
    WriteUpMarkdown,
    WriteUpDocx,
}

impl AnalysisExport {
    pub const ALL: [Self; 9] = [
        Self::Extracts,
        Self::CodesByParticipant,
        Self::CodingCountsByParticipant,
        Self::CodebookCsv,
        Self::CodebookQdc,
        Self::Themes,
        Self::Memos,
        Self::WriteUpMarkdown,
        Self::WriteUpDocx,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Extracts => "extracts",
            Self::CodesByParticipant => "codes-by-participant",
            Self::CodingCountsByParticipant => "coding-counts-by-participant",
            Self::CodebookCsv => "codebook",
            Self::CodebookQdc => "codebook-qdc",
            Self::Themes => "themes",
            Self::Memos => "memos",
            Self::WriteUpMarkdown => "write-up-markdown",
            Self::WriteUpDocx => "write-up-docx",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|export| export.slug() == slug)
    }

    /// What the researcher downloads, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Extracts => "Every coded extract, a row each (CSV)",
            Self::CodesByParticipant => "Which codes each participant's answers have, 1 or 0 (CSV)",
            Self::CodingCountsByParticipant => {
                "How many codings of each code each participant's answers have (CSV)"
            }
            Self::CodebookCsv => "The codebook (CSV)",
            Self::CodebookQdc => "The codebook for QDA software (REFI-QDA .qdc)",
            Self::Themes => {
                "Every theme: status, overarching theme, central organising concept, definition, \
                 scope, boundaries and codes (CSV)"
            }
            Self::Memos => {
                "Every memo and journal entry: what it is about, the participant and question it \
                 concerns, who wrote it and when (CSV)"
            }
            Self::WriteUpMarkdown => {
                "The write-up pack: themes, definitions, chosen extracts and the method log (Markdown)"
            }
            Self::WriteUpDocx => "The write-up pack as a Word document (.docx)",
        }
    }

    pub fn file_name(self, study: &Study) -> String {
        let extension = match self {
            Self::CodebookQdc => "qdc",
            Self::WriteUpMarkdown => "md",
            Self::WriteUpDocx => "docx",
            _ => "csv",
        };
        let name = match self {
            Self::WriteUpMarkdown | Self::WriteUpDocx => "write-up",
            other => other.slug(),
        };
        format!("{}-analysis-{name}.{extension}", study.slug)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::CodebookQdc => "application/xml; charset=utf-8",
            Self::WriteUpMarkdown => "text/markdown; charset=utf-8",
            Self::WriteUpDocx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            _ => "text/csv; charset=utf-8",
        }
    }
}

/// The export, whole: its size grows with the codings, not with the answers' text. It holds the
/// codings `blinding` shows its downloader (in independent mode, their own and released ones);
/// `now` dates the write-up pack.
pub async fn analysis_export(
    storage: &Storage,
    study: &Study,
    export: AnalysisExport,
    (blinding, now): (&Blinding, i64),
) -> Result<Vec<u8>, ExportError> {
    let codes = || storage.analysis().codes_seen_by(&study.slug, blinding);
    let text = match export {
        AnalysisExport::WriteUpMarkdown => {
            let pack = writeup::gather(storage, study, blinding, now).await?;
            writeup::write_up_markdown(&pack)
        }
        AnalysisExport::WriteUpDocx => {
            let pack = writeup::gather(storage, study, blinding, now).await?;
            return Ok(writeup::write_up_docx(&pack)?);
        }
        AnalysisExport::CodebookCsv => table_csv(CODEBOOK_HEADER, codebook_rows(&codes().await?)),
        AnalysisExport::CodebookQdc => codebook_qdc(study, &codes().await?),
        AnalysisExport::Themes => {
            let themes = storage.analysis().themes(&study.slug).await?;
            table_csv(THEME_HEADER, theme_rows(&themes, &codes().await?))
        }
        AnalysisExport::Memos => table_csv(MEMO_HEADER, memo_rows(storage, study, blinding).await?),
        AnalysisExport::Extracts => extracts_csv(storage, study, &codes().await?, blinding).await?,
        AnalysisExport::CodesByParticipant => {
            by_participant(storage, study, &codes().await?, true, blinding).await?
        }
        AnalysisExport::CodingCountsByParticipant => {
            by_participant(storage, study, &codes().await?, false, blinding).await?
        }
    };
    Ok(text.into_bytes())
}

fn table_csv<const N: usize>(header: [&str; N], rows: Vec<[String; N]>) -> String {
    let mut out = UTF8_BOM.to_owned();
    push_record(&mut out, header);
    for row in &rows {
        push_record(&mut out, row.iter().map(String::as_str));
    }
    out
}

pub(super) const CODEBOOK_HEADER: [&str; 4] = ["code", "definition", "codings", "code_path"];

/// A row per code, under `CODEBOOK_HEADER`, parents before their children: the codebook import
/// rebuilds the tree from the paths.
pub(super) fn codebook_rows(codes: &[CodeRecord]) -> Vec<[String; 4]> {
    in_tree_order(codes)
        .into_iter()
        .map(|(_, code)| {
            [
                code.name.clone(),
                code.definition.clone(),
                code.codings.to_string(),
                code_path(codes, &code.id),
            ]
        })
        .collect()
}

pub(super) const THEME_HEADER: [&str; 8] = [
    "theme",
    "status",
    "overarching_theme",
    "central_organising_concept",
    "definition",
    "scope",
    "boundaries",
    "codes",
];

/// A row per theme, discarded ones too, under `THEME_HEADER`: its codes by their paths.
pub(super) fn theme_rows(themes: &[ThemeRecord], codes: &[CodeRecord]) -> Vec<[String; 8]> {
    let name_of = |id: &str| themes.iter().find(|theme| theme.id == id).map(|t| t.name.clone());
    themes
        .iter()
        .map(|theme| {
            let paths: Vec<String> = theme.codes.iter().map(|code| code_path(codes, code)).collect();
            [
                theme.name.clone(),
                theme.status.as_str().to_owned(),
                theme.parent.as_deref().and_then(name_of).unwrap_or_default(),
                theme.central_concept.clone(),
                theme.definition.definition.clone(),
                theme.definition.scope.clone(),
                theme.definition.boundaries.clone(),
                paths.join("; "),
            ]
        })
        .collect()
}

/// The codebook as REFI-QDA's Codebook.xsd asks, each code inside its parent in the code tree;
/// GUIDs are the same in every export.
fn codebook_qdc(study: &Study, codes: &[CodeRecord]) -> String {
    let guids = Guids::of_study(&study.slug);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"Vignette studies\">\n<Codes>\n",
    );
    push_code_tree(&mut out, &guids, in_tree_order(codes), |_, _| {});
    out.push_str("</Codes>\n</CodeBook>\n");
    out
}

/// The study's codings `blinding` shows, grouped by participant number.
async fn codings_by_participant(
    storage: &Storage,
    study: &Study,
    blinding: &Blinding,
) -> Result<BTreeMap<i64, Vec<CodingRecord>>, ExportError> {
    let mut grouped: BTreeMap<i64, Vec<CodingRecord>> = BTreeMap::new();
    let codings = storage.analysis().codings_seen_by(&study.slug, blinding);
    for coding in codings.await? {
        grouped
            .entry(coding.participant_number)
            .or_default()
            .push(coding);
    }
    Ok(grouped)
}

pub(super) const EXTRACT_HEADER: [&str; 12] = [
    "participant",
    "question",
    "question_label",
    "code",
    "coder",
    "start",
    "end",
    "extract",
    "answer_changed_since_coding",
    "qdpx_source_guid",
    "code_path",
    "themes",
];

async fn extracts_csv(
    storage: &Storage,
    study: &Study,
    codes: &[CodeRecord],
    blinding: &Blinding,
) -> Result<String, ExportError> {
    let rows = extract_rows(storage, study, codes, blinding).await?;
    Ok(table_csv(EXTRACT_HEADER, rows))
}

/// A row per coding (under `EXTRACT_HEADER`), in participant, question and position order.
pub(super) async fn extract_rows(
    storage: &Storage,
    study: &Study,
    codes: &[CodeRecord],
    blinding: &Blinding,
) -> Result<Vec<[String; 12]>, ExportError> {
    let themes = storage.analysis().themes(&study.slug).await?;
    let themes_of = |code: &str| {
        themes
            .iter()
            .filter(|theme| theme.codes.iter().any(|c| c == code))
            .map(|theme| theme.name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let extracts = redacted_extracts(storage, study, blinding).await?;
    Ok(extracts
        .into_iter()
        .map(|shown| {
            let coding = &shown.coding;
            let number = coding.participant_number;
            let question_label = study
                .question(&coding.question)
                .map_or(coding.question.as_str(), |question| &question.label);
            [
                participant_name(number),
                coding.question.to_string(),
                question_label.to_owned(),
                coding.code_name.clone(),
                coding.coder.as_deref().unwrap_or("a removed account").to_owned(),
                shown.start.to_string(),
                shown.end.to_string(),
                shown.extract,
                if shown.changed { "yes" } else { "no" }.to_owned(),
                qdpx_source_guid(&study.slug, number, coding.question.as_str()),
                code_path(codes, &coding.code),
                themes_of(&coding.code),
            ]
        })
        .collect())
}

/// A coding as exports show it: its words and positions over the redacted answer.
pub(super) struct RedactedExtract {
    pub coding: CodingRecord,
    /// "P17: Inpatient SW, 14 months experience", in the study's words.
    pub label: String,
    pub extract: String,
    pub start: usize,
    pub end: usize,
    /// Whether the answer changed after it was coded.
    pub changed: bool,
}

/// Every coding `blinding` shows, in participant, question and position order, with its words
/// over the answer as exported (accepted identifier findings replaced by their descriptors).
pub(super) async fn redacted_extracts(
    storage: &Storage,
    study: &Study,
    blinding: &Blinding,
) -> Result<Vec<RedactedExtract>, ExportError> {
    let mut codings = codings_by_participant(storage, study, blinding).await?;
    let redactions = ExportRedactions::of_study(storage, &study.slug).await?;
    let mut extracts = Vec::new();
    let mut responses = std::pin::pin!(storage.exports().submitted_responses(&study.slug));
    while let Some(response) = responses.try_next().await? {
        let number = response.participant_number;
        let Some(theirs) = codings.remove(&number) else {
            continue;
        };
        let label = participant_label(&study.participant_label, number, &response.answers);
        for coding in theirs {
            let stored = response
                .answers
                .get(&coding.question)
                .map_or("", String::as_str);
            let replacements = redactions.of_answer(number, &coding.question);
            let (text, (start, end)) = redact_around(stored, (coding.start, coding.end), replacements);
            extracts.push(RedactedExtract {
                extract: text.chars().skip(start).take(end - start).collect(),
                changed: coding.answer_hash != answer_hash(stored),
                label: label.clone(),
                start,
                end,
                coding,
            });
        }
    }
    Ok(extracts)
}

/// A row per submitted participant, a column per code: 1 or 0 (`presence`), or the number of
/// codings.
async fn by_participant(
    storage: &Storage,
    study: &Study,
    codes: &[CodeRecord],
    presence: bool,
    blinding: &Blinding,
) -> Result<String, ExportError> {
    let mut out = UTF8_BOM.to_owned();
    out.push_str(&record(
        std::iter::once("participant").chain(codes.iter().map(|code| code.name.as_str())),
    ));
    for (name, counts) in coding_counts(storage, study, codes, blinding).await? {
        let cells: Vec<String> = counts
            .into_iter()
            .map(|count| shown_count(count, presence).to_string())
            .collect();
        push_record(
            &mut out,
            std::iter::once(name.as_str()).chain(cells.iter().map(String::as_str)),
        );
    }
    Ok(out)
}

/// A participant's number of codings with a code, or 1 or 0 (`presence`).
pub(super) fn shown_count(count: usize, presence: bool) -> usize {
    if presence { count.min(1) } else { count }
}

/// Each submitted participant's name and, per code, their number of codings with it.
pub(super) async fn coding_counts(
    storage: &Storage,
    study: &Study,
    codes: &[CodeRecord],
    blinding: &Blinding,
) -> Result<Vec<(String, Vec<usize>)>, ExportError> {
    let codings = codings_by_participant(storage, study, blinding).await?;
    let mut rows = Vec::new();
    for number in storage
        .responses()
        .participant_numbers(&study.slug)
        .await?
    {
        let theirs = codings.get(&number).map_or(&[][..], Vec::as_slice);
        let counts = codes
            .iter()
            .map(|code| theirs.iter().filter(|c| c.code == code.id).count())
            .collect();
        rows.push((participant_name(number), counts));
    }
    Ok(rows)
}
