//! Crash safety: the server is killed with SIGKILL in the middle of a load, restarted on the same
//! database, and every save it had acknowledged (2xx, or 303 for a form post) must be there, with
//! the database consistent (SQLite: `PRAGMA integrity_check` is ok; participant numbers gap-free).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::process::ServerProcess;
use domain::storage::Storage;
use domain::study::Study;
use loadtest::journey::{Pace, run_respondents};
use loadtest::target::Target;
use reqwest::StatusCode;

const RESPONDENTS: usize = 40;
/// The kill comes once this many requests have been answered: well into the run, long before
/// its end (40 respondents make about 2,000 requests).
const KILL_AFTER_REQUESTS: usize = 500;

#[tokio::test]
async fn every_acknowledged_save_survives_a_sigkill_mid_run() {
    let dir = tempfile::tempdir().unwrap();
    let database = crate::support::fresh_database(&dir).await;
    let mut server = ServerProcess::start(&database, &[]);
    let target =
        Arc::new(Target::new(vec![server.url.clone()], crate::support::REQUEST_TIMEOUT).unwrap());
    let study = Arc::new(Study::load(&crate::support::studies_dir().join("sam.toml")).unwrap());
    let load = tokio::spawn(run_respondents(
        target.clone(),
        study,
        Pace { think_ms: 0..=5 },
        RESPONDENTS,
        Duration::ZERO,
    ));
    let deadline = Instant::now() + Duration::from_secs(90);
    while target.stats.completed() < KILL_AFTER_REQUESTS {
        assert!(Instant::now() < deadline, "the load did not get going");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    let ledgers = load.await.unwrap();

    let unfinished = ledgers.iter().filter(|l| !l.completed()).count();
    assert!(unfinished > 0, "the kill came mid-run");
    let acknowledged: usize = ledgers.iter().map(|l| l.acknowledged_saves()).sum();
    assert!(
        acknowledged >= 100,
        "{acknowledged} saves acknowledged before the kill"
    );

    let restarted = ServerProcess::start(&database, &[]);
    let storage = Storage::connect(&database).await.unwrap();
    let verdict = loadtest::verify::verify(&storage, &crate::support::sam(), &ledgers, 0)
        .await
        .unwrap();
    println!("after SIGKILL and restart: {}", verdict.report());
    assert!(verdict.is_clean(), "{}", verdict.report());

    // Everyone who had not submitted can open their private link on the restarted server.
    let client = crate::support::http_client();
    for ledger in ledgers.iter().filter(|l| !l.completed()) {
        let Some(token) = &ledger.token else { continue };
        let resumed = client
            .get(format!("{}/r/{token}", restarted.url))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resumed.status(),
            StatusCode::OK,
            "respondent {}",
            ledger.respondent
        );
    }
}
