//! The study catalogue: a changed study file becomes a new version, never an overwrite, and a
//! response keeps the wording its participant started on.

use crate::support::{TestApp, sam, studies_dir};
use chrono::NaiveDate;
use domain::storage::Storage;
use futures::future::join_all;
use reqwest::StatusCode;

const DAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 5, 3).unwrap();

#[tokio::test]
async fn a_changed_definition_becomes_a_new_version_and_an_unchanged_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::connect(&crate::support::fresh_database(&dir).await)
        .await
        .unwrap();
    let catalogue = storage.study_definitions();
    // (label, text, the newest version's number after publishing it). Going back to the first
    // text publishes it again, as the newest: versions only grow.
    let steps = [
        ("1.0", "first", 1),
        ("1.0", "first", 1),
        ("1.0", "second", 2),
        ("1.1", "second", 2),
        ("1.0", "first", 3),
    ];
    for (label, text, newest) in steps {
        let number = catalogue.register(&sam(), label, text, DAY).await.unwrap();
        assert_eq!(number, newest, "{label} {text}");
    }
    let versions = catalogue.versions().await.unwrap();
    let texts: Vec<_> = versions
        .iter()
        .map(|v| (v.number, v.definition.as_str()))
        .collect();
    assert_eq!(texts, [(1, "first"), (2, "second"), (3, "first")]);
}

/// Instances starting at once with the same new file publish it once, whichever wins.
#[tokio::test]
async fn instances_starting_together_publish_a_new_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::fresh_database(&dir).await;
    let mut instances = Vec::new();
    for _ in 0..4 {
        instances.push(Storage::connect(&url).await.unwrap());
    }
    instances[0]
        .study_definitions()
        .register(&sam(), "1.0", "first", DAY)
        .await
        .unwrap();
    let slug = sam();
    let catalogues: Vec<_> = instances.iter().map(Storage::study_definitions).collect();
    let published = join_all(
        catalogues
            .iter()
            .flat_map(|catalogue| (0..5).map(|_| catalogue.register(&slug, "1.1", "second", DAY))),
    )
    .await;
    for number in published {
        assert_eq!(number.unwrap(), 2);
    }
    assert_eq!(
        instances[0]
            .study_definitions()
            .versions()
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_response_keeps_its_wording_after_a_new_version_is_published() {
    let first = TestApp::spawn().await;
    let started = first.consent().await;
    assert_eq!(first.record(&started).await.study_version_number, 1);

    let (second, sam_file, _, _folder) = restart_with_edited_sam(&first, |file| {
        file.replacen(
            "label = \"Where do you work?\"",
            "label = \"Which service do you work in?\"",
            1,
        )
    })
    .await;

    let (status, page) = second.step_html(&started, "about-you").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Where do you work?"),
        "the wording the participant started on"
    );
    assert!(!page.contains("Which service do you work in?"));
    let newcomer = second.consent().await;
    let (_, page) = second.step_html(&newcomer, "about-you").await;
    assert!(
        page.contains("Which service do you work in?"),
        "new participants see the new wording"
    );
    assert_eq!(second.record(&newcomer).await.study_version_number, 2);
    assert_eq!(second.record(&started).await.study_version_number, 1);

    // The participant who started on version 1 finishes with it: their answers are checked
    // against the questions they were shown.
    second.answer_and_submit(&started).await;
    assert!(second.record(&started).await.participant_number.is_some());
    let storage = second.storage().await;
    let versions = storage.study_definitions().versions().await.unwrap();
    assert_eq!(
        versions.len(),
        2,
        "the unchanged file published nothing more"
    );
    assert_eq!(
        versions[0].definition, sam_file,
        "version 1 is kept exactly"
    );

    // Exports say which version each participant started on.
    second.answer_and_submit(&newcomer).await;
    let cookie = second.signed_in_as("researcher").await;
    let csv = second
        .page_text("/admin/studies/sam/exports/csv-wide", &cookie)
        .await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|name| name == "study_version")
        .expect("a study_version column");
    let started_on: Vec<String> = reader
        .records()
        .map(|row| row.unwrap()[column].to_owned())
        .collect();
    assert_eq!(
        started_on,
        ["1", "2"],
        "P1 started on version 1, P2 on version 2"
    );
}

#[tokio::test]
async fn researchers_see_every_version_and_download_its_exact_file() {
    let first = TestApp::spawn().await;
    let started = first.consent().await;
    let (app, sam_file, reworded, _folder) = restart_with_edited_sam(&first, |file| {
        file.replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1)
    })
    .await;
    assert_eq!(app.record(&started).await.study_version_number, 1);

    let signed_out = app.get("/admin/studies/sam/versions/1.toml").await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    let trainer = app.signed_in_as("trainer").await;
    let refused = app
        .get_with_cookie("/admin/studies/sam/versions/1.toml", &trainer)
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "research staff only"
    );
    let cookie = app.signed_in_as("researcher").await;
    let page = app.page_text("/admin/studies/sam/versions", &cookie).await;
    assert!(page.contains("2 (shown to new participants)"), "{page}");
    assert!(page.contains("1.1.0") && page.contains("1.0.0"));
    assert!(page.contains("/admin/studies/sam/versions/1.toml"));
    for (number, text) in [(1, &sam_file), (2, &reworded)] {
        let response = app
            .get_with_cookie(
                &format!("/admin/studies/sam/versions/{number}.toml"),
                &cookie,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            disposition,
            format!("attachment; filename=\"sam-version-{number}.toml\"")
        );
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(
            &response.text().await.unwrap(),
            text,
            "version {number} exactly as published"
        );
    }
    for missing in ["3.toml", "1", "x.toml", "-1.toml"] {
        let response = app
            .get_with_cookie(&format!("/admin/studies/sam/versions/{missing}"), &cookie)
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
}

/// A second instance on `first`'s database whose Sam file is `edit` of the one in `studies/`, as
/// after a restart with a changed file; with the original text and the folder to keep.
async fn restart_with_edited_sam(
    first: &TestApp,
    edit: impl FnOnce(&str) -> String,
) -> (TestApp, String, String, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
    let edited = edit(&original);
    assert_ne!(edited, original);
    std::fs::write(folder.path().join("sam.toml"), &edited).unwrap();
    let folder_path = folder.path().to_owned();
    let second = first
        .spawn_beside(move |config| config.studies_dir = folder_path)
        .await;
    (second, original, edited, folder)
}
