//! Workshops' live feeds: each phone hears every state the facilitator makes, whole, with the
//! revision as the event's id; the facilitator's feed also hears answers; nothing hidden is in a
//! feed; a feed reopened, or an instance whose listening connection was killed, ends up at the
//! current state; and phones on two instances (PostgreSQL) hear the facilitator on either, losing
//! no answer. On both engines.

use std::sync::Arc;
use std::time::Duration;

use domain::storage::LISTENER_APPLICATION_NAME;
use domain::study::Study;
use domain::workshop::LiveState;
use loadtest::feed::{EventFeed, FeedEvent, feed_client};
use loadtest::target::Target;
use loadtest::workshop::{WorkshopSettings, run};
use reqwest::StatusCode;

use crate::support::process::ServerProcess;
use crate::support::{TestApp, location, uses_postgres};

/// How long a test waits for an event that should come at once.
const PROMPTLY: Duration = Duration::from_secs(5);

async fn next_event(feed: &mut EventFeed) -> FeedEvent {
    tokio::time::timeout(PROMPTLY, feed.next())
        .await
        .expect("an event within 5 s")
        .expect("the feed reads")
        .expect("the feed is still open")
}

fn state_of(event: &FeedEvent) -> LiveState {
    assert_eq!(event.name, "state", "{event:?}");
    let state: LiveState = serde_json::from_str(&event.data).unwrap();
    assert_eq!(event.id, Some(state.revision.to_string()));
    state
}

/// A trainer's new workshop: (trainer's cookie, id, code).
async fn workshop(app: &TestApp) -> (String, String, String) {
    let trainer = app.signed_in_as("trainer").await;
    let made = app
        .post_with_cookie(
            "/admin/workshops",
            &trainer,
            &[("title", "Live"), ("study", "sam"), ("keep_days", "")],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let id = location(&made).rsplit('/').next().unwrap().to_owned();
    let record = app.storage().await.workshops().get(&id).await.unwrap();
    (trainer, id, record.unwrap().code.as_str().to_owned())
}

async fn control(app: &TestApp, cookie: &str, id: &str, name: &str) {
    let path = format!("/admin/workshops/{id}/control");
    let steered = app
        .post_with_cookie(&path, cookie, &[("control", name)])
        .await;
    assert_eq!(steered.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn phones_hear_each_state_whole_and_the_facilitator_also_hears_answers() {
    let app = TestApp::spawn().await;
    let (trainer, id, code) = workshop(&app).await;
    let client = feed_client();
    let mut room = EventFeed::open(&client, &app.url(&format!("/w/{code}/live")), None)
        .await
        .unwrap();
    let opening = state_of(&next_event(&mut room).await);
    assert_eq!((opening.step, opening.revision), (0, 1));
    let mut desk = EventFeed::open(
        &client,
        &app.url(&format!("/admin/workshops/{id}/live")),
        Some(&trainer),
    )
    .await
    .unwrap();
    assert_eq!(state_of(&next_event(&mut desk).await), opening);

    control(&app, &trainer, &id, "next").await;
    control(&app, &trainer, &id, "open-answering").await;
    for feed in [&mut room, &mut desk] {
        assert_eq!(state_of(&next_event(feed).await).step, 1);
        let open = state_of(&next_event(feed).await);
        assert!(open.answering_open && open.revision == 3, "{open:?}");
    }

    let joined = app.post_form("/join", &[("code", &code)]).await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(next_event(&mut desk).await.name, "answers");
    control(&app, &trainer, &id, "show-results").await;
    let shown = next_event(&mut room).await;
    assert!(state_of(&shown).results_shown);
    // The feed says only where the room is: results reach a page through its own view.
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&shown.data).unwrap();
    let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "answering_open",
            "joining_open",
            "results_shown",
            "revision",
            "round",
            "step"
        ]
    );
}

