//! Fuzzing answers end to end: random fields and values, sent by form post and by autosave to a
//! real server on a real database, never get a 5xx, and every row they leave behind reads back as
//! a valid answer (no corrupt row). Brief in CI: PROPTEST_CASES (default 64) requests of each kind.

use crate::support::TestApp;
use domain::answer::ValidAnswer;
use domain::study::Study;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use reqwest::StatusCode;

const PAGES: [&str; 4] = ["about-you", "sam", "scenario-money", "your-views"];

fn cases() -> usize {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("3".to_owned()),
        Just("inpatient".to_owned()),
        Just("a\r\nb".to_owned()),
        Just("\u{0}".to_owned()),
        "[0-9]{1,12}",
        proptest::collection::vec(any::<char>(), 0..6000).prop_map(String::from_iter),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("r1".to_owned()),
        Just("setting".to_owned()),
        Just("experience-years".to_owned()),
        Just("experience-months".to_owned()),
        Just("money_support".to_owned()),
        Just("attitude_setbacks".to_owned()),
        Just("return".to_owned()),
        any::<String>(),
    ]
}

fn form() -> impl Strategy<Value = (usize, Vec<(String, String)>)> {
    (
        0..PAGES.len(),
        proptest::collection::vec((name(), value()), 0..5),
    )
}

#[tokio::test]
async fn random_answers_never_fail_the_server_or_leave_a_corrupt_row() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let cookie = crate::support::resume_cookie("sam", &token);
    let mut runner = TestRunner::default();
    let strategy = form();
    for _ in 0..cases() {
        let (page, fields) = strategy.new_tree(&mut runner).unwrap().current();
        let step = PAGES[page];
        let posted = app
            .client
            .post(app.url(&format!("/s/sam/answers/{step}")))
            .header(reqwest::header::COOKIE, &cookie)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert!(
            !posted.status().is_server_error(),
            "{} for {step} {fields:?}",
            posted.status()
        );
        let saved = loadtest::journey::save_fields_request(
            &app.client,
            &app.url(""),
            "sam",
            &cookie,
            step,
            &fields,
        )
        .send()
        .await
        .unwrap();
        assert!(
            !saved.status().is_server_error(),
            "autosave {} for {step} {fields:?}",
            saved.status()
        );
        assert_ne!(saved.status(), StatusCode::NOT_FOUND, "the response exists");
    }
    let study = Study::load(&crate::support::studies_dir().join("sam.toml")).unwrap();
    for (question_id, stored) in app.answers(&token).await {
        let question = study
            .question(&question_id)
            .expect("a question of the study");
        let reread = ValidAnswer::parse(question, &stored).map(ValidAnswer::into_stored);
        assert_eq!(
            reread,
            Ok(Some(stored.clone())),
            "{question_id} holds {stored:?}"
        );
    }
    let storage = app.storage().await;
    assert!(storage.check_consistency().await.unwrap().is_ok());
}
