//! A workshop split between versions of the vignette, and a phone giving its workshop answers
//! to the study's research: dealt evenly, compared only after the reveal and only for enough
//! phones; given only when ticked, marked as from a workshop in exports, kept in step with later
//! answers, and withdrawn with the phone's code. On both engines.

use domain::study::Study;
use domain::workshop::Plan;
use reqwest::StatusCode;

use crate::exports::read_csv;
use crate::support::{TestApp, location, studies_dir};
use crate::workshops::{control, open_money_scenario, phone_joins, rate, workshop_made_by};

/// Sam's vignette in two wordings: the file's own, and one that names the diagnosis first.
const TWO_VERSIONS: &str = r#"
[[variants]]
id = "plain"
label = "Sam as the study wrote it"

[[variants]]
id = "named"
label = "Sam with the diagnosis first"
[variants.pages.sam]
body = "Sam has a diagnosis of borderline personality disorder. Sam is 27 and lives alone."
"#;

/// With the workshop threshold set to 4 rather than the default 5.
async fn spawn_with_versions() -> (TestApp, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let sam = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
    std::fs::write(folder.path().join("sam.toml"), sam + TWO_VERSIONS).unwrap();
    let studies = folder.path().to_owned();
    let app = TestApp::spawn_with(|config| {
        config.studies_dir = studies;
        config.operations.requests_per_minute = "1000000".parse().unwrap();
        config.workshop_min_group = 4;
    })
    .await;
    (app, folder)
}

/// The plan form's fields for the default plan, with the room split or not.
fn plan_fields(study: &Study, split: bool) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for step in Plan::default_for(study).steps() {
        fields.push(("page".to_owned(), step.page.clone()));
        for question in &step.questions {
            fields.push(("question".to_owned(), question.clone()));
        }
    }
    if split {
        fields.push(("split".to_owned(), "yes".to_owned()));
    }
    fields
}

#[tokio::test]
async fn a_split_room_reads_its_versions_evenly_and_compares_them_only_after_the_reveal() {
    let (app, folder) = spawn_with_versions().await;
    let study = Study::load(&folder.path().join("sam.toml")).unwrap();
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    let plan_path = format!("/admin/workshops/{id}/plan");
    let (_, form) = app.page(&plan_path, &trainer).await;
    assert!(
        form.contains("Split the room between the versions")
            && form.contains("Sam with the diagnosis first"),
        "{form}"
    );
    let fields = plan_fields(&study, true);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = app.post_with_cookie(&plan_path, &trainer, &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let mut phones = Vec::new();
    for _ in 0..10 {
        phones.push(phone_joins(&app, &code).await);
    }
    let (_, console) = app.page(&format!("/admin/workshops/{id}"), &trainer).await;
    assert!(
        console.contains("Sam as the study wrote it: 5 · Sam with the diagnosis first: 5"),
        "ten phones split five and five: {console}"
    );
    // Each phone reads the vignette in the version it was dealt.
    let vignette = Plan::default_for(&study)
        .steps()
        .iter()
        .position(|step| step.page == "sam")
        .unwrap();
    for _ in 0..vignette {
        control(&app, &trainer, &id, "next").await;
    }
    let mut named = Vec::new();
    let mut plain = Vec::new();
    for phone in &phones {
        let (_, html) = app.page(&format!("/w/{code}"), phone).await;
        if html.contains("Sam has a diagnosis of borderline personality disorder. Sam is 27") {
            named.push(phone.clone());
        } else {
            plain.push(phone.clone());
        }
    }
    assert_eq!((named.len(), plain.len()), (5, 5));
    for _ in 0..vignette {
        control(&app, &trainer, &id, "back").await;
    }

    // Five of one version rate, three of the other: only the five are broken down (the
    // threshold is set to 4 here).
    let step = open_money_scenario(&app, &trainer, &id).await;
    for (phone, point) in named.iter().zip(["5", "5", "4", "4", "3"]) {
        assert_eq!(
            rate(&app, &code, phone, (step, 1), point).await,
            StatusCode::SEE_OTHER
        );
    }
    for (phone, point) in plain.iter().zip(["2", "3", "4"]) {
        assert_eq!(
            rate(&app, &code, phone, (step, 1), point).await,
            StatusCode::SEE_OTHER
        );
    }
    let screen_path = format!("/admin/workshops/{id}/screen");
    let (_, hidden) = app.page(&screen_path, &trainer).await;
    assert!(!hidden.contains("By the version of Sam"), "{hidden}");
    let (_, phone_page) = app.page(&format!("/w/{code}"), &named[0]).await;
    assert!(
        !phone_page.contains("By the version of Sam") && !phone_page.contains("by_version\":[{"),
        "{phone_page}"
    );

    control(&app, &trainer, &id, "show-results").await;
    let (_, screen) = app.page(&screen_path, &trainer).await;
    assert!(
        screen.contains("By the version of Sam each phone read"),
        "{screen}"
    );
    assert!(
        screen.contains("Sam with the diagnosis first: n = 5, median 4"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "Sam as the study wrote it (n = 3): fewer than 4 answered, so no breakdown is shown"
        ),
        "{screen}"
    );
    assert!(screen.contains("This room: n = 8"), "{screen}");
    assert!(!screen.contains("p ="), "no p-values: {screen}");

    // The trainer's CSV names each phone's version.
    let csv = app
        .get_with_cookie(&format!("/admin/workshops/{id}/answers.csv"), &trainer)
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("phone,vignette_variant,"), "{csv}");
    assert_eq!(csv.matches(",named,money_support,").count(), 5, "{csv}");
    assert_eq!(csv.matches(",plain,money_support,").count(), 3, "{csv}");
}

