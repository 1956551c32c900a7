//! Responses in the researcher area: the filtered table, one response in full, deleting one, the
//! participant's own withdrawal, completion time, and participant text that stays inert.

use crate::support::{TestApp, location};
use reqwest::StatusCode;

async fn html(app: &TestApp, path: &str, cookie: &str) -> String {
    let response = app.get_with_cookie(path, cookie).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// The ids of the responses a table page links to.
fn response_ids(page: &str) -> Vec<String> {
    page.split("/admin/studies/sam/responses/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .filter(|id| id.len() == 36)
        .collect()
}

#[tokio::test]
async fn the_responses_table_lists_and_filters_submitted_and_unfinished_responses() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Their cooking").await;
    app.submit_response("community", "Their brother").await;
    let unfinished = app.consent().await;
    app.post_step(
        &unfinished,
        "about-you",
        &[
            ("setting", "community"),
            ("role", "senior_support_worker"),
            ("experience-years", "6"),
            ("experience-months", "0"),
        ],
    )
    .await;
    let cookie = app.signed_in_as("researcher").await;

    let all = html(&app, "/admin/studies/sam/responses", &cookie).await;
    assert!(all.contains("3 matching"), "{all}");
    assert!(all.contains("P1: Inpatient SW, 14 months experience"));
    assert!(all.contains("P2: Community SW, 14 months experience"));
    assert!(
        all.contains("Not submitted: Senior Community SW, 6 years&#x27; experience")
            || all.contains("Not submitted: Senior Community SW, 6 years' experience")
    );
    assert_eq!(response_ids(&all).len(), 3);

    let filtered = [
        ("?setting=inpatient", 1),
        ("?status=in-progress", 1),
        ("?status=submitted&setting=community", 1),
        ("?band=5-years-or-more", 1),
        ("?band=1-2-years", 2),
        ("?role=senior_support_worker&status=submitted", 0),
    ];
    for (query, expected) in filtered {
        let page = html(
            &app,
            &format!("/admin/studies/sam/responses{query}"),
            &cookie,
        )
        .await;
        assert!(page.contains(&format!("{expected} matching")), "{query}");
    }
    for bad in [
        "?setting=moon",
        "?band=ages",
        "?status=maybe",
        "?page=0",
        "?page=x",
    ] {
        let response = app
            .get_with_cookie(&format!("/admin/studies/sam/responses{bad}"), &cookie)
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn answers_side_by_side_filter_by_role_and_experience_too() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Cooking together").await;
    let cookie = app.signed_in_as("researcher").await;
    let base = "/admin/studies/sam/questions/r2";
    let matching = html(
        &app,
        &format!("{base}?role=support_worker&band=1-2-years"),
        &cookie,
    )
    .await;
    assert!(matching.contains("Cooking together"));
    let none = html(&app, &format!("{base}?band=under-1-year"), &cookie).await;
    assert!(!none.contains("Cooking together"));
    assert!(none.contains("0 answers"));
}

#[tokio::test]
async fn one_response_in_full_and_its_deletion_are_audited() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Their cooking").await;
    let cookie = app.signed_in_as("researcher").await;
    let table = html(&app, "/admin/studies/sam/responses", &cookie).await;
    let id = response_ids(&table).remove(0);
    let path = format!("/admin/studies/sam/responses/{id}");
    let full = html(&app, &path, &cookie).await;
    assert!(full.contains("P1: Inpatient SW, 14 months experience"));
    assert!(full.contains("Their cooking") && full.contains("Loneliness."));
    assert!(full.contains("Strongly support") || full.contains("Support"));
    let confirm = html(&app, &format!("{path}/delete"), &cookie).await;
    assert!(confirm.contains("cannot be undone"));

    let trainer = app.signed_in_as("trainer").await;
    let refused = app
        .post_with_cookie(&format!("{path}/delete"), &trainer, &[])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let deleted = app
        .post_with_cookie(&format!("{path}/delete"), &cookie, &[])
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&deleted), "/admin/studies/sam/responses?deleted=1");
    assert_eq!(
        app.get_with_cookie(&path, &cookie).await.status(),
        StatusCode::NOT_FOUND
    );
    let again = app
        .post_with_cookie(&format!("{path}/delete"), &cookie, &[])
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers")
        .fetch_one(&app.pool().await)
        .await
        .unwrap();
    assert_eq!(answers, 0, "its answers went with it");
    let audit = app.storage().await.audit_log().newest(50).await.unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .map(|(_, _, action, _)| action.as_str())
        .collect();
    for expected in ["viewed responses", "viewed response", "deleted response"] {
        assert!(actions.contains(&expected), "{expected}: {actions:?}");
    }
    assert!(
        audit
            .iter()
            .any(|(_, who, action, detail)| who == "researcher@example.org"
                && action == "deleted response"
                && detail == "study sam, P1")
    );
}

