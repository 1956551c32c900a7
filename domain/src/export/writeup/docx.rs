//! The write-up pack as a Word document (Office Open XML, `.docx`): headings in Word's heading
//! styles (so its navigation pane lists the themes), quotes in its Quote style, the method log
//! as a table whose header row repeats on each page. Written by hand: the package needs five small
//! parts.

use super::super::qdpx::xml;
use super::super::zip_stream::ZipStream;
use super::{WriteUp, lines, summary};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const RELATIONSHIPS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_RELATIONSHIPS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// The method log's column widths in twentieths of a point: an A4 page less 2.5 cm margins.
const LOG_COLUMNS: [u32; 4] = [1900, 2300, 1800, 3026];

pub(in crate::export) fn write_up_docx(pack: &WriteUp) -> std::io::Result<Vec<u8>> {
    let mut zip = ZipStream::new(Vec::new());
    zip.add("[Content_Types].xml", content_types().as_bytes())?;
    zip.add("_rels/.rels", package_relationships().as_bytes())?;
    zip.add("docProps/core.xml", core_properties(pack).as_bytes())?;
    zip.add(
        "word/_rels/document.xml.rels",
        document_relationships().as_bytes(),
    )?;
    zip.add("word/styles.xml", STYLES.as_bytes())?;
    zip.add("word/document.xml", document(pack).as_bytes())?;
    zip.finish()
}

fn document(pack: &WriteUp) -> String {
    let mut body = String::new();
    body.push_str(&paragraph(
        Some("Title"),
        &[Run::plain(&format!("Themes: {}", pack.study_title))],
    ));
    body.push_str(&paragraph(None, &[Run::plain(&summary(pack))]));
    body.push_str(&paragraph(Some("Heading1"), &[Run::plain("Themes")]));
    if pack.themes.is_empty() {
        body.push_str(&paragraph(None, &[Run::plain("No themes yet.")]));
    }
    for theme in &pack.themes {
        let heading = if theme.within.is_some() {
            "Heading3"
        } else {
            "Heading2"
        };
        body.push_str(&paragraph(Some(heading), &[Run::plain(&theme.name)]));
        for (name, value) in theme.facts() {
            body.push_str(&fact(name, value));
        }
        if !theme.codes.is_empty() {
            body.push_str(&paragraph(None, &[Run::bold("Codes")]));
            for (path, definition) in &theme.codes {
                let line = match definition.trim() {
                    "" => path.clone(),
                    definition => format!("{path}: {definition}"),
                };
                body.push_str(&paragraph(Some("ListParagraph"), &[Run::plain(&line)]));
            }
        }
        for quote in &theme.extracts {
            let words = lines(&quote.words).collect::<Vec<_>>().join("\n");
            let source = format!("\n— {} ({})", quote.label, quote.question);
            let words = format!("“{words}”");
            let runs = [Run::plain(&words), Run::plain(&source)];
            body.push_str(&paragraph(Some("Quote"), &runs));
        }
    }
    body.push_str(&paragraph(Some("Heading1"), &[Run::plain("Method log")]));
    if pack.log.is_empty() {
        body.push_str(&paragraph(None, &[Run::plain("Nothing has been logged yet.")]));
    } else {
        body.push_str(&log_table(pack));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"{W}\"><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1418\" w:right=\"1418\" w:bottom=\"1418\" w:left=\"1418\" \
         w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

/// "Definition: …", its name in bold.
fn fact(name: &str, value: &str) -> String {
    let value = lines(value).collect::<Vec<_>>().join("\n");
    paragraph(
        None,
        &[Run::bold(&format!("{name}: ")), Run::plain(&value)],
    )
}

fn log_table(pack: &WriteUp) -> String {
    let mut table = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/>\
         <w:tblLook w:val=\"0420\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" \
         w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
    );
    for width in LOG_COLUMNS {
        table.push_str(&format!("<w:gridCol w:w=\"{width}\"/>"));
    }
    table.push_str("</w:tblGrid>");
    table.push_str(&row(&["When", "Who", "What", "Detail"], true));
    for line in &pack.log {
        table.push_str(&row(
            &[&line.at, &line.by, &line.action, &line.detail],
            false,
        ));
    }
    table.push_str("</w:tbl>");
    table
}

fn row(cells: &[&str; 4], header: bool) -> String {
    let mut out = String::from("<w:tr>");
    if header {
        out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
    }
    for (text, width) in cells.iter().zip(LOG_COLUMNS) {
        let run = if header {
            Run::bold(text)
        } else {
            Run::plain(text)
        };
        out.push_str(&format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>",
            paragraph(None, &[run])
        ));
    }
    out.push_str("</w:tr>");
    out
}

