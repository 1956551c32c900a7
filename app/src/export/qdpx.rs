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
//! read, while the Cases and Sources of project.qde are spooled to temporary files; project.qde
//! is written last, as one Stored entry whose CRC-32 and length are put together from its parts.
//! Memory holds one participant, a few dozen bytes per zip entry and the participant numbers
//! who answered each text question.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Cursor, Read, Seek, Write};

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

    pub fn case(&self, participant: i64) -> String {
        self.guid(&format!("case/{participant}"))
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

    fn selection(&self, participant: i64, question: &str) -> String {
        self.guid(&format!("selection/{participant}/{question}"))
    }

    fn coding(&self, participant: i64, question: &str) -> String {
        self.guid(&format!("coding/{participant}/{question}"))
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

/// The text questions, in the order participants meet them.
fn text_variables<'c>(cx: &'c Context<'_>) -> Vec<&'c Variable<'c>> {
    cx.variables.iter().filter(|v| is_text(v)).collect()
}

/// The pages the text questions are on, each once, in order.
fn pages<'v>(texts: &[&'v Variable<'_>]) -> Vec<&'v str> {
    let mut pages: Vec<&str> = Vec::new();
    for variable in texts {
        if !pages.contains(&variable.page_title) {
            pages.push(variable.page_title);
        }
    }
    pages
}

/// A participant's text answers: the question's index in `texts`, the question and the text.
fn text_answers<'r, 'v>(
    texts: &'r [&'v Variable<'v>],
    response: &'r SubmittedResponse,
) -> impl Iterator<Item = (usize, &'v Variable<'v>, &'r str)> + 'r {
    texts.iter().enumerate().filter_map(|(i, variable)| {
        let text = response.answers.get(variable.id())?;
        Some((i, *variable, text.as_str()))
    })
}

pub(super) async fn write(
    storage: &Storage,
    cx: &Context<'_>,
    sink: &mut impl ExportSink,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ExportError> {
    let guids = Guids::of_study(&cx.study.slug);
    let texts = text_variables(cx);
    let mut zip = ZipStream::new(Vec::new());
    let mut cases = Spool::new()?;
    let mut sources = Spool::new()?;
    // Who answered each text question, for the sets' members: numbers only, 8 bytes each.
    let mut answered: Vec<Vec<i64>> = vec![Vec::new(); texts.len()];
    let mut written = 0;
    {
        let mut participants = std::pin::pin!(super::redacted_responses(storage, cx));
        while let Some(response) = participants.try_next().await? {
            let number = response.participant_number;
            for (i, variable, text) in text_answers(&texts, &response) {
                answered[i].push(number);
                let name = EntryName::Source(guids.source_uuid(number, variable.id()));
                zip.add(name, text.as_bytes())?;
            }
            cases.push(&case(cx, &guids, &response))?;
            sources.push(&text_sources(&texts, &guids, &response))?;
            sink.write(std::mem::take(zip.get_mut())).await?;
            written += 1;
            progress(written);
        }
    }
    let mut parts = vec![Part::text(project_opening(cx, &guids, &texts))];
    if written > 0 {
        parts.extend(cases.into_parts("<Cases>\n", "</Cases>\n")?);
        parts.extend(sources.into_parts("<Sources>\n", "</Sources>\n")?);
    }
    parts.push(sets(&texts, &guids, &answered)?);
    parts.push(Part::text(project_closing(cx)));
    write_project(&mut zip, parts, sink).await?;
    sink.write(zip.finish()?).await?;
    sink.finish().await?;
    Ok(written)
}

/// A piece of project.qde, its CRC-32 and length known before it is copied into the zip.
struct Part {
    bytes: Box<dyn Read + Send>,
    crc32: crc32fast::Hasher,
    len: u64,
}

impl Part {
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

/// XML written to an anonymous temporary file (gone when closed), hashed as it goes. The file
/// I/O is buffered and small, so it is done in place rather than on a blocking thread.
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

    fn into_part(self) -> io::Result<Part> {
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

    /// The spooled XML between an opening and a closing tag.
    fn into_parts(self, opening: &str, closing: &str) -> io::Result<[Part; 3]> {
        Ok([
            Part::text(opening.to_owned()),
            self.into_part()?,
            Part::text(closing.to_owned()),
        ])
    }
}

const COPY_BUFFER: usize = 64 * 1024;

/// Writes project.qde as one Stored entry, copying its parts and handing the zip's bytes to the
/// sink a buffer at a time.
async fn write_project(
    zip: &mut ZipStream<Vec<u8>, EntryName>,
    parts: Vec<Part>,
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
fn project_opening(cx: &Context<'_>, guids: &Guids, texts: &[&Variable<'_>]) -> String {
    let mut xml_text = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"Vignette studies\">\n",
        xml(&cx.study.title),
    );
    xml_text.push_str(&code_book(texts, guids));
    xml_text.push_str(&variables(cx, guids));
    xml_text
}

/// A Code per page of text questions, holding a Code per question on it. The pages' Codes
/// only group: nothing is coded with them.
fn code_book(texts: &[&Variable<'_>], guids: &Guids) -> String {
    if texts.is_empty() {
        return String::new();
    }
    let mut xml_text = String::from("<CodeBook>\n<Codes>\n");
    for page in pages(texts) {
        xml_text.push_str(&format!(
            "<Code guid=\"{}\" name=\"{}\" isCodable=\"false\">\n",
            guids.page_code(page),
            xml(page),
        ));
        for variable in texts.iter().filter(|v| v.page_title == page) {
            xml_text.push_str(&format!(
                "<Code guid=\"{}\" name=\"{}\" isCodable=\"true\"><Description>{}</Description></Code>\n",
                guids.question_code(variable.id()),
                xml(variable.id()),
                xml(&variable.label),
            ));
        }
        xml_text.push_str("</Code>\n");
    }
    xml_text.push_str("</Codes>\n</CodeBook>\n");
    xml_text
}

fn variables(cx: &Context<'_>, guids: &Guids) -> String {
    let mut xml_text = String::from("<Variables>\n");
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

/// A participant's TextSources, each with its answer selected whole and coded.
fn text_sources(texts: &[&Variable<'_>], guids: &Guids, response: &SubmittedResponse) -> String {
    let number = response.participant_number;
    let mut xml_text = String::new();
    for (_, variable, text) in text_answers(texts, response) {
        let guid = guids.source(number, variable.id());
        xml_text.push_str(&format!(
            "<TextSource guid=\"{guid}\" name=\"{} {}\" plainTextPath=\"internal://{guid}.txt\"><Description>{}</Description>{}</TextSource>\n",
            participant_name(number),
            xml(variable.id()),
            xml(&variable.label),
            whole_answer_selection(guids, number, variable.id(), text),
        ));
    }
    xml_text
}

/// A selection of the whole answer coded with its question's Code. REFI-QDA positions count
/// Unicode code points (not bytes, not UTF-16 units) of the source file's text, which is
/// `text` exactly. An empty answer has nothing to select.
fn whole_answer_selection(guids: &Guids, participant: i64, question: &str, text: &str) -> String {
    let end = text.chars().count();
    if end == 0 {
        return String::new();
    }
    format!(
        "<PlainTextSelection guid=\"{}\" startPosition=\"0\" endPosition=\"{end}\"><Coding guid=\"{}\"><CodeRef targetGUID=\"{}\"/></Coding></PlainTextSelection>",
        guids.selection(participant, question),
        guids.coding(participant, question),
        guids.question_code(question),
    )
}

/// A Set per text question and per page of text questions (the recovery questions and each
/// scenario), with the answers as members; `answered` lists who answered each text question.
/// Spooled: the members name every source.
fn sets(texts: &[&Variable<'_>], guids: &Guids, answered: &[Vec<i64>]) -> io::Result<Part> {
    if texts.is_empty() {
        return Ok(Part::text(String::new()));
    }
    let mut spool = Spool::new()?;
    spool.push("<Sets>\n")?;
    for (variable, numbers) in texts.iter().zip(answered) {
        spool.push(&format!(
            "<Set guid=\"{}\" name=\"{}\"><Description>{}</Description>",
            guids.set(&format!("question/{}", variable.id())),
            xml(variable.id()),
            xml(&variable.label),
        ))?;
        push_members(&mut spool, guids, variable.id(), numbers)?;
        spool.push("</Set>\n")?;
    }
    for page in pages(texts) {
        spool.push(&format!(
            "<Set guid=\"{}\" name=\"{}\">",
            guids.set(&format!("page/{page}")),
            xml(page),
        ))?;
        for (variable, numbers) in texts.iter().zip(answered) {
            if variable.page_title == page {
                push_members(&mut spool, guids, variable.id(), numbers)?;
            }
        }
        spool.push("</Set>\n")?;
    }
    spool.push("</Sets>\n")?;
    spool.into_part()
}

fn push_members(
    spool: &mut Spool,
    guids: &Guids,
    question: &str,
    numbers: &[i64],
) -> io::Result<()> {
    for number in numbers {
        let guid = guids.source(*number, question);
        spool.push(&format!("<MemberSource targetGUID=\"{guid}\"/>"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{EntryName, Guids, whole_answer_selection, xml};

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
