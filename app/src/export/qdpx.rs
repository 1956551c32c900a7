//! A REFI-QDA project (.qdpx) for qualitative analysis software: a zip of project.qde and
//! sources/<GUID>.txt. Each text answer is a TextSource, each participant a Case with their
//! demographics and Likert answers as Variables, and each question and each page of questions
//! a Set. The CodeBook has a Code per page of text questions (the recovery questions and each
//! scenario) with a Code per question inside it, and each TextSource one PlainTextSelection over
//! the whole answer, coded with its question's Code. Positions count Unicode code points of the
//! text in the source file, as REFI-QDA asks. GUIDs are UUIDv5 names, so exporting again gives
//! the same GUIDs (and the same bytes: the zip's times are fixed).
//!
//! The database is read once. Each answer's source file goes into the zip as its participant is
//! read, while a compact record of the participant (GUIDs, case values, answer lengths) is
//! spooled to a temporary file; project.qde is written last, as one Stored entry, its Cases and
//! Sources written from the records. Their XML is also written once as each participant is read,
//! only to learn the entry's CRC-32 and length, which the zip needs before the data: cheaper than
//! spooling the XML itself, five times the size. Memory holds one participant, a few dozen bytes
//! per zip entry and the GUID of each source for the sets' members.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Cursor, Read, Seek, Write};

use futures_util::TryStreamExt;
use uuid::Uuid;

use super::format::Context;
use super::table::{SUBMITTED_COLUMN, Variable, participant_name};
use super::zip_stream::ZipStream;
use super::{ExportError, ExportSink};
use crate::storage::{Storage, SubmittedResponse};
use crate::study::QuestionKind;

/// A zip entry's name, kept per entry until the zip's central directory: 17 bytes.
#[derive(Clone, Copy)]
enum EntryName {
    Source(Uuid),
    Project,
}

impl fmt::Display for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Source(guid) => write!(f, "sources/{guid}.txt"),
            Self::Project => f.write_str("project.qde"),
        }
    }
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

    fn uuid(&self, name: &str) -> Uuid {
        Uuid::new_v5(&self.0, name.as_bytes())
    }

    fn guid(&self, name: &str) -> String {
        self.uuid(name).to_string()
    }

    fn case(&self, participant: i64) -> Uuid {
        self.uuid(&format!("case/{participant}"))
    }

    fn source_uuid(&self, participant: i64, question: &str) -> Uuid {
        self.uuid(&format!("source/{participant}/{question}"))
    }

    pub fn source(&self, participant: i64, question: &str) -> String {
        self.source_uuid(participant, question).to_string()
    }

    fn variable(&self, name: &str) -> String {
        self.guid(&format!("variable/{name}"))
    }

    fn set(&self, name: &str) -> String {
        self.guid(&format!("set/{name}"))
    }

    fn question_code(&self, question: &str) -> String {
        self.guid(&format!("code/question/{question}"))
    }

    fn page_code(&self, page: &str) -> String {
        self.guid(&format!("code/page/{page}"))
    }

    fn selection(&self, participant: i64, question: &str) -> Uuid {
        self.uuid(&format!("selection/{participant}/{question}"))
    }

    fn coding(&self, participant: i64, question: &str) -> Uuid {
        self.uuid(&format!("coding/{participant}/{question}"))
    }
}

/// Appends text that is safe inside XML elements and attributes; characters XML 1.0 forbids
/// are dropped. Most answers need no escaping and are copied whole.
fn push_xml(out: &mut String, text: &str) {
    // 0xEF leads the UTF-8 of U+FFFE and U+FFFF (and of other characters, which are kept).
    let plain = text
        .bytes()
        .all(|b| b >= 0x20 && !matches!(b, b'&' | b'<' | b'>' | b'"' | 0xEF));
    if plain {
        out.push_str(text);
        return;
    }
    out.reserve(text.len());
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
}

/// Text that is safe inside XML elements and attributes.
fn xml(text: &str) -> String {
    let mut out = String::new();
    push_xml(&mut out, text);
    out
}

