//! The review queue for identifiers in answers: findings from submitted answers, decisions by
//! researchers, descriptors in every export, erasure of originals, on both database engines.

use std::collections::BTreeMap;

use futures::TryStreamExt;

use crate::support::{TestApp, location};
use domain::storage::{RedactionRecord, RedactionStatus};
use reqwest::StatusCode;

const ANSWER: &str = "I asked Dafydd and Bronwen, ring 07700 900123 or ana@example.org 😀 ŵ سام.";

async fn study_with_identifiers() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", ANSWER).await;
    let cookie = app.signed_in_as("researcher").await;
    let queue = app
        .get_with_cookie("/admin/studies/sam/redactions", &cookie)
        .await;
    assert_eq!(queue.status(), StatusCode::OK);
    let page = queue.text().await.unwrap();
    assert!(page.contains("a UK phone number"), "{page}");
    (app, cookie)
}

async fn findings(app: &TestApp) -> BTreeMap<String, RedactionRecord> {
    let all = app
        .storage()
        .await
        .redactions()
        .list(&crate::support::sam(), &RedactionStatus::ALL, 100)
        .await
        .unwrap();
    all.into_iter()
        .map(|r| (r.found_text.clone().unwrap_or(r.descriptor.clone()), r))
        .collect()
}

/// The r2 answers as the database holds them.
async fn stored_r2(app: &TestApp) -> Vec<String> {
    let storage = app.storage().await;
    let responses: Vec<_> = storage
        .exports()
        .submitted_responses(&crate::support::sam())
        .try_collect()
        .await
        .unwrap();
    responses
        .into_iter()
        .map(|r| r.answers["r2"].clone())
        .collect()
}

async fn decide(
    app: &TestApp,
    cookie: &str,
    id: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let path = format!("/admin/studies/sam/redactions/{id}");
    app.post_with_cookie(&path, cookie, fields).await
}

async fn download(app: &TestApp, cookie: &str, format: &str) -> String {
    let response = app
        .get_with_cookie(&format!("/admin/studies/sam/exports/{format}"), cookie)
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{format}");
    response.text().await.unwrap()
}

fn r2_of_wide_csv(text: &str) -> String {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let record = reader.records().next().unwrap().unwrap();
    let column = headers.iter().position(|h| h == "r2").unwrap();
    record[column].to_owned()
}

#[tokio::test]
async fn every_detector_finding_waits_for_review_with_code_point_positions() {
    let (app, _) = study_with_identifiers().await;
    let found = findings(&app).await;
    let kinds: Vec<(&str, &str)> = found
        .iter()
        .map(|(text, r)| (text.as_str(), r.detector.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("07700 900123", "phone"),
            ("Bronwen", "capitalised_name"),
            ("Dafydd", "capitalised_name"),
            ("ana@example.org", "email"),
        ]
    );
    let chars: Vec<char> = ANSWER.chars().collect();
    for (text, record) in &found {
        assert_eq!(record.status, RedactionStatus::Pending);
        let (start, end) = (record.start as usize, record.end as usize);
        assert_eq!(&chars[start..end].iter().collect::<String>(), text);
    }
}

