//! A codebook brought in from elsewhere: a REFI-QDA `.qdc` (from NVivo, ATLAS.ti, MAXQDA,
//! QualCoder or this platform) or a CSV with a column of code names, and what adding it to a
//! study's codes would do. Codes are matched by name (a name is unique in a study); nothing here
//! is renamed, moved or redefined: a code the study lacks is added (inside its parent when the
//! file nests it), and a code here without a definition takes the file's.

use super::project::{ImportedCode, codes_in_xml};
use crate::storage::CodeRecord;

/// The codes of a codebook file, in its order, parents before their children.
pub fn read_codebook(bytes: &[u8]) -> Result<Vec<ImportedCode>, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "The codebook is not UTF-8 text: save it as UTF-8 and try again.".to_owned())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let codes = if text.trim_start().starts_with('<') {
        codes_in_xml(text).map_err(|problem| format!("The codebook (.qdc) cannot be read: {problem}"))?
    } else {
        codes_in_csv(text)?
    };
    if codes.is_empty() {
        return Err("The codebook holds no codes.".into());
    }
    Ok(codes)
}

/// A CSV codebook: a header row naming a `code` (or `name`) column, maybe a `definition` (or
/// `description`) column and a `code_path` (or `path`) column ("Parent / Child"), as this
/// platform's codebook and extracts downloads write them. Other columns are ignored.
fn codes_in_csv(text: &str) -> Result<Vec<ImportedCode>, String> {
    let rows = csv_rows(text)?;
    let Some((header, rows)) = rows.split_first() else {
        return Ok(Vec::new());
    };
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|cell| names.contains(&cell.trim().to_lowercase().as_str()))
    };
    let path_column = column(&["code_path", "path"]);
    let name_column = column(&["code", "name", "code name"]).or(path_column).ok_or_else(|| {
        "The CSV has no \"code\" column: its first row must name the columns, such as code and definition."
            .to_owned()
    })?;
    let definition_column = column(&["definition", "description"]);
    let mut codes = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let cell = |column: Option<usize>| {
            column
                .and_then(|c| row.get(c))
                .map_or("", |cell| cell.trim())
        };
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let name = cell(Some(name_column));
        let path: Vec<String> = match cell(path_column) {
            "" => vec![name.to_owned()],
            path => path.split(" / ").map(|part| part.trim().to_owned()).collect(),
        };
        let Some(last) = path.last().filter(|last| !last.is_empty()) else {
            return Err(format!("Row {} names no code.", index + 2));
        };
        codes.push(ImportedCode {
            name: last.clone(),
            path: path.clone(),
            codable: true,
            description: cell(definition_column).to_owned(),
            order: codes.len(),
        });
    }
    Ok(codes)
}

/// The rows of a CSV (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks;
/// CRLF or LF between rows). Read by hand, not with the `csv` crate the tests use: that crate
/// takes a quote left open as running to the end of the file, where a researcher needs to hear
/// which row lost its closing quote.
fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "The CSV ends inside a quoted field (row {}): a closing quote is missing.",
            rows.len() + 1
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// What adding a codebook to a study's codes does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodebookPlan {
    /// Codes to add, parents before children.
    pub added: Vec<NewCodebookCode>,
    /// (id, name, definition) of codes here without a definition that take the file's.
    pub defined: Vec<(String, String, String)>,
    /// Codes here already, with the same definition or none in the file.
    pub unchanged: usize,
    /// Names of codes here whose definition differs from the file's: theirs is kept.
    pub kept: Vec<String>,
    /// Names the file has more than once: the first is used.
    pub repeated: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCodebookCode {
    pub name: String,
    pub definition: String,
    /// The name of the code it goes inside: one here already or added before it.
    pub parent: Option<String>,
}

impl CodebookPlan {
    pub fn changes_anything(&self) -> bool {
        !self.added.is_empty() || !self.defined.is_empty()
    }
}

