//! A REFI-QDA project (.qdpx) for qualitative analysis software: a zip of project.qde and
//! sources/<GUID>.txt. Each text answer is a TextSource, each participant a Case with their
//! demographics and Likert answers as Variables, and each question and each page of questions
//! a Set. GUIDs are UUIDv5 names, so exporting again gives the same GUIDs.
//!
//! The zip is streamed: the database is read once for the source files and twice more for
//! project.qde's Cases and Sources, so no pass keeps more than one participant in memory.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::TryStreamExt;
use uuid::Uuid;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::format::Context;
use super::table::{SUBMITTED_COLUMN, Variable, participant_name};
use super::{ExportError, ExportSink};
use crate::storage::{Storage, SubmittedResponse};
use crate::study::QuestionKind;

/// Bytes the zip writer has produced and the sink has not yet taken.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for Pending {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut pending = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn zip_error(error: zip::result::ZipError) -> ExportError {
    ExportError::Io(std::io::Error::other(error))
}

/// Deterministic GUIDs within one study.
pub struct Guids(Uuid);

impl Guids {
    pub fn of_study(slug: &str) -> Self {
        Self(Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!("https://vignette-studies/refi-qda/{slug}").as_bytes(),
        ))
    }

    fn guid(&self, name: &str) -> String {
        Uuid::new_v5(&self.0, name.as_bytes()).to_string()
    }

    pub fn case(&self, participant: i64) -> String {
        self.guid(&format!("case/{participant}"))
    }

    pub fn source(&self, participant: i64, question: &str) -> String {
        self.guid(&format!("source/{participant}/{question}"))
    }

    fn variable(&self, name: &str) -> String {
        self.guid(&format!("variable/{name}"))
    }

    fn set(&self, name: &str) -> String {
        self.guid(&format!("set/{name}"))
    }
}

/// Text that is safe inside XML elements and attributes; characters XML 1.0 forbids are dropped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn is_text(variable: &Variable<'_>) -> bool {
    matches!(variable.question.kind, QuestionKind::Text { .. })
}

/// The REFI-QDA type of a case variable: whole numbers for Likert points and exact months.
fn variable_type(variable: &Variable<'_>, cx: &Context<'_>) -> &'static str {
    match variable.question.kind {
        QuestionKind::Likert { .. } => "Integer",
        QuestionKind::Duration if cx.options.exact_experience => "Integer",
        _ => "Text",
    }
}

pub(super) async fn write(
    storage: &Storage,
    cx: &Context<'_>,
    sink: &mut impl ExportSink,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ExportError> {
    let guids = Guids::of_study(&cx.study.slug);
    let pending = Pending::default();
    let mut zip = zip::ZipWriter::new_stream(pending.clone());
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let texts: Vec<&Variable<'_>> = cx.variables.iter().filter(|v| is_text(v)).collect();
    let mut written = 0;
    // Who answered each text question, for the sets' members: numbers only, a few bytes each.
    let mut answered: Vec<Vec<i64>> = vec![Vec::new(); texts.len()];
    {
        let mut participants = std::pin::pin!(super::redacted_responses(storage, cx));
        while let Some(response) = participants.try_next().await? {
            for (variable, answered) in texts.iter().zip(&mut answered) {
                if let Some(text) = response.answers.get(variable.id()) {
                    answered.push(response.participant_number);
                    let guid = guids.source(response.participant_number, variable.id());
                    zip.start_file(format!("sources/{guid}.txt"), stored)
                        .map_err(zip_error)?;
                    zip.write_all(text.as_bytes())?;
                }
            }
            sink.write(pending.take()).await?;
            written += 1;
            progress(written);
        }
    }
    zip.start_file("project.qde", deflated).map_err(zip_error)?;
    write!(zip, "{}", project_opening(cx, &guids))?;
    if written > 0 {
        for section in [Section::Cases, Section::Sources] {
            write!(zip, "{}", section.opening())?;
            let mut participants = std::pin::pin!(super::redacted_responses(storage, cx));
            while let Some(response) = participants.try_next().await? {
                write!(zip, "{}", section.participant(cx, &guids, &response))?;
                sink.write(pending.take()).await?;
            }
            write!(zip, "{}", section.closing())?;
        }
    }
    write!(zip, "{}", sets(cx, &guids, &answered))?;
    let description = format!(
        "Study {} version {}; {}.",
        cx.study.slug,
        cx.study.version,
        cx.options.describe()
    );
    write!(
        zip,
        "<Description>{}</Description>\n</Project>\n",
        xml(&description)
    )?;
    zip.finish().map_err(zip_error)?;
    sink.write(pending.take()).await?;
    sink.finish().await?;
    Ok(written)
}

fn project_opening(cx: &Context<'_>, guids: &Guids) -> String {
    let mut xml_text = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"Vignette studies\">\n",
        xml(&cx.study.title),
    );
    xml_text.push_str("<Variables>\n");
    xml_text.push_str(&format!(
        "<Variable guid=\"{}\" name=\"{SUBMITTED_COLUMN}\" typeOfVariable=\"Date\"/>\n",
        guids.variable(SUBMITTED_COLUMN)
    ));
    for variable in cx.variables.iter().filter(|v| !is_text(v)) {
        xml_text.push_str(&format!(
            "<Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"{}\"><Description>{}</Description></Variable>\n",
            guids.variable(variable.id()),
            xml(variable.id()),
            variable_type(variable, cx),
            xml(&variable.label),
        ));
    }
    xml_text.push_str("</Variables>\n");
    xml_text
}

