//! The event bus on a real database: in-process on SQLite; across instances through LISTEN/NOTIFY
//! on PostgreSQL, where a lost listening connection makes every subscriber resync.

use std::time::Duration;

use domain::events::{Delivery, Event, Events, Subscription};
use domain::storage::{LISTENER_APPLICATION_NAME, Storage};

use crate::support::{TestApp, fresh_database, question, sam, uses_postgres};
use domain::ids::ResponseId;

/// The same response id for the same name, so events can be compared.
fn response(name: &str) -> ResponseId {
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes());
    ResponseId::parse(id.to_string()).unwrap()
}

fn submitted(name: &str) -> Event {
    Event::ResponseSubmitted {
        study: sam(),
        response: response(name),
    }
}

/// The next delivery, or a failure after five seconds.
async fn next(subscription: &mut Subscription) -> Delivery {
    tokio::time::timeout(Duration::from_secs(5), subscription.next())
        .await
        .expect("a delivery within five seconds")
        .expect("the bus is still there")
}

/// Publishes until the relay has started listening (NOTIFY reaches only those already listening).
async fn publish_until_heard(events: &Events, subscription: &mut Subscription, event: Event) {
    for _ in 0..50 {
        events.publish(event.clone()).await;
        if let Ok(Some(delivery)) =
            tokio::time::timeout(Duration::from_millis(100), subscription.next()).await
        {
            assert_eq!(delivery, Delivery::Event(event));
            return;
        }
    }
    panic!("the event never arrived");
}

#[tokio::test]
async fn every_subscriber_receives_each_event_once() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::connect(&fresh_database(&dir).await).await.unwrap();
    let events = Events::start(&storage);
    let mut first = events.subscribe();
    let mut second = events.subscribe();
    publish_until_heard(&events, &mut first, submitted("warm-up")).await;
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(200), second.next()).await {}

    events.publish(submitted("r1")).await;
    let changed = Event::AnswerTextChanged {
        study: sam(),
        response: response("r1"),
        question: question("r2"),
    };
    events.publish(changed.clone()).await;
    for subscription in [&mut first, &mut second] {
        assert_eq!(next(subscription).await, Delivery::Event(submitted("r1")));
        assert_eq!(next(subscription).await, Delivery::Event(changed.clone()));
    }
}

#[tokio::test]
async fn an_event_published_on_one_instance_reaches_the_other() {
    if !uses_postgres() {
        return; // SQLite serves one process: there is no other instance to reach.
    }
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(&dir).await;
    let one = Events::start(&Storage::connect(&url).await.unwrap());
    let other = Events::start(&Storage::connect(&url).await.unwrap());
    let mut hears = other.subscribe();
    publish_until_heard(&one, &mut hears, submitted("from-one")).await;
}

#[tokio::test]
async fn a_lost_listening_connection_makes_every_subscriber_resync_and_events_flow_again() {
    if !uses_postgres() {
        return; // no listening connection on SQLite.
    }
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(&dir).await;
    let storage = Storage::connect(&url).await.unwrap();
    let events = Events::start(&storage);
    let mut first = events.subscribe();
    let mut second = events.subscribe();
    publish_until_heard(&events, &mut first, submitted("before")).await;
    assert_eq!(
        next(&mut second).await,
        Delivery::Event(submitted("before"))
    );

    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(LISTENER_APPLICATION_NAME)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(ended, [true], "one listening connection per process");

    for subscription in [&mut first, &mut second] {
        assert_eq!(next(subscription).await, Delivery::Resync);
    }
    publish_until_heard(&events, &mut first, submitted("after")).await;
    assert_eq!(next(&mut second).await, Delivery::Event(submitted("after")));
}

#[tokio::test]
async fn a_submitted_response_is_scanned_for_identifiers_without_opening_the_queue() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Ring me on 07700 900123 about it.")
        .await;
    let storage = app.storage().await;
    for _ in 0..50 {
        if storage
            .redactions()
            .responses_to_scan(&crate::support::sam())
            .await
            .unwrap()
            .is_empty()
        {
            let found = storage
                .redactions()
                .list(
                    &crate::support::sam(),
                    &domain::storage::RedactionStatus::ALL,
                    10,
                )
                .await
                .unwrap();
            assert!(
                found
                    .iter()
                    .any(|f| f.found_text.as_deref() == Some("07700 900123")),
                "{found:?}"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the response was not scanned within five seconds of its submission");
}
