//! Anonymised exports: downloads from the researcher area (who may, what they get, the audit
//! log) and the `server export` command, on both database engines.

use std::collections::BTreeMap;

use crate::support::{
    TestApp, assert_valid_refi_qda, config_for, http_client, location, sign_in_then, unzip,
};
use domain::export::{ExportFormat, ExportOptions};
use reqwest::{StatusCode, header};

const UNICODE_ANSWER: &str = "Cooking 😀, Gwasanaeth ŵ ŷ, سام يحب الطبخ, \"quoted\"\nnew line";

pub(crate) fn read_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            headers
                .iter()
                .map(str::to_owned)
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

async fn study_with_two_participants() -> TestApp {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", UNICODE_ANSWER).await;
    app.submit_response("community", "=HYPERLINK(\"http://evil\")")
        .await;
    app.consent().await;
    app
}

#[tokio::test]
async fn a_researcher_downloads_the_wide_csv_as_a_streamed_attachment() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    let response = app
        .get_with_cookie("/admin/studies/sam/exports/csv-wide", &cookie)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let header_of = |name| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(
        header_of(header::CONTENT_DISPOSITION),
        "attachment; filename=\"sam-wide.csv\""
    );
    assert!(header_of(header::CONTENT_TYPE).starts_with("text/csv"));
    assert!(
        response.headers().get(header::CONTENT_LENGTH).is_none(),
        "streamed, not built first"
    );
    let rows = read_csv(&response.text().await.unwrap());
    assert_eq!(rows.len(), 2, "only submitted responses");
    assert_eq!(rows[0]["participant"], "P1");
    assert_eq!(rows[0]["r2"], UNICODE_ANSWER);
    assert_eq!(rows[0]["experience"], "1-2-years");
    assert_eq!(rows[0]["money_support"], "4");
    assert_eq!(rows[1]["r2"], "'=HYPERLINK(\"http://evil\")");
    assert!(rows.iter().all(|row| !row.values().any(|v| v.len() == 36)));

    let audit = app.storage().await.audit_log().newest(5).await.unwrap();
    let (_, actor, action, detail) = &audit[0];
    assert_eq!(
        (actor.as_str(), action.as_str(), detail.as_str()),
        (
            "researcher@example.org",
            "exported data",
            "study sam, csv-wide, experience banded"
        )
    );
}

#[tokio::test]
async fn long_and_excel_variants_and_exact_months_on_request() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("owner").await;
    let long = app
        .get_with_cookie(
            "/admin/studies/sam/exports/csv-long?experience=exact",
            &cookie,
        )
        .await;
    assert_eq!(long.status(), StatusCode::OK);
    let rows = read_csv(&long.text().await.unwrap());
    let experience: Vec<_> = rows
        .iter()
        .filter(|row| row["question"] == "experience")
        .map(|row| row["value"].as_str())
        .collect();
    assert_eq!(experience, ["14", "14"]);
    let excel = app
        .get_with_cookie("/admin/studies/sam/exports/csv-excel", &cookie)
        .await;
    let bytes = excel.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}participant,".as_bytes()));
}

/// Browsers ask for compressed bodies; the compression layer must see the streamed export end
/// cleanly instead of resetting the connection.
#[tokio::test]
async fn a_compressed_download_ends_cleanly() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    for format in ["csv-wide", "xlsx", "qdpx"] {
        let response = http_client()
            .get(app.url(&format!("/admin/studies/sam/exports/{format}")))
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT_ENCODING, "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        let body = response.bytes().await;
        assert!(
            body.is_ok_and(|b| !b.is_empty()),
            "{format}: the body is cut off"
        );
    }
}