/// Appends a GUID in its usual lower-case, hyphenated form, without allocating.
fn push_guid(out: &mut String, guid: Uuid) {
    out.push_str(guid.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
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

/// The pages the text questions are on, each once, in order.
fn pages<'v>(texts: &[TextQuestion<'v>]) -> Vec<&'v str> {
    let mut pages: Vec<&str> = Vec::new();
    for question in texts {
        if !pages.contains(&question.variable.page_title) {
            pages.push(question.variable.page_title);
        }
    }
    pages
}

/// What project.qde says of one participant, in a few dozen bytes a source instead of the
/// hundreds its XML takes: the records are spooled while the database is read, and the Cases and
/// Sources are written from them at the end.
#[derive(serde::Serialize, serde::Deserialize)]
struct ParticipantRecord {
    number: i64,
    case_guid: Uuid,
    day: String,
    /// Each case variable's value, empty where there is none.
    cells: Vec<String>,
    sources: Vec<SourceRecord>,
}

/// One text answer: its question's index among the text questions, its GUIDs and its length.
#[derive(serde::Serialize, serde::Deserialize)]
struct SourceRecord {
    question: usize,
    guid: Uuid,
    selection_guid: Uuid,
    coding_guid: Uuid,
    /// The answer's length in code points.
    end: usize,
}

impl SourceRecord {
    /// The record of `participant`'s answer `text` to the text question `id`, the
    /// `question`-th.
    fn new(guids: &Guids, (participant, question, id): (i64, usize, &str), text: &str) -> Self {
        Self {
            question,
            guid: guids.source_uuid(participant, id),
            selection_guid: guids.selection(participant, id),
            coding_guid: guids.coding(participant, id),
            end: text.chars().count(),
        }
    }
}

impl ParticipantRecord {
    fn of(repeated: &Repeated<'_>, cx: &Context<'_>, response: &SubmittedResponse) -> Self {
        let number = response.participant_number;
        let guids = &repeated.guids;
        let cells = repeated
            .case_variables
            .iter()
            .map(|case_variable| {
                let stored = response.answers.get(case_variable.variable.id());
                let cell = case_variable
                    .variable
                    .cell(stored.map(String::as_str), cx.options);
                cell.into_owned()
            })
            .collect();
        let sources = repeated
            .texts
            .iter()
            .enumerate()
            .filter_map(|(question, text_question)| {
                let id = text_question.variable.id();
                let text = response.answers.get(id)?;
                Some(SourceRecord::new(guids, (number, question, id), text))
            })
            .collect();
        Self {
            number,
            case_guid: guids.case(number),
            day: super::format::day(response),
            cells,
            sources,
        }
    }
}

/// A question kept as a Case's variable (all but free text), with what its values repeat.
struct CaseVariable<'c> {
    variable: &'c Variable<'c>,
    guid: String,
    kind: &'static str,
}

/// A free-text question, with what its sources repeat: escaped id and wording, its Code's GUID.
struct TextQuestion<'c> {
    variable: &'c Variable<'c>,
    name: String,
    label: String,
    code_guid: String,
}

/// What every participant's XML repeats, worked out once per export rather than per answer
/// (each GUID is a SHA-1).
struct Repeated<'c> {
    guids: Guids,
    submitted_guid: String,
    case_variables: Vec<CaseVariable<'c>>,
    texts: Vec<TextQuestion<'c>>,
}

impl<'c> Repeated<'c> {
    fn new(cx: &'c Context<'c>) -> Self {
        let guids = Guids::of_study(&cx.study.slug);
        let case_variables = cx
            .variables
            .iter()
            .filter(|v| !is_text(v))
            .map(|variable| CaseVariable {
                variable,
                guid: guids.variable(variable.id()),
                kind: variable_type(variable, cx),
            })
            .collect();
        let texts = cx
            .variables
            .iter()
            .filter(|v| is_text(v))
            .map(|variable| TextQuestion {
                variable,
                name: xml(variable.id()),
                label: xml(&variable.label),
                code_guid: guids.question_code(variable.id()),
            })
            .collect();
        Self {
            submitted_guid: guids.variable(SUBMITTED_COLUMN),
            guids,
            case_variables,
            texts,
        }
    }
}

fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

