//! The export formats: their names and files, and how each writes its parts.

use std::borrow::Cow;

use super::ExportOptions;
use super::csv::{UTF8_BOM, push_record, record};
use super::table::{
    DesignColumn, PARTICIPANT_COLUMN, SUBMITTED_COLUMN, Variable, participant_name,
};
use super::{codebook, json, syntax};
use crate::ids::StudySlug;
use crate::redaction::review::ExportRedactions;
use crate::storage::SubmittedResponse;
use crate::study::Study;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One row per participant, one column per question.
    CsvWide,
    /// One row per participant and question.
    CsvLong,
    /// The wide table with a byte-order mark, so Excel reads it as UTF-8.
    CsvExcel,
    /// The wide table with line breaks inside answers turned into spaces: SPSS and PSPP end a
    /// case at every line break, even inside quotes. The SPSS syntax reads this file.
    CsvSpss,
    CodebookCsv,
    CodebookMarkdown,
    /// SPSS (or PSPP) syntax that reads the wide CSV with all labels.
    SpssSyntax,
    /// An R script that reads the wide CSV with labelled factors.
    RScript,
    /// The study definition with every submitted response.
    Json,
    /// A REFI-QDA project for qualitative analysis software.
    Qdpx,
    /// Every finding of the identifier review and its decision, without the words found.
    RedactionLog,
    /// An Excel workbook: the wide table and the codebook, each on a sheet.
    Xlsx,
}

/// What every part of an export needs to know.
pub(super) struct Context<'a> {
    /// The newest version: the columns and the labels of the data files.
    pub study: &'a Study,
    /// Every version of the study, oldest first, for what is written in each version's own
    /// wording (the codebook, the REFI-QDA descriptions of answers, the JSON definitions).
    pub versions: &'a [std::sync::Arc<Study>],
    /// How the study was shown to each participant (their scenario order), before the answers.
    pub design: Vec<DesignColumn>,
    pub variables: Vec<Variable<'a>>,
    pub options: ExportOptions,
    /// Accepted findings, replaced by their descriptors in every answer written.
    pub redactions: ExportRedactions,
}

impl ExportFormat {
    pub const ALL: [Self; 12] = [
        Self::CsvWide,
        Self::CsvLong,
        Self::CsvExcel,
        Self::CsvSpss,
        Self::CodebookCsv,
        Self::CodebookMarkdown,
        Self::SpssSyntax,
        Self::RScript,
        Self::Json,
        Self::Qdpx,
        Self::RedactionLog,
        Self::Xlsx,
    ];

