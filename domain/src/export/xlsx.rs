//! An Excel workbook: sheet "Responses" holds the wide table (as the wide CSV, with Likert points
//! and exact months as numbers), sheet "Codebook" the codebook; once the study has codes, sheets
//! "Extracts" (a row per coding the downloader may see), "Codes by participant" (1 or 0),
//! "Coding counts" (numbers), "Analysis codes" and "Themes", and once it has memos "Memos", as
//! the analysis's CSV downloads.
//!
//! The responses sheet is in rust_xlsxwriter's constant-memory mode: each row goes to a temporary
//! file as soon as the next begins. The finished workbook is written to another temporary file
//! and streamed from there, so neither the rows nor the file are held in memory.

use std::borrow::Cow;

use futures_util::TryStreamExt;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::{analysis, codebook, memos};
use super::format::{Context, answer, day, design_cells, leading_columns};
use super::sink::send_file;
use super::table::participant_name;
use super::{ExportError, ExportSink};
use crate::analysis::Blinding;
use crate::storage::{CodeRecord, Storage, SubmittedResponse};

const RESPONSES_SHEET: &str = "Responses";
const CODEBOOK_SHEET: &str = "Codebook";
const EXTRACTS_SHEET: &str = "Extracts";
const PRESENCE_SHEET: &str = "Codes by participant";
const COUNTS_SHEET: &str = "Coding counts";
const ANALYSIS_CODES_SHEET: &str = "Analysis codes";
const THEMES_SHEET: &str = "Themes";
const MEMOS_SHEET: &str = "Memos";

/// Excel holds at most 32,767 UTF-16 units in a cell; studies allow longer answers.
const CELL_LIMIT: usize = 32_767;
const CUT_MARK: &str = " [… cut at Excel's cell limit: the CSV and JSON exports hold it all]";

fn xlsx_error(error: XlsxError) -> ExportError {
    ExportError::Io(std::io::Error::other(error))
}

pub(super) async fn write(
    storage: &Storage,
    context: &Context<'_>,
    blinding: &Blinding,
    sink: &mut impl ExportSink,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ExportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name(RESPONSES_SHEET).map_err(xlsx_error)?;
    let header = leading_columns(context).chain(context.variables.iter().map(|v| v.id()));
    write_strings(sheet, 0, header)?;
    let mut written = 0;
    let mut participants = std::pin::pin!(super::redacted_responses(storage, context));
    while let Some(response) = participants.try_next().await? {
        written += 1;
        write_response(sheet, row_number(written)?, context, &response)?;
        progress(written);
    }
    write_codebook(workbook.add_worksheet(), context)?;
    write_analysis(storage, &mut workbook, context, blinding).await?;
    let file = tokio::task::spawn_blocking(move || save(workbook))
        .await
        .map_err(std::io::Error::other)??;
    send_file(file, sink).await?;
    sink.finish().await?;
    Ok(written)
}

/// Excel's rows are numbered in 32 bits (and end at 1,048,576: rust_xlsxwriter refuses more).
fn row_number(written: u64) -> Result<u32, ExportError> {
    u32::try_from(written).map_err(|_| ExportError::Io(std::io::Error::other("too many rows")))
}

/// A text too long for a cell is cut, visibly, instead of failing the whole workbook.
fn fit_cell(text: &str) -> Cow<'_, str> {
    if text.encode_utf16().count() <= CELL_LIMIT {
        return Cow::Borrowed(text);
    }
    let room = CELL_LIMIT - CUT_MARK.encode_utf16().count();
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > room
        })
        .map_or(text.len(), |(at, _)| at);
    Cow::Owned(format!("{}{CUT_MARK}", &text[..end]))
}

/// Strings are written as strings, never as formulas: an answer "=HYPERLINK(…)" stays text.
fn write_string(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    text: &str,
) -> Result<(), ExportError> {
    sheet
        .write_string(row, column, fit_cell(text))
        .map_err(xlsx_error)?;
    Ok(())
}

fn write_strings<'a>(
    sheet: &mut Worksheet,
    row: u32,
    cells: impl IntoIterator<Item = &'a str>,
) -> Result<(), ExportError> {
    for (column, cell) in (0u16..).zip(cells) {
        write_string(sheet, row, column, cell)?;
    }
    Ok(())
}

fn write_response(
    sheet: &mut Worksheet,
    row: u32,
    context: &Context<'_>,
    response: &SubmittedResponse,
) -> Result<(), ExportError> {
    let name = participant_name(response.participant_number);
    write_strings(sheet, row, [name.as_str(), &day(response)])?;
    let design = design_cells(context, response);
    for ((column, cell), design_column) in (2u16..).zip(&design).zip(&context.design) {
        match design_column.is_numeric().then(|| cell.parse::<f64>().ok()).flatten() {
            Some(place) => {
                sheet.write_number(row, column, place).map_err(xlsx_error)?;
            }
            None => write_string(sheet, row, column, cell)?,
        }
    }
    let first_answer = 2 + u16::try_from(design.len()).unwrap_or(0);
    for (column, variable) in (first_answer..).zip(&context.variables) {
        let cell = answer(context, response, variable);
        // An unanswered question stays an empty cell, as in the CSV.
        if cell.is_empty() {
            continue;
        }
        let number = variable
            .is_numeric(context.options)
            .then(|| cell.parse::<f64>().ok())
            .flatten();
        match number {
            Some(number) => {
                sheet
                    .write_number(row, column, number)
                    .map_err(xlsx_error)?;
            }
            None => write_string(sheet, row, column, &cell)?,
        }
    }
    Ok(())
}