pub(super) async fn write(
    storage: &Storage,
    cx: &Context<'_>,
    sink: &mut impl ExportSink,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ExportError> {
    let repeated = Repeated::new(cx);
    let mut zip = ZipStream::new(Vec::new());
    let mut records = Records::new()?;
    // Whose answers each text question has, for the sets' members: 16 bytes a source.
    let mut answered: Vec<Vec<Uuid>> = vec![Vec::new(); repeated.texts.len()];
    let mut written = 0;
    {
        let mut participants = std::pin::pin!(super::redacted_responses(storage, cx));
        while let Some(response) = participants.try_next().await? {
            let record = ParticipantRecord::of(&repeated, cx, &response);
            for source in &record.sources {
                let text = &response.answers[repeated.texts[source.question].variable.id()];
                answered[source.question].push(source.guid);
                zip.add(EntryName::Source(source.guid), text.as_bytes())?;
            }
            records.push(&repeated, &record)?;
            let capacity = zip.get_mut().capacity();
            sink.write(std::mem::replace(
                zip.get_mut(),
                Vec::with_capacity(capacity),
            ))
            .await?;
            written += 1;
            progress(written);
        }
    }
    let mut parts = vec![Part::text(project_opening(cx, &repeated))];
    if written > 0 {
        parts.extend(records.into_parts(&repeated)?);
    }
    parts.push(sets(&repeated, &answered)?);
    parts.push(Part::text(project_closing(cx)));
    write_project(&mut zip, parts, sink).await?;
    sink.write(zip.finish()?).await?;
    sink.finish().await?;
    Ok(written)
}

/// A piece of project.qde, its CRC-32 and length known before it is copied into the zip.
struct Part<'a> {
    bytes: Box<dyn Read + Send + 'a>,
    crc32: crc32fast::Hasher,
    len: u64,
}

impl Part<'_> {
    fn text(text: String) -> Self {
        let mut crc32 = crc32fast::Hasher::new();
        crc32.update(text.as_bytes());
        Self {
            len: text.len() as u64,
            crc32,
            bytes: Box::new(Cursor::new(text.into_bytes())),
        }
    }
}

/// The two sections of project.qde written from the participants' records.
#[derive(Clone, Copy)]
enum Section {
    Cases,
    Sources,
}

impl Section {
    fn push(self, out: &mut String, repeated: &Repeated<'_>, record: &ParticipantRecord) {
        match self {
            Self::Cases => push_case(out, repeated, record),
            Self::Sources => push_text_sources(out, repeated, record),
        }
    }
}

/// The participants' records, one JSON line each, in an anonymous temporary file. The Cases'
/// and the Sources' XML is written once as each record is added, only to learn its CRC-32 and
/// length (the zip needs them before the data), and written again from the records at the end.
struct Records {
    file: BufWriter<File>,
    xml_text: String,
    cases: (crc32fast::Hasher, u64),
    sources: (crc32fast::Hasher, u64),
}

impl Records {
    fn new() -> io::Result<Self> {
        Ok(Self {
            file: BufWriter::with_capacity(COPY_BUFFER, tempfile::tempfile()?),
            xml_text: String::new(),
            cases: (crc32fast::Hasher::new(), 0),
            sources: (crc32fast::Hasher::new(), 0),
        })
    }

    fn push(&mut self, repeated: &Repeated<'_>, record: &ParticipantRecord) -> io::Result<()> {
        serde_json::to_writer(&mut self.file, record)?;
        self.file.write_all(b"\n")?;
        for (section, (crc32, len)) in [
            (Section::Cases, &mut self.cases),
            (Section::Sources, &mut self.sources),
        ] {
            self.xml_text.clear();
            section.push(&mut self.xml_text, repeated, record);
            crc32.update(self.xml_text.as_bytes());
            *len += self.xml_text.len() as u64;
        }
        Ok(())
    }

    /// The Cases and the Sources, each between its opening and closing tag.
    fn into_parts<'a>(self, repeated: &'a Repeated<'a>) -> io::Result<[Part<'a>; 6]> {
        let file = self
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        // Two handles on one file share its position: each section rewinds it when it starts.
        let second = file.try_clone()?;
        let written = |file, section, (crc32, len)| Part {
            bytes: Box::new(FromRecords::new(file, section, repeated)),
            crc32,
            len,
        };
        Ok([
            Part::text("<Cases>\n".to_owned()),
            written(file, Section::Cases, self.cases),
            Part::text("</Cases>\n".to_owned()),
            Part::text("<Sources>\n".to_owned()),
            written(second, Section::Sources, self.sources),
            Part::text("</Sources>\n".to_owned()),
        ])
    }
}

