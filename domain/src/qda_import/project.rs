//! Reading a REFI-QDA project (.qdpx) that QDA software wrote: its users, its codes (with their
//! paths), and each text source with the coded selections in it, positions in code points over
//! the source's text with its line breaks as the survey stores them (LF).
//!
//! Known quirks of the tools that write these files are read as they mean: a project file with
//! another name than `project.qde`, a `Sources/` folder with a capital, CRLF line breaks counted
//! as one character (NVivo) or as two (the standard), and selections without a coding
//! (annotations), which are left out and counted.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

/// A code of the project, with the names of the codes it is inside, outermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCode {
    pub name: String,
    pub path: Vec<String>,
    pub codable: bool,
    /// Its `Description`: the code's definition.
    pub description: String,
    /// Its place in the file, counting codes from 0.
    pub order: usize,
}

impl ImportedCode {
    /// The path as people read it: "Parent / Child".
    pub fn path_text(&self) -> String {
        self.path.join(" / ")
    }
}

/// A coded selection of a source: where, by whom (the user's name), with which codes (GUIDs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSelection {
    pub start: usize,
    pub end: usize,
    pub user: Option<String>,
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSource {
    pub guid: String,
    pub name: String,
    /// The text, its line breaks LF.
    pub text: String,
    pub selections: Vec<ImportedSelection>,
}

#[derive(Debug, Default)]
pub struct ImportedProject {
    pub origin: String,
    pub codes: HashMap<String, ImportedCode>,
    pub sources: Vec<ImportedSource>,
    /// What was left out, in words: annotations, selections outside their text, missing files.
    pub notices: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProjectError {
    #[error("The file is not a REFI-QDA project (.qdpx): it is not a zip archive.")]
    NotZip,
    #[error("The file holds no project (.qde) file: is it a REFI-QDA project (.qdpx)?")]
    NoProjectFile,
    #[error("The project file cannot be read: {0}")]
    BadXml(String),
}

/// The codes of a REFI-QDA codebook's XML (a `.qdc`, or a project's `CodeBook`), in file order.
pub(super) fn codes_in_xml(xml_text: &str) -> Result<Vec<ImportedCode>, ProjectError> {
    let mut reader = ProjectReader::default();
    reader.read(xml_text)?;
    let mut codes: Vec<ImportedCode> = reader.codes.into_values().collect();
    codes.sort_by_key(|code| code.order);
    Ok(codes)
}

/// The file's users, codes and coded text sources.
pub fn read_qdpx(bytes: &[u8]) -> Result<ImportedProject, ProjectError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ProjectError::NotZip)?;
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let project_name = project_file(&names).ok_or(ProjectError::NoProjectFile)?;
    let project_xml = read_text(&mut archive, &project_name)
        .ok_or_else(|| ProjectError::BadXml("it is not UTF-8 text".into()))?;
    let mut reader = ProjectReader::default();
    reader.read(&project_xml)?;
    let mut project = ImportedProject {
        origin: reader.origin,
        codes: reader.codes,
        sources: Vec::new(),
        notices: reader.notices,
    };
    let crlf_as_one = counts_crlf_as_one(&project.origin);
    for source in reader.sources {
        let text = match &source.content {
            Content::Inline(text) => Some(text.clone()),
            Content::Path(path) => source_entry(&names, path)
                .and_then(|entry| read_text(&mut archive, &entry)),
        };
        let Some(text) = text else {
            project
                .notices
                .push(format!("{}: its text is not in the file", source.name));
            continue;
        };
        project.sources.push(normalise(source, &text, crlf_as_one, &mut project.notices, &reader.users));
    }
    Ok(project)
}

/// NVivo counts a CRLF line break as one character; the standard, and other tools, as two.
fn counts_crlf_as_one(origin: &str) -> bool {
    origin.to_lowercase().contains("nvivo")
}

/// `project.qde`, else the only other `.qde` file at the top of the archive.
fn project_file(names: &[String]) -> Option<String> {
    let at_top = |name: &&String| !name.contains('/') && name.to_lowercase().ends_with(".qde");
    names
        .iter()
        .find(|name| name.eq_ignore_ascii_case("project.qde"))
        .or_else(|| names.iter().find(at_top))
        .cloned()
}

/// The archive entry an `internal://<file>` path names, in `sources/` of any case.
fn source_entry(names: &[String], path: &str) -> Option<String> {
    let file = path.strip_prefix("internal://")?;
    let wanted = format!("sources/{file}").to_lowercase();
    names.iter().find(|name| name.to_lowercase() == wanted).cloned()
}

