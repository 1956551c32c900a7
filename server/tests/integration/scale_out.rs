//! Two server processes on one database, with requests taking turns between them, behave as one:
//! no answer lost, participant numbers unique and gap-free, a participant resumes on the other
//! instance. On PostgreSQL (TEST_DATABASE=postgres) this is the supported scale-out; on SQLite
//! two processes share one file on one machine.

use std::sync::Arc;
use std::time::Duration;

use crate::support::process::ServerProcess;
use domain::study::Study;
use loadtest::journey::{Pace, run_respondents};
use loadtest::target::Target;
use reqwest::StatusCode;

const RESPONDENTS: usize = 24;

#[tokio::test]
async fn respondents_alternating_between_two_instances_lose_nothing_and_number_gap_free() {
    let dir = tempfile::tempdir().unwrap();
    let database = crate::support::fresh_database(&dir).await;
    let first = ServerProcess::start(&database, &[]);
    let second = ServerProcess::start(&database, &[]);
    let target = Arc::new(
        Target::new(
            vec![first.url.clone(), second.url.clone()],
            crate::support::REQUEST_TIMEOUT,
        )
        .unwrap(),
    );
    let study = Arc::new(Study::load(&crate::support::studies_dir().join("sam.toml")).unwrap());
    let pace = Pace { think_ms: 0..=10 };
    let ledgers = run_respondents(target.clone(), study, pace, RESPONDENTS, Duration::ZERO).await;

    let stopped: Vec<_> = ledgers.iter().filter_map(|l| l.stopped.clone()).collect();
    assert!(
        stopped.is_empty(),
        "{stopped:?}\n{}",
        target.stats.table(Duration::from_secs(1))
    );
    let storage = domain::storage::Storage::connect(&database).await.unwrap();
    let verdict = loadtest::verify::verify(&storage, &crate::support::sam(), &ledgers, 0)
        .await
        .unwrap();
    assert!(verdict.is_clean(), "{}", verdict.report());
    assert_eq!(verdict.completed, RESPONDENTS);
    let numbers = storage
        .responses()
        .participant_numbers(&crate::support::sam())
        .await
        .unwrap();
    assert_eq!(numbers, (1..=RESPONDENTS as i64).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_participant_saves_on_one_instance_and_resumes_on_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let database = crate::support::fresh_database(&dir).await;
    let first = ServerProcess::start(&database, &[]);
    let second = ServerProcess::start(&database, &[]);
    let client = crate::support::http_client();
    let on = |server: &ServerProcess, path: &str| format!("{}{path}", server.url);

    let consent = client
        .post(on(&first, "/s/sam/consent"))
        .form(&[("consent", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), StatusCode::SEE_OTHER);
    let token = crate::support::set_cookie_value(&consent, "resume-sam").unwrap();
    let cookie = crate::support::resume_cookie("sam", &token);
    let about_you = [
        ("setting", "community"),
        ("role", "support_worker"),
        ("experience-years", "2"),
        ("experience-months", "0"),
    ];
    let saved = client
        .post(on(&first, "/s/sam/answers/about-you"))
        .header(reqwest::header::COOKIE, &cookie)
        .form(&about_you)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let resumed = client
        .post(on(&second, "/s/sam/resume"))
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[("link", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        crate::support::location(&resumed),
        "/s/sam/answers/before-you-start"
    );
    let page = crate::support::step_text(&client, &second.url, &token, "about-you").await;
    assert!(page.contains("value=\"community\" checked"), "{page}");

    // Typed on the second instance, seen on the first.
    let autosave = loadtest::journey::save_fields_request(
        &client,
        &second.url,
        "sam",
        &cookie,
        "sam",
        &[("r1".to_owned(), "Saved on the second instance".to_owned())],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(autosave.status(), StatusCode::OK);
    let page = crate::support::step_text(&client, &first.url, &token, "sam").await;
    assert!(page.contains("Saved on the second instance"), "{page}");
}