/// One section's XML written from the records as it is read.
struct FromRecords<'a> {
    file: Option<File>,
    lines: Option<io::Lines<io::BufReader<File>>>,
    section: Section,
    repeated: &'a Repeated<'a>,
    xml_text: String,
    at: usize,
}

impl<'a> FromRecords<'a> {
    fn new(file: File, section: Section, repeated: &'a Repeated<'a>) -> Self {
        Self {
            file: Some(file),
            lines: None,
            section,
            repeated,
            xml_text: String::new(),
            at: 0,
        }
    }

    /// The next record, reading from the start of the file the first time.
    fn next_record(&mut self) -> io::Result<Option<ParticipantRecord>> {
        if let Some(mut file) = self.file.take() {
            file.rewind()?;
            self.lines = Some(io::BufReader::with_capacity(COPY_BUFFER, file).lines());
        }
        let Some(line) = self.lines.as_mut().and_then(Iterator::next).transpose()? else {
            return Ok(None);
        };
        Ok(Some(serde_json::from_str(&line)?))
    }
}

impl Read for FromRecords<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.at == self.xml_text.len() {
            let Some(record) = self.next_record()? else {
                return Ok(0);
            };
            self.xml_text.clear();
            self.at = 0;
            self.section
                .push(&mut self.xml_text, self.repeated, &record);
        }
        let left = &self.xml_text.as_bytes()[self.at..];
        let n = left.len().min(buffer.len());
        buffer[..n].copy_from_slice(&left[..n]);
        self.at += n;
        Ok(n)
    }
}

/// XML written to an anonymous temporary file (gone when closed), hashed as it goes: the sets,
/// whose members name every source. The file I/O is buffered and small, so it is done in place
/// rather than on a blocking thread.
struct Spool {
    file: BufWriter<File>,
    crc32: crc32fast::Hasher,
    len: u64,
}

impl Spool {
    fn new() -> io::Result<Self> {
        Ok(Self {
            file: BufWriter::with_capacity(COPY_BUFFER, tempfile::tempfile()?),
            crc32: crc32fast::Hasher::new(),
            len: 0,
        })
    }

    fn push(&mut self, text: &str) -> io::Result<()> {
        self.file.write_all(text.as_bytes())?;
        self.crc32.update(text.as_bytes());
        self.len += text.len() as u64;
        Ok(())
    }

    fn into_part(self) -> io::Result<Part<'static>> {
        let mut file = self
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        Ok(Part {
            bytes: Box::new(file),
            crc32: self.crc32,
            len: self.len,
        })
    }
}

const COPY_BUFFER: usize = 64 * 1024;

/// Writes project.qde as one Stored entry, copying its parts and handing the zip's bytes to the
/// sink a buffer at a time.
async fn write_project(
    zip: &mut ZipStream<Vec<u8>, EntryName>,
    parts: Vec<Part<'_>>,
    sink: &mut impl ExportSink,
) -> Result<(), ExportError> {
    let mut crc32 = crc32fast::Hasher::new();
    for part in &parts {
        crc32.combine(&part.crc32);
    }
    let len = parts.iter().map(|part| part.len).sum();
    zip.start(EntryName::Project, crc32.finalize(), len)?;
    let mut buffer = vec![0; COPY_BUFFER];
    for mut part in parts {
        loop {
            let read = part.bytes.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            zip.write_data(&buffer[..read])?;
            sink.write(std::mem::take(zip.get_mut())).await?;
        }
    }
    Ok(())
}

/// The project element's opening, the CodeBook and the Variables: everything before the Cases.
fn project_opening(cx: &Context<'_>, repeated: &Repeated<'_>) -> String {
    let mut xml_text = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"Vignette studies\">\n",
        xml(&cx.study.title),
    );
    xml_text.push_str(&code_book(repeated));
    xml_text.push_str(&variables(repeated));
    xml_text
}