#[tokio::test]
async fn trainers_and_visitors_get_no_export() {
    let app = study_with_two_participants().await;
    let path = "/admin/studies/sam/exports/csv-wide";
    let anonymous = app.get(path).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&anonymous), sign_in_then(path));
    let trainer = app.signed_in_as("trainer").await;
    let refused = app.get_with_cookie(path, &trainer).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.unwrap().contains("Cooking"));
    let researcher = app.signed_in_as("researcher").await;
    let unknown_format = app
        .get_with_cookie("/admin/studies/sam/exports/pdf", &researcher)
        .await;
    assert_eq!(unknown_format.status(), StatusCode::BAD_REQUEST);
    let unknown_study = app
        .get_with_cookie("/admin/studies/nope/exports/csv-wide", &researcher)
        .await;
    assert_eq!(unknown_study.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_command_line_writes_the_same_export_and_audits_it() {
    let app = study_with_two_participants().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sam.csv");
    let config = config_for(&app.database_url);
    let written =
        server::startup::export(&config, "sam", "csv-wide", &out, ExportOptions::default())
            .await
            .unwrap();
    assert_eq!(written, 2);
    let rows = read_csv(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["participant"], "P2");
    let audit = app.storage().await.audit_log().newest(1).await.unwrap();
    assert_eq!(audit[0].1, "command line");
    assert_eq!(audit[0].2, "exported data");

    let unknown = server::startup::export(&config, "sam", "pdf", &out, ExportOptions::default())
        .await
        .unwrap_err();
    assert!(unknown.to_string().contains("csv-wide"), "{unknown}");
}

/// `unzip -t` checks every entry's CRC-32 and the central directory.
fn assert_unzip_tests_clean(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sam.qdpx");
    std::fs::write(&file, bytes).unwrap();
    let output = std::process::Command::new("unzip")
        .arg("-tq")
        .arg(&file)
        .output()
        .expect("unzip runs (Debian unzip)");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
    assert!(report.contains("No errors detected"), "{report}");
}

/// The element that starts with `start` in `xml_text`, up to the end of its line.
fn element<'x>(xml_text: &'x str, start: &str) -> &'x str {
    let from = xml_text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in project.qde"));
    let rest = &xml_text[from..];
    &rest[..rest.find('\n').unwrap_or(rest.len())]
}

fn attribute<'x>(element: &'x str, name: &str) -> &'x str {
    let start = element.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
    let length = element[start..].find('"').unwrap();
    &element[start..start + length]
}

#[tokio::test]
async fn the_refi_qda_project_is_valid_complete_and_stable() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    let download = || async {
        let response = app
            .get_with_cookie("/admin/studies/sam/exports/qdpx", &cookie)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
        response.bytes().await.unwrap()
    };
    let bytes = download().await;
    assert_unzip_tests_clean(&bytes);
    let files = unzip(&bytes);
    let project = &files["project.qde"];
    assert_valid_refi_qda(project, "Project.xsd");
    let sources: Vec<_> = files.keys().filter(|n| n.starts_with("sources/")).collect();
    assert_eq!(sources.len(), 2 * 9, "nine text answers each");
    let guid = domain::export::qdpx_source_guid(&crate::support::sam(), 1, "r2");
    assert_eq!(files[&format!("sources/{guid}.txt")], UNICODE_ANSWER);
    assert!(project.contains(&format!("plainTextPath=\"internal://{guid}.txt\"")));
    assert!(project.contains("<Case guid=") && project.contains("name=\"P2\""));
    assert!(project.contains("<TextValue>1-2-years</TextValue>"));
    assert!(project.contains("<IntegerValue>4</IntegerValue>"));
    assert!(
        project.contains("name=\"Situation 1 of 3: Sam&apos;s money\"")
            || project.contains("name=\"Situation 1 of 3: Sam's money\"")
    );
    assert_eq!(
        download().await,
        bytes,
        "the same bytes, so the same GUIDs, again"
    );
}