#[tokio::test]
async fn accepted_findings_become_descriptors_in_every_export_and_rejected_ones_stay() {
    let (app, cookie) = study_with_identifiers().await;
    let found = findings(&app).await;
    let accepted = decide(
        &app,
        &cookie,
        &found["07700 900123"].id,
        &[("decision", "accept")],
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&accepted),
        "/admin/studies/sam/redactions?done=accepted#queue"
    );
    let edit = [
        ("decision", "edit"),
        ("text", "Dafydd"),
        ("descriptor", "colleague"),
    ];
    let edited = decide(&app, &cookie, &found["Dafydd"].id, &edit).await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let rejected = decide(
        &app,
        &cookie,
        &found["ana@example.org"].id,
        &[("decision", "reject")],
    )
    .await;
    assert_eq!(rejected.status(), StatusCode::SEE_OTHER);

    let expected =
        "I asked [colleague] and Bronwen, ring [phone number] or ana@example.org 😀 ŵ سام.";
    assert_eq!(
        r2_of_wide_csv(&download(&app, &cookie, "csv-wide").await),
        expected
    );
    let json: serde_json::Value =
        serde_json::from_str(&download(&app, &cookie, "json").await).unwrap();
    assert_eq!(json["responses"][0]["answers"]["r2"], expected);
    let long = download(&app, &cookie, "csv-long").await;
    assert!(long.contains(expected) && !long.contains("07700"));

    let qdpx = app
        .get_with_cookie("/admin/studies/sam/exports/qdpx", &cookie)
        .await
        .bytes()
        .await
        .unwrap();
    let mut project = zip::ZipArchive::new(std::io::Cursor::new(qdpx)).unwrap();
    let source = format!(
        "sources/{}.txt",
        domain::export::qdpx_source_guid(&crate::support::sam(), 1, "r2")
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut project.by_name(&source).unwrap(), &mut text).unwrap();
    assert_eq!(text, expected);

    let xlsx = app
        .get_with_cookie("/admin/studies/sam/exports/xlsx", &cookie)
        .await
        .bytes()
        .await
        .unwrap();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut workbook, "Responses").unwrap();
    let cells: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(cells.iter().any(|cell| cell == expected), "{cells:?}");

    let stored = stored_r2(&app).await;
    assert_eq!(stored, [ANSWER], "the database keeps the original");

    let log = download(&app, &cookie, "redaction-log").await;
    assert!(!log.contains("07700") && !log.contains("Dafydd") && !log.contains("ana@"));
    let mut reader = csv::Reader::from_reader(log.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let statuses: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[2].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("capitalised_name", "[colleague]", "accepted"),
            ("capitalised_name", "[name]", "pending"),
            ("phone", "[phone number]", "accepted"),
            ("email", "[email address]", "rejected"),
        ]
    );
    assert!(rows.iter().all(|r| r[0] == "P1" && r[1] == "r2"));
    assert_eq!(rows[0][7], "researcher@example.org");

    let audit = app.storage().await.audit_log().newest(10).await.unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .map(|(_, _, action, _)| action.as_str())
        .collect();
    assert!(actions.contains(&"identifier accepted") && actions.contains(&"identifier edited"));
    assert!(
        audit
            .iter()
            .all(|(_, _, _, detail)| !detail.contains("07700"))
    );
}

#[tokio::test]
async fn undoing_a_decision_puts_the_finding_back_in_the_queue() {
    let (app, cookie) = study_with_identifiers().await;
    let phone = findings(&app).await["07700 900123"].id.clone();
    decide(&app, &cookie, &phone, &[("decision", "accept")]).await;
    let undone = decide(&app, &cookie, &phone, &[("decision", "reopen")]).await;
    assert_eq!(undone.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        findings(&app).await["07700 900123"].status,
        RedactionStatus::Pending
    );
    assert_eq!(
        r2_of_wide_csv(&download(&app, &cookie, "csv-wide").await),
        ANSWER
    );
}

#[tokio::test]
async fn a_wrong_edit_is_refused_with_a_clear_message_and_nothing_changes() {
    let (app, cookie) = study_with_identifiers().await;
    let dafydd = findings(&app).await["Dafydd"].id.clone();
    let not_there = [
        ("decision", "edit"),
        ("text", "Dafydd Jones"),
        ("descriptor", "<b>colleague</b>"),
    ];
    let refused = decide(&app, &cookie, &dafydd, &not_there).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("“Dafydd Jones” is not in this answer"),
        "{page}"
    );
    assert!(page.contains("A descriptor can use letters, digits, spaces, hyphens and apostrophes"));
    assert!(
        page.contains("value=\"Dafydd Jones\""),
        "what was typed is shown again"
    );
    let overlapping = [
        ("decision", "edit"),
        ("text", "Dafydd and Bronwen"),
        ("descriptor", "colleagues"),
    ];
    let refused = decide(&app, &cookie, &dafydd, &overlapping).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("overlaps another finding")
    );
    let unknown = decide(&app, &cookie, &dafydd, &[("decision", "maybe")]).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        findings(&app).await["Dafydd"].status,
        RedactionStatus::Pending
    );
}

