//! Anonymised exports: downloads from the researcher area (who may, what they get, the audit
//! log) and the `server export` command, on both database engines.

use std::collections::BTreeMap;

use crate::support::{TestApp, config_for};
use app::export::ExportOptions;
use reqwest::{StatusCode, header};

const UNICODE_ANSWER: &str = "Cooking 😀, Gwasanaeth ŵ ŷ, سام يحب الطبخ, \"quoted\"\nnew line";

fn read_csv(text: &str) -> Vec<BTreeMap<String, String>> {
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

    let audit = app.storage().await.audit_entries(5).await.unwrap();
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

#[tokio::test]
async fn trainers_and_visitors_get_no_export() {
    let app = study_with_two_participants().await;
    let path = "/admin/studies/sam/exports/csv-wide";
    assert_eq!(app.get(path).await.status(), StatusCode::UNAUTHORIZED);
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
    let audit = app.storage().await.audit_entries(1).await.unwrap();
    assert_eq!(audit[0].1, "command line");
    assert_eq!(audit[0].2, "exported data");

    let unknown = server::startup::export(&config, "sam", "pdf", &out, ExportOptions::default())
        .await
        .unwrap_err();
    assert!(unknown.to_string().contains("csv-wide"), "{unknown}");
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).unwrap();
            (file.name().to_owned(), text)
        })
        .collect()
}

/// Validates with xmllint; fails (never skips) when xmllint is missing: scripts/install-tools.sh
/// test installs it.
fn assert_valid_refi_qda(project_qde: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("project.qde");
    std::fs::write(&file, project_qde).unwrap();
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/refi-qda/Project.xsd");
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs (Debian libxml2-utils; scripts/install-tools.sh test installs it)");
    assert!(
        output.status.success(),
        "project.qde is not valid REFI-QDA: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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
    let files = unzip(&download().await);
    let project = &files["project.qde"];
    assert_valid_refi_qda(project);
    let sources: Vec<_> = files.keys().filter(|n| n.starts_with("sources/")).collect();
    assert_eq!(sources.len(), 2 * 9, "nine text answers each");
    let guid = app::export::qdpx_source_guid("sam", 1, "r2");
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
        unzip(&download().await)["project.qde"],
        *project,
        "same GUIDs again"
    );
}

#[tokio::test]
async fn the_progress_page_offers_every_export_and_warns_of_small_groups() {
    let app = study_with_two_participants().await;
    let cookie = app.signed_in_as("researcher").await;
    let page = app
        .get_with_cookie("/admin/studies/sam", &cookie)
        .await
        .text()
        .await
        .unwrap();
    for format in app::export::ExportFormat::ALL {
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
