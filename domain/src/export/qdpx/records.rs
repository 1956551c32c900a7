//! The compact record of each participant that the .qdpx export spools while it reads the
//! database, and the Cases' and Sources' XML written from the records at the end.
//!
//! A record is a few hundred bytes of fixed-width fields, not the kilobytes of its XML: numbers
//! little-endian, GUIDs as their 16 bytes, text as its length and UTF-8 bytes; each record is
//! led by its length.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};

use uuid::Uuid;

use super::{COPY_BUFFER, Checksum, Repeated, Section, XmlPieces};
use crate::export::format::{self, Context};
use crate::storage::SubmittedResponse;

/// What project.qde says of one participant.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ParticipantRecord {
    pub number: i64,
    /// The study version the participant answered, whose wording describes their answers.
    pub version: i64,
    pub case_guid: Uuid,
    pub day: String,
    /// Each case variable's value, empty where there is none.
    pub cells: Vec<String>,
    pub sources: Vec<SourceRecord>,
}

/// One text answer: its question's index among the text questions, its GUIDs and its length.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct SourceRecord {
    pub question: usize,
    pub guid: Uuid,
    pub selection_guid: Uuid,
    pub coding_guid: Uuid,
    /// The answer's length in code points.
    pub end: usize,
}

impl SourceRecord {
    /// The record of `participant`'s answer `text` to the text question `id`, the
    /// `question`-th; `participant` is their number as text.
    pub fn new(
        guids: &super::Guids,
        (participant, question, id): (&str, usize, &str),
        text: &str,
    ) -> Self {
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
    pub fn of(
        repeated: &Repeated<'_>,
        context: &Context<'_>,
        response: &SubmittedResponse,
    ) -> Self {
        let number = response.participant_number;
        let number_text = number.to_string();
        let guids = &repeated.guids;
        let cells = repeated
            .case_variables
            .iter()
            .map(|case_variable| case_variable.cell(response, context))
            .collect();
        let sources = repeated
            .texts
            .iter()
            .enumerate()
            .filter_map(|(question, text_question)| {
                let id = text_question.variable.id();
                let text = response.answers.get(id)?;
                Some(SourceRecord::new(guids, (&number_text, question, id), text))
            })
            .collect();
        Self {
            number,
            version: response.study_version_number,
            case_guid: guids.case(&number_text),
            day: format::day(response),
            cells,
            sources,
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.number.to_le_bytes());
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(self.case_guid.as_bytes());
        put_text(out, &self.day);
        put_count(out, self.cells.len());
        for cell in &self.cells {
            put_text(out, cell);
        }
        put_count(out, self.sources.len());
        for source in &self.sources {
            put_count(out, source.question);
            for guid in [source.guid, source.selection_guid, source.coding_guid] {
                out.extend_from_slice(guid.as_bytes());
            }
            put_count(out, source.end);
        }
    }

    fn decode(bytes: &[u8]) -> io::Result<Self> {
        let mut fields = Fields(bytes);
        let number = i64::from_le_bytes(fields.array()?);
        let version = i64::from_le_bytes(fields.array()?);
        let case_guid = fields.guid()?;
        let day = fields.text()?;
        let cells = (0..fields.count()?)
            .map(|_| fields.text())
            .collect::<io::Result<_>>()?;
        let sources = (0..fields.count()?)
            .map(|_| {
                Ok(SourceRecord {
                    question: fields.count()?,
                    guid: fields.guid()?,
                    selection_guid: fields.guid()?,
                    coding_guid: fields.guid()?,
                    end: fields.count()?,
                })
            })
            .collect::<io::Result<_>>()?;
        if !fields.0.is_empty() {
            return Err(corrupt());
        }
        Ok(Self {
            number,
            version,
            case_guid,
            day,
            cells,
            sources,
        })
    }
}

fn put_count(out: &mut Vec<u8>, count: usize) {
    out.extend_from_slice(&(count as u64).to_le_bytes());
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put_count(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

fn corrupt() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "the export's spooled participant records are corrupt",
    )
}

/// Reads a record's fields from its bytes.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(corrupt());
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| corrupt())
    }

    fn count(&mut self) -> io::Result<usize> {
        usize::try_from(u64::from_le_bytes(self.array()?)).map_err(|_| corrupt())
    }

    fn guid(&mut self) -> io::Result<Uuid> {
        Ok(Uuid::from_bytes(self.array()?))
    }

    fn text(&mut self) -> io::Result<String> {
        let len = self.count()?;
        String::from_utf8(self.take(len)?.to_vec()).map_err(|_| corrupt())
    }
}

