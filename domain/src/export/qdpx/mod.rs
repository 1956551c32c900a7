//! A REFI-QDA project (.qdpx) for qualitative analysis software: a zip of project.qde and
//! sources/<GUID>.txt. Each text answer is a TextSource, each participant a Case with their
//! demographics and Likert answers as Variables, and each question and each page of questions
//! a Set. The CodeBook has a Code per page of text questions (the recovery questions and each
//! scenario) with a Code per question inside it, and each TextSource one PlainTextSelection over
//! the whole answer, coded with its question's Code. The thematic analysis (codes under their
//! themes, every coding the downloader may see, memos as Notes) is added by `analysis_layer`. Positions count Unicode code points of the
//! text in the source file, as REFI-QDA asks. GUIDs are UUIDv5 names, so exporting again gives
//! the same GUIDs (and the same bytes: the zip's times are fixed).
//!
//! The database is read once. Each answer's source file goes into the zip as its participant is
//! read, while a compact record of the participant (GUIDs, case values, answer lengths) is
//! spooled to a temporary file (`records`); project.qde is written last, as one Stored entry,
//! its Cases and Sources made from the records. Their XML is also made once as each participant
//! is read, only to learn the entry's CRC-32 and length, which the zip needs before the data:
//! cheaper than spooling the XML itself, twenty times the size. The Sets are made twice from the
//! sources' GUIDs in memory for the same reason. Memory holds one participant, a few dozen bytes
//! per zip entry and the GUID of each source for the sets' members.

mod analysis_layer;
mod records;

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Cursor, Read};

use futures_util::TryStreamExt;
use uuid::Uuid;

use super::format::Context;
use super::table::{DesignColumn, ParticipantName, SUBMITTED_COLUMN, Variable};
use super::zip_stream::ZipStream;
use super::{ExportError, ExportSink};
use crate::analysis::Blinding;
use crate::ids::StudySlug;
use crate::storage::{CodeRecord, Storage, SubmittedResponse};
use crate::study::QuestionKind;
use analysis_layer::AnalysisLayer;
use records::{ParticipantRecord, Records, RecordsXml, SourceRecord};

/// A zip entry's name, kept per entry until the zip's central directory: 17 bytes.
#[derive(Clone, Copy)]
enum EntryName {
    Source(Uuid),
    Project,
}

impl fmt::Display for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Source(guid) => {
                f.write_str("sources/")?;
                f.write_str(guid.hyphenated().encode_lower(&mut Uuid::encode_buffer()))?;
                f.write_str(".txt")
            }
            Self::Project => f.write_str("project.qde"),
        }
    }
}

/// Deterministic GUIDs within one study.
pub struct Guids(Uuid);