    /// The name in addresses and on the command line.
    pub fn slug(self) -> &'static str {
        match self {
            Self::CsvWide => "csv-wide",
            Self::CsvLong => "csv-long",
            Self::CsvExcel => "csv-excel",
            Self::CsvSpss => "csv-spss",
            Self::CodebookCsv => "codebook-csv",
            Self::CodebookMarkdown => "codebook-md",
            Self::SpssSyntax => "spss-syntax",
            Self::RScript => "r-script",
            Self::Json => "json",
            Self::Qdpx => "qdpx",
            Self::RedactionLog => "redaction-log",
            Self::Xlsx => "xlsx",
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
            Self::CsvSpss => "CSV for SPSS (wide, line breaks in answers as spaces)",
            Self::CodebookCsv => "Codebook as CSV",
            Self::CodebookMarkdown => "Codebook as Markdown",
            Self::SpssSyntax => "SPSS syntax that reads the wide CSV with all labels",
            Self::RScript => "R script that reads the wide CSV with labelled factors",
            Self::Json => "JSON: the study definition with all responses",
            Self::Qdpx => "REFI-QDA project (.qdpx) for qualitative analysis software",
            Self::RedactionLog => "Redaction log: each identifier found and what was decided",
            Self::Xlsx => "Excel workbook (.xlsx): the wide table and the codebook",
        }
    }

    pub fn file_name(self, study_slug: &StudySlug) -> String {
        let suffix = match self {
            Self::CsvWide => "wide.csv",
            Self::CsvLong => "long.csv",
            Self::CsvExcel => "wide-excel.csv",
            Self::CsvSpss => "wide-spss.csv",
            Self::CodebookCsv => "codebook.csv",
            Self::CodebookMarkdown => "codebook.md",
            Self::SpssSyntax => "wide.sps",
            Self::RScript => "wide.R",
            Self::Json => "responses.json",
            Self::Qdpx => "project.qdpx",
            Self::RedactionLog => "redaction-log.csv",
            Self::Xlsx => "responses.xlsx",
        };
        format!("{study_slug}-{suffix}")
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::CsvWide
            | Self::CsvLong
            | Self::CsvExcel
            | Self::CsvSpss
            | Self::CodebookCsv
            | Self::RedactionLog => "text/csv; charset=utf-8",
            Self::CodebookMarkdown => "text/markdown; charset=utf-8",
            Self::SpssSyntax | Self::RScript => "text/plain; charset=utf-8",
            Self::Json => "application/json",
            Self::Qdpx => "application/zip",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// False for exports that hold no responses: about the study alone, such as the codebook,
    /// or about the review of identifiers.
    pub fn reads_responses(self) -> bool {
        !matches!(
            self,
            Self::CodebookCsv
                | Self::CodebookMarkdown
                | Self::SpssSyntax
                | Self::RScript
                | Self::RedactionLog
        )
    }

    /// What comes before the first participant.
    pub(super) fn opening(self, context: &Context<'_>) -> String {
        match self {
            Self::CsvWide | Self::CsvSpss => wide_header(context),
            Self::CsvExcel => format!("{UTF8_BOM}{}", wide_header(context)),
            Self::CsvLong => record([PARTICIPANT_COLUMN, SUBMITTED_COLUMN, "question", "value"]),
            Self::CodebookCsv => codebook::csv(context),
            Self::CodebookMarkdown => codebook::markdown(context),
            Self::SpssSyntax => syntax::spss(context),
            Self::RScript => syntax::r(context),
            Self::Json => json::opening(context.study, context.versions, context.options),
            Self::Qdpx | Self::RedactionLog | Self::Xlsx => String::new(),
        }
    }

    /// One participant's part; `first` for the first participant written.
    pub(super) fn participant(
        self,
        context: &Context<'_>,
        response: &SubmittedResponse,
        first: bool,
    ) -> String {
        match self {
            Self::CsvWide | Self::CsvExcel => wide_row(context, response, false),
            Self::CsvSpss => wide_row(context, response, true),
            Self::CsvLong => long_rows(context, response),
            Self::Json => json::response(context, response, first),
            Self::CodebookCsv
            | Self::CodebookMarkdown
            | Self::SpssSyntax
            | Self::RScript
            | Self::Qdpx
            | Self::RedactionLog
            | Self::Xlsx => String::new(),
        }
    }

    /// What comes after the last participant.
    pub(super) fn closing(self) -> &'static str {
        match self {
            Self::Json => json::CLOSING,
            _ => "",
        }
    }
}

/// The columns every table starts with: who, when, and how the study was shown to them.
pub(super) fn leading_columns<'c>(context: &'c Context<'_>) -> impl Iterator<Item = &'c str> {
    [PARTICIPANT_COLUMN, SUBMITTED_COLUMN]
        .into_iter()
        .chain(context.design.iter().map(|column| column.name.as_str()))
}

fn wide_header(context: &Context<'_>) -> String {
    record(leading_columns(context).chain(context.variables.iter().map(Variable::id)))
}

/// The design cells of a participant, in the order of `context.design`.
pub(super) fn design_cells(context: &Context<'_>, response: &SubmittedResponse) -> Vec<String> {
    context
        .design
        .iter()
        .map(|column| column.cell(response))
        .collect()
}

pub(super) fn day(response: &SubmittedResponse) -> String {
    response.submitted_on.format("%Y-%m-%d").to_string()
}

