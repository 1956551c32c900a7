//! The storage API on a real database: SQLite by default, PostgreSQL with TEST_DATABASE=postgres.
//! Every test gets a fresh database.

use crate::support::question;
use chrono::NaiveDate;
use domain::ids::ResponseId;
use domain::storage::{AnswerChange, NewResponse, Storage, StorageError};
use futures::future::join_all;

const DAY: NaiveDate = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();

struct Fixture {
    storage: Storage,
    url: String,
    _dir: tempfile::TempDir,
}

async fn fresh() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::fresh_database(&dir).await;
    let storage = Storage::connect(&url).await.unwrap();
    storage
        .study_definitions()
        .register(&crate::support::sam(), "1.0.0", "(definition)", DAY)
        .await
        .unwrap();
    Fixture {
        storage,
        url,
        _dir: dir,
    }
}

async fn start(storage: &Storage, token_hash: &str) -> ResponseId {
    storage
        .responses()
        .start(NewResponse {
            study_slug: &crate::support::sam(),
            study_version: "1.0.0",
            study_version_number: 1,
            token_hash,
            consent_version: "c1",
            first_step: 2,
            today: DAY,
            withdrawal_hash: &format!("w-{token_hash}"),
            masked_start_minute: 0,
            deal_from: None,
        })
        .await
        .unwrap()
}

fn change(id: &str, value: Option<&str>) -> AnswerChange {
    (question(id), value.map(str::to_owned))
}