impl Guids {
    pub fn of_study(slug: &StudySlug) -> Self {
        Self(Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!("https://vignette-studies/refi-qda/{slug}").as_bytes(),
        ))
    }

    /// `Uuid::new_v5` of the name made of `pieces`, with a SHA-1 that uses the processor's SHA
    /// instructions where it has them: an export makes about 28 GUIDs per participant.
    fn uuid(&self, pieces: &[&str]) -> Uuid {
        use sha1::Digest;
        let mut sha1 = sha1::Sha1::new();
        sha1.update(self.0.as_bytes());
        for piece in pieces {
            sha1.update(piece.as_bytes());
        }
        let hash = sha1.finalize();
        let mut bytes = [0; 16];
        bytes.copy_from_slice(&hash[..16]);
        uuid::Builder::from_sha1_bytes(bytes).into_uuid()
    }

    fn guid(&self, kind: &str, name: &str) -> String {
        self.uuid(&[kind, name]).to_string()
    }

    /// A participant's Case; `participant` is their number as text.
    fn case(&self, participant: &str) -> Uuid {
        self.uuid(&["case/", participant])
    }

    /// The GUID of `kind` for one answer (its source, selection or coding); `participant` is
    /// their number as text.
    fn of_answer(&self, kind: &str, participant: &str, question: &str) -> Uuid {
        self.uuid(&[kind, "/", participant, "/", question])
    }

    fn source_uuid(&self, participant: &str, question: &str) -> Uuid {
        self.of_answer("source", participant, question)
    }

    pub fn source(&self, participant: i64, question: &str) -> String {
        self.source_uuid(&participant.to_string(), question)
            .to_string()
    }

    fn selection(&self, participant: &str, question: &str) -> Uuid {
        self.of_answer("selection", participant, question)
    }

    fn coding(&self, participant: &str, question: &str) -> Uuid {
        self.of_answer("coding", participant, question)
    }

    fn variable(&self, name: &str) -> String {
        self.guid("variable/", name)
    }

    fn set(&self, name: &str) -> String {
        self.guid("set/", name)
    }

    pub(in crate::export) fn question_code(&self, question: &str) -> String {
        self.guid("code/question/", question)
    }

    fn page_code(&self, page: &str) -> String {
        self.guid("code/page/", page)
    }

    /// One of the researchers' codes (the analysis), by its id.
    pub(in crate::export) fn analysis_code(&self, id: &str) -> String {
        self.guid("code/analysis/", id)
    }

    /// A theme's parent Code, by the theme's id.
    fn theme_code(&self, id: &str) -> String {
        self.guid("code/theme/", id)
    }

    fn theme_set(&self, id: &str) -> String {
        self.guid("set/theme/", id)
    }

    /// A researcher, by their email.
    fn user(&self, email: &str) -> String {
        self.guid("user/", email)
    }

    /// A memo's Note, by the memo's id.
    fn note(&self, id: &str) -> Uuid {
        self.uuid(&["note/", id])
    }

    /// The selection and the Coding of one of the researchers' codings, by its id.
    fn analysis_selection(&self, id: &str) -> Uuid {
        self.uuid(&["selection/analysis/", id])
    }

    fn analysis_coding(&self, id: &str) -> Uuid {
        self.uuid(&["coding/analysis/", id])
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

/// Codes as nested `<Code>` elements with their definitions: `ordered` as
/// `storage::in_tree_order` gives them. `also` adds what else a code holds before the codes
/// inside it.
pub(super) fn push_code_tree<'a>(
    out: &mut String,
    guids: &Guids,
    ordered: Vec<(usize, &'a CodeRecord)>,
    mut also: impl FnMut(&mut String, &'a CodeRecord),
) {
    let mut open_codes = 0;
    for (depth, code) in ordered {
        for _ in depth..open_codes {
            out.push_str("</Code>\n");
        }
        out.push_str(&format!(
            "<Code guid=\"{}\" name=\"{}\" isCodable=\"true\">",
            guids.analysis_code(&code.id),
            xml(&code.name)
        ));
        if !code.definition.is_empty() {
            out.push_str(&format!(
                "<Description>{}</Description>",
                xml(&code.definition)
            ));
        }
        also(out, code);
        open_codes = depth + 1;
    }
    for _ in 0..open_codes {
        out.push_str("</Code>\n");
    }
}

/// Text that is safe inside XML elements and attributes.
pub(super) fn xml(text: &str) -> String {
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
fn variable_type(variable: &Variable<'_>, context: &Context<'_>) -> &'static str {
    match variable.question.kind {
        QuestionKind::Likert { .. } => "Integer",
        QuestionKind::Duration if context.options.exact_experience => "Integer",
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

/// A Case's variable (every question but free text, and the design columns), with what its
/// values repeat.
struct CaseVariable<'c> {
    source: CaseSource<'c>,
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

/// Where a case variable's values come from: an answer, or how the study was shown.
enum CaseSource<'c> {
    Answer(&'c Variable<'c>),
    Design(&'c DesignColumn),
}

impl CaseVariable<'_> {
    fn name(&self) -> &str {
        match self.source {
            CaseSource::Answer(variable) => variable.id(),
            CaseSource::Design(column) => &column.name,
        }
    }

    fn description(&self) -> &str {
        match self.source {
            CaseSource::Answer(variable) => &variable.label,
            CaseSource::Design(column) => &column.label,
        }
    }

    /// The participant's value, empty where there is none.
    fn cell(&self, response: &SubmittedResponse, context: &Context<'_>) -> String {
        match self.source {
            CaseSource::Answer(variable) => {
                let stored = response.answers.get(variable.id()).map(String::as_str);
                variable.cell(stored, context.options).into_owned()
            }
            CaseSource::Design(column) => column.cell(response),
        }
    }
}

/// What every participant's XML repeats, worked out once per export rather than per answer
/// (each GUID is a SHA-1).
struct Repeated<'c> {
    guids: Guids,
    submitted_guid: String,
    case_variables: Vec<CaseVariable<'c>>,
    texts: Vec<TextQuestion<'c>>,
    /// The wording of a text question (by its index in `texts`) in a study version that words
    /// it differently from the newest, as XML text.
    earlier_wordings: HashMap<(usize, i64), String>,
    analysis: AnalysisLayer,
}

impl<'c> Repeated<'c> {
    fn new(context: &'c Context<'c>, guids: Guids, analysis: AnalysisLayer) -> Self {
        let design = context.design.iter().map(|column| CaseVariable {
            source: CaseSource::Design(column),
            guid: guids.variable(&column.name),
            kind: if column.is_numeric() { "Integer" } else { "Text" },
        });
        let answers = context
            .variables
            .iter()
            .filter(|v| !is_text(v))
            .map(|variable| CaseVariable {
                source: CaseSource::Answer(variable),
                guid: guids.variable(variable.id()),
                kind: variable_type(variable, context),
            });
        let case_variables = design.chain(answers).collect();
        let texts: Vec<TextQuestion<'c>> = context
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
        let earlier_wordings = earlier_wordings(context, &texts);
        Self {
            submitted_guid: guids.variable(SUBMITTED_COLUMN),
            guids,
            case_variables,
            texts,
            earlier_wordings,
            analysis,
        }
    }

    /// The text question's wording as the participant who answered `version` read it.
    fn wording(&self, question: usize, version: i64) -> &str {
        self.earlier_wordings
            .get(&(question, version))
            .unwrap_or(&self.texts[question].label)
    }
}

fn earlier_wordings(context: &Context<'_>, texts: &[TextQuestion<'_>]) -> HashMap<(usize, i64), String> {
    let mut wordings = HashMap::new();
    for version in context.versions {
        let variables = crate::export::variables(version);
        for (index, text) in texts.iter().enumerate() {
            let earlier = variables.iter().find(|v| v.id() == text.variable.id());
            if let Some(earlier) = earlier.filter(|v| v.label != text.variable.label) {
                wordings.insert((index, version.version_number), xml(&earlier.label));
            }
        }
    }
    wordings
}

fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

pub(super) async fn write(
    storage: &Storage,
    context: &Context<'_>,
    blinding: &Blinding,
    sink: &mut impl ExportSink,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ExportError> {
    let guids = Guids::of_study(&context.study.slug);
    let analysis = AnalysisLayer::load(storage, &context.study.slug, blinding, &guids).await?;
    let mut repeated = Repeated::new(context, guids, analysis);
    let mut zip = ZipStream::new(Vec::new());
    for (note, text) in repeated.analysis.note_files(&repeated.guids) {
        zip.add(EntryName::Source(note), text.as_bytes())?;
    }
    let mut records = Records::new()?;
    // Whose answers each text question has, for the sets' members: 16 bytes a source.
    let mut answered: Vec<Vec<Uuid>> = vec![Vec::new(); repeated.texts.len()];
    let mut written = 0;
    {
        let mut participants =
            std::pin::pin!(storage.exports().submitted_responses(&context.study.slug));
        while let Some(mut response) = participants.try_next().await? {
            place_codings(&mut repeated, context, &response);
            context.redactions.apply(&mut response);
            let record = ParticipantRecord::of(&repeated, context, &response);
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
    let sets_plan = sets_plan(&repeated);
    let mut parts = vec![Part::text(project_opening(context, &repeated))];
    if written > 0 {
        let (file, cases, sources) = records.finish()?;
        let second = file.try_clone()?;
        parts.extend([
            Part::text("<Cases>\n".to_owned()),
            Part::made(RecordsXml::new(file, Section::Cases, &repeated), cases),
            Part::text("</Cases>\n".to_owned()),
            Part::text("<Sources>\n".to_owned()),
            Part::made(
                RecordsXml::new(second, Section::Sources, &repeated),
                sources,
            ),
            Part::text("</Sources>\n".to_owned()),
        ]);
    }
    parts.push(Part::text(
        repeated.analysis.notes_xml(&repeated.guids, context.study),
    ));
    let sets = || SetsXml {
        plan: &sets_plan,
        answered: &answered,
        piece: 0,
        member: 0,
    };
    parts.push(Part::made(sets(), Checksum::of(sets())?));
    parts.push(Part::text(repeated.analysis.graph_xml(&repeated.guids)));
    parts.push(Part::text(project_closing(context, &repeated)));
    write_project(&mut zip, parts, sink).await?;
    sink.write(zip.finish()?).await?;
    sink.finish().await?;
    Ok(written)
}

/// Places the codings of the participant's text answers, before their accepted findings are
/// replaced.
fn place_codings(repeated: &mut Repeated<'_>, context: &Context<'_>, response: &SubmittedResponse) {
    let number = response.participant_number;
    let number_text = number.to_string();
    for text in &repeated.texts {
        let id = text.variable.question.id.clone();
        let Some(stored) = response.answers.get(&id) else {
            continue;
        };
        let source = repeated.guids.source_uuid(&number_text, id.as_str());
        let replacements = context.redactions.of_answer(number, &id);
        repeated
            .analysis
            .place((number, &id), source, stored, replacements);
    }
}

/// The CRC-32 and length of bytes that are written later.
#[derive(Default)]
struct Checksum {
    crc32: crc32fast::Hasher,
    len: u64,
}

impl Checksum {
    fn update(&mut self, bytes: &[u8]) {
        self.crc32.update(bytes);
        self.len += bytes.len() as u64;
    }

    /// The checksum of everything `pieces` makes.
    fn of(mut pieces: impl XmlPieces) -> io::Result<Self> {
        let mut checksum = Self::default();
        let mut xml_text = String::new();
        while pieces.next_piece(&mut xml_text)? {
            checksum.update(xml_text.as_bytes());
            xml_text.clear();
        }
        Ok(checksum)
    }
}

/// XML too big to hold at once, made a piece at a time.
trait XmlPieces {
    /// Appends the next piece to `out`; false when there are no more.
    fn next_piece(&mut self, out: &mut String) -> io::Result<bool>;
}

/// Reads the XML that `pieces` makes.
struct PiecesReader<P> {
    pieces: P,
    xml_text: String,
    at: usize,
}

impl<P: XmlPieces> Read for PiecesReader<P> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.at == self.xml_text.len() {
            self.xml_text.clear();
            self.at = 0;
            if !self.pieces.next_piece(&mut self.xml_text)? {
                return Ok(0);
            }
        }
        let left = &self.xml_text.as_bytes()[self.at..];
        let n = left.len().min(buffer.len());
        buffer[..n].copy_from_slice(&left[..n]);
        self.at += n;
        Ok(n)
    }
}

/// A piece of project.qde, its CRC-32 and length known before it is copied into the zip.
struct Part<'a> {
    bytes: Box<dyn Read + Send + 'a>,
    checksum: Checksum,
}

impl<'a> Part<'a> {
    fn text(text: String) -> Self {
        let mut checksum = Checksum::default();
        checksum.update(text.as_bytes());
        Self {
            checksum,
            bytes: Box::new(Cursor::new(text.into_bytes())),
        }
    }

    /// XML made while it is copied, whose checksum was worked out beforehand.
    fn made(pieces: impl XmlPieces + Send + 'a, checksum: Checksum) -> Self {
        Self {
            bytes: Box::new(PiecesReader {
                pieces,
                xml_text: String::new(),
                at: 0,
            }),
            checksum,
        }
    }
}

/// The two sections of project.qde made from the participants' records.
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
        crc32.combine(&part.checksum.crc32);
    }
    let len = parts.iter().map(|part| part.checksum.len).sum();
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
fn project_opening(context: &Context<'_>, repeated: &Repeated<'_>) -> String {
    let mut xml_text = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"Vignette studies\">\n",
        xml(&context.study.title),
    );
    xml_text.push_str(&repeated.analysis.users_xml(&repeated.guids));
    xml_text.push_str(&code_book(repeated));
    xml_text.push_str(&variables(repeated));
    xml_text
}

