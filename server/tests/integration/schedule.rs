//! When a study takes part: open and closing days, the grace days for answers in progress, and the
//! start page of an instance with several studies.

use chrono::{Days, NaiveDate};
use reqwest::StatusCode;

use crate::support::{TestApp, complete_answers, studies_dir};

const DAY: i64 = 24 * 60 * 60;

/// Serves the Sam study with a `[schedule]` table, and any other files given.
async fn spawn_scheduled(
    schedule: &str,
    others: &[(&str, String)],
) -> (TestApp, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let sam = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
    std::fs::write(
        folder.path().join("sam.toml"),
        format!("{sam}\n[schedule]\n{schedule}\n"),
    )
    .unwrap();
    for (name, text) in others {
        std::fs::write(folder.path().join(name), text).unwrap();
    }
    let studies = folder.path().to_owned();
    let app = TestApp::spawn_with(|config| config.studies_dir = studies).await;
    (app, folder)
}

fn days_from(today: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        today.checked_add_days(Days::new(days as u64)).unwrap()
    } else {
        today
            .checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap()
    }
}

fn long_day(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

#[tokio::test]
async fn a_closed_study_takes_no_one_new_and_answers_begun_in_time_are_sent_until_its_last_day() {
    let today = domain::clock::Clock::default().today();
    let last_open = days_from(today, 1);
    let (app, _folder) = spawn_scheduled(&format!("open_until = {last_open}"), &[]).await;
    let early = app.consent().await;
    let late = app.consent().await;
    let (page, fields) = complete_answers().into_iter().next().unwrap();
    assert_eq!(
        app.post_step(&late, page, &fields).await.status(),
        StatusCode::SEE_OTHER
    );

    app.clock.advance(2 * DAY);
    let (status, landing) = app.get_html("/s/sam").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        landing.contains(&format!("This study closed on {}", long_day(last_open))),
        "{landing}"
    );
    assert!(!landing.contains("Start now"));
    let (status, consent_page) = app.get_html("/s/sam/consent").await;
    assert_eq!(status, StatusCode::GONE);
    assert!(consent_page.contains("takes no new participants"));
    let refused = app.post_form("/s/sam/consent", &[("consent", "yes")]).await;
    assert_eq!(refused.status(), StatusCode::GONE);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("takes no new participants")
    );

    // Answers begun in time: saved and sent during the grace days (14 by default) …
    app.answer_everything(&early).await;
    let sent = app.post_step(&early, "check", &[]).await;
    assert_eq!(sent.status(), StatusCode::OK, "submitted in the grace days");

    // … and refused after them, with what was saved kept.
    app.clock.advance(14 * DAY);
    let (next_page, next_fields) = complete_answers().into_iter().nth(1).unwrap();
    let too_late = app.post_step(&late, next_page, &next_fields).await;
    assert_eq!(too_late.status(), StatusCode::GONE);
    let last_answers = long_day(days_from(last_open, 14));
    assert!(
        too_late
            .text()
            .await
            .unwrap()
            .contains(&format!("stopped taking answers on {last_answers}")),
        "the page says when answers stopped"
    );
    let kept = app.answers(&late).await;
    let (first_field, first_value) = fields[0];
    assert_eq!(
        kept.get(&crate::support::question(first_field))
            .map(String::as_str),
        Some(first_value),
        "the answers saved in time are kept"
    );
    let (_, landing) = app.get_html("/s/sam").await;
    assert!(!landing.contains("Continue where you left off"));
}

#[tokio::test]
async fn a_study_not_yet_open_says_when_it_opens() {
    let today = domain::clock::Clock::default().today();
    let first = days_from(today, 3);
    let (app, _folder) = spawn_scheduled(&format!("open_from = {first}"), &[]).await;
    let (status, landing) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(landing.contains(&format!("This study opens on {}", long_day(first))));
    assert!(!landing.contains("Start now"));
    let refused = app.post_form("/s/sam/consent", &[("consent", "yes")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.clock.advance(3 * DAY);
    app.consent().await;
}

#[tokio::test]
async fn the_start_page_lists_the_open_studies_or_opens_the_only_one() {
    let today = domain::clock::Clock::default().today();
    let sam = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
    let other = sam
        .replacen("slug = \"sam\"", "slug = \"other\"", 1)
        .replacen(
            "title = \"Recovery and positive risk-taking: the Sam study\"",
            "title = \"A second study\"",
            1,
        )
        + &format!("\n[schedule]\nopen_until = {}\n", days_from(today, 1));
    let (app, _folder) = spawn_scheduled(
        &format!("open_from = {}", days_from(today, -10)),
        &[("other.toml", other)],
    )
    .await;
    let (status, start) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(start.contains("Studies open now"));
    assert!(start.contains("href=\"/s/sam\""));
    assert!(start.contains("href=\"/s/other\""));
    assert!(start.contains("A second study"));
    assert!(
        start.find("/s/sam") < start.find("/s/other"),
        "the default study first"
    );
    assert!(!start.contains("Start now"));

    app.clock.advance(2 * DAY);
    let (_, start) = app.get_html("/").await;
    assert!(
        !start.contains("Studies open now"),
        "one open study: its own page"
    );
    assert!(start.contains("Start now"));
    assert!(start.contains("href=\"/s/sam/consent\""));
}

#[tokio::test]
async fn schedule_mistakes_name_their_field() {
    let sam = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
    let problems = [
        (
            "open_from = 2026-06-01\nopen_until = 2026-05-01",
            "schedule.open_until",
        ),
        ("answers_until = 2026-05-01", "schedule.answers_until"),
        (
            "open_until = 2026-06-01\nanswers_until = 2026-05-01",
            "schedule.answers_until",
        ),
        ("open_until = 2026-06-01T10:00:00", "schedule.open_until"),
    ];
    for (schedule, field) in problems {
        let text = format!("{sam}\n[schedule]\n{schedule}\n");
        let error = domain::study::Study::parse("sam.toml", &text).unwrap_err();
        assert_eq!(error.field, field, "{schedule}: {error}");
    }
    let wrong_type = format!("{sam}\n[schedule]\nopen_until = \"soon\"\n");
    let error = domain::study::Study::parse("sam.toml", &wrong_type).unwrap_err();
    assert_eq!(error.field, "schedule.open_until", "{error}");
    assert!(error.line.is_some(), "{error}");
}
