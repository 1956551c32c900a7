//! CSV as RFC 4180 writes it (CRLF line ends, fields quoted when they need to be), with every
//! cell that a spreadsheet could run as a formula neutralised (OWASP "CSV injection").

use std::borrow::Cow;

/// The byte-order mark Excel needs to read a CSV file as UTF-8.
pub const UTF8_BOM: &str = "\u{feff}";

/// Characters that make a spreadsheet treat a cell as a formula (or that Excel strips before
/// looking for one).
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\0'];

/// A cell that begins like a formula gets a leading apostrophe, so spreadsheets show it as text.
/// A lone "-" is harmless but is prefixed too: one rule is easier to trust than exceptions.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Appends one field, neutralised, quoted when it holds a comma, a quote or a line break.
fn push_field(line: &mut String, cell: &str) {
    let cell = neutralise(cell);
    if cell.contains([',', '"', '\r', '\n']) {
        line.push('"');
        line.push_str(&cell.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(&cell);
    }
}

/// One record, ended by CRLF, appended to `line`.
pub fn push_record<'a>(line: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_field(line, cell);
    }
    line.push_str("\r\n");
}

/// One record as a new string.
pub fn record<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = String::new();
    push_record(&mut line, cells);
    line
}

#[cfg(test)]
mod tests {
    use super::{neutralise, record};

    fn read_back(text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn formula_starts_are_neutralised() {
        for dangerous in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tTAB",
            "\rCR",
            "\0NUL",
        ] {
            assert_eq!(neutralise(dangerous), format!("'{dangerous}"));
        }
        for safe in ["Talk with Sam", "4", "", " =not first", "a=b", "’quoted"] {
            assert_eq!(neutralise(safe), safe);
        }
    }

    #[test]
    fn quoting_follows_rfc_4180_and_reads_back() {
        let cells = [
            "plain",
            "comma, inside",
            "say \"hello\"",
            "two\r\nlines",
            "=1+1",
            "",
        ];
        let line = record(cells);
        assert_eq!(
            line,
            "plain,\"comma, inside\",\"say \"\"hello\"\"\",\"two\r\nlines\",'=1+1,\r\n"
        );
        let expected: Vec<String> = cells.iter().map(|c| neutralise(c).into_owned()).collect();
        assert_eq!(read_back(&line), vec![expected]);
    }

    #[test]
    fn unicode_passes_through_untouched() {
        let cells = [
            "Sam 😀 cooks",
            "Gwasanaeth iechyd meddwl ŵ ŷ â",
            "سام يحب الطبخ",
            "-\u{202e}reversed",
        ];
        let line = record(cells);
        let back = read_back(&line);
        assert_eq!(back[0][0], "Sam 😀 cooks");
        assert_eq!(back[0][1], "Gwasanaeth iechyd meddwl ŵ ŷ â");
        assert_eq!(back[0][2], "سام يحب الطبخ");
        assert_eq!(back[0][3], "'-\u{202e}reversed");
    }
}