/// A Code per page of text questions, holding a Code per question on it (the pages' Codes only
/// group: nothing is coded with them), then the analysis's themes and codes.
fn code_book(repeated: &Repeated<'_>) -> String {
    let texts = &repeated.texts;
    if texts.is_empty() && !repeated.analysis.has_codes() {
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
    xml_text.push_str(&repeated.analysis.codes_xml(&repeated.guids));
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
        xml_text.push_str(&format!(
            "<Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"{}\"><Description>{}</Description></Variable>\n",
            case_variable.guid,
            xml(case_variable.name()),
            case_variable.kind,
            xml(case_variable.description()),
        ));
    }
    xml_text.push_str("</Variables>\n");
    xml_text
}

fn project_closing(context: &Context<'_>, repeated: &Repeated<'_>) -> String {
    let description = format!(
        "Study {} version {}; {}.",
        context.study.slug,
        context.study.version,
        context.options.describe()
    );
    format!(
        "<Description>{}</Description>\n{}</Project>\n",
        xml(&description),
        repeated.analysis.project_note_refs_xml(&repeated.guids),
    )
}

fn push_case(out: &mut String, repeated: &Repeated<'_>, record: &ParticipantRecord) {
    out.push_str("<Case guid=\"");
    push_guid(out, record.case_guid);
    out.push_str("\" name=\"");
    push_participant_name(out, record.number);
    out.push_str("\">");
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

/// Appends `participant_name(number)` without allocating.
fn push_participant_name(out: &mut String, number: i64) {
    use std::fmt::Write as _;
    write!(out, "{}", ParticipantName(number)).expect("text written to a String");
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
    for source in &record.sources {
        let question = &repeated.texts[source.question];
        out.push_str("<TextSource guid=\"");
        push_guid(out, source.guid);
        out.push_str("\" name=\"");
        push_participant_name(out, record.number);
        push_all(out, &[" ", &question.name]);
        out.push_str("\" plainTextPath=\"internal://");
        push_guid(out, source.guid);
        let wording = repeated.wording(source.question, record.version);
        push_all(out, &[".txt\"><Description>", wording, "</Description>"]);
        push_whole_answer_selection(out, source, &question.code_guid);
        repeated
            .analysis
            .push_source_parts(out, source.guid, &repeated.guids);
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

/// What the Sets are made of: text, and the members that answer a text question.
enum SetPiece {
    Text(String),
    Members { question: usize },
}

/// A Set per text question and per page of text questions (the recovery questions and each
/// scenario), with the answers as members, and a Set per theme with its codes as members.
fn sets_plan(repeated: &Repeated<'_>) -> Vec<SetPiece> {
    let (texts, guids) = (&repeated.texts, &repeated.guids);
    let themes = repeated.analysis.sets_xml(guids);
    if texts.is_empty() && themes.is_empty() {
        return Vec::new();
    }
    let mut plan = vec![SetPiece::Text("<Sets>\n".to_owned())];
    for (question, text) in texts.iter().enumerate() {
        plan.push(SetPiece::Text(format!(
            "<Set guid=\"{}\" name=\"{}\"><Description>{}</Description>",
            guids.set(&format!("question/{}", text.variable.id())),
            text.name,
            text.label,
        )));
        plan.push(SetPiece::Members { question });
        plan.push(SetPiece::Text("</Set>\n".to_owned()));
    }
    for page in pages(texts) {
        plan.push(SetPiece::Text(format!(
            "<Set guid=\"{}\" name=\"{}\">",
            guids.set(&format!("page/{page}")),
            xml(page),
        )));
        for (question, text) in texts.iter().enumerate() {
            if text.variable.page_title == page {
                plan.push(SetPiece::Members { question });
            }
        }
        plan.push(SetPiece::Text("</Set>\n".to_owned()));
    }
    plan.push(SetPiece::Text(themes));
    plan.push(SetPiece::Text("</Sets>\n".to_owned()));
    plan
}

/// Members written per piece of the Sets' XML: about 64 KiB.
const MEMBERS_PER_PIECE: usize = COPY_BUFFER / 64;

/// The Sets' XML made from `plan`; `answered` holds the GUIDs of the sources that answer each
/// text question.
struct SetsXml<'a> {
    plan: &'a [SetPiece],
    answered: &'a [Vec<Uuid>],
    piece: usize,
    member: usize,
}

impl XmlPieces for SetsXml<'_> {
    fn next_piece(&mut self, out: &mut String) -> io::Result<bool> {
        let Some(piece) = self.plan.get(self.piece) else {
            return Ok(false);
        };
        match piece {
            SetPiece::Text(text) => {
                out.push_str(text);
                self.piece += 1;
            }
            SetPiece::Members { question } => {
                let members = &self.answered[*question];
                let end = (self.member + MEMBERS_PER_PIECE).min(members.len());
                for guid in &members[self.member..end] {
                    out.push_str("<MemberSource targetGUID=\"");
                    push_guid(out, *guid);
                    out.push_str("\"/>");
                }
                if end == members.len() {
                    (self.piece, self.member) = (self.piece + 1, 0);
                } else {
                    self.member = end;
                }
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::{
        EntryName, Guids, SourceRecord, push_code_tree, push_whole_answer_selection, xml,
    };
    use crate::ids::StudySlug;
    use crate::storage::test_code as code;
    use crate::storage::in_tree_order;
    use uuid::Uuid;

    fn slug(text: &str) -> StudySlug {
        StudySlug::parse(text).unwrap()
    }

    #[test]
    fn guids_are_stable_uuids_distinct_per_answer() {
        let sam = Guids::of_study(&slug("sam"));
        let guid = sam.source(17, "r1");
        assert_eq!(guid, Guids::of_study(&slug("sam")).source(17, "r1"));
        assert_ne!(guid, sam.source(17, "r2"));
        assert_ne!(guid, Guids::of_study(&slug("other")).source(17, "r1"));
        let parsed = uuid::Uuid::parse_str(&guid).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
        // The faster SHA-1 gives exactly the UUIDv5 that earlier exports gave.
        let namespace = Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            b"https://vignette-studies/refi-qda/sam",
        );
        assert_eq!(guid, Uuid::new_v5(&namespace, b"source/17/r1").to_string());
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
        let source = SourceRecord::new(guids, (&participant.to_string(), 0, question), text);
        push_whole_answer_selection(&mut out, &source, &guids.question_code(question));
        out
    }

    #[test]
    fn a_whole_answer_selection_ends_at_its_length_in_code_points() {
        let sam = Guids::of_study(&slug("sam"));
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
        let sam = Guids::of_study(&slug("sam"));
        let name = EntryName::Source(sam.source_uuid("17", "r1"));
        assert_eq!(
            name.to_string(),
            format!("sources/{}.txt", sam.source(17, "r1"))
        );
        assert_eq!(EntryName::Project.to_string(), "project.qde");
        assert!(std::mem::size_of::<EntryName>() <= 17);
    }

    #[test]
    fn a_code_tree_nests_each_code_in_its_parent_and_a_loop_is_drawn_once() {
        let guids = Guids::of_study(&slug("sam"));
        let mut a = code("a", None);
        a.definition = "A & co".into();
        let codes = [
            code("b", Some("a")),
            a,
            code("c", None),
            code("x", Some("y")),
            code("y", Some("x")),
        ];
        let mut out = String::new();
        let mut inside = Vec::new();
        push_code_tree(&mut out, &guids, in_tree_order(&codes), |_, code| {
            inside.push(code.id.clone());
        });
        assert_eq!(inside, ["a", "b", "c", "x", "y"], "each code once, parents first");
        assert_eq!(out.matches("<Code ").count(), 5, "{out}");
        assert_eq!(out.matches("</Code>").count(), 5, "{out}");
        assert!(out.contains("name=\"A\" isCodable=\"true\"><Description>A &amp; co</Description><Code "));
        assert!(out.contains("name=\"B\" isCodable=\"true\"></Code>\n</Code>\n<Code "));
        assert!(out.contains("name=\"X\" isCodable=\"true\"><Code "), "{out}");
        assert!(out.ends_with("name=\"Y\" isCodable=\"true\"></Code>\n</Code>\n"), "{out}");
        assert!(out.contains(&guids.analysis_code("b")));
    }
}