#[tokio::test]
async fn feeds_are_only_for_a_workshop_that_exists_and_a_facilitator_who_runs_it() {
    let app = TestApp::spawn().await;
    let (_, id, _) = workshop(&app).await;
    let client = feed_client();
    let unknown = EventFeed::open(&client, &app.url("/w/ZZZZZZ/live"), None).await;
    assert!(matches!(
        unknown,
        Err(loadtest::feed::FeedError::Status(StatusCode::NOT_FOUND))
    ));
    let desk = app.url(&format!("/admin/workshops/{id}/live"));
    let anonymous = app.get(&format!("/admin/workshops/{id}/live")).await;
    assert!(
        anonymous.status().is_redirection() || anonymous.status() == StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.status()
    );
    app.add_staff_outside_studies("other-trainer@example.org", "trainer")
        .await;
    let other = app
        .sign_in("other-trainer@example.org", crate::support::STAFF_PASSWORD)
        .await
        .unwrap();
    let refused = EventFeed::open(&client, &desk, Some(&other)).await;
    assert!(matches!(
        refused,
        Err(loadtest::feed::FeedError::Status(StatusCode::FORBIDDEN))
    ));
}

#[tokio::test]
async fn a_phone_that_lost_its_feed_or_whose_instance_lost_the_database_listener_catches_up() {
    let app = TestApp::spawn().await;
    let (trainer, id, code) = workshop(&app).await;
    let client = feed_client();
    let url = app.url(&format!("/w/{code}/live"));

    // The phone's own connection drops; the facilitator steps meanwhile; the browser reconnects.
    let feed = EventFeed::open(&client, &url, None).await.unwrap();
    drop(feed);
    control(&app, &trainer, &id, "next").await;
    let mut feed = EventFeed::open(&client, &url, None).await.unwrap();
    assert_eq!(state_of(&next_event(&mut feed).await).revision, 2);

    if uses_postgres() {
        // The instance's listening connection is killed: its feeds resync from the database.
        let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = $1 AND datname = current_database()",
        )
        .bind(LISTENER_APPLICATION_NAME)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(ended, [true]);
        assert_eq!(
            state_of(&next_event(&mut feed).await).revision,
            2,
            "a resync"
        );
    }
    control(&app, &trainer, &id, "open-answering").await;
    let mut latest = state_of(&next_event(&mut feed).await);
    while latest.revision < 3 {
        latest = state_of(&next_event(&mut feed).await);
    }
    assert!(latest.answering_open);
}

/// Phones take turns over the instances (two on PostgreSQL; on SQLite, which serves one
/// process, one): every phone hears every step and every acknowledged answer is stored.
#[tokio::test]
async fn phones_on_every_instance_hear_every_step_and_lose_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let database = crate::support::fresh_database(&dir).await;
    let mut servers = vec![ServerProcess::start(&database, &[])];
    if uses_postgres() {
        servers.push(ServerProcess::start(&database, &[]));
    }
    let target = Arc::new(
        Target::new(
            servers.iter().map(|s| s.url.clone()).collect(),
            crate::support::REQUEST_TIMEOUT,
        )
        .unwrap(),
    );
    let study = Study::load(&crate::support::studies_dir().join("sam.toml")).unwrap();
    let storage = domain::storage::Storage::connect(&database).await.unwrap();
    let settings = WorkshopSettings {
        phones: 12,
        event_timeout: Duration::from_secs(10),
    };
    let figures = run(target.clone(), &storage, Arc::new(study), &settings)
        .await
        .unwrap();
    assert!(figures.is_clean(), "{}", figures.report());
    assert!(figures.controls >= 4, "{}", figures.report());
    assert_eq!(
        figures.step_to_phone.unwrap().count,
        figures.controls * settings.phones
    );
    assert!(
        figures.answers_acknowledged >= settings.phones,
        "{}",
        figures.report()
    );
    assert_eq!(target.stats.not_expected(), 0);
}
