//! `server backup --out FILE` copies a live SQLite database; a server started on the copy (the
//! restore) has every answer. PostgreSQL backups are pg_dump's job, and the command says so.

use std::process::Command;

use crate::support::process::ServerProcess;
use reqwest::StatusCode;

fn backup(database_url: &str, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["backup", "--out"])
        .arg(out)
        .env("DATABASE_URL", database_url)
        .env("STUDIES_DIR", crate::support::studies_dir())
        .output()
        .expect("server backup runs")
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_answer() {
    let dir = tempfile::tempdir().unwrap();
    let database = crate::support::fresh_database(&dir).await;
    let out = dir.path().join("backup.db");
    if crate::support::uses_postgres() {
        let refused = backup(&database, &out);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("pg_dump"));
        return;
    }
    let live = ServerProcess::start(&database, &[]);
    let client = crate::support::http_client();
    let consent = client
        .post(format!("{}/s/sam/consent", live.url))
        .form(&[("consent", "yes")])
        .send()
        .await
        .unwrap();
    let token = crate::support::set_cookie_value(&consent, "resume-sam").unwrap();
    let answer = "Backed up — café ☕, line one\nline two";
    let saved = client
        .post(format!("{}/s/sam/answers/sam", live.url))
        .header(
            reqwest::header::COOKIE,
            crate::support::resume_cookie("sam", &token),
        )
        .form(&[("r1", answer)])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let made = backup(&database, &out);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let again = backup(&database, &out);
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    drop(live);

    let restored_url = format!("sqlite://{}", out.display());
    let restored = ServerProcess::start(&restored_url, &[]);
    let page = crate::support::step_text(&client, &restored.url, &token, "sam").await;
    assert!(page.contains("Backed up — café ☕, line one\nline two"));
    let storage = domain::storage::Storage::connect(&restored_url)
        .await
        .unwrap();
    assert!(storage.check_consistency().await.unwrap().is_ok());
}