#[tokio::test]
async fn each_answer_is_selected_whole_in_code_points_and_coded_with_its_question() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    let response = app
        .get_with_cookie("/admin/studies/sam/exports/qdpx", &cookie)
        .await;
    let files = unzip(&response.bytes().await.unwrap());
    let project = &files["project.qde"];
    let guid = domain::export::qdpx_source_guid(&crate::support::sam(), 1, "r2");
    let written = &files[&format!("sources/{guid}.txt")];
    let source = element(project, &format!("<TextSource guid=\"{guid}\""));
    let selection = element(source, "<PlainTextSelection ");
    assert_eq!(attribute(selection, "startPosition"), "0");
    // Emoji, ŵ ŷ and Arabic: code points, UTF-16 units and bytes all differ.
    let code_points = written.chars().count();
    assert!(code_points < written.encode_utf16().count() && code_points < written.len());
    assert_eq!(attribute(selection, "endPosition"), code_points.to_string());

    let code = attribute(element(selection, "<CodeRef "), "targetGUID");
    let question_code = element(project, &format!("<Code guid=\"{code}\""));
    assert_eq!(attribute(question_code, "name"), "r2");
    assert_eq!(attribute(question_code, "isCodable"), "true");
    let code_book =
        &project[project.find("<CodeBook>").unwrap()..project.find("</CodeBook>").unwrap()];
    assert!(
        project.find("</CodeBook>") < project.find("<Variables>"),
        "schema order"
    );
    let page_codes: Vec<_> = code_book
        .lines()
        .filter(|line| line.contains("isCodable=\"false\""))
        .map(|line| attribute(line, "name"))
        .collect();
    assert_eq!(
        page_codes.len(),
        4,
        "the recovery questions and three scenarios: {page_codes:?}"
    );
    let selections = project.matches("<PlainTextSelection ").count();
    assert_eq!(selections, 2 * 9, "one a source");
}

#[tokio::test]
async fn the_progress_page_offers_every_export_and_warns_of_small_groups() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    let page = app.page_text("/admin/studies/sam", &cookie).await;
    for format in domain::export::ExportFormat::ALL {
        let href = format!("/admin/studies/sam/exports/{}", format.slug());
        assert!(page.contains(&href), "{href}");
    }
    assert!(
        page.contains("fewer than 10 people"),
        "two participants are a small group"
    );
    assert!(page.contains("inpatient, support_worker, 1-2-years (1)"));
}

#[tokio::test]
async fn codebook_and_scripts_download_without_reading_responses() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    let text = |path: &'static str| {
        let app = &app;
        let cookie = &cookie;
        async move {
            let response = app.get_with_cookie(path, cookie).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.text().await.unwrap()
        }
    };
    let codebook = read_csv(&text("/admin/studies/sam/exports/codebook-csv").await);
    assert!(codebook.iter().any(|row| row["variable"] == "r1"));
    assert!(
        text("/admin/studies/sam/exports/codebook-md")
            .await
            .starts_with("# Codebook")
    );
    assert!(
        text("/admin/studies/sam/exports/spss-syntax")
            .await
            .contains("VALUE LABELS")
    );
    assert!(
        text("/admin/studies/sam/exports/r-script")
            .await
            .contains("read.csv(")
    );
    let json: serde_json::Value =
        serde_json::from_str(&text("/admin/studies/sam/exports/json").await).unwrap();
    assert_eq!(json["responses"].as_array().unwrap().len(), 2);
    assert_eq!(json["responses"][0]["answers"]["r2"], UNICODE_ANSWER);
}

pub(crate) type Sheet = calamine::Range<calamine::Data>;

/// Reads an XLSX file back with calamine, an independent reader: its two sheets, and whether
/// any cell of the responses holds a formula.
pub(crate) fn read_xlsx(bytes: &[u8]) -> (Sheet, Sheet, bool) {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx file");
    assert_eq!(workbook.sheet_names()[..2], ["Responses", "Codebook"]);
    let responses = workbook.worksheet_range("Responses").unwrap();
    let codebook = workbook.worksheet_range("Codebook").unwrap();
    let formulas = workbook.worksheet_formula("Responses").unwrap();
    let has_formula = formulas.used_cells().any(|(_, _, f)| !f.is_empty());
    (responses, codebook, has_formula)
}

pub(crate) fn sheet_header(sheet: &Sheet) -> Vec<String> {
    sheet_text(sheet).swap_remove(0)
}

/// Every row of the sheet, each cell as text.
pub(crate) fn sheet_text(sheet: &Sheet) -> Vec<Vec<String>> {
    let rows = sheet.rows();
    rows.map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}