async fn answer_money(
    app: &TestApp,
    code: &str,
    phone: &str,
    step: usize,
    point: &str,
    words: &str,
) {
    let sent = app
        .post_with_cookie(
            &format!("/w/{code}/answers"),
            phone,
            &[
                ("step", step.to_string().as_str()),
                ("round", "1"),
                ("money_support", point),
                ("money_right_thing", words),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_phone_gives_its_answers_to_the_research_only_when_ticked_and_exports_mark_them() {
    let app = TestApp::spawn().await;
    let survey = app.consent().await;
    app.answer_and_submit(&survey).await;
    let trainer = app.signed_in_as("trainer").await;
    let (id, code) = workshop_made_by(&app, &trainer).await;
    let giver = phone_joins(&app, &code).await;
    let keeper = phone_joins(&app, &code).await;
    let step = open_money_scenario(&app, &trainer, &id).await;
    answer_money(
        &app,
        &code,
        &giver,
        step,
        "2",
        "Agree a weekly budget with Sam.",
    )
    .await;
    answer_money(&app, &code, &keeper, step, "5", "Only in the workshop.").await;

    let (_, offer) = app.page(&format!("/w/{code}"), &giver).await;
    assert!(
        offer.contains("Your answers and the research")
            && offer.contains("I have read the information about this study and I agree that my answers are used for research."),
        "the study's consent statement: {offer}"
    );
    let research = format!("/w/{code}/research");
    let unticked = app.post_with_cookie(&research, &giver, &[]).await;
    assert_eq!(unticked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unticked
            .text()
            .await
            .unwrap()
            .contains("Tick the box to agree")
    );
    let stranger = app.post_form(&research, &[("give", "yes")]).await;
    assert_eq!(
        stranger.status(),
        StatusCode::FORBIDDEN,
        "a phone that has not joined"
    );
    for _ in 0..2 {
        let given = app
            .post_with_cookie(&research, &giver, &[("give", "yes")])
            .await;
        assert_eq!(given.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&given), format!("/w/{code}#research-heading"));
    }
    let (_, after) = app.page(&format!("/w/{code}"), &giver).await;
    let start = after
        .find("class=\"withdrawal-code\"><code>")
        .expect("a withdrawal code")
        + "class=\"withdrawal-code\"><code>".len();
    let withdrawal = after[start..start + 14].to_owned();

    // An answer changed after giving reaches the research too.
    answer_money(
        &app,
        &code,
        &giver,
        step,
        "3",
        "Agree a weekly budget with Sam.",
    )
    .await;

    let researcher = app.signed_in_as("researcher").await;
    let export = app
        .page_text("/admin/studies/sam/exports/csv-wide", &researcher)
        .await;
    let rows = read_csv(&export);
    assert_eq!(
        rows.len(),
        2,
        "the survey's participant and the one phone that gave: {export}"
    );
    assert_eq!(rows[0]["source"], "survey");
    let donated = &rows[1];
    assert_eq!(donated["source"], "workshop");
    assert_eq!(donated["money_support"], "3", "its latest answer");
    assert_eq!(
        donated["money_right_thing"],
        "Agree a weekly budget with Sam."
    );
    assert!(!export.contains("Only in the workshop."), "{export}");
    let codebook = app
        .page_text("/admin/studies/sam/exports/codebook-csv", &researcher)
        .await;
    assert!(
        codebook.contains(
            "workshop = Answered in a workshop and chose to give the answers to the research"
        ),
        "{codebook}"
    );

    let pool = app.pool().await;
    let donated: String = sqlx::query_scalar("SELECT id FROM responses WHERE source = 'workshop'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (_, response) = app
        .page(
            &format!("/admin/studies/sam/responses/{donated}"),
            &researcher,
        )
        .await;
    assert!(
        response.contains("A workshop (given to the research)"),
        "{response}"
    );

    // Deleting the workshop keeps the research's copy; the phone's code withdraws it.
    sqlx::query("DELETE FROM workshops")
        .execute(&pool)
        .await
        .unwrap();
    let count = || async {
        app.storage()
            .await
            .exports()
            .count_submitted(&crate::support::sam())
            .await
            .unwrap()
    };
    assert_eq!(count().await, 2);
    let done = app
        .post_form("/withdraw/confirm", &[("code", &withdrawal)])
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(count().await, 1);
}
