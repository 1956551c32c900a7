//! The export formats: their names, files, and how each writes its header and a participant.

use super::ExportOptions;
use super::csv::{UTF8_BOM, push_record, record};
use super::table::{PARTICIPANT_COLUMN, SUBMITTED_COLUMN, Variable, participant_name};
use crate::storage::SubmittedResponse;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One row per participant, one column per question.
    CsvWide,
    /// One row per participant and question.
    CsvLong,
    /// The wide table with a byte-order mark, so Excel reads it as UTF-8.
    CsvExcel,
}

impl ExportFormat {
    pub const ALL: [Self; 3] = [Self::CsvWide, Self::CsvLong, Self::CsvExcel];

    /// The name in addresses and on the command line.
    pub fn slug(self) -> &'static str {
        match self {
            Self::CsvWide => "csv-wide",
            Self::CsvLong => "csv-long",
            Self::CsvExcel => "csv-excel",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.slug() == slug)
    }

    /// What a researcher gets, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Self::CsvWide => "CSV, one row per participant (wide)",
            Self::CsvLong => "CSV, one row per participant and question (long)",
            Self::CsvExcel => "CSV for Excel (wide, with a byte-order mark)",
        }
    }

    pub fn file_name(self, study_slug: &str) -> String {
        match self {
            Self::CsvWide => format!("{study_slug}-wide.csv"),
            Self::CsvLong => format!("{study_slug}-long.csv"),
            Self::CsvExcel => format!("{study_slug}-wide-excel.csv"),
        }
    }

    pub fn content_type(self) -> &'static str {
        "text/csv; charset=utf-8"
    }

    /// What comes before the first participant: the header row.
    pub(super) fn preamble(self, variables: &[Variable<'_>]) -> String {
        match self {
            Self::CsvWide => wide_header(variables),
            Self::CsvExcel => format!("{UTF8_BOM}{}", wide_header(variables)),
            Self::CsvLong => record([PARTICIPANT_COLUMN, SUBMITTED_COLUMN, "question", "value"]),
        }
    }

    /// One participant's rows.
    pub(super) fn participant(
        self,
        variables: &[Variable<'_>],
        response: &SubmittedResponse,
        options: ExportOptions,
    ) -> String {
        let name = participant_name(response.participant_number);
        let day = response.submitted_on.format("%Y-%m-%d").to_string();
        let answer = |variable: &Variable<'_>| {
            variable.cell(
                response.answers.get(variable.id()).map(String::as_str),
                options,
            )
        };
        match self {
            Self::CsvWide | Self::CsvExcel => {
                let cells: Vec<_> = variables.iter().map(answer).collect();
                let leading = [name.as_str(), day.as_str()];
                record(leading.into_iter().chain(cells.iter().map(AsRef::as_ref)))
            }
            Self::CsvLong => {
                let mut rows = String::new();
                for variable in variables {
                    push_record(
                        &mut rows,
                        [&name, &day, variable.id(), answer(variable).as_ref()],
                    );
                }
                rows
            }
        }
    }
}

fn wide_header(variables: &[Variable<'_>]) -> String {
    let leading = [PARTICIPANT_COLUMN, SUBMITTED_COLUMN];
    record(
        leading
            .into_iter()
            .chain(variables.iter().map(Variable::id)),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::ExportFormat;
    use crate::export::{ExportOptions, variables};
    use crate::storage::SubmittedResponse;
    use crate::study::Study;

    fn sam() -> Study {
        Study::parse("sam.toml", include_str!("../../../studies/sam.toml")).unwrap()
    }

    fn response() -> SubmittedResponse {
        let answers: BTreeMap<String, String> = [
            ("setting", "inpatient"),
            ("experience", "14"),
            ("r1", "=cmd|' /C calc'!A0"),
            ("r2", "Cooking 😀, Cymraeg ŵ, \"quoted\"\nnew line"),
            ("money_support", "4"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        SubmittedResponse {
            participant_number: 17,
            submitted_on: chrono::NaiveDate::from_ymd_opt(2026, 5, 3).unwrap(),
            answers,
        }
    }

    fn export(format: ExportFormat, options: ExportOptions) -> String {
        let study = sam();
        let variables = variables(&study);
        format.preamble(&variables) + &format.participant(&variables, &response(), options)
    }

    fn read_back(text: &str) -> Vec<BTreeMap<String, String>> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                headers
                    .iter()
                    .map(str::to_owned)
                    .zip(r.iter().map(str::to_owned))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn wide_has_one_row_per_participant_with_bands_and_safe_cells() {
        let text = export(ExportFormat::CsvWide, ExportOptions::default());
        let rows = read_back(&text);
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row["participant"], "P17");
        assert_eq!(row["submitted_on"], "2026-05-03");
        assert_eq!(row["setting"], "inpatient");
        assert_eq!(row["experience"], "1-2-years");
        assert_eq!(row["money_support"], "4");
        assert_eq!(row["r1"], "'=cmd|' /C calc'!A0");
        assert_eq!(row["r2"], "Cooking 😀, Cymraeg ŵ, \"quoted\"\nnew line");
        assert_eq!(row["r3"], "");
        assert!(
            !row.contains_key("nation"),
            "switched-off questions are left out"
        );
        assert!(text.ends_with("\r\n"));
    }

    #[test]
    fn exact_months_on_request_and_a_bom_for_excel() {
        let exact = ExportOptions {
            exact_experience: true,
        };
        let rows = read_back(&export(ExportFormat::CsvWide, exact));
        assert_eq!(rows[0]["experience"], "14");
        let excel = export(ExportFormat::CsvExcel, ExportOptions::default());
        assert!(excel.starts_with("\u{feff}participant,"));
    }

    #[test]
    fn long_has_a_row_per_participant_and_question() {
        let text = export(ExportFormat::CsvLong, ExportOptions::default());
        let rows = read_back(&text);
        let study = sam();
        assert_eq!(rows.len(), variables(&study).len());
        let experience = rows.iter().find(|r| r["question"] == "experience").unwrap();
        assert_eq!(experience["value"], "1-2-years");
        assert!(rows.iter().all(|r| r["participant"] == "P17"));
    }
}