pub(super) fn answer<'r>(
    context: &Context<'_>,
    response: &'r SubmittedResponse,
    variable: &Variable<'_>,
) -> Cow<'r, str> {
    let stored = response.answers.get(variable.id()).map(String::as_str);
    variable.cell(stored, context.options)
}

fn wide_row(context: &Context<'_>, response: &SubmittedResponse, one_line: bool) -> String {
    let name = participant_name(response.participant_number);
    let day = day(response);
    let cells: Vec<_> = context
        .variables
        .iter()
        .map(|v| answer(context, response, v))
        .map(|cell| {
            if one_line && cell.contains(['\r', '\n']) {
                Cow::Owned(cell.replace("\r\n", " ").replace(['\r', '\n'], " "))
            } else {
                cell
            }
        })
        .collect();
    let design = design_cells(context, response);
    let leading = [name.as_str(), day.as_str()];
    record(
        leading
            .into_iter()
            .chain(design.iter().map(String::as_str))
            .chain(cells.iter().map(AsRef::as_ref)),
    )
}

fn long_rows(context: &Context<'_>, response: &SubmittedResponse) -> String {
    let name = participant_name(response.participant_number);
    let day = day(response);
    let mut rows = String::new();
    // The design is one value per participant: a row each, like an answer.
    for (column, cell) in context.design.iter().zip(design_cells(context, response)) {
        push_record(&mut rows, [name.as_str(), &day, &column.name, &cell]);
    }
    for variable in &context.variables {
        let cell = answer(context, response, variable);
        push_record(&mut rows, [&name, &day, variable.id(), cell.as_ref()]);
    }
    rows
}
#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{Context, ExportFormat};
    use crate::export::{ExportOptions, variables};
    use crate::ids::QuestionId;
    use crate::storage::SubmittedResponse;
    use crate::study::Study;

    /// Sam as the catalogue's version 1.
    fn sam() -> Study {
        let mut study =
            Study::parse("sam.toml", include_str!("../../../studies/sam.toml")).unwrap();
        study.version_number = 1;
        study
    }

    fn response() -> SubmittedResponse {
        let answers: BTreeMap<QuestionId, String> = [
            ("setting", "inpatient"),
            ("experience", "14"),
            ("r1", "=cmd|' /C calc'!A0"),
            ("r2", "Cooking 😀, Cymraeg ŵ, \"quoted\"\nnew line"),
            ("money_support", "4"),
        ]
        .into_iter()
        .map(|(k, v)| (QuestionId::parse(k).unwrap(), v.to_owned()))
        .collect();
        SubmittedResponse {
            participant_number: 17,
            submitted_on: chrono::NaiveDate::from_ymd_opt(2026, 5, 3).unwrap(),
            answers,
            dealt: Default::default(),
            study_version_number: 1,
            from_workshop: false,
        }
    }

    fn export(format: ExportFormat, options: ExportOptions) -> String {
        export_of(&sam(), &response(), format, options)
    }

    fn export_of(
        study: &Study,
        response: &SubmittedResponse,
        format: ExportFormat,
        options: ExportOptions,
    ) -> String {
        let context = Context {
            versions: &[],
            design: crate::export::table::design_columns(study),
            study,
            variables: variables(study),
            options,
            redactions: Default::default(),
        };
        format.opening(&context) + &format.participant(&context, response, true) + format.closing()
    }

    #[test]
    fn a_balanced_order_is_exported_with_each_pages_place() {
        let source = include_str!("../../../studies/sam.toml")
            .replacen("design = \"fixed\"", "design = \"all-orders\"", 1);
        let study = Study::parse("sam.toml", &source).unwrap();
        let dealt = SubmittedResponse {
            dealt: crate::study::Dealt {
                scenario_order: Some("scenario-social scenario-money scenario-medication".into()),
                variant: None,
            },
            ..response()
        };
        let options = ExportOptions::default();
        let row = &read_back(&export_of(&study, &dealt, ExportFormat::CsvWide, options))[0];
        assert_eq!(row["scenario_order"], "scenario-social scenario-money scenario-medication");
        assert_eq!(row["position_scenario_money"], "2");
        assert_eq!(row["position_scenario_medication"], "3");
        assert_eq!(row["position_scenario_social"], "1");
        assert_eq!(row["money_support"], "4", "answers keep their columns");

        let long = read_back(&export_of(&study, &dealt, ExportFormat::CsvLong, options));
        let social = long.iter().find(|r| r["question"] == "position_scenario_social").unwrap();
        assert_eq!(social["value"], "1");

        let json = export_of(&study, &dealt, ExportFormat::Json, options);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let order = &value["responses"][0]["scenario_order"];
        assert_eq!(order["pages"][0], "scenario-social");
        assert_eq!(order["places"]["position_scenario_money"], 2);

        let codebook = read_back(&export_of(&study, &dealt, ExportFormat::CodebookCsv, options));
        let described = codebook.iter().find(|r| r["variable"] == "scenario_order").unwrap();
        assert!(described["question"].contains("all-orders"), "{described:?}");
        let spss = export_of(&study, &dealt, ExportFormat::SpssSyntax, options);
        assert!(spss.contains("    position_scenario_money F8.0\n"), "{spss}");
        let r = export_of(&study, &dealt, ExportFormat::RScript, options);
        assert!(r.contains("as.integer(answers[[\"position_scenario_social\"]])"), "{r}");

        let fixed = read_back(&export(ExportFormat::CsvWide, options));
        assert!(!fixed[0].contains_key("scenario_order"), "a fixed order adds no column");
        assert_eq!(fixed[0]["study_version"], "1", "the version started on, always");
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
        assert_eq!(rows.len(), 2 + variables(&study).len(), "the version, the source, then each question");
        assert_eq!((rows[0]["question"].as_str(), rows[0]["value"].as_str()), ("study_version", "1"));
        assert_eq!((rows[1]["question"].as_str(), rows[1]["value"].as_str()), ("source", "survey"));
        let experience = rows.iter().find(|r| r["question"] == "experience").unwrap();
        assert_eq!(experience["value"], "1-2-years");
        assert!(rows.iter().all(|r| r["participant"] == "P17"));
    }

    #[test]
    fn the_codebook_words_each_question_as_each_version_asked_it() {
        let first = std::sync::Arc::new(sam());
        let source = include_str!("../../../studies/sam.toml").replacen(
            "label = \"What may hinder Sam's recovery, as you see it?\"",
            "label = \"What might get in the way of Sam's recovery?\"\nadapted = true",
            1,
        );
        let mut second = Study::parse("sam.toml", &source).unwrap();
        second.version_number = 2;
        let versions = [first, std::sync::Arc::new(second.clone())];
        let context = Context {
            versions: &versions,
            design: crate::export::table::design_columns(&second),
            study: &second,
            variables: variables(&second),
            options: ExportOptions::default(),
            redactions: Default::default(),
        };
        let rows = read_back(&ExportFormat::CodebookCsv.opening(&context));
        let r3: Vec<(&str, &str)> = rows
            .iter()
            .filter(|r| r["variable"] == "r3")
            .map(|r| (r["question"].as_str(), r["study_version"].as_str()))
            .collect();
        assert_eq!(
            r3,
            [
                ("What may hinder Sam's recovery, as you see it?", "1"),
                ("What might get in the way of Sam's recovery?", "2"),
            ]
        );
        let r2 = rows.iter().filter(|r| r["variable"] == "r2").collect::<Vec<_>>();
        assert_eq!(r2.len(), 1);
        assert_eq!(r2[0]["study_version"], "1; 2");
        let participant = rows.iter().find(|r| r["variable"] == "participant").unwrap();
        assert_eq!(participant["study_version"], "1; 2");
    }

    #[test]
    fn the_codebook_lists_wording_types_values_and_version() {
        let text = export(ExportFormat::CodebookCsv, ExportOptions::default());
        let rows = read_back(&text);
        let support = rows
            .iter()
            .find(|r| r["variable"] == "money_support")
            .unwrap();
        assert_eq!(
            support["question"],
            "How far would you support Sam in going ahead with this?"
        );
        assert_eq!(support["type"], "likert");
        assert_eq!(support["values"], "1; 2; 3; 4; 5");
        assert!(support["value_labels"].starts_with("1 = Strongly discourage; 2 = Discourage"));
        assert_eq!(support["study_version"], "1");
        let experience = rows.iter().find(|r| r["variable"] == "experience").unwrap();
        assert!(experience["value_labels"].contains("1-2-years = 1 year to less than 2 years"));
        let markdown = export(ExportFormat::CodebookMarkdown, ExportOptions::default());
        assert!(markdown.contains(
            "| r3 | What may hinder Sam's recovery, as you see it? | text | free text |  | 1 |"
        ));
        assert!(markdown.contains("version 1.0.0"));
    }

    #[test]
    fn json_holds_the_definition_and_anonymised_answers() {
        let text = export(ExportFormat::Json, ExportOptions::default());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["study"]["definition"]["slug"], "sam");
        assert_eq!(value["responses"][0]["participant"], "P17");
        assert_eq!(value["responses"][0]["answers"]["experience"], "1-2-years");
        assert_eq!(value["responses"][0]["answers"]["r1"], "=cmd|' /C calc'!A0");
        let study = sam();
        let context = Context {
            versions: &[],
            design: crate::export::table::design_columns(&study),
            study: &study,
            variables: variables(&study),
            options: ExportOptions::default(),
            redactions: Default::default(),
        };
        let two = ExportFormat::Json.opening(&context)
            + &ExportFormat::Json.participant(&context, &response(), true)
            + &ExportFormat::Json.participant(&context, &response(), false)
            + ExportFormat::Json.closing();
        let value: serde_json::Value = serde_json::from_str(&two).unwrap();
        assert_eq!(value["responses"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn spss_and_r_scripts_carry_every_label() {
        let spss = export(ExportFormat::SpssSyntax, ExportOptions::default());
        assert!(spss.contains("/FILE='sam-wide-spss.csv'"));
        let one_line = export(ExportFormat::CsvSpss, ExportOptions::default());
        assert_eq!(
            read_back(&one_line)[0]["r2"],
            "Cooking 😀, Cymraeg ŵ, \"quoted\" new line"
        );
        assert!(spss.contains("    money_support F8.0\n"));
        assert!(spss.contains("    r1 A20001\n"));
        assert!(spss.contains("/r3 'What may hinder Sam''s recovery, as you see it?'"));
        assert!(spss.contains("money_support 1 'Strongly discourage' 2 'Discourage'"));
        assert!(spss.contains("VALUE LABELS\n source 'survey' 'Took the survey' 'workshop' 'Answered in a workshop"));
        assert!(spss.contains(" /setting 'community' 'Community mental health services'"));
        assert!(spss.contains(" /role 'support_worker' 'Support worker'"));
        assert!(spss.contains("/money_support (ORDINAL)") && spss.contains("/r1 (NOMINAL)"));
        let r = export(ExportFormat::RScript, ExportOptions::default());
        assert!(r.contains("read.csv(\"sam-wide.csv\""));
        assert!(r.contains(
            "answers[[\"money_support\"]] <- factor(answers[[\"money_support\"]], levels = c(\"1\", \"2\", \"3\", \"4\", \"5\"), labels = c(\"Strongly discourage\""
        ));
        assert!(r.contains("attr(answers[[\"r3\"]], \"label\") <- \"What may hinder Sam's recovery, as you see it?\""));
        let exact = export(
            ExportFormat::RScript,
            ExportOptions {
                exact_experience: true,
            },
        );
        assert!(
            exact.contains("answers[[\"experience\"]] <- as.integer(answers[[\"experience\"]])")
        );
    }
}