/// The sheet's rows under its header row, each by column name.
fn sheet_rows(sheet: &Sheet) -> Vec<BTreeMap<String, calamine::Data>> {
    let header = sheet_header(sheet);
    let rows = sheet.rows().skip(1);
    rows.map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

fn text_cell(text: &str) -> calamine::Data {
    calamine::Data::String(text.to_owned())
}

async fn download_xlsx(app: &TestApp, cookie: &str, query: &str) -> (Sheet, Sheet, bool) {
    let path = format!("/admin/studies/sam/exports/xlsx{query}");
    let response = app.get_with_cookie(&path, cookie).await;
    assert_eq!(response.status(), StatusCode::OK);
    let header_of = |name| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(
        header_of(header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        header_of(header::CONTENT_DISPOSITION),
        "attachment; filename=\"sam-responses.xlsx\""
    );
    assert!(
        response.headers().get(header::CONTENT_LENGTH).is_none(),
        "streamed, not built first"
    );
    read_xlsx(&response.bytes().await.unwrap())
}

#[tokio::test]
async fn the_xlsx_workbook_holds_the_wide_table_with_numbers_and_the_codebook() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    let (responses, codebook, has_formula) = download_xlsx(&app, &cookie, "").await;
    let rows = sheet_rows(&responses);
    assert_eq!(rows.len(), 2, "only submitted responses");
    assert_eq!(rows[0]["participant"], text_cell("P1"));
    assert_eq!(rows[1]["participant"], text_cell("P2"));
    assert_eq!(rows[0]["setting"], text_cell("inpatient"));
    assert_eq!(rows[0]["money_support"], calamine::Data::Float(4.0));
    assert_eq!(rows[0]["experience"], text_cell("1-2-years"));
    assert_eq!(rows[0]["r2"], text_cell(UNICODE_ANSWER), "emoji, ŵ, Arabic");
    let formula_like = text_cell("=HYPERLINK(\"http://evil\")");
    assert_eq!(rows[1]["r2"], formula_like, "a plain string, as written");
    assert!(!has_formula, "no cell is a formula");
    let csv = app
        .get_with_cookie("/admin/studies/sam/exports/csv-wide", &cookie)
        .await;
    let csv = csv.text().await.unwrap();
    assert_eq!(
        sheet_header(&responses).join(","),
        csv.lines().next().unwrap(),
        "the wide CSV's columns"
    );

    let entries = sheet_rows(&codebook);
    let support = entries
        .iter()
        .find(|e| e["variable"] == text_cell("money_support"))
        .unwrap();
    assert_eq!(support["type"], text_cell("likert"));
    assert_eq!(support["values"], text_cell("1; 2; 3; 4; 5"));
    assert_eq!(support["study_version"], text_cell("1"));
    assert_eq!(
        entries.len(),
        read_csv(&codebook_csv(&app, &cookie).await).len()
    );
}

async fn codebook_csv(app: &TestApp, cookie: &str) -> String {
    let path = "/admin/studies/sam/exports/codebook-csv";
    let response = app.get_with_cookie(path, cookie).await;
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_xlsx_workbook_has_exact_months_on_request_and_comes_from_the_command_line() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("owner").await;
    let (exact, _, _) = download_xlsx(&app, &cookie, "?experience=exact").await;
    assert_eq!(
        sheet_rows(&exact)[0]["experience"],
        calamine::Data::Float(14.0)
    );
    let audit = app.storage().await.audit_log().newest(1).await.unwrap();
    assert_eq!(audit[0].3, "study sam, xlsx, experience in exact months");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sam.xlsx");
    let config = config_for(&app.database_url);
    let written = server::startup::export(&config, "sam", "xlsx", &out, ExportOptions::default())
        .await
        .unwrap();
    assert_eq!(written, 2);
    let (from_command_line, _, _) = read_xlsx(&std::fs::read(&out).unwrap());
    let (downloaded, _, _) = download_xlsx(&app, &cookie, "").await;
    assert_eq!(from_command_line, downloaded);
}

/// PSPP's output tables (`-O format=csv`): each a title (`Table: Variables`) and its rows, header
/// row first.
pub(crate) type PsppTables = Vec<(String, Vec<Vec<String>>)>;

/// Runs `pspp` on `syntax` in `dir` and returns its tables; fails on any error or warning, and
/// fails (never skips) when pspp is missing: scripts/install-tools.sh test installs it.
pub(crate) fn run_pspp(dir: &std::path::Path, syntax: &str) -> PsppTables {
    let output = std::process::Command::new("pspp")
        .current_dir(dir)
        .args(["-O", "format=csv", "-o", "pspp-output.csv", syntax])
        .output()
        .expect("pspp runs (Debian pspp; run scripts/install-tools.sh test to install it)");
    let file = std::fs::read_to_string(dir.join("pspp-output.csv")).unwrap_or_default();
    let printed = format!(
        "{}{}{file}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "pspp failed:\n{printed}");
    let complaints: Vec<_> = printed
        .lines()
        .filter(|line| line.contains("error:") || line.contains("warning:"))
        .collect();
    assert!(complaints.is_empty(), "pspp complained: {complaints:#?}");
    file.split("\n\n")
        .filter_map(|block| {
            let (title, rows) = block.trim().split_once('\n')?;
            let rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(rows.as_bytes())
                .records()
                .map(|record| record.unwrap().iter().map(str::to_owned).collect())
                .collect();
            Some((title.strip_prefix("Table: ")?.to_owned(), rows))
        })
        .collect()
}

pub(crate) fn pspp_table<'a>(tables: &'a PsppTables, title: &str) -> &'a [Vec<String>] {
    let (_, rows) = tables
        .iter()
        .find(|(t, _)| t == title)
        .unwrap_or_else(|| panic!("no {title} table in PSPP's output: {tables:#?}"));
    rows
}