fn write_codebook(sheet: &mut Worksheet, context: &Context<'_>) -> Result<(), ExportError> {
    sheet.set_name(CODEBOOK_SHEET).map_err(xlsx_error)?;
    write_strings(sheet, 0, codebook::COLUMNS)?;
    for (row, cells) in (1u32..).zip(codebook::rows(context)) {
        write_strings(sheet, row, cells.iter().map(String::as_str))?;
    }
    Ok(())
}

/// The analysis's sheets: the codes' when the study has codes, the memos' when it has memos.
async fn write_analysis(
    storage: &Storage,
    workbook: &mut Workbook,
    context: &Context<'_>,
    blinding: &Blinding,
) -> Result<(), ExportError> {
    let study = context.study;
    let codes = storage.analysis().codes_seen_by(&study.slug, blinding).await?;
    if !codes.is_empty() {
        write_coding_sheets(storage, workbook, context, blinding, &codes).await?;
    }
    let memos = memos::memo_rows(storage, study, blinding).await?;
    if !memos.is_empty() {
        write_table(workbook, MEMOS_SHEET, memos::MEMO_HEADER, &memos, &[])?;
    }
    Ok(())
}

/// The sheets of the codes and their codings.
async fn write_coding_sheets(
    storage: &Storage,
    workbook: &mut Workbook,
    context: &Context<'_>,
    blinding: &Blinding,
    codes: &[CodeRecord],
) -> Result<(), ExportError> {
    let study = context.study;
    let extracts = analysis::extract_rows(storage, study, codes, blinding).await?;
    let positions = [5, 6];
    write_table(workbook, EXTRACTS_SHEET, analysis::EXTRACT_HEADER, &extracts, &positions)?;
    let header: Vec<&str> = std::iter::once("participant")
        .chain(codes.iter().map(|code| code.name.as_str()))
        .collect();
    let rows = analysis::coding_counts(storage, study, codes, blinding).await?;
    for (name, presence) in [(PRESENCE_SHEET, true), (COUNTS_SHEET, false)] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(xlsx_error)?;
        write_strings(sheet, 0, header.iter().copied())?;
        for (row, (participant, counts)) in (1u32..).zip(&rows) {
            write_string(sheet, row, 0, participant)?;
            for (column, &count) in (1u16..).zip(counts) {
                let shown = analysis::shown_count(count, presence) as f64;
                sheet.write_number(row, column, shown).map_err(xlsx_error)?;
            }
        }
    }
    let code_rows = analysis::codebook_rows(codes);
    let codings = [2];
    write_table(workbook, ANALYSIS_CODES_SHEET, analysis::CODEBOOK_HEADER, &code_rows, &codings)?;
    let themes = storage.analysis().themes(&study.slug).await?;
    let theme_rows = analysis::theme_rows(&themes, codes);
    write_table(workbook, THEMES_SHEET, analysis::THEME_HEADER, &theme_rows, &[])?;
    Ok(())
}

/// A sheet of `rows` under `header`, the cells of the `numeric` columns as numbers.
fn write_table<const N: usize>(
    workbook: &mut Workbook,
    name: &str,
    header: [&str; N],
    rows: &[[String; N]],
    numeric: &[u16],
) -> Result<(), ExportError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(name).map_err(xlsx_error)?;
    write_strings(sheet, 0, header)?;
    for (row, cells) in (1u32..).zip(rows) {
        write_strings(sheet, row, cells.iter().map(String::as_str))?;
        for &column in numeric {
            if let Ok(number) = cells[usize::from(column)].parse::<f64>() {
                sheet.write_number(row, column, number).map_err(xlsx_error)?;
            }
        }
    }
    Ok(())
}

/// The finished workbook in an unnamed temporary file (gone once closed), read from its start.
fn save(mut workbook: Workbook) -> Result<std::fs::File, ExportError> {
    use std::io::Seek;
    let mut file = tempfile::tempfile()?;
    workbook.save_to_writer(&mut file).map_err(xlsx_error)?;
    file.rewind()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::{CELL_LIMIT, CUT_MARK, fit_cell};

    #[test]
    fn a_text_longer_than_a_cell_is_cut_visibly_on_a_character_boundary() {
        let fits = "🙂".repeat(CELL_LIMIT / 2);
        assert_eq!(fit_cell(&fits), fits.as_str());
        let too_long = "ŵ🙂".repeat(20_000);
        let cut = fit_cell(&too_long);
        assert!(cut.ends_with(CUT_MARK));
        assert!(cut.encode_utf16().count() <= CELL_LIMIT);
        assert!(
            cut.encode_utf16().count() >= CELL_LIMIT - 2,
            "no more is cut than needed"
        );
        assert!(too_long.starts_with(cut.strip_suffix(CUT_MARK).unwrap()));
    }
}