struct Run<'a> {
    text: &'a str,
    bold: bool,
}

impl<'a> Run<'a> {
    fn plain(text: &'a str) -> Self {
        Self { text, bold: false }
    }

    fn bold(text: &'a str) -> Self {
        Self { text, bold: true }
    }
}

/// A paragraph in `style` (Normal when None); a line break in a run's text is a line break in it.
fn paragraph(style: Option<&str>, runs: &[Run<'_>]) -> String {
    let mut out = String::from("<w:p>");
    if let Some(style) = style {
        out.push_str(&format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>"));
    }
    for run in runs {
        out.push_str("<w:r>");
        if run.bold {
            out.push_str("<w:rPr><w:b/></w:rPr>");
        }
        for (index, line) in run.text.split('\n').enumerate() {
            if index > 0 {
                out.push_str("<w:br/>");
            }
            out.push_str(&format!(
                "<w:t xml:space=\"preserve\">{}</w:t>",
                xml(line.trim_end_matches('\r'))
            ));
        }
        out.push_str("</w:r>");
    }
    out.push_str("</w:p>");
    out
}

fn content_types() -> String {
    let main = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"{main}.document.main+xml\"/>\
         <Override PartName=\"/word/styles.xml\" ContentType=\"{main}.styles+xml\"/>\
         <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         </Types>"
    )
}

fn package_relationships() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"{RELATIONSHIPS}\">\
         <Relationship Id=\"rId1\" Type=\"{OFFICE_RELATIONSHIPS}/officeDocument\" Target=\"word/document.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{RELATIONSHIPS}/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         </Relationships>"
    )
}

fn document_relationships() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"{RELATIONSHIPS}\">\
         <Relationship Id=\"rId1\" Type=\"{OFFICE_RELATIONSHIPS}/styles\" Target=\"styles.xml\"/>\
         </Relationships>"
    )
}

fn core_properties(pack: &WriteUp) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:language>en-GB</dc:language>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{}T00:00:00Z</dcterms:created>\
         </cp:coreProperties>",
        xml(&format!("Themes: {}", pack.study_title)),
        pack.made_on
    )
}

/// Word's built-in names for the styles used, so Word and LibreOffice treat them as their own.
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/>",
    "<w:sz w:val=\"24\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault>",
    "<w:pPrDefault><w:pPr><w:spacing w:after=\"160\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"48\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:keepNext/><w:spacing w:before=\"360\" w:after=\"120\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"36\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"30\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl w:val=\"2\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"26\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Quote\"><w:name w:val=\"Quote\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:ind w:left=\"720\" w:right=\"720\"/></w:pPr><w:rPr><w:i/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:spacing w:after=\"60\"/><w:ind w:left=\"720\"/></w:pPr></w:style>",
    "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblBorders>",
    "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>",
    "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>",
    "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>",
    "</w:tblBorders><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
    "</w:styles>"
);

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::super::sample;
    use super::*;

    fn part(docx: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn the_document_has_headings_quotes_with_labels_and_the_log_table() {
        let docx = write_up_docx(&sample::write_up()).unwrap();
        let document = part(&docx, "word/document.xml");
        assert!(document.contains("<w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Recovery is personal</w:t>"), "{document}");
        assert!(document.contains("<w:pStyle w:val=\"Heading3\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Small steps</w:t>"), "{document}");
        assert!(document.contains("“let *Sam* decide &lt;now&gt; &amp; # later”"), "{document}");
        assert!(document.contains("<w:br/><w:t xml:space=\"preserve\">— P3: Inpatient SW (What does recovery mean?)</w:t>"), "{document}");
        assert!(document.contains("Workers describe recovery as Sam's.</w:t><w:br/>"), "{document}");
        assert!(document.contains("<w:tblHeader/>"), "{document}");
        assert!(document.contains(">Hope | pipes<"), "{document}");
        for name in ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/_rels/document.xml.rels", "word/styles.xml"] {
            assert!(part(&docx, name).starts_with("<?xml"), "{name}");
        }
    }
}