fn read_text(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let mut entry = archive.by_name(name).ok()?;
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(text.strip_prefix('\u{feff}').map_or(text.clone(), str::to_owned))
}

/// The source with LF line breaks and its selections' positions moved to match; selections
/// outside the text are left out.
fn normalise(
    source: RawSource,
    text: &str,
    crlf_as_one: bool,
    notices: &mut Vec<String>,
    users: &HashMap<String, String>,
) -> ImportedSource {
    let normalised = text.replace("\r\n", "\n");
    let length = normalised.chars().count();
    // The tool counted positions over the text with its CRLFs: as one character each (then they
    // are positions in the LF text already), or as two (then each CR before a position moves it
    // back by one).
    let chars: Vec<char> = text.chars().collect();
    let mut crs_before = Vec::with_capacity(chars.len() + 1);
    let mut crs = 0;
    crs_before.push(0);
    for (index, c) in chars.iter().enumerate() {
        if *c == '\r' && chars.get(index + 1) == Some(&'\n') {
            crs += 1;
        }
        crs_before.push(crs);
    }
    let moved = |position: usize| {
        if crlf_as_one {
            Some(position)
        } else {
            crs_before.get(position).map(|crs| position - crs)
        }
    };
    let mut selections = Vec::new();
    for selection in source.selections {
        let (Some(start), Some(end)) = (moved(selection.start), moved(selection.end)) else {
            notices.push(format!(
                "{}: a selection from {} to {} runs past its text",
                source.name, selection.start, selection.end
            ));
            continue;
        };
        if start >= end || end > length {
            notices.push(format!(
                "{}: a selection from {} to {} is empty or runs past its text",
                source.name, selection.start, selection.end
            ));
            continue;
        }
        if selection.codes.is_empty() {
            notices.push(format!(
                "{}: an annotation (a selection with no code) is left out",
                source.name
            ));
            continue;
        }
        let user = selection.user.map(|guid| users.get(&guid).cloned().unwrap_or(guid));
        selections.push(ImportedSelection {
            start,
            end,
            user,
            codes: selection.codes,
        });
    }
    ImportedSource {
        guid: source.guid,
        name: source.name,
        text: normalised,
        selections,
    }
}

enum Content {
    Inline(String),
    Path(String),
}

struct RawSource {
    guid: String,
    name: String,
    content: Content,
    selections: Vec<RawSelection>,
}

struct RawSelection {
    start: usize,
    end: usize,
    user: Option<String>,
    codes: Vec<String>,
}

/// What the project file says, read element by element.
#[derive(Default)]
struct ProjectReader {
    origin: String,
    users: HashMap<String, String>,
    codes: HashMap<String, ImportedCode>,
    sources: Vec<RawSource>,
    notices: Vec<String>,
    /// The names and GUIDs of the Codes being read, outermost first.
    code_path: Vec<String>,
    code_guids: Vec<String>,
    in_description: bool,
    /// The elements open, innermost last.
    open: Vec<String>,
    source: Option<RawSource>,
    selection: Option<RawSelection>,
    in_content: bool,
    content: String,
}

fn attributes(element: &BytesStart<'_>) -> Result<HashMap<String, String>, ProjectError> {
    element
        .attributes()
        .map(|attribute| {
            let attribute = attribute.map_err(|e| ProjectError::BadXml(e.to_string()))?;
            let key = attribute.key.local_name().into_inner().to_owned();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::default())
                .map_err(|e| ProjectError::BadXml(e.to_string()))?
                .into_owned();
            Ok((key, value))
        })
        .collect()
}

