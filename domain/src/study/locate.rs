//! Finds where in a study file's text a field is, so an error can name the line to fix.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The line (from 1) of the field at `path` ("pages[2].questions[0].max_chars"); when the text
/// lacks that field, the line of the nearest table or array around where it belongs.
pub fn line_of(source: &str, path: &str) -> Option<usize> {
    let root = DeTable::parse(source).ok()?;
    let mut table: Option<&DeTable> = Some(root.get_ref());
    let mut array: Option<&[Spanned<DeValue>]> = None;
    let mut nearest = None;
    for segment in segments(path)? {
        let value = match segment {
            Segment::Key(key) => table.and_then(|t| t.get(key)),
            Segment::Index(index) => array.and_then(|a| a.get(index)),
        };
        let Some(value) = value else { break };
        nearest = Some(value.span().start);
        (table, array) = match value.get_ref() {
            DeValue::Table(inner) => (Some(inner), None),
            DeValue::Array(items) => (None, Some(&items[..])),
            _ => (None, None),
        };
    }
    nearest.map(|at| line_at(source, at))
}

/// The path of the field at the byte offset `at`, as errors name fields
/// ("pages[1].questions[0].kind"): the deepest one whose key or value holds it, or else the
/// nearest one before it (a table's header, for an error about the table).
pub fn field_at(source: &str, at: usize) -> Option<String> {
    let (root, _) = DeTable::parse_recoverable(source);
    let mut fields = Vec::new();
    list_fields(root.get_ref(), "", &mut fields);
    let holding = fields
        .iter()
        .filter(|f| f.spans.iter().any(|s| s.start <= at && at < s.end.max(s.start + 1)))
        .max_by_key(|f| f.path.len());
    let before = || {
        fields
            .iter()
            .filter(|f| f.start() <= at)
            .max_by_key(|f| (f.start(), f.path.len()))
    };
    holding
        .or_else(before)
        .map(|f| f.path.clone())
        .filter(|path| !path.is_empty())
}

struct Field {
    path: String,
    spans: Vec<std::ops::Range<usize>>,
}

impl Field {
    fn start(&self) -> usize {
        self.spans.iter().map(|s| s.start).min().unwrap_or(0)
    }
}

fn list_fields(table: &DeTable, prefix: &str, fields: &mut Vec<Field>) {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        fields.push(Field {
            path: path.clone(),
            spans: vec![key.span(), value.span()],
        });
        list_value(value, &path, fields);
    }
}

fn list_value(value: &Spanned<DeValue>, path: &str, fields: &mut Vec<Field>) {
    match value.get_ref() {
        DeValue::Table(inner) => list_fields(inner, path, fields),
        DeValue::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let path = format!("{path}[{index}]");
                fields.push(Field {
                    path: path.clone(),
                    spans: vec![item.span()],
                });
                list_value(item, &path, fields);
            }
        }
        _ => {}
    }
}

/// The line (from 1) where the question with this id starts (its `[[pages.questions]]` header).
pub fn line_of_question(source: &str, id: &str) -> Option<usize> {
    let root = DeTable::parse(source).ok()?;
    let pages = match root.get_ref().get("pages")?.get_ref() {
        DeValue::Array(pages) => pages,
        _ => return None,
    };
    pages
        .iter()
        .filter_map(|page| match page.get_ref() {
            DeValue::Table(page) => page.get("questions"),
            _ => None,
        })
        .filter_map(|questions| match questions.get_ref() {
            DeValue::Array(questions) => Some(questions.iter()),
            _ => None,
        })
        .flatten()
        .find(|question| match question.get_ref() {
            DeValue::Table(q) => q
                .get("id")
                .is_some_and(|v| matches!(v.get_ref(), DeValue::String(s) if s == id)),
            _ => false,
        })
        .map(|question| line_at(source, question.span().start))
}

/// The line (from 1) the byte offset `at` is on.
pub fn line_at(source: &str, at: usize) -> usize {
    source
        .get(..at)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// "pages[2].title" as Key("pages"), Index(2), Key("title"); None for what is not a field path,
/// like "(file)".
fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        segments.push(Segment::Key(key));
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            segments.push(Segment::Index(inner[..close].parse().ok()?));
            rest = &inner[close + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const TEXT: &str = "title = \"T\"\n\n[[pages]]\nslug = \"a\"\n\n[[pages]]\nslug = \"b\"\n\n[[pages.questions]]\nid = \"q\"\nmax_chars = 0\n\n[scales.agree]\nlabels = [\n  \"x\",\n  \"y\",\n]\n";

    #[test]
    fn names_the_line_of_a_field_an_array_item_or_the_nearest_table() {
        assert_eq!(line_of(TEXT, "title"), Some(1));
        assert_eq!(line_of(TEXT, "pages[1].slug"), Some(7));
        assert_eq!(line_of(TEXT, "pages[1].questions[0].max_chars"), Some(11));
        assert_eq!(line_of(TEXT, "scales.agree.labels[1]"), Some(16));
        // Missing fields: the table they belong in.
        assert_eq!(line_of(TEXT, "pages[1].title"), Some(6));
        assert_eq!(line_of(TEXT, "pages[0].questions[0].label"), Some(3));
        assert_eq!(line_of(TEXT, "thanks.title"), None);
        assert_eq!(line_of(TEXT, "(file)"), None);
    }

    #[test]
    fn names_the_field_at_an_offset() {
        let at = |needle: &str| TEXT.find(needle).unwrap();
        assert_eq!(field_at(TEXT, at("max_chars")).as_deref(), Some("pages[1].questions[0].max_chars"));
        assert_eq!(field_at(TEXT, at("0\n")).as_deref(), Some("pages[1].questions[0].max_chars"));
        assert_eq!(field_at(TEXT, at("\"b\"")).as_deref(), Some("pages[1].slug"));
        assert_eq!(field_at(TEXT, at("\"y\"")).as_deref(), Some("scales.agree.labels[1]"));
        assert_eq!(field_at(TEXT, at("\"T\"")).as_deref(), Some("title"));
    }
}