/// The SPSS export checked by an independent reader: PSPP runs the `spss-syntax` file on the
/// `csv-spss` file, as a researcher would, and lists the dictionary and every case.
#[tokio::test]
async fn pspp_reads_the_spss_export_with_its_labels_and_unicode_intact() {
    let app = study_with_two_participants().await;
    app.submit_response("inpatient", "Diolch yn fawr: ŵyr a ŷd 🙂")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let syntax = ExportFormat::SpssSyntax.file_name(&crate::support::sam());
    // Named as the syntax file expects (`/FILE='sam-wide-spss.csv'`), side by side.
    let formats = [ExportFormat::CsvSpss, ExportFormat::SpssSyntax];
    let written = app.export_side_by_side(dir.path(), &formats).await;
    assert_eq!(written[0], 3, "only submitted responses");
    let mut commands = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join(&syntax))
        .unwrap();
    std::io::Write::write_all(
        &mut commands,
        b"SET TVARS=NAMES.\nDISPLAY DICTIONARY.\nLIST.\n",
    )
    .unwrap();

    let tables = run_pspp(dir.path(), &syntax);

    let study =
        domain::study::Study::load(&crate::support::studies_dir().join("sam.toml")).unwrap();
    let likert = study.question("money_support").unwrap();
    let domain::study::QuestionKind::Likert { labels } = &likert.kind else {
        panic!("money_support is a Likert question");
    };
    let variables = pspp_table(&tables, "Variables");
    let column = |name| variables[0].iter().position(|c| c == name).unwrap();
    let variable = |id: &str| {
        variables
            .iter()
            .find(|row| row[0] == id)
            .unwrap_or_else(|| panic!("no variable {id}: {variables:#?}"))
    };
    let (label, level) = (column("Label"), column("Measurement Level"));
    assert_eq!(
        variable("money_support")[label],
        format!("Situation 1 of 3: Sam's money: {}", likert.label),
        "the three situations ask this in the same words: the situation tells them apart"
    );
    assert_eq!(
        variable("r2")[label],
        study.question("r2").unwrap().label,
        "a wording of its own is the label as it is"
    );
    assert_eq!(variable("money_support")[level], "Ordinal");
    assert_eq!(variable("r2")[level], "Nominal");
    assert_eq!(variable("participant")[level], "Nominal");

    // Rows are variable (named on its first row only: TVARS=NAMES, as several questions share
    // wording), value, label.
    let mut current = String::new();
    let money_support_labels: Vec<(String, String)> = pspp_table(&tables, "Value Labels")[1..]
        .iter()
        .filter_map(|row| {
            if !row[0].is_empty() {
                current.clone_from(&row[0]);
            }
            (current == "money_support").then(|| (row[1].clone(), row[2].clone()))
        })
        .collect();
    let expected: Vec<_> = labels
        .iter()
        .enumerate()
        .map(|(i, anchor)| ((i + 1).to_string(), anchor.clone()))
        .collect();
    assert_eq!(money_support_labels, expected);
    assert_eq!(expected[4].1, "Strongly support");

    let data = pspp_table(&tables, "Data List");
    let cases: Vec<BTreeMap<&str, &str>> = data[1..]
        .iter()
        .map(|row| {
            data[0]
                .iter()
                .map(String::as_str)
                .zip(row.iter().map(String::as_str))
                .collect()
        })
        .collect();
    assert_eq!(cases.len(), 3, "one case a submitted response: {data:#?}");
    let participants: Vec<_> = cases.iter().map(|case| case["participant"]).collect();
    assert_eq!(participants, ["P1", "P2", "P3"]);
    assert_eq!(cases[0]["r2"], UNICODE_ANSWER.replace('\n', " "));
    assert_eq!(cases[2]["r2"], "Diolch yn fawr: ŵyr a ŷd 🙂");
    assert_eq!(cases[1]["r2"], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(cases[0]["money_support"], "4");
    assert_eq!(cases[0]["experience"], "1-2-years");
}