#[tokio::test]
async fn one_study_never_opens_another_studys_responses() {
    let app = TestApp::spawn_with_two_studies().await;
    app.submit_response_to("other", "inpatient", "Elsewhere")
        .await;
    let cookie = app.signed_in_as("researcher").await;
    let table = html(&app, "/admin/studies/other/responses", &cookie).await;
    let other_id = table
        .split("/admin/studies/other/responses/")
        .nth(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .unwrap();
    for path in [
        format!("/admin/studies/sam/responses/{other_id}"),
        format!("/admin/studies/sam/responses/{other_id}/delete"),
        format!("/admin/studies/sam/responses/{}", uuid::Uuid::new_v4()),
        "/admin/studies/sam/responses/not-an-id".to_owned(),
    ] {
        assert_eq!(
            app.get_with_cookie(&path, &cookie).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let guessed = app
        .post_with_cookie(
            &format!("/admin/studies/sam/responses/{other_id}/delete"),
            &cookie,
            &[],
        )
        .await;
    assert_eq!(guessed.status(), StatusCode::NOT_FOUND);
    assert!(
        html(&app, "/admin/studies/other/responses", &cookie)
            .await
            .contains("1 matching")
    );
}

#[tokio::test]
async fn a_participant_withdraws_with_the_code_from_the_thank_you_page() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let thanks = app.answer_and_submit(&token).await;
    let start = thanks
        .find("class=\"withdrawal-code\"><code>")
        .expect("a code")
        + "class=\"withdrawal-code\"><code>".len();
    let code = thanks[start..start + 14].to_owned();

    let (status, form) = app.get_html("/withdraw").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Withdrawal code"));
    for wrong in ["", "aaaa-bbbb-cccc", "not a code at all"] {
        let refused = app.post_form("/withdraw", &[("code", wrong)]).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{wrong}"
        );
        assert!(refused.text().await.unwrap().contains("No answers match"));
    }
    let unknown_field = app.post_form("/withdraw", &[("token", &token)]).await;
    assert_eq!(unknown_field.status(), StatusCode::BAD_REQUEST);

    let confirm = app
        .post_form("/withdraw", &[("code", &code.to_uppercase())])
        .await;
    assert_eq!(confirm.status(), StatusCode::OK);
    let confirm = confirm.text().await.unwrap();
    assert!(confirm.contains("Are you sure"));
    app.record(&token).await; // nothing is deleted before confirming

    let done = app.post_form("/withdraw/confirm", &[("code", &code)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/withdraw/done");
    let (_, resume) = app.get_html(&format!("/r/{token}")).await;
    assert!(
        resume.contains("could not find any answers"),
        "the link is dead"
    );
    let again = app.post_form("/withdraw/confirm", &[("code", &code)]).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let withdrawn = app.audited("participant", "response withdrawn").await;
    assert_eq!(withdrawn, ["study sam, P1"]);
}

#[tokio::test]
async fn completion_time_is_kept_without_a_clock_time() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let masked: Option<i64> = sqlx::query_scalar("SELECT masked_start_minute FROM responses")
        .fetch_one(&app.pool().await)
        .await
        .unwrap();
    let now_minute = domain::clock::Clock::default().now() / 60;
    let masked = masked.expect("a masked start while in progress");
    assert!(
        (masked - now_minute).abs() > 24 * 60,
        "the stored value is not the start time"
    );
    app.answer_everything(&token).await;
    app.post_step(&token, "check", &[]).await;
    let (masked, minutes): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT masked_start_minute, minutes_to_complete FROM responses")
            .fetch_one(&app.pool().await)
            .await
            .unwrap();
    assert_eq!(masked, None, "cleared at submit");
    assert!(matches!(minutes, Some(0 | 1)), "{minutes:?}");
    let cookie = app.signed_in_as("researcher").await;
    let dashboard = html(&app, "/admin/studies/sam", &cookie).await;
    assert!(dashboard.contains("Median time to complete"));
    assert!(dashboard.contains(" minutes</dd>") || dashboard.contains("1 minute</dd>"));
}

/// Text typed by participants is shown as text everywhere in the researcher area.
#[tokio::test]
async fn participant_text_stays_inert_in_the_researcher_area() {
    let app = TestApp::spawn().await;
    let payloads = [
        "<script>alert('r2')</script>",
        "</textarea><xmp><script>alert(1)</script></xmp>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "[click me](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a>",
        "**bold** <img src=x onerror=alert(1)> ![x](http://evil.example/x.png)",
    ];
    let answer = payloads.join("\n");
    app.submit_response("inpatient", &answer).await;
    let cookie = app.signed_in_as("researcher").await;
    let table = html(&app, "/admin/studies/sam/responses", &cookie).await;
    let id = response_ids(&table).remove(0);
    for path in [
        "/admin/studies/sam/questions/r2".to_owned(),
        format!("/admin/studies/sam/responses/{id}"),
    ] {
        let page = html(&app, &path, &cookie).await;
        for live in [
            "<script>alert",
            "<xmp>",
            "<iframe",
            "<a href=\"javascript:",
            "<img src=x",
            "<strong>bold",
            "evil.example/x.png\"",
        ] {
            assert!(!page.contains(live), "{live} is live on {path}");
        }
        assert!(
            page.contains("&lt;script&gt;alert("),
            "shown as text on {path}"
        );
    }
}
