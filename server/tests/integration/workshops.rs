//! Workshops in the database: created with a join code, joined by phones (a hash only), answered
//! one answer per phone and question, steered by facilitators without undoing each other, and
//! deleted with everything in them when their keeping time is over. On both engines.

use domain::secret_token::SecretToken;
use domain::storage::StorageError;
use domain::study::Study;
use domain::workshop::{Control, Plan, WorkshopPlan};

use reqwest::StatusCode;

use crate::support::{TestApp, cookie_of, location, studies_dir};

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
    app.storage()
        .await
        .workshops()
        .create_with_fresh_code(new, created_by, now)
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
    workshops
        .join(&created.id, &phone, 1_001, &[])
        .await
        .unwrap();
    workshops
        .join(&created.id, &phone, 1_002, &[])
        .await
        .unwrap();
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
        controls.map(|control| storage.workshops().steer(&created.id, control, steps)),
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
        storage
            .workshops()
            .steer(&created.id, Control::Back, steps)
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
    workshops.join(&expired.id, &phone, 1, &[]).await.unwrap();
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

/// A trainer's workshop made from the form; its id and join code.
pub(crate) async fn workshop_made_by(app: &TestApp, trainer_cookie: &str) -> (String, String) {
    let made = app
        .post_with_cookie(
            "/admin/workshops",
            trainer_cookie,
            &[
                ("title", "Ward team, March"),
                ("study", "sam"),
                ("keep_days", ""),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let id = location(&made).rsplit('/').next().unwrap().to_owned();
    let code = app
        .storage()
        .await
        .workshops()
        .get(&id)
        .await
        .unwrap()
        .unwrap()
        .code;
    (id, code.as_str().to_owned())
}

/// A phone joins with the code typed as people type it; its cookie ("name=value").
pub(crate) async fn phone_joins(app: &TestApp, code: &str) -> String {
    let typed = format!(" {}-{} ", &code[..3].to_lowercase(), &code[3..]);
    let joined = app.post_form("/join", &[("code", &typed)]).await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&joined), format!("/w/{code}"));
    cookie_of(&joined).expect("a device cookie")
}