impl ProjectReader {
    fn read(&mut self, xml_text: &str) -> Result<(), ProjectError> {
        let mut reader = quick_xml::Reader::from_str(xml_text);
        loop {
            let event = reader
                .read_event()
                .map_err(|e| ProjectError::BadXml(e.to_string()))?;
            match event {
                Event::Start(element) => {
                    self.start(&element)?;
                    let name = local_name(&element);
                    self.open.push(name);
                }
                Event::Empty(element) => {
                    self.start(&element)?;
                    let name = local_name(&element);
                    self.end(&name);
                }
                Event::End(_) => {
                    if let Some(name) = self.open.pop() {
                        self.end(&name);
                    }
                }
                Event::Text(text) if self.collects_text() => {
                    self.content.push_str(&text.xml10_content());
                }
                Event::GeneralRef(reference) if self.collects_text() => {
                    self.content.push_str(&resolve_reference(&reference.into_inner()));
                }
                Event::CData(data) if self.collects_text() => {
                    self.content.push_str(&data.into_inner());
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// Whether the reader is inside an element whose text it keeps: a source's content or a
    /// code's description.
    fn collects_text(&self) -> bool {
        self.in_content || self.in_description
    }

    fn start(&mut self, element: &BytesStart<'_>) -> Result<(), ProjectError> {
        let name = local_name(element);
        let mut attributes = attributes(element)?;
        let mut take = |key: &str| attributes.remove(key).unwrap_or_default();
        // Notes are text sources too; only the project's Sources hold answers.
        let in_sources = self.open.iter().any(|n| n == "Sources");
        match name.as_str() {
            "Project" => self.origin = take("origin"),
            "User" => {
                let guid = take("guid").to_lowercase();
                let user = take("name");
                self.users.insert(guid, user);
            }
            "Code" if self.open.iter().any(|n| n == "CodeBook") => {
                let code_name = take("name");
                let guid = take("guid").to_lowercase();
                self.code_path.push(code_name.clone());
                self.code_guids.push(guid.clone());
                let order = self.codes.len();
                self.codes.insert(
                    guid,
                    ImportedCode {
                        name: code_name,
                        path: self.code_path.clone(),
                        codable: take("isCodable") != "false",
                        description: String::new(),
                        order,
                    },
                );
            }
            "Description" if self.open.last().is_some_and(|n| n == "Code") => {
                self.in_description = true;
                self.content.clear();
            }
            "TextSource" if in_sources => {
                let path = take("plainTextPath");
                self.source = Some(RawSource {
                    guid: take("guid").to_lowercase(),
                    name: take("name"),
                    content: Content::Path(path),
                    selections: Vec::new(),
                });
            }
            "PlainTextContent" if self.source.is_some() => {
                self.in_content = true;
                self.content.clear();
            }
            "PlainTextSelection" if self.source.is_some() => {
                let position = |value: String| value.trim().parse::<usize>().ok();
                let start = position(take("startPosition"));
                let end = position(take("endPosition"));
                let user = Some(take("creatingUser"))
                    .filter(|u| !u.is_empty())
                    .or_else(|| Some(take("modifyingUser")).filter(|u| !u.is_empty()))
                    .map(|u| u.to_lowercase());
                match (start, end) {
                    (Some(start), Some(end)) => {
                        self.selection = Some(RawSelection {
                            start,
                            end,
                            user,
                            codes: Vec::new(),
                        });
                    }
                    _ => self
                        .notices
                        .push("A selection without whole-number positions is left out".into()),
                }
            }
            "CodeRef" if self.selection.is_some() => {
                let target = take("targetGUID").to_lowercase();
                if let Some(selection) = self.selection.as_mut() {
                    selection.codes.push(target);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &str) {
        match name {
            "Code" if !self.code_path.is_empty() && self.open.iter().any(|n| n == "CodeBook") => {
                self.code_path.pop();
                self.code_guids.pop();
            }
            "Description" if self.in_description => {
                self.in_description = false;
                let description = std::mem::take(&mut self.content);
                let code = self.code_guids.last().and_then(|guid| self.codes.get_mut(guid));
                if let Some(code) = code {
                    code.description = description.trim().to_owned();
                }
            }
            "PlainTextContent" if self.in_content => {
                self.in_content = false;
                if let Some(source) = self.source.as_mut() {
                    source.content = Content::Inline(std::mem::take(&mut self.content));
                }
            }
            "PlainTextSelection" => {
                if let (Some(source), Some(selection)) = (self.source.as_mut(), self.selection.take()) {
                    source.selections.push(selection);
                }
            }
            "TextSource" => {
                if let Some(source) = self.source.take() {
                    self.sources.push(source);
                }
            }
            _ => {}
        }
    }
}

fn local_name(element: &BytesStart<'_>) -> String {
    element.local_name().into_inner().to_owned()
}

/// The character an XML reference (`amp`, `#10`, `#x1F600`) stands for.
fn resolve_reference(name: &str) -> String {
    let number = match name.strip_prefix('#') {
        Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok(),
        Some(decimal) => decimal.parse().ok(),
        None => None,
    };
    if let Some(c) = number.and_then(char::from_u32) {
        return c.to_string();
    }
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn qdpx(files: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            for (name, text) in files {
                zip.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                zip.write_all(text.as_bytes()).unwrap();
            }
            zip.finish().unwrap();
        }
        out.into_inner()
    }

    const GUID_SOURCE: &str = "11111111-1111-1111-1111-111111111111";

    fn project(origin: &str, selections: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"x\" origin=\"{origin}\">
<Users><User guid=\"AAAAAAAA-0000-0000-0000-000000000001\" name=\"jo@example.org\"/></Users>
<CodeBook><Codes>
<Code guid=\"22222222-2222-2222-2222-222222222222\" name=\"Theme: Hope\" isCodable=\"false\">
<Code guid=\"33333333-3333-3333-3333-333333333333\" name=\"Plans\" isCodable=\"true\"/>
</Code></Codes></CodeBook>
<Sources><TextSource guid=\"{GUID_SOURCE}\" name=\"P1 r2\" plainTextPath=\"internal://{GUID_SOURCE}.txt\">{selections}</TextSource></Sources>
</Project>"
        )
    }

    fn coded(start: usize, end: usize) -> String {
        format!(
            "<PlainTextSelection guid=\"44444444-4444-4444-4444-444444444444\" startPosition=\"{start}\" endPosition=\"{end}\" creatingUser=\"aaaaaaaa-0000-0000-0000-000000000001\"><Coding guid=\"55555555-5555-5555-5555-555555555555\"><CodeRef targetGUID=\"33333333-3333-3333-3333-333333333333\"/></Coding></PlainTextSelection>"
        )
    }

    #[test]
    fn codes_users_and_selections_are_read_with_paths_in_code_points() {
        let text = "Cook 😀 with e\u{301}clat";
        let bytes = qdpx(&[
            ("project.qde", &project("QualCoder", &coded(5, 6))),
            (&format!("sources/{GUID_SOURCE}.txt"), text),
        ]);
        let read = read_qdpx(&bytes).unwrap();
        assert_eq!(read.origin, "QualCoder");
        let plans = &read.codes["33333333-3333-3333-3333-333333333333"];
        assert_eq!(plans.path_text(), "Theme: Hope / Plans");
        assert!(plans.codable);
        assert!(!read.codes["22222222-2222-2222-2222-222222222222"].codable);
        let source = &read.sources[0];
        assert_eq!((source.name.as_str(), source.text.as_str()), ("P1 r2", text));
        let selection = &source.selections[0];
        assert_eq!((selection.start, selection.end), (5, 6));
        assert_eq!(selection.user.as_deref(), Some("jo@example.org"));
    }

    #[test]
    fn a_capitalised_sources_folder_and_another_project_file_name_are_read() {
        let bytes = qdpx(&[
            ("My project.qde", &project("MAXQDA", &coded(0, 4))),
            (&format!("Sources/{GUID_SOURCE}.txt"), "Cook well"),
        ]);
        let read = read_qdpx(&bytes).unwrap();
        assert_eq!(read.sources[0].selections.len(), 1);
    }

    #[test]
    fn crlf_counts_as_one_for_nvivo_and_as_two_otherwise() {
        let text = "One\r\nTwo words";
        // "Two" starts at 4 when CRLF is one character, at 5 when it is two.
        for (origin, start) in [("NVivo 14", 4), ("ATLAS.ti", 5)] {
            let bytes = qdpx(&[
                ("project.qde", &project(origin, &coded(start, start + 3))),
                (&format!("sources/{GUID_SOURCE}.txt"), text),
            ]);
            let read = read_qdpx(&bytes).unwrap();
            let source = &read.sources[0];
            assert_eq!(source.text, "One\nTwo words");
            let selection = &source.selections[0];
            let chosen: String = source
                .text
                .chars()
                .skip(selection.start)
                .take(selection.end - selection.start)
                .collect();
            assert_eq!(chosen, "Two", "{origin}");
        }
    }

    #[test]
    fn annotations_and_selections_past_the_text_are_left_out_and_counted() {
        let annotation = "<PlainTextSelection guid=\"66666666-6666-6666-6666-666666666666\" startPosition=\"0\" endPosition=\"2\"><Description>a note</Description></PlainTextSelection>";
        let selections = format!("{annotation}{}", coded(3, 99));
        let bytes = qdpx(&[
            ("project.qde", &project("QualCoder", &selections)),
            (&format!("sources/{GUID_SOURCE}.txt"), "Cook well"),
        ]);
        let read = read_qdpx(&bytes).unwrap();
        assert!(read.sources[0].selections.is_empty());
        assert_eq!(read.notices.len(), 2, "{:?}", read.notices);
        assert!(read.notices.iter().any(|n| n.contains("annotation")));
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        assert_eq!(read_qdpx(b"not a zip").unwrap_err(), ProjectError::NotZip);
        let bytes = qdpx(&[("readme.txt", "hello")]);
        assert_eq!(read_qdpx(&bytes).unwrap_err(), ProjectError::NoProjectFile);
    }
}