/// The participants' records in an anonymous temporary file (gone when closed). The Cases' and
/// the Sources' XML is made once as each record is added, only for its checksum (the zip needs
/// it before the data), and made again from the records when project.qde is written.
pub(super) struct Records {
    file: BufWriter<File>,
    encoded: Vec<u8>,
    xml_text: String,
    cases: Checksum,
    sources: Checksum,
}

impl Records {
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            file: BufWriter::with_capacity(COPY_BUFFER, tempfile::tempfile()?),
            encoded: Vec::new(),
            xml_text: String::new(),
            cases: Checksum::default(),
            sources: Checksum::default(),
        })
    }

    pub fn push(&mut self, repeated: &Repeated<'_>, record: &ParticipantRecord) -> io::Result<()> {
        self.encoded.clear();
        record.encode(&mut self.encoded);
        self.file
            .write_all(&(self.encoded.len() as u64).to_le_bytes())?;
        self.file.write_all(&self.encoded)?;
        for (section, checksum) in [
            (Section::Cases, &mut self.cases),
            (Section::Sources, &mut self.sources),
        ] {
            self.xml_text.clear();
            section.push(&mut self.xml_text, repeated, record);
            checksum.update(self.xml_text.as_bytes());
        }
        Ok(())
    }

    /// The file, to be read from its start by `RecordsXml`, and the checksums of the Cases' and
    /// the Sources' XML.
    pub fn finish(self) -> io::Result<(File, Checksum, Checksum)> {
        let file = self
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok((file, self.cases, self.sources))
    }
}

/// One section's XML made from the spooled records, a participant at a time.
pub(super) struct RecordsXml<'a> {
    file: Option<File>,
    reader: Option<BufReader<File>>,
    section: Section,
    repeated: &'a Repeated<'a>,
    encoded: Vec<u8>,
}

impl<'a> RecordsXml<'a> {
    /// Two sections may read one file through handles of their own (`File::try_clone`): they
    /// share its position, so each rewinds it when it starts.
    pub fn new(file: File, section: Section, repeated: &'a Repeated<'a>) -> Self {
        Self {
            file: Some(file),
            reader: None,
            section,
            repeated,
            encoded: Vec::new(),
        }
    }

    fn next_record(&mut self) -> io::Result<Option<ParticipantRecord>> {
        if let Some(mut file) = self.file.take() {
            file.rewind()?;
            self.reader = Some(BufReader::with_capacity(COPY_BUFFER, file));
        }
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        if reader.fill_buf()?.is_empty() {
            return Ok(None);
        }
        let mut len = [0; 8];
        reader.read_exact(&mut len)?;
        let len = usize::try_from(u64::from_le_bytes(len)).map_err(|_| corrupt())?;
        self.encoded.resize(len, 0);
        reader.read_exact(&mut self.encoded)?;
        ParticipantRecord::decode(&self.encoded).map(Some)
    }
}

impl XmlPieces for RecordsXml<'_> {
    fn next_piece(&mut self, out: &mut String) -> io::Result<bool> {
        let Some(record) = self.next_record()? else {
            return Ok(false);
        };
        self.section.push(out, self.repeated, &record);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::{ParticipantRecord, SourceRecord};
    use uuid::Uuid;

    #[test]
    fn a_record_reads_back_as_written_and_a_cut_one_is_refused() {
        let record = ParticipantRecord {
            number: -7,
            version: 3,
            case_guid: Uuid::from_u128(1),
            day: "2026-01-02".into(),
            cells: vec!["".into(), "5".into(), "ŵ 😀 سام".into()],
            sources: vec![SourceRecord {
                question: 3,
                guid: Uuid::from_u128(2),
                selection_guid: Uuid::from_u128(u128::MAX),
                coding_guid: Uuid::from_u128(4),
                end: 250,
            }],
        };
        let mut bytes = Vec::new();
        record.encode(&mut bytes);
        assert_eq!(ParticipantRecord::decode(&bytes).unwrap(), record);
        assert!(ParticipantRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        bytes.push(0);
        assert!(ParticipantRecord::decode(&bytes).is_err());
    }
}