/// Compares the file's codes with the study's, by name.
pub fn plan_codebook(file: &[ImportedCode], here: &[CodeRecord]) -> CodebookPlan {
    let mut plan = CodebookPlan::default();
    let mut seen: Vec<&str> = Vec::new();
    for code in file {
        let name = code.name.trim();
        if seen.contains(&name) {
            if !plan.repeated.iter().any(|r| r == name) {
                plan.repeated.push(name.to_owned());
            }
            continue;
        }
        seen.push(name);
        let definition = code.description.trim();
        match here.iter().find(|existing| existing.name == name) {
            Some(existing) if existing.definition.trim().is_empty() && !definition.is_empty() => {
                plan.defined.push((existing.id.clone(), name.to_owned(), definition.to_owned()));
            }
            Some(existing) if definition.is_empty() || existing.definition.trim() == definition => {
                plan.unchanged += 1;
            }
            Some(_) => plan.kept.push(name.to_owned()),
            None => plan.added.push(NewCodebookCode {
                name: name.to_owned(),
                definition: definition.to_owned(),
                parent: code
                    .path
                    .len()
                    .checked_sub(2)
                    .map(|parent| code.path[parent].trim().to_owned()),
            }),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn here(name: &str, definition: &str) -> CodeRecord {
        CodeRecord {
            id: format!("id-{name}"),
            name: name.into(),
            definition: definition.into(),
            codings: 0,
            archived: false,
            parent: None,
        }
    }

    #[test]
    fn a_qdc_gives_its_codes_nested_with_their_descriptions_in_order() {
        let qdc = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
            <CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"NVivo\"><Codes>\
            <Code guid=\"A\" name=\"Hope\" isCodable=\"true\"><Description>Looking &amp; forward</Description>\
            <Code guid=\"B\" name=\"Own goals\" isCodable=\"true\"/></Code>\
            <Code guid=\"C\" name=\"Risk\" isCodable=\"false\"></Code></Codes></CodeBook>";
        let codes = read_codebook(qdc.as_bytes()).unwrap();
        let read: Vec<(String, String)> = codes
            .iter()
            .map(|c| (c.path.join(" / "), c.description.clone()))
            .collect();
        assert_eq!(
            read,
            [
                ("Hope".into(), "Looking & forward".into()),
                ("Hope / Own goals".into(), String::new()),
                ("Risk".into(), String::new()),
            ]
        );
    }

    #[test]
    fn a_csv_gives_its_codes_by_column_name_with_quotes_and_paths() {
        let csv = "\u{feff}Code,Definition,codings\r\n\
            Hope,\"Looking forward, \"\"soon\"\"\nand later\",3\r\n\
            \r\n\
            Risk,,0\r\n";
        let codes = read_codebook(csv.as_bytes()).unwrap();
        assert_eq!(codes.len(), 2);
        assert_eq!(codes[0].description, "Looking forward, \"soon\"\nand later");
        assert_eq!(codes[1].path, ["Risk"]);

        let with_paths = "code_path,definition\nHope / Own goals,Sam names it\n";
        let codes = read_codebook(with_paths.as_bytes()).unwrap();
        assert_eq!((codes[0].name.as_str(), codes[0].path.len()), ("Own goals", 2));
    }

    #[test]
    fn a_codebook_that_cannot_be_read_says_why() {
        let refused = |bytes: &[u8]| read_codebook(bytes).unwrap_err();
        assert!(refused(&[0xff, 0xfe, 0x00]).contains("not UTF-8"));
        assert!(refused(b"label,notes\nHope,x\n").contains("no \"code\" column"));
        assert!(refused(b"code,definition\nHope,\"unclosed\n").contains("closing quote"));
        assert!(refused(b"code,definition\n,orphan\n").contains("Row 2 names no code"));
        assert!(refused(b"<CodeBook><Codes></Codes></CodeBook>").contains("holds no codes"));
        assert!(refused(b"<CodeBook><Codes><Code name=\"a\"></Codes>").contains("cannot be read"));
        assert!(refused(b"").contains("holds no codes"));
    }

    #[test]
    fn the_plan_adds_missing_codes_fills_empty_definitions_and_keeps_ours() {
        let file = read_codebook(
            b"code_path,definition\n\
              Hope,Looking forward\n\
              Hope / Own goals,Sam names it\n\
              Risk,A different wording\n\
              Trust,\n\
              Hope,again\n",
        )
        .unwrap();
        let plan = plan_codebook(
            &file,
            &[here("Hope", ""), here("Risk", "Ours"), here("Trust", "Ours too")],
        );
        assert_eq!(
            plan.defined,
            [("id-Hope".into(), "Hope".into(), "Looking forward".into())]
        );
        assert_eq!(
            plan.added,
            [NewCodebookCode {
                name: "Own goals".into(),
                definition: "Sam names it".into(),
                parent: Some("Hope".into()),
            }]
        );
        assert_eq!(plan.kept, ["Risk"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.repeated, ["Hope"]);
        assert!(plan.changes_anything());
    }
}