#[tokio::test]
async fn exports_word_each_answer_as_its_version_asked_it() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Answered to the first wording")
        .await;
    let cookie = app.signed_in_as("researcher").await;
    let draft = "/admin/studies/sam/draft";
    let started = app
        .post_with_cookie(&format!("{draft}/start"), &cookie, &[])
        .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let adapted = app
        .post_with_cookie(
            draft,
            &cookie,
            &[
                ("action", "question"),
                ("question", "r2"),
                ("q-r2-kind", "text"),
                ("q-r2-label", "What would help Sam recover?"),
                ("q-r2-required", "yes"),
                ("q-r2-asked", "yes"),
                ("q-r2-adapted", "yes"),
            ],
        )
        .await;
    assert_eq!(adapted.status(), StatusCode::SEE_OTHER);
    let published = app
        .post_with_cookie(&format!("{draft}/publish"), &cookie, &[])
        .await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    app.submit_response("community", "Answered to the second wording")
        .await;
    let download = |format: &'static str| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let path = format!("/admin/studies/sam/exports/{format}");
            let response = app.get_with_cookie(&path, &cookie).await;
            assert_eq!(response.status(), StatusCode::OK);
            response.bytes().await.unwrap()
        }
    };

    let codebook = String::from_utf8(download("codebook-csv").await.to_vec()).unwrap();
    let r2: Vec<&str> = codebook.lines().filter(|l| l.starts_with("r2,")).collect();
    assert_eq!(r2.len(), 2, "{codebook}");
    assert!(r2[0].contains("When it comes to Sam specifically") && r2[0].ends_with(",1"));
    assert!(r2[1].contains("What would help Sam recover?") && r2[1].ends_with(",2"));

    let json: serde_json::Value = serde_json::from_slice(&download("json").await).unwrap();
    let versions = json["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["number"], 1);

    let files = unzip(&download("qdpx").await);
    let project = &files["project.qde"];
    assert_valid_refi_qda(project, "Project.xsd");
    for (participant, wording) in [
        (1, "When it comes to Sam specifically"),
        (2, "What would help Sam recover?"),
    ] {
        let guid = domain::export::qdpx_source_guid(&crate::support::sam(), participant, "r2");
        let source = element(project, &format!("<TextSource guid=\"{guid}\""));
        assert!(source.contains(wording), "P{participant}: {source}");
    }
}
