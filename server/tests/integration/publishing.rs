//! Publishing a study file from the researcher area: checked first (a problem names its line,
//! field and wording, and nothing is published), then a new version or a new study, served at
//! once here and, on PostgreSQL, by the other instances within moments. On both engines.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::support::{TestApp, location, studies_dir, study_form, uses_postgres};

fn sam_file() -> String {
    std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap()
}

/// Sam's file with the vignette retitled: a new version of Sam.
fn retitled_sam() -> String {
    let text = sam_file().replacen(
        "title = \"Meet Sam\"",
        "title = \"Sam, in a new wording\"",
        1,
    );
    assert_ne!(text, sam_file());
    text
}

/// A copy of Sam under a new slug, its situations dealt in all six orders and its vignette in
/// two variants: the study a researcher makes from Sam.
fn balanced_copy() -> String {
    sam_file()
        .replacen("slug = \"sam\"", "slug = \"sam-copy\"", 1)
        .replacen("design = \"fixed\"", "design = \"all-orders\"", 1)
        .replace("title = \"Situation 1 of 3: ", "title = \"")
        .replace("title = \"Situation 2 of 3: ", "title = \"")
        .replace("title = \"Situation 3 of 3: ", "title = \"")
        + r#"
[[variants]]
id = "they"
label = "Sam described as they"

[[variants]]
id = "she"
label = "Sam described as she"
[variants.pages.sam]
body = "Sam is in her late twenties. She hopes to train as a chef."
"#
}

async fn versions_of(app: &TestApp, slug: &str) -> Vec<i64> {
    app.storage()
        .await
        .study_definitions()
        .versions()
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.slug.as_str() == slug)
        .map(|v| v.number)
        .collect()
}

#[tokio::test]
async fn a_researcher_publishes_a_new_version_that_new_participants_see_and_others_do_not() {
    let app = TestApp::spawn().await;
    let before = app.consent().await;
    let cookie = app.signed_in_as("researcher").await;
    let form = app.get_with_cookie("/admin/publish", &cookie).await;
    assert_eq!(form.status(), StatusCode::OK);
    let page = form.text().await.unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");

    let response = app
        .publish_form(&cookie, study_form(Some(("sam.toml", &retitled_sam())), ""))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/admin/studies/sam/versions?published=2"
    );
    let (_, versions) = app
        .page("/admin/studies/sam/versions?published=2", &cookie)
        .await;
    assert!(versions.contains("Version 2 is published"), "{versions}");
    assert_eq!(versions_of(&app, "sam").await, [1, 2]);

    let after = app.consent().await;
    assert_eq!(app.record(&after).await.study_version_number, 2);
    let (_, new_wording) = app.step_html(&after, "sam").await;
    assert!(new_wording.contains("Sam, in a new wording"));
    assert_eq!(app.record(&before).await.study_version_number, 1);
    let (_, old_wording) = app.step_html(&before, "sam").await;
    assert!(old_wording.contains("Meet Sam") && !old_wording.contains("new wording"));

    let published = app
        .audited("researcher@example.org", "study published")
        .await;
    assert!(
        published.contains(&"sam version 2".to_owned()),
        "{published:?}"
    );
}

#[tokio::test]
async fn the_same_text_again_publishes_nothing() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("owner").await;
    let response = app
        .publish_form(&cookie, study_form(None, &sam_file()))
        .await;
    assert_eq!(
        location(&response),
        "/admin/studies/sam/versions?unchanged=1"
    );
    assert_eq!(versions_of(&app, "sam").await, [1]);
}