/// A Code per page of text questions, holding a Code per question on it. The pages' Codes
/// only group: nothing is coded with them.
fn code_book(repeated: &Repeated<'_>) -> String {
    let texts = &repeated.texts;
    if texts.is_empty() {
        return String::new();
    }
    let mut xml_text = String::from("<CodeBook>\n<Codes>\n");
    for page in pages(texts) {
        xml_text.push_str(&format!(
            "<Code guid=\"{}\" name=\"{}\" isCodable=\"false\">\n",
            repeated.guids.page_code(page),
            xml(page),
        ));
        for question in texts.iter().filter(|q| q.variable.page_title == page) {
            xml_text.push_str(&format!(
                "<Code guid=\"{}\" name=\"{}\" isCodable=\"true\"><Description>{}</Description></Code>\n",
                question.code_guid, question.name, question.label,
            ));
        }
        xml_text.push_str("</Code>\n");
    }
    xml_text.push_str("</Codes>\n</CodeBook>\n");
    xml_text
}

fn variables(repeated: &Repeated<'_>) -> String {
    let mut xml_text = String::from("<Variables>\n");
    xml_text.push_str(&format!(
        "<Variable guid=\"{}\" name=\"{SUBMITTED_COLUMN}\" typeOfVariable=\"Date\"/>\n",
        repeated.submitted_guid
    ));
    for case_variable in &repeated.case_variables {
        let variable = case_variable.variable;
        xml_text.push_str(&format!(
            "<Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"{}\"><Description>{}</Description></Variable>\n",
            case_variable.guid,
            xml(variable.id()),
            case_variable.kind,
            xml(&variable.label),
        ));
    }
    xml_text.push_str("</Variables>\n");
    xml_text
}

fn project_closing(cx: &Context<'_>) -> String {
    let description = format!(
        "Study {} version {}; {}.",
        cx.study.slug,
        cx.study.version,
        cx.options.describe()
    );
    format!(
        "<Description>{}</Description>\n</Project>\n",
        xml(&description)
    )
}

fn push_case(out: &mut String, repeated: &Repeated<'_>, record: &ParticipantRecord) {
    out.push_str("<Case guid=\"");
    push_guid(out, record.case_guid);
    push_all(
        out,
        &["\" name=\"", &participant_name(record.number), "\">"],
    );
    push_value(out, &repeated.submitted_guid, "Date", &record.day);
    for (case_variable, cell) in repeated.case_variables.iter().zip(&record.cells) {
        if !cell.is_empty() {
            push_value(out, &case_variable.guid, case_variable.kind, cell);
        }
    }
    for source in &record.sources {
        out.push_str("<SourceRef targetGUID=\"");
        push_guid(out, source.guid);
        out.push_str("\"/>");
    }
    out.push_str("</Case>\n");
}

fn push_value(out: &mut String, variable_guid: &str, kind: &str, value: &str) {
    push_all(
        out,
        &[
            "<VariableValue><VariableRef targetGUID=\"",
            variable_guid,
            "\"/><",
            kind,
            "Value>",
        ],
    );
    push_xml(out, value);
    push_all(out, &["</", kind, "Value></VariableValue>"]);
}

/// A participant's TextSources, each with its answer selected whole and coded.
fn push_text_sources(out: &mut String, repeated: &Repeated<'_>, record: &ParticipantRecord) {
    let name = participant_name(record.number);
    for source in &record.sources {
        let question = &repeated.texts[source.question];
        out.push_str("<TextSource guid=\"");
        push_guid(out, source.guid);
        push_all(out, &["\" name=\"", &name, " ", &question.name]);
        out.push_str("\" plainTextPath=\"internal://");
        push_guid(out, source.guid);
        push_all(
            out,
            &[".txt\"><Description>", &question.label, "</Description>"],
        );
        push_whole_answer_selection(out, source, &question.code_guid);
        out.push_str("</TextSource>\n");
    }
}