#[tokio::test]
async fn erasing_replaces_originals_in_the_stored_answer_and_moves_other_findings() {
    let (app, cookie) = study_with_identifiers().await;
    let found = findings(&app).await;
    decide(
        &app,
        &cookie,
        &found["Dafydd"].id,
        &[("decision", "accept")],
    )
    .await;
    decide(
        &app,
        &cookie,
        &found["07700 900123"].id,
        &[("decision", "accept")],
    )
    .await;
    decide(
        &app,
        &cookie,
        &found["Bronwen"].id,
        &[("decision", "reject")],
    )
    .await;
    let confirm = app
        .get_with_cookie("/admin/studies/sam/redactions/erase", &cookie)
        .await;
    assert!(
        confirm
            .text()
            .await
            .unwrap()
            .contains("2 accepted findings")
    );
    let erased = app
        .post_with_cookie("/admin/studies/sam/redactions/erase", &cookie, &[])
        .await;
    assert_eq!(erased.status(), StatusCode::SEE_OTHER);

    let after = "I asked [name] and Bronwen, ring [phone number] or ana@example.org 😀 ŵ سام.";
    let stored = stored_r2(&app).await;
    assert_eq!(stored, [after]);
    assert_eq!(
        r2_of_wide_csv(&download(&app, &cookie, "csv-wide").await),
        after
    );
    let chars: Vec<char> = after.chars().collect();
    let now = findings(&app).await;
    for (key, expected_status) in [
        ("[name]", RedactionStatus::Erased),
        ("[phone number]", RedactionStatus::Erased),
        ("Bronwen", RedactionStatus::Rejected),
        ("ana@example.org", RedactionStatus::Pending),
    ] {
        let record = &now[key];
        assert_eq!(record.status, expected_status, "{key}");
        let span: String = chars[record.start as usize..record.end as usize]
            .iter()
            .collect();
        assert_eq!(span, key, "positions follow the erased answer");
    }
    let again = decide(&app, &cookie, &now["[name]"].id, &[("decision", "reopen")]).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let audit = app.storage().await.audit_log().newest(10).await.unwrap();
    let erasure = audit
        .iter()
        .find(|(_, _, action, _)| action == "identifiers erased from answers")
        .expect("the erasure is audit-logged");
    assert_eq!(erasure.3, "study sam, answers changed: 1");
}

#[tokio::test]
async fn scanning_again_keeps_decisions_and_adds_no_duplicates() {
    let (app, cookie) = study_with_identifiers().await;
    let phone = findings(&app).await["07700 900123"].id.clone();
    decide(&app, &cookie, &phone, &[("decision", "accept")]).await;
    let scanned = app
        .post_with_cookie("/admin/studies/sam/redactions/scan", &cookie, &[])
        .await;
    assert_eq!(scanned.status(), StatusCode::SEE_OTHER);
    let after = findings(&app).await;
    assert_eq!(after.len(), 4);
    assert_eq!(after["07700 900123"].status, RedactionStatus::Accepted);
}

#[tokio::test]
async fn trainers_and_visitors_cannot_see_or_decide_findings() {
    let (app, _) = study_with_identifiers().await;
    let phone = findings(&app).await["07700 900123"].id.clone();
    let trainer = app.signed_in_as("trainer").await;
    let page = app
        .get_with_cookie("/admin/studies/sam/redactions", &trainer)
        .await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(!page.text().await.unwrap().contains("07700"));
    let refused = decide(&app, &trainer, &phone, &[("decision", "accept")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let visitor = app
        .post_form(
            &format!("/admin/studies/sam/redactions/{phone}"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(visitor.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&visitor), "/admin/sign-in");
    assert_eq!(
        findings(&app).await["07700 900123"].status,
        RedactionStatus::Pending
    );
}

#[tokio::test]
async fn a_scan_records_the_day_and_not_the_time() {
    let (app, _cookie) = study_with_identifiers().await;
    let scanned: Vec<i64> = sqlx::query_scalar("SELECT scanned_at FROM redaction_scans")
        .fetch_all(&app.pool().await)
        .await
        .unwrap();
    assert_eq!(scanned.len(), 1);
    assert_eq!(scanned[0] % 86_400, 0, "midnight UTC: {}", scanned[0]);
}