pub(crate) async fn control(app: &TestApp, cookie: &str, id: &str, name: &str) {
    let path = format!("/admin/workshops/{id}/control");
    let steered = app
        .post_with_cookie(&path, cookie, &[("control", name)])
        .await;
    assert_eq!(steered.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_room_joins_answers_and_sees_results_only_once_the_facilitator_shows_them() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    let (status, console) = app.page(&format!("/admin/workshops/{id}"), &trainer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(console.contains(&format!("/join/{code}")), "{console}");

    let phones = [
        phone_joins(&app, &code).await,
        phone_joins(&app, &code).await,
    ];
    let (_, waiting) = app.page(&format!("/w/{code}"), &phones[0]).await;
    assert!(
        waiting.contains("Before you start") && waiting.contains("Check for the next question"),
        "{waiting}"
    );

    // On to the first situation; the room answers once answering is open.
    let steps = Plan::default_for(&sam())
        .steps()
        .iter()
        .position(|s| s.page == "scenario-money")
        .unwrap();
    for _ in 0..steps {
        control(&app, &trainer, &id, "next").await;
    }
    let closed = app
        .post_with_cookie(
            &format!("/w/{code}/answers"),
            &phones[0],
            &[("money_support", "4")],
        )
        .await;
    assert_eq!(closed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    control(&app, &trainer, &id, "open-answering").await;
    for (phone, point) in phones.iter().zip(["4", "5"]) {
        let sent = app
            .post_with_cookie(
                &format!("/w/{code}/answers"),
                phone,
                &[
                    ("step", &steps.to_string()),
                    ("round", "1"),
                    ("money_support", point),
                    ("money_right_thing", "Talk it through with Sam first."),
                ],
            )
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }
    let bad = app
        .post_with_cookie(
            &format!("/w/{code}/answers"),
            &phones[0],
            &[
                ("step", &steps.to_string()),
                ("round", "1"),
                ("money_support", "9"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Hidden results never leave the server: neither the phones' pages nor the projector's hold them.
    let (_, phone_page) = app.page(&format!("/w/{code}"), &phones[1]).await;
    let (_, screen) = app
        .page(&format!("/admin/workshops/{id}/screen"), &trainer)
        .await;
    // The screen stands alone (no staff bar) and shows the join address as a QR code.
    assert!(
        screen.contains("QR code of the join address") && screen.contains("<svg"),
        "{screen}"
    );
    assert!(!screen.contains("Sign out"), "{screen}");
    for html in [&phone_page, &screen] {
        assert!(!html.contains("Results"), "{html}");
        assert!(
            !html.contains("\"counts\""),
            "results in the page's data: {html}"
        );
    }
    control(&app, &trainer, &id, "show-results").await;
    let (_, screen) = app
        .page(&format!("/admin/workshops/{id}/screen"), &trainer)
        .await;
    assert!(
        screen.contains("Results") && screen.contains("<td>Strongly support</td><td>1</td>"),
        "{screen}"
    );
    assert!(screen.contains("2 written answers"), "{screen}");
    let (_, phone_page) = app.page(&format!("/w/{code}"), &phones[0]).await;
    assert!(
        phone_page.contains("<td>Support</td><td>1</td>"),
        "{phone_page}"
    );

    // Stepping on hides the results again and closes answering.
    control(&app, &trainer, &id, "next").await;
    let (_, screen) = app
        .page(&format!("/admin/workshops/{id}/screen"), &trainer)
        .await;
    assert!(!screen.contains("Results"));

    // A phone still showing the step the room has left: nothing saved to the new step, and
    // what it wrote comes back to copy.
    control(&app, &trainer, &id, "open-answering").await;
    let late = app
        .post_with_cookie(
            &format!("/w/{code}/answers"),
            &phones[1],
            &[
                ("step", &steps.to_string()),
                ("round", "1"),
                ("money_right_thing", "Ask Sam what the money is for."),
            ],
        )
        .await;
    assert_eq!(late.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let shown = late.text().await.unwrap();
    assert!(
        shown.contains("moved to another step")
            && shown.contains("What you wrote (not saved)")
            && shown.contains("Ask Sam what the money is for."),
        "{shown}"
    );
    let held = app
        .storage()
        .await
        .workshops()
        .tally(&id, "money_right_thing", 1)
        .await
        .unwrap();
    assert_eq!(held.iter().map(|(_, n)| n).sum::<i64>(), 2, "{held:?}");
}

#[tokio::test]
async fn joining_names_what_is_wrong_and_only_the_trainer_who_made_it_runs_a_workshop() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    for (typed, says) in [
        ("ABC", "Enter the 6 letters"),
        ("ACDEFG", "No workshop has the code ACD EFG"),
    ] {
        let refused = app.post_form("/join", &[("code", typed)]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text().await.unwrap();
        assert!(
            text.contains(says) && text.contains(&format!("value=\"{typed}\"")),
            "{text}"
        );
    }
    let (status, _) = app.page(&format!("/w/{code}"), "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a phone that has not joined");

    control(&app, &trainer, &id, "close-joining").await;
    let late = app.post_form("/join", &[("code", &code)]).await;
    assert_eq!(late.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let researcher = app.signed_in_as("researcher").await;
    let (status, _) = app
        .page(&format!("/admin/workshops/{id}"), &researcher)
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "researchers do not run workshops"
    );
    let secret = app
        .add_staff_with_two_factor("owner@example.org", "owner")
        .await;
    let owner = app.sign_in_with_code("owner@example.org", &secret).await;
    let (status, _) = app.page(&format!("/admin/workshops/{id}"), &owner).await;
    assert_eq!(status, StatusCode::OK, "owners run every workshop");
}

#[tokio::test]
async fn a_trainer_chooses_the_pages_and_questions_a_workshop_asks() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    let (status, form) = app
        .page(&format!("/admin/workshops/{id}/plan"), &trainer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"money_support\""), "{form}");

    let path = format!("/admin/workshops/{id}/plan");
    let nothing = app.post_with_cookie(&path, &trainer, &[]).await;
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nothing
            .text()
            .await
            .unwrap()
            .contains("Choose at least one page")
    );

    // The vignette, then one question of the pub night: its page comes with it.
    let saved = app
        .post_with_cookie(
            &path,
            &trainer,
            &[("page", "sam"), ("question", "social_support")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let record = app
        .storage()
        .await
        .workshops()
        .get(&id)
        .await
        .unwrap()
        .unwrap();
    let plan = Plan::from_json(&record.plan, &sam()).unwrap();
    let asked: Vec<(&str, Vec<String>)> = plan
        .steps()
        .iter()
        .map(|step| (step.page.as_str(), step.questions.clone()))
        .collect();
    assert_eq!(
        asked,
        [
            ("sam", vec![]),
            ("scenario-social", vec!["social_support".to_owned()])
        ]
    );
    let phone = phone_joins(&app, &code).await;
    control(&app, &trainer, &id, "next").await;
    control(&app, &trainer, &id, "open-answering").await;
    let (_, shown) = app.page(&format!("/w/{code}"), &phone).await;
    assert!(shown.contains("a night at the pub") && shown.contains("name=\"social_support\""));
    assert!(
        !shown.contains("social_right_thing"),
        "only the chosen question is asked"
    );
}

#[tokio::test]
async fn written_answers_reach_the_screen_only_once_shown_and_can_be_placed_on_the_studys_themes() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    let phones = [
        phone_joins(&app, &code).await,
        phone_joins(&app, &code).await,
    ];
    let step = Plan::default_for(&sam())
        .steps()
        .iter()
        .position(|s| s.page == "scenario-money")
        .unwrap();
    for _ in 0..step {
        control(&app, &trainer, &id, "next").await;
    }
    control(&app, &trainer, &id, "open-answering").await;
    let flagged = "Ring Sam's sister on 07700 900123 first.";
    let budget = "Let Sam try it with a weekly budget.";
    for (phone, text) in phones.iter().zip([flagged, budget]) {
        let sent = app
            .post_with_cookie(
                &format!("/w/{code}/answers"),
                phone,
                &[
                    ("step", &step.to_string()),
                    ("round", "1"),
                    ("money_right_thing", text),
                ],
            )
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }
    let console = format!("/admin/workshops/{id}");
    let (_, queue) = app.page(&console, &trainer).await;
    assert!(
        queue.contains("2 written, 2 waiting") && queue.contains("a UK phone number: 07700 900123"),
        "{queue}"
    );

    control(&app, &trainer, &id, "show-results").await;
    let screen = format!("/admin/workshops/{id}/screen");
    let (_, shown) = app.page(&screen, &trainer).await;
    assert!(
        !shown.contains(flagged) && !shown.contains(budget),
        "{shown}"
    );

    let reference_of = |answers: &[domain::storage::RoomAnswer], text: &str| {
        answers.iter().find(|a| a.text == text).unwrap().reference()
    };
    let answers = app
        .storage()
        .await
        .workshops()
        .written_answers(&id, &["money_right_thing"], 1)
        .await
        .unwrap();
    let review = format!("/admin/workshops/{id}/review");
    let decide = |fields: Vec<(&'static str, String)>| {
        let (app, review, trainer) = (&app, review.clone(), trainer.clone());
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_with_cookie(&review, &trainer, &fields)
                .await
                .status()
        }
    };
    let budget_ref = reference_of(&answers, budget);
    assert_eq!(
        decide(vec![
            ("answer", budget_ref.clone()),
            ("decision", "show".into())
        ])
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        decide(vec![
            ("answer", reference_of(&answers, flagged)),
            ("decision", "hide".into())
        ])
        .await,
        StatusCode::SEE_OTHER
    );
    let (_, shown) = app.page(&screen, &trainer).await;
    assert!(
        shown.contains(budget) && !shown.contains(flagged),
        "{shown}"
    );
    assert!(
        !shown.contains("This room beside the study"),
        "nothing placed yet"
    );
    // The cloud is of shown answers only, without the vignette's person or common words.
    assert!(
        shown.contains("Words the room used most") && shown.contains(">weekly<"),
        "{shown}"
    );
    for left_out in [">sam<", ">ring<", ">with<"] {
        assert!(!shown.to_lowercase().contains(left_out), "{left_out}");
    }

    let unknown_theme = decide(vec![
        ("answer", budget_ref.clone()),
        ("decision", "place".into()),
        ("theme", "not-a-theme".into()),
    ])
    .await;
    assert!(unknown_theme.is_client_error(), "{unknown_theme}");
    assert_eq!(
        decide(vec![
            ("answer", budget_ref.clone()),
            ("decision", "place".into()),
            ("theme", "support-system".into()),
        ])
        .await,
        StatusCode::SEE_OTHER
    );
    let (_, shown) = app.page(&screen, &trainer).await;
    assert!(
        shown.contains("This room beside the study")
            && shown.contains("Importance of a support-system")
            && shown.contains("1 answers"),
        "{shown}"
    );
    let (_, queue) = app.page(&console, &trainer).await;
    assert!(
        queue.contains("On the screen, placed on Importance of a support-system")
            && queue.contains("Kept off the screen"),
        "{queue}"
    );

    // A phone that changes a shown answer sends it back to the queue, off the screen.
    let changed = "Let Sam try it with a weekly budget, reviewed each Friday.";
    let sent = app
        .post_with_cookie(
            &format!("/w/{code}/answers"),
            &phones[1],
            &[
                ("step", &step.to_string()),
                ("round", "1"),
                ("money_right_thing", changed),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (_, shown) = app.page(&screen, &trainer).await;
    assert!(
        !shown.contains(changed) && !shown.contains(budget),
        "{shown}"
    );
    let (_, queue) = app.page(&console, &trainer).await;
    assert!(queue.contains("2 written, 1 waiting"), "{queue}");

    // Afterwards: the answers as CSV (phones numbered by joining) and the summary, for the
    // facilitator only.
    let csv_path = format!("/admin/workshops/{id}/answers.csv");
    let csv = app.get_with_cookie(&csv_path, &trainer).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "phone,vignette_variant,question_id,question,round,value,answer,on_screen,theme"
    );
    // Two phones that joined in the same second may be numbered either way.
    let mut rows: Vec<&str> = lines[1..].to_vec();
    rows.sort_by_key(|line| !line.contains(flagged));
    assert!(
        rows[0].ends_with(",no,") && rows[1].ends_with(",waiting,"),
        "{csv}"
    );
    let mut numbers: Vec<&str> = rows.iter().map(|line| &line[..3]).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, ["P1,", "P2,"]);
    assert!(!csv.contains(&phones[0][phones[0].find('=').unwrap() + 1..]));
    let exported = app.audited("trainer@example.org", "exported data").await;
    assert!(
        exported
            .iter()
            .any(|detail| detail.starts_with("workshop ") && detail.ends_with(", answers")),
        "the download is audited: {exported:?}"
    );
    let (status, summary) = app
        .page(&format!("/admin/workshops/{id}/summary"), &trainer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        summary.contains("Summary: Ward team, March") && summary.contains("2 phones joined"),
        "{summary}"
    );
    app.add_staff_outside_studies("other@example.org", "trainer")
        .await;
    let other = app
        .sign_in("other@example.org", crate::support::STAFF_PASSWORD)
        .await
        .unwrap();
    let refused = app.get_with_cookie(&csv_path, &other).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_pack_and_the_guide_are_made_from_the_workshops_own_wording() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    let study = sam();
    let money = study.page("scenario-money").unwrap().1;
    let (status, pack) = app
        .page(&format!("/admin/workshops/{id}/pack"), &trainer)
        .await;
    assert_eq!(status, StatusCode::OK);
    let first_words: String = money.body_html.chars().skip(3).take(40).collect();
    for expected in [
        "Printable pack: Ward team, March",
        &format!("/join/{code}"),
        "QR code of the join address",
        "Answer sheet",
        &money.title,
        &first_words,
        "Strongly support",
    ] {
        assert!(pack.contains(expected), "{expected} not in {pack}");
    }
    let (status, guide) = app
        .page(&format!("/admin/workshops/{id}/guide"), &trainer)
        .await;
    assert_eq!(status, StatusCode::OK);
    for expected in ["Timings", "Who decides", "What could go wrong", "Close"] {
        assert!(guide.contains(expected), "{expected} not in {guide}");
    }
}

/// Steps a new workshop to the money scenario with answering open; its step number.
pub(crate) async fn open_money_scenario(app: &TestApp, trainer: &str, id: &str) -> usize {
    let step = Plan::default_for(&sam())
        .steps()
        .iter()
        .position(|s| s.page == "scenario-money")
        .unwrap();
    for _ in 0..step {
        control(app, trainer, id, "next").await;
    }
    control(app, trainer, id, "open-answering").await;
    step
}

pub(crate) async fn rate(
    app: &TestApp,
    code: &str,
    phone: &str,
    (step, round): (usize, i64),
    point: &str,
) -> StatusCode {
    app.post_with_cookie(
        &format!("/w/{code}/answers"),
        phone,
        &[
            ("step", step.to_string().as_str()),
            ("round", round.to_string().as_str()),
            ("money_support", point),
        ],
    )
    .await
    .status()
}

#[tokio::test]
async fn asking_again_shows_how_the_same_phones_moved_and_only_for_enough_of_them() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    let mut phones = Vec::new();
    for _ in 0..6 {
        phones.push(phone_joins(&app, &code).await);
    }
    let step = open_money_scenario(&app, &trainer, &id).await;
    for (phone, point) in phones.iter().take(5).zip(["2", "3", "3", "4", "5"]) {
        assert_eq!(
            rate(&app, &code, phone, (step, 1), point).await,
            StatusCode::SEE_OTHER
        );
    }
    control(&app, &trainer, &id, "show-results").await;
    control(&app, &trainer, &id, "ask-again").await;
    // A form still showing the first round saves nothing to the second.
    assert_eq!(
        rate(&app, &code, &phones[0], (step, 1), "4").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, console) = app.page(&format!("/admin/workshops/{id}"), &trainer).await;
    assert!(
        console.contains("asked 2 times. Answering is open; results are hidden"),
        "{console}"
    );
    // Three move up, one stays, one moves down; the sixth answers only now.
    for (phone, point) in phones.iter().zip(["4", "4", "3", "5", "4", "1"]) {
        assert_eq!(
            rate(&app, &code, phone, (step, 2), point).await,
            StatusCode::SEE_OTHER
        );
    }
    control(&app, &trainer, &id, "show-results").await;
    let screen = format!("/admin/workshops/{id}/screen");
    let (_, shown) = app.page(&screen, &trainer).await;
    assert!(
        shown.contains("of the 5 phones that answered both times, 3 moved towards the top of the scale, 1 stayed and 1 moved towards the bottom"),
        "{shown}"
    );
    assert!(
        shown.contains("<td>Strongly support</td><td>1</td>"),
        "this round: {shown}"
    );

    // A third time, with only two answering: no breakdown.
    control(&app, &trainer, &id, "ask-again").await;
    for phone in &phones[..2] {
        assert_eq!(
            rate(&app, &code, phone, (step, 3), "5").await,
            StatusCode::SEE_OTHER
        );
    }
    control(&app, &trainer, &id, "show-results").await;
    let (_, shown) = app.page(&screen, &trainer).await;
    assert!(
        shown.contains("2 phones answered both times. With fewer than 5 no shift is shown"),
        "{shown}"
    );
    assert!(!shown.contains("moved towards"), "{shown}");
    // The answers of every round are kept.
    let storage = app.storage().await;
    for (round, phones) in [(1, 5), (2, 6), (3, 2)] {
        let tally = storage
            .workshops()
            .tally(&id, "money_support", round)
            .await
            .unwrap();
        assert_eq!(
            tally.iter().map(|(_, n)| n).sum::<i64>(),
            phones,
            "round {round}"
        );
    }
}

#[tokio::test]
async fn a_co_facilitator_steers_but_only_the_trainer_who_made_it_chooses_them() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, _) = workshop_made_by(&app, &trainer).await;
    app.add_staff_outside_studies("co@example.org", "trainer")
        .await;
    app.add_staff_outside_studies("reader@example.org", "researcher")
        .await;
    let co = app
        .sign_in("co@example.org", crate::support::STAFF_PASSWORD)
        .await
        .unwrap();
    let console = format!("/admin/workshops/{id}");
    let choose = format!("/admin/workshops/{id}/co-facilitator");
    assert_eq!(app.page(&console, &co).await.0, StatusCode::FORBIDDEN);

    for (email, problem) in [
        ("", "Enter the email of a trainer"),
        (
            "nobody@example.org",
            "No account has the email nobody@example.org",
        ),
        ("reader@example.org", "reader@example.org is not a trainer"),
        ("trainer@example.org", "You run this workshop already"),
    ] {
        let refused = app
            .post_with_cookie(&choose, &trainer, &[("email", email)])
            .await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email}"
        );
        let html = refused.text().await.unwrap();
        assert!(
            html.contains(problem) && html.contains("There is a problem"),
            "{email}: {html}"
        );
    }
    let chosen = app
        .post_with_cookie(&choose, &trainer, &[("email", "co@example.org")])
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    let (status, html) = app.page(&console, &co).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("co@example.org can steer this workshop too"));
    assert!(
        !html.contains("Make them co-facilitator"),
        "only the maker chooses"
    );
    control(&app, &co, &id, "next").await;
    let (_, list) = app.page("/admin/workshops", &co).await;
    assert!(list.contains("Ward team, March"), "{list}");
    let taken = app
        .post_with_cookie(&choose, &co, &[("remove", "yes")])
        .await;
    assert_eq!(taken.status(), StatusCode::FORBIDDEN);

    let removed = app
        .post_with_cookie(&choose, &trainer, &[("remove", "yes")])
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.page(&console, &co).await.0, StatusCode::FORBIDDEN);
}