#[tokio::test]
async fn a_file_with_a_problem_is_refused_with_its_line_and_field_and_kept_to_correct() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    let broken = retitled_sam().replacen("id = \"r1\"\n", "id = \"r1\"\nmax_chars = 0\n", 1);
    let line = broken[..broken.find("max_chars = 0").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let response = app
        .publish_form(&cookie, study_form(Some(("mine.toml", &broken)), ""))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!("Line {line}, pages[2].questions[0].max_chars: ")),
        "{page}"
    );
    assert!(page.contains("Nothing was published"));
    // The text is back in the box, escaped, to be corrected and sent again.
    assert!(page.contains("Sam, in a new wording"));
    assert!(page.contains("title = &quot;Meet") || page.contains("max_chars = 0"));
    assert_eq!(versions_of(&app, "sam").await, [1]);

    let not_text = app
        .publish_form(&cookie, study_form(Some(("x.toml", "\u{0}")), "kept"))
        .await;
    assert_eq!(not_text.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let nothing = app.publish_form(&cookie, study_form(None, "  ")).await;
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nothing
            .text()
            .await
            .unwrap()
            .contains("Choose a study file")
    );
    assert_eq!(versions_of(&app, "sam").await, [1]);
}

#[tokio::test]
async fn trainers_and_strangers_cannot_publish() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let refused = app
        .publish_form(&trainer, study_form(None, &retitled_sam()))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let stranger = app
        .publish_form("", study_form(None, &retitled_sam()))
        .await;
    assert!(
        stranger.status() == StatusCode::SEE_OTHER || stranger.status() == StatusCode::UNAUTHORIZED
    );
    assert_eq!(versions_of(&app, "sam").await, [1]);
}

/// The walk of the issue: copy Sam, write a variant, deal the situations in every order, publish,
/// and see answers split by variant and by order.
#[tokio::test]
async fn a_copy_of_sam_with_a_variant_and_balanced_order_becomes_a_new_study() {
    let app = TestApp::spawn_with(|config| {
        config.operations.starts_per_minute = "1000000".parse().unwrap();
    })
    .await;
    let cookie = app.signed_in_as("researcher").await;
    let response = app
        .publish_form(
            &cookie,
            study_form(Some(("copy.toml", &balanced_copy())), ""),
        )
        .await;
    assert_eq!(
        location(&response),
        "/admin/studies/sam-copy/versions?new-study=1"
    );

    let (_, start) = app.get_html("/").await;
    assert!(
        start.contains("/s/sam-copy"),
        "the start page lists both open studies"
    );
    let (_, home) = app.page("/admin", &cookie).await;
    assert!(home.contains("/admin/studies/sam-copy"));

    let mut dealt = Vec::new();
    for setting in ["community", "inpatient", "community", "inpatient"] {
        let token = app
            .submit_response_to("sam-copy", setting, "An answer")
            .await;
        dealt.push(app.record(&token).await.dealt);
    }
    let variants: std::collections::BTreeSet<_> =
        dealt.iter().map(|d| d.variant.clone().unwrap()).collect();
    assert_eq!(variants.len(), 2, "four consents deal both variants twice");
    let csv = app
        .page_text("/admin/studies/sam-copy/exports/csv-wide", &cookie)
        .await;
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("scenario_order") && header.contains("vignette_variant"),
        "{header}"
    );
    let (status, filtered) = app
        .page("/admin/studies/sam-copy/responses?variant=she", &cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(filtered.contains("Sam described as she"));
    let (_, likert) = app.page("/admin/studies/sam-copy/likert", &cookie).await;
    assert!(
        likert.contains("Sam described as they"),
        "Likert charts split by variant"
    );
}

#[tokio::test]
async fn a_restart_keeps_what_was_published_in_the_app() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    app.publish_form(&cookie, study_form(None, &retitled_sam()))
        .await;
    // Started again with the same, unchanged study file: version 2 stays the newest.
    let restarted = app.spawn_beside(|_| {}).await;
    assert_eq!(versions_of(&restarted, "sam").await, [1, 2]);
    let token = restarted.consent().await;
    assert_eq!(restarted.record(&token).await.study_version_number, 2);
}