/// A selection of the whole answer coded with its question's Code. REFI-QDA positions count
/// Unicode code points (not bytes, not UTF-16 units) of the source file's text, which is the
/// answer exactly. An empty answer has nothing to select.
fn push_whole_answer_selection(out: &mut String, source: &SourceRecord, code_guid: &str) {
    if source.end == 0 {
        return;
    }
    out.push_str("<PlainTextSelection guid=\"");
    push_guid(out, source.selection_guid);
    push_all(
        out,
        &[
            "\" startPosition=\"0\" endPosition=\"",
            &source.end.to_string(),
            "\"><Coding guid=\"",
        ],
    );
    push_guid(out, source.coding_guid);
    push_all(
        out,
        &[
            "\"><CodeRef targetGUID=\"",
            code_guid,
            "\"/></Coding></PlainTextSelection>",
        ],
    );
}

/// A Set per text question and per page of text questions (the recovery questions and each
/// scenario), with the answers as members; `answered` holds the GUIDs of the sources that
/// answer each text question. Spooled: the members name every source.
fn sets(repeated: &Repeated<'_>, answered: &[Vec<Uuid>]) -> io::Result<Part<'static>> {
    let (texts, guids) = (&repeated.texts, &repeated.guids);
    if texts.is_empty() {
        return Ok(Part::text(String::new()));
    }
    let mut spool = Spool::new()?;
    spool.push("<Sets>\n")?;
    for (question, members) in texts.iter().zip(answered) {
        spool.push(&format!(
            "<Set guid=\"{}\" name=\"{}\"><Description>{}</Description>",
            guids.set(&format!("question/{}", question.variable.id())),
            question.name,
            question.label,
        ))?;
        push_members(&mut spool, members)?;
        spool.push("</Set>\n")?;
    }
    for page in pages(texts) {
        spool.push(&format!(
            "<Set guid=\"{}\" name=\"{}\">",
            guids.set(&format!("page/{page}")),
            xml(page),
        ))?;
        for (question, members) in texts.iter().zip(answered) {
            if question.variable.page_title == page {
                push_members(&mut spool, members)?;
            }
        }
        spool.push("</Set>\n")?;
    }
    spool.push("</Sets>\n")?;
    spool.into_part()
}

fn push_members(spool: &mut Spool, members: &[Uuid]) -> io::Result<()> {
    let mut xml_text = String::with_capacity(COPY_BUFFER);
    for chunk in members.chunks(COPY_BUFFER / 64) {
        for guid in chunk {
            xml_text.push_str("<MemberSource targetGUID=\"");
            push_guid(&mut xml_text, *guid);
            xml_text.push_str("\"/>");
        }
        spool.push(&xml_text)?;
        xml_text.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{EntryName, Guids, SourceRecord, push_whole_answer_selection, xml};

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

    fn whole_answer_selection(
        guids: &Guids,
        participant: i64,
        question: &str,
        text: &str,
    ) -> String {
        let mut out = String::new();
        let source = SourceRecord::new(guids, (participant, 0, question), text);
        push_whole_answer_selection(&mut out, &source, &guids.question_code(question));
        out
    }

    #[test]
    fn a_whole_answer_selection_ends_at_its_length_in_code_points() {
        let sam = Guids::of_study("sam");
        // 😀 is 4 UTF-8 bytes and 2 UTF-16 units, ŵ and س 2 bytes each: one code point each.
        let text = "😀 ŵŷ سام";
        assert_eq!((text.len(), text.encode_utf16().count()), (16, 9));
        let selection = whole_answer_selection(&sam, 3, "r1", text);
        assert!(
            selection.contains("startPosition=\"0\" endPosition=\"8\""),
            "{selection}"
        );
        let code = sam.question_code("r1");
        assert!(selection.contains(&format!("<CodeRef targetGUID=\"{code}\"/>")));
        assert_eq!(selection, whole_answer_selection(&sam, 3, "r1", text));
        assert_eq!(whole_answer_selection(&sam, 3, "r1", ""), "");
    }

    #[test]
    fn source_entries_are_named_by_their_guid() {
        let sam = Guids::of_study("sam");
        let name = EntryName::Source(sam.source_uuid(17, "r1"));
        assert_eq!(
            name.to_string(),
            format!("sources/{}.txt", sam.source(17, "r1"))
        );
        assert_eq!(EntryName::Project.to_string(), "project.qde");
        assert!(std::mem::size_of::<EntryName>() <= 17);
    }
}