#[derive(Clone, Copy)]
enum Section {
    Cases,
    Sources,
}

impl Section {
    fn opening(self) -> &'static str {
        match self {
            Self::Cases => "<Cases>\n",
            Self::Sources => "<Sources>\n",
        }
    }

    fn closing(self) -> &'static str {
        match self {
            Self::Cases => "</Cases>\n",
            Self::Sources => "</Sources>\n",
        }
    }

    fn participant(self, cx: &Context<'_>, guids: &Guids, response: &SubmittedResponse) -> String {
        match self {
            Self::Cases => case(cx, guids, response),
            Self::Sources => sources(cx, guids, response),
        }
    }
}

fn case(cx: &Context<'_>, guids: &Guids, response: &SubmittedResponse) -> String {
    let number = response.participant_number;
    let mut text = format!(
        "<Case guid=\"{}\" name=\"{}\">",
        guids.case(number),
        participant_name(number)
    );
    let value = |name: &str, kind: &str, value: &str| {
        format!(
            "<VariableValue><VariableRef targetGUID=\"{}\"/><{kind}Value>{}</{kind}Value></VariableValue>",
            guids.variable(name),
            xml(value)
        )
    };
    let day = response.submitted_on.format("%Y-%m-%d").to_string();
    text.push_str(&value(SUBMITTED_COLUMN, "Date", &day));
    for variable in cx.variables.iter().filter(|v| !is_text(v)) {
        let stored = response.answers.get(variable.id()).map(String::as_str);
        let cell = variable.cell(stored, cx.options);
        if !cell.is_empty() {
            text.push_str(&value(variable.id(), variable_type(variable, cx), &cell));
        }
    }
    for variable in cx.variables.iter().filter(|v| is_text(v)) {
        if response.answers.contains_key(variable.id()) {
            let guid = guids.source(number, variable.id());
            text.push_str(&format!("<SourceRef targetGUID=\"{guid}\"/>"));
        }
    }
    text.push_str("</Case>\n");
    text
}

fn sources(cx: &Context<'_>, guids: &Guids, response: &SubmittedResponse) -> String {
    let number = response.participant_number;
    let mut text = String::new();
    for variable in cx.variables.iter().filter(|v| is_text(v)) {
        if response.answers.contains_key(variable.id()) {
            let guid = guids.source(number, variable.id());
            text.push_str(&format!(
                "<TextSource guid=\"{guid}\" name=\"{} {}\" plainTextPath=\"internal://{guid}.txt\"><Description>{}</Description></TextSource>\n",
                participant_name(number),
                xml(variable.id()),
                xml(&variable.label),
            ));
        }
    }
    text
}

/// A Set per text question and per page of text questions (the recovery questions and each
/// scenario), with the answers as members; `answered` lists who answered each text question.
fn sets(cx: &Context<'_>, guids: &Guids, answered: &[Vec<i64>]) -> String {
    let texts: Vec<&Variable<'_>> = cx.variables.iter().filter(|v| is_text(v)).collect();
    let members = |question: &str, numbers: &[i64]| -> String {
        numbers
            .iter()
            .map(|n| {
                format!(
                    "<MemberSource targetGUID=\"{}\"/>",
                    guids.source(*n, question)
                )
            })
            .collect()
    };
    if texts.is_empty() {
        return String::new();
    }
    let mut text = String::from("<Sets>\n");
    for (variable, numbers) in texts.iter().zip(answered) {
        text.push_str(&format!(
            "<Set guid=\"{}\" name=\"{}\"><Description>{}</Description>{}</Set>\n",
            guids.set(&format!("question/{}", variable.id())),
            xml(variable.id()),
            xml(&variable.label),
            members(variable.id(), numbers),
        ));
    }
    let mut pages: Vec<&str> = texts.iter().map(|v| v.page_title).collect();
    pages.dedup();
    for page in pages {
        let page_members: String = texts
            .iter()
            .zip(answered)
            .filter(|(variable, _)| variable.page_title == page)
            .map(|(variable, numbers)| members(variable.id(), numbers))
            .collect();
        text.push_str(&format!(
            "<Set guid=\"{}\" name=\"{}\">{page_members}</Set>\n",
            guids.set(&format!("page/{page}")),
            xml(page),
        ));
    }
    text.push_str("</Sets>\n");
    text
}

#[cfg(test)]
mod tests {
    use super::{Guids, xml};

    #[test]
    fn guids_are_stable_uuids_distinct_per_answer() {
        let sam = Guids::of_study("sam");
        let guid = sam.source(17, "r1");
        assert_eq!(guid, Guids::of_study("sam").source(17, "r1"));
        assert_ne!(guid, sam.source(17, "r2"));
        assert_ne!(guid, Guids::of_study("other").source(17, "r1"));
        let parsed = uuid::Uuid::parse_str(&guid).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
    }

    #[test]
    fn xml_text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            xml("a<b>&\"c\"\u{0}\u{1b}\n😀 ŵ سام"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#10;😀 ŵ سام"
        );
    }
}