#[tokio::test]
async fn answers_come_back_exactly_as_saved_and_can_be_cleared() {
    let f = fresh().await;
    let id = start(&f.storage, "h1").await;
    let text = "Ŵales, Ελλάδα, 日本語 ☕😀 “quoted”\nsecond line\tand a tab";
    f.storage
        .responses()
        .save_answers(
            &id,
            &[change("r1", Some(text)), change("r2", Some("x"))],
            4,
            DAY,
        )
        .await
        .unwrap();
    f.storage
        .responses()
        .save_answers(&id, &[change("r2", None)], 3, DAY)
        .await
        .unwrap();
    let answers = f.storage.responses().answers(&id).await.unwrap();
    assert_eq!(answers.get("r1").map(String::as_str), Some(text));
    assert!(!answers.contains_key("r2"));
    let record = f
        .storage
        .responses()
        .find_by_token_hash("h1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.step_reached, 4, "the furthest step is kept");
    assert_eq!(record.started_on, DAY);
}

#[tokio::test]
async fn nothing_changes_after_submit_and_unknown_responses_are_not_found() {
    let f = fresh().await;
    let id = start(&f.storage, "h1").await;
    assert_eq!(
        f.storage
            .responses()
            .submit(&id, 9, DAY, None)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        f.storage
            .responses()
            .submit(&id, 9, DAY, None)
            .await
            .unwrap(),
        1,
        "a resend keeps its number"
    );
    let late = f
        .storage
        .responses()
        .save_answers(&id, &[change("r1", Some("late"))], 9, DAY)
        .await;
    assert!(
        matches!(late, Err(StorageError::AlreadySubmitted)),
        "{late:?}"
    );
    let unknown = f
        .storage
        .responses()
        .save_answers(&ResponseId::random(), &[], 2, DAY)
        .await;
    assert!(
        matches!(unknown, Err(StorageError::NotFound)),
        "{unknown:?}"
    );
    assert!(f.storage.responses().answers(&id).await.unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_submits_get_unique_gap_free_numbers() {
    let f = fresh().await;
    let mut ids = Vec::new();
    for n in 0..20 {
        ids.push(start(&f.storage, &format!("h{n}")).await);
    }
    let numbers = join_all(
        ids.iter()
            .map(|id| f.storage.responses().submit(id, 9, DAY, None)),
    )
    .await;
    let mut numbers: Vec<i64> = numbers.into_iter().map(Result::unwrap).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
    assert_eq!(
        f.storage
            .responses()
            .participant_numbers(&crate::support::sam())
            .await
            .unwrap(),
        numbers
    );
    assert!(f.storage.check_consistency().await.unwrap().is_ok());
}

#[tokio::test]
async fn concurrent_saves_to_one_response_all_succeed_and_one_wins() {
    let f = fresh().await;
    let id = start(&f.storage, "h1").await;
    let values: Vec<String> = (0..16).map(|n| format!("draft {n}")).collect();
    let changes: Vec<_> = values.iter().map(|v| [change("r1", Some(v))]).collect();
    let saves = changes
        .iter()
        .map(|one| f.storage.responses().save_answers(&id, one, 3, DAY));
    for result in join_all(saves).await {
        result.unwrap();
    }
    let stored = f
        .storage
        .responses()
        .answers(&id)
        .await
        .unwrap()
        .remove("r1")
        .unwrap();
    assert!(values.contains(&stored), "{stored}");
}

#[tokio::test]
async fn a_token_hash_starts_only_one_response() {
    let f = fresh().await;
    start(&f.storage, "same").await;
    let second = f
        .storage
        .responses()
        .start(NewResponse {
            study_slug: &crate::support::sam(),
            study_version: "1.0.0",
            study_version_number: 1,
            token_hash: "same",
            consent_version: "c1",
            first_step: 2,
            today: DAY,
            withdrawal_hash: "w-second",
            masked_start_minute: 0,
            deal_from: None,
        })
        .await;
    assert!(second.is_err());
    assert_eq!(
        f.storage
            .responses()
            .count(&crate::support::sam())
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn the_consistency_check_finds_a_gap_in_participant_numbers() {
    let f = fresh().await;
    for n in 0..3 {
        let id = start(&f.storage, &format!("h{n}")).await;
        f.storage
            .responses()
            .submit(&id, 9, DAY, None)
            .await
            .unwrap();
    }
    assert!(f.storage.check_consistency().await.unwrap().is_ok());
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&f.url).await.unwrap();
    sqlx::query("UPDATE responses SET participant_number = 7 WHERE participant_number = 3")
        .execute(&pool)
        .await
        .unwrap();
    let found = f.storage.check_consistency().await.unwrap();
    assert_eq!(found.problems.len(), 1, "{found:?}");
    assert!(
        found.problems[0].contains("sam: 3 submitted responses"),
        "{found:?}"
    );
}

#[tokio::test]
async fn readiness_ping_and_the_bare_upsert_work() {
    let f = fresh().await;
    f.storage.ping().await.unwrap();
    let id = start(&f.storage, "h1").await;
    f.storage
        .responses()
        .upsert_answer_alone(&id, &question("r1"), "one", DAY)
        .await
        .unwrap();
    f.storage
        .responses()
        .upsert_answer_alone(&id, &question("r1"), "two", DAY)
        .await
        .unwrap();
    assert_eq!(
        f.storage.responses().answers(&id).await.unwrap()["r1"],
        "two"
    );
}

#[tokio::test]
async fn backups_are_sqlite_only_and_never_overwrite() {
    let f = fresh().await;
    let id = start(&f.storage, "h1").await;
    f.storage
        .responses()
        .save_answers(&id, &[change("r1", Some("kept"))], 3, DAY)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy.db");
    let made = f.storage.back_up_to(&out).await;
    if crate::support::uses_postgres() {
        assert!(
            matches!(made, Err(StorageError::Unsupported(_))),
            "{made:?}"
        );
        return;
    }
    made.unwrap();
    assert!(matches!(
        f.storage.back_up_to(&out).await,
        Err(StorageError::FileExists(_))
    ));
    let copy = Storage::connect(&format!("sqlite://{}", out.display()))
        .await
        .unwrap();
    assert_eq!(copy.responses().answers(&id).await.unwrap()["r1"], "kept");
    assert!(copy.check_consistency().await.unwrap().is_ok());
}

#[tokio::test]
async fn submitted_responses_stream_in_number_order_with_every_answer_exact() {
    use futures::TryStreamExt;
    let f = fresh().await;
    let awkward = "\"quoted\" \\ back-slash, {braces}, 😀 ŵ سام\nline\u{1}\t";
    let with_answers = start(&f.storage, "h1").await;
    f.storage
        .responses()
        .save_answers(
            &with_answers,
            &[
                change("r1", Some(awkward)),
                change("money_support", Some("4")),
            ],
            4,
            DAY,
        )
        .await
        .unwrap();
    let without_answers = start(&f.storage, "h2").await;
    let unsubmitted = start(&f.storage, "h3").await;
    f.storage
        .responses()
        .save_answers(&unsubmitted, &[change("r1", Some("draft"))], 3, DAY)
        .await
        .unwrap();
    for id in [&without_answers, &with_answers] {
        f.storage
            .responses()
            .submit(id, 8, DAY, Some(5))
            .await
            .unwrap();
    }
    let responses: Vec<_> = f
        .storage
        .exports()
        .submitted_responses(&crate::support::sam())
        .try_collect()
        .await
        .unwrap();
    let numbers: Vec<i64> = responses.iter().map(|r| r.participant_number).collect();
    assert_eq!(
        numbers,
        [1, 2],
        "submitted only, in participant number order"
    );
    assert!(
        responses[0].answers.is_empty(),
        "no answers is an empty map"
    );
    assert_eq!(responses[1].answers["r1"], awkward);
    assert_eq!(responses[1].answers["money_support"], "4");
    assert_eq!(responses[1].answers.len(), 2);
    assert_eq!(responses[1].submitted_on, DAY);
    assert_eq!(
        f.storage
            .exports()
            .count_submitted(&crate::support::sam())
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn a_response_and_its_answers_come_back_together_in_one_read() {
    let f = fresh().await;
    let id = start(&f.storage, "h1").await;
    let (record, answers) = f
        .storage
        .responses()
        .with_answers_by_token_hash("h1")
        .await
        .unwrap()
        .expect("the response");
    assert_eq!(record.id, id);
    assert!(answers.is_empty(), "none saved yet: {answers:?}");
    let text = "Ŵales, “quoted”\nsecond line ☕";
    f.storage
        .responses()
        .save_answers(
            &id,
            &[
                change("r1", Some(text)),
                change("setting", Some("inpatient")),
            ],
            3,
            DAY,
        )
        .await
        .unwrap();
    let (record, answers) = f
        .storage
        .responses()
        .with_answers_by_token_hash("h1")
        .await
        .unwrap()
        .expect("the response");
    let apart = f.storage.responses().answers(&id).await.unwrap();
    assert_eq!(answers, apart);
    assert_eq!(answers.get("r1").map(String::as_str), Some(text));
    assert_eq!(
        Some(record),
        f.storage
            .responses()
            .find_by_token_hash("h1")
            .await
            .unwrap()
    );
    assert!(
        f.storage
            .responses()
            .with_answers_by_token_hash("nobody")
            .await
            .unwrap()
            .is_none()
    );
}

/// Applies the first `count` migrations of this engine, as a database made by an older release.
async fn migrated_up_to(url: &str, count: usize) -> sqlx::AnyPool {
    let engine = if crate::support::uses_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(engine);
    let older = tempfile::tempdir().unwrap().keep();
    let mut files: Vec<_> = std::fs::read_dir(&all)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files.iter().take(count) {
        std::fs::copy(file, older.join(file.file_name().unwrap())).unwrap();
    }
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite") {
        format!("{url}?mode=rwc")
    } else {
        url.to_owned()
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(older.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    pool
}

#[tokio::test]
async fn an_older_database_loses_insertion_order_and_scan_times_but_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::fresh_database(&dir).await;
    let older = migrated_up_to(&url, 4).await;
    for statement in [
        "INSERT INTO studies (slug, version, definition, loaded_on) VALUES ('sam', '1.0.0', '', '2025-03-14')",
        "INSERT INTO responses (id, study_slug, study_version, token_hash, consent_version, step_reached, started_on, updated_on, submitted_on, participant_number, withdrawal_hash, minutes_to_complete)
         VALUES ('6f1c1f0e-8e9b-4b8a-9a55-3c2a8c7f0a11', 'sam', '1.0.0', 'h1', 'c1', 9, '2025-03-14', '2025-03-14', '2025-03-14', 1, 'w1', 25)",
        "INSERT INTO participant_counters (study_slug, last_number) VALUES ('sam', 1)",
        "INSERT INTO answers (response_id, question_id, value, updated_on) VALUES ('6f1c1f0e-8e9b-4b8a-9a55-3c2a8c7f0a11', 'r1', 'kept', '2025-03-14')",
        "INSERT INTO redaction_scans (response_id, scanned_at) VALUES ('6f1c1f0e-8e9b-4b8a-9a55-3c2a8c7f0a11', 1741963512)",
        "INSERT INTO redactions (id, response_id, question_id, start_at, end_at, detector, found_text, descriptor, status)
         VALUES ('f1', '6f1c1f0e-8e9b-4b8a-9a55-3c2a8c7f0a11', 'r1', 0, 4, 'name', 'kept', '[name]', 'pending')",
    ] {
        sqlx::query(statement).execute(&older).await.unwrap();
    }
    older.close().await;

    let storage = Storage::connect(&url).await.unwrap();
    let id = ResponseId::parse("6f1c1f0e-8e9b-4b8a-9a55-3c2a8c7f0a11").unwrap();
    assert_eq!(
        storage.responses().answers(&id).await.unwrap()["r1"],
        "kept"
    );
    let record = storage
        .responses()
        .find_by_token_hash("h1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.participant_number, Some(1));
    let consistency = storage.check_consistency().await.unwrap();
    assert!(consistency.is_ok(), "{:?}", consistency.problems);
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let scanned: i64 = sqlx::query_scalar("SELECT scanned_at FROM redaction_scans")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(scanned, 1741910400, "midnight of 2025-03-14");
    if !crate::support::uses_postgres() {
        for table in ["responses", "answers"] {
            let numbered = sqlx::query(&format!("SELECT rowid FROM {table}"))
                .fetch_all(&pool)
                .await;
            assert!(numbered.is_err(), "{table} keeps no insertion order");
        }
    }
    let findings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redactions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(findings, 1);
    storage.responses().delete(&id).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "deleting a response still deletes its answers");
}

/// Signing in replaces a session while other requests write (touches, answers): every
/// replacement must go through, none may fail because another connection wrote in between.
#[tokio::test]
async fn sessions_are_replaced_while_other_requests_write() {
    let f = fresh().await;
    let staff_id = f
        .storage
        .staff()
        .create(domain::storage::NewStaff {
            email: "coder@example.org",
            password_hash: "hash",
            role: "researcher",
            now: 1,
        })
        .await
        .unwrap();
    const SESSIONS: usize = 40;
    for n in 0..SESSIONS {
        f.storage
            .sessions()
            .create(&format!("pending-{n}"), &staff_id, "second-factor", 1)
            .await
            .unwrap();
    }
    let response = start(&f.storage, "busy").await;
    let replacements = (0..SESSIONS).map(|n| {
        let storage = &f.storage;
        async move {
            storage
                .sessions()
                .replace(&format!("pending-{n}"), &format!("full-{n}"), "full", 2)
                .await
        }
    });
    let touches = (0..SESSIONS).map(|n| {
        let storage = &f.storage;
        let response = &response;
        async move {
            storage.sessions().touch(&format!("pending-{n}"), 2).await?;
            storage
                .responses()
                .save_answers(response, &[change("r1", Some(&n.to_string()))], 3, DAY)
                .await
        }
    });
    let (replaced, written) = futures::join!(join_all(replacements), join_all(touches));
    for outcome in replaced.into_iter().chain(written) {
        outcome.unwrap();
    }
    for n in 0..SESSIONS {
        let old = f
            .storage
            .sessions()
            .find(&format!("pending-{n}"))
            .await
            .unwrap();
        let new = f
            .storage
            .sessions()
            .find(&format!("full-{n}"))
            .await
            .unwrap();
        assert!(old.is_none(), "the pending session {n} ended");
        assert_eq!(new.map(|s| s.stage).as_deref(), Some("full"));
    }
    let gone = f
        .storage
        .sessions()
        .replace("pending-0", "again", "full", 3)
        .await;
    assert!(matches!(gone, Err(StorageError::NotFound)), "{gone:?}");
}
