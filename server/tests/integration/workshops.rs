//! Workshops in the database: created with a join code, joined by phones (a hash only), answered
//! one answer per phone and question, steered by facilitators without undoing each other, and
//! deleted with everything in them when their keeping time is over. On both engines.

use domain::secret_token::SecretToken;
use domain::storage::StorageError;
use domain::study::Study;
use domain::workshop::{self, Control, Plan, WorkshopPlan};

use crate::support::{TestApp, studies_dir};

const DAY: i64 = 24 * 60 * 60;

fn sam() -> Study {
    let source = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
    let mut study = Study::parse("sam.toml", &source).unwrap();
    study.version_number = 1;
    study
}

async fn trainer(app: &TestApp) -> String {
    app.add_staff_outside_studies("trainer@example.org", "trainer")
        .await
}

async fn new_workshop(
    app: &TestApp,
    created_by: &str,
    now: i64,
) -> domain::storage::WorkshopRecord {
    let study = sam();
    let plan = Plan::default_for(&study);
    let new = WorkshopPlan {
        title: "Positive risk-taking, March",
        study: &study,
        plan: &plan,
        keep_days: 30,
    };
    workshop::create(&app.storage().await, new, created_by, now)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_phone_joins_by_code_and_its_second_answer_replaces_its_first() {
    let app = TestApp::spawn().await;
    let created = new_workshop(&app, &trainer(&app).await, 1_000).await;
    let storage = app.storage().await;
    let workshops = storage.workshops();
    let found = workshops.by_code(&created.code).await.unwrap().unwrap();
    assert_eq!(found, created);
    assert!(found.state.joining_open && !found.state.answering_open && !found.state.results_shown);
    assert_eq!(
        Plan::from_json(&found.plan, &sam()).unwrap(),
        Plan::default_for(&sam())
    );

    let phone = SecretToken::generate().storage_hash();
    workshops.join(&created.id, &phone, 1_001).await.unwrap();
    workshops.join(&created.id, &phone, 1_002).await.unwrap();
    assert_eq!(
        workshops.joined(&created.id).await.unwrap(),
        1,
        "joining twice is joining once"
    );
    workshops
        .answer(&created.id, &phone, "money_support", 1, "2", 1_003)
        .await
        .unwrap();
    workshops
        .answer(&created.id, &phone, "money_support", 1, "4", 1_004)
        .await
        .unwrap();
    assert_eq!(
        workshops
            .tally(&created.id, "money_support", 1)
            .await
            .unwrap(),
        [("4".to_owned(), 1)]
    );
    assert_eq!(
        workshops.answers_of(&created.id, &phone, 1).await.unwrap(),
        [("money_support".to_owned(), "4".to_owned())]
    );
    let stranger = SecretToken::generate().storage_hash();
    let refused = workshops
        .answer(&created.id, &stranger, "money_support", 1, "5", 1_005)
        .await;
    assert!(
        matches!(refused, Err(StorageError::NotFound)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn facilitators_steering_at_once_never_undo_each_other() {
    let app = TestApp::spawn().await;
    let created = new_workshop(&app, &trainer(&app).await, 1_000).await;
    let storage = app.storage().await;
    let steps = Plan::default_for(&sam()).steps().len();
    let controls = [
        Control::Next,
        Control::Next,
        Control::Next,
        Control::OpenAnswering,
    ];
    let steered = futures::future::join_all(
        controls.map(|control| workshop::steer(&storage, &created.id, control, steps)),
    )
    .await;
    assert!(
        steered.iter().all(|result| matches!(result, Ok(Some(_)))),
        "{steered:?}"
    );
    let state = storage
        .workshops()
        .get(&created.id)
        .await
        .unwrap()
        .unwrap()
        .state;
    // Each Next closes answering: the open lands wherever it fell among them.
    assert_eq!(state.step, 3);
    assert_eq!(state.revision, 1 + 4);
    assert_eq!(
        workshop::steer(&storage, &created.id, Control::Back, steps)
            .await
            .unwrap()
            .map(|s| s.step),
        Some(2)
    );
}

#[tokio::test]
async fn a_workshop_past_its_keeping_time_is_deleted_with_its_phones_and_answers() {
    let app = TestApp::spawn().await;
    let trainer = trainer(&app).await;
    let kept = new_workshop(&app, &trainer, 40 * DAY).await;
    let expired = new_workshop(&app, &trainer, 0).await;
    assert_ne!(kept.code, expired.code);
    let storage = app.storage().await;
    let workshops = storage.workshops();
    let phone = SecretToken::generate().storage_hash();
    workshops.join(&expired.id, &phone, 1).await.unwrap();
    workshops
        .answer(&expired.id, &phone, "r1", 1, "Hope", 2)
        .await
        .unwrap();

    assert_eq!(workshops.delete_expired(31 * DAY).await.unwrap(), 1);
    assert!(workshops.get(&expired.id).await.unwrap().is_none());
    assert!(workshops.get(&kept.id).await.unwrap().is_some());
    let pool = app.pool().await;
    for table in ["workshop_devices", "workshop_answers"] {
        let (left,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
}