/// Two instances behind a load balancer share one PostgreSQL database: a version published on
/// one is served by the other within seconds, through the event bus. (SQLite serves one
/// instance; there the publishing instance serves it at once, as the other tests show.)
#[tokio::test]
async fn a_version_published_on_one_instance_is_served_by_the_other() {
    if !uses_postgres() {
        return;
    }
    let first = TestApp::spawn().await;
    let second = first.spawn_beside(|_| {}).await;
    let cookie = first.signed_in_as("researcher").await;
    let published = Instant::now();
    first
        .publish_form(&cookie, study_form(None, &retitled_sam()))
        .await;
    loop {
        let token = second.consent().await;
        if second.record(&token).await.study_version_number == 2 {
            eprintln!(
                "served by the other instance {:?} after publishing",
                published.elapsed()
            );
            break;
        }
        assert!(
            published.elapsed() < Duration::from_secs(5),
            "not served within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The instrument's questions are quoted from the published study: their wording changes only
/// knowingly, marked `adapted = true`, and pages then say the wording is adapted.
#[tokio::test]
async fn rewording_an_instrument_question_asks_for_it_to_be_marked_adapted() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    let r1 = "label = \"When you think of recovery from a mental health disorder and substance use disorder, what may that mean?\"";
    let reworded = sam_file().replacen(r1, "label = \"What does recovery mean to you?\"", 1);
    let line = reworded[..reworded.find("id = \"r1\"").unwrap()]
        .matches('\n')
        .count();
    let refused = app.publish_form(&cookie, study_form(None, &reworded)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "Line {line}, question r1 quotes the published instrument"
        )),
        "{page}"
    );
    assert!(page.contains("add adapted = true to the question"));
    assert_eq!(versions_of(&app, "sam").await, [1]);

    // A copy under a new slug is compared with the default study, the one it was copied from.
    let copy = reworded.replacen("slug = \"sam\"", "slug = \"sam-copy\"", 1);
    let refused = app.publish_form(&cookie, study_form(None, &copy)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A question of the platform's own may be reworded freely.
    let own = sam_file().replacen(
        "label = \"How far would you support Sam in going ahead with this?\"",
        "label = \"How far would you back Sam in this?\"",
        1,
    );
    let published = app.publish_form(&cookie, study_form(None, &own)).await;
    assert_eq!(
        location(&published),
        "/admin/studies/sam/versions?published=2"
    );

    let marked = reworded.replacen("id = \"r1\"\n", "id = \"r1\"\nadapted = true\n", 1);
    let published = app.publish_form(&cookie, study_form(None, &marked)).await;
    assert_eq!(
        location(&published),
        "/admin/studies/sam/versions?published=3"
    );
    let token = app.consent().await;
    let (_, page) = app.step_html(&token, "sam").await;
    assert!(page.contains("What does recovery mean to you?"));
    assert!(page.contains("Question wording adapted from "), "{page}");
    let (_, unchanged) = app.step_html(&token, "scenario-money").await;
    assert!(unchanged.contains("Question wording from "));
}

/// Answers side by side: an answer given to an earlier wording of the question says so.
#[tokio::test]
async fn answers_given_to_an_earlier_wording_show_the_wording_they_answered() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Answered to the first wording")
        .await;
    let cookie = app.signed_in_as("researcher").await;
    let r2 = "label = \"When it comes to Sam specifically, what aspects do you think would help them to recover?\"";
    let reworded = sam_file()
        .replacen(r2, "label = \"What would help Sam recover?\"", 1)
        .replacen("id = \"r2\"\n", "id = \"r2\"\nadapted = true\n", 1);
    let published = app.publish_form(&cookie, study_form(None, &reworded)).await;
    assert_eq!(
        location(&published),
        "/admin/studies/sam/versions?published=2"
    );
    app.submit_response("community", "Answered to the second wording")
        .await;

    let (status, page) = app.page("/admin/studies/sam/questions/r2", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<h1>What would help Sam recover?</h1>"),
        "{page}"
    );
    let items: Vec<&str> = page.split("class=\"answers__item\"").skip(1).collect();
    assert_eq!(items.len(), 2);
    let first = items
        .iter()
        .find(|i| i.contains("Answered to the first wording"))
        .unwrap();
    assert!(
        first.contains("Asked in version 1&#x27;s wording: “When it comes to Sam specifically")
            || first.contains("Asked in version 1's wording: “When it comes to Sam specifically"),
        "{first}"
    );
    let second = items
        .iter()
        .find(|i| i.contains("Answered to the second wording"))
        .unwrap();
    assert!(!second.contains("Asked in version"), "{second}");
}
