//! The participant journey over HTTP, as a browser without JavaScript would walk it.

use crate::support::{TestApp, complete_answers, location};
use futures::future::join_all;
use reqwest::StatusCode;
use sqlx::{Column, Row};

#[tokio::test]
async fn the_start_page_offers_the_sam_study() {
    let app = TestApp::spawn().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Start now"), "{html}");
    assert!(html.contains("href=\"/s/sam/consent\""));
}

#[tokio::test]
async fn consent_is_required_and_its_error_links_to_the_checkbox() {
    let app = TestApp::spawn().await;
    let response = app.post_form("/s/sam/consent", &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("There is a problem"), "{html}");
    assert!(html.contains("href=\"#consent\""));
    assert!(html.contains("Step 1 of 9"));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses")
        .fetch_one(&app.pool().await)
        .await
        .unwrap();
    assert_eq!(count, 0, "no response without consent");
}

#[tokio::test]
async fn consent_starts_a_response_with_a_private_link_and_cookie() {
    let app = TestApp::spawn().await;
    let response = app.post_form("/s/sam/consent", &[("consent", "yes")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let to = location(&response);
    assert!(to.ends_with("/about-you"), "{to}");
    let token = to.split('/').nth(2).unwrap();
    assert!(token.len() >= 22, "at least 128 bits");
    assert!(
        cookie.starts_with(&format!("resume-sam={token}")) && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    let (status, html) = app.get_html(&to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Step 2 of 9"), "{html}");
    assert!(
        html.contains(&format!("/r/{token}</a>")),
        "resume link shown right after consent"
    );

    // The same browser is offered its answers back by cookie.
    let html = app
        .client
        .get(app.url("/"))
        .header("cookie", format!("resume-sam={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Continue where you left off"));
    assert!(html.contains(&format!("href=\"/r/{token}\"")));
}

#[tokio::test]
async fn the_whole_journey_saves_every_answer_and_submits_once() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    for (step, (page, fields)) in complete_answers().into_iter().enumerate() {
        let (status, html) = app.get_html(&format!("/r/{token}/{page}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("Step {} of 9", step + 2)), "{page}");
        let response = app.post_form(&format!("/r/{token}/{page}"), &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
    }
    let (status, check) = app.get_html(&format!("/r/{token}/check")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(check.contains("Step 9 of 9"));
    assert!(check.contains("Inpatient mental health services"));
    assert!(
        check.contains("1.2 years") || check.contains("14 months"),
        "experience shown: {check}"
    );
    assert!(check.contains("Loneliness."));
    assert!(
        check.contains(&format!("/r/{token}/sam?return=check#r3")),
        "change links go back to the question"
    );

    let answers = app.answers(&token).await;
    assert_eq!(answers["experience"], "14");
    assert_eq!(answers["money_support"], "4");
    assert_eq!(
        answers["r1"],
        "Living a good life with or without symptoms."
    );

    let submit = app.post_form(&format!("/r/{token}/check"), &[]).await;
    assert_eq!(submit.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&submit), format!("/r/{token}/thanks"));
    let (_, thanks) = app.get_html(&format!("/r/{token}/thanks")).await;
    assert!(thanks.contains("Thank you"));

    let again = app.post_form(&format!("/r/{token}/check"), &[]).await;
    assert_eq!(
        again.status(),
        StatusCode::SEE_OTHER,
        "a resend is harmless"
    );
    let record = app.record(&token).await;
    assert_eq!(record.participant_number, Some(1));
    assert!(record.submitted_on.is_some());
}

#[tokio::test]
async fn answers_come_back_when_a_page_is_opened_again() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.post_form(
        &format!("/r/{token}/about-you"),
        &[
            ("setting", "community"),
            ("experience-years", "3"),
            ("experience-months", "6"),
        ],
    )
    .await;
    app.post_form(
        &format!("/r/{token}/sam"),
        &[
            ("r1", "Hope & <friends>"),
            ("r2", "</textarea><script>alert(1)</script>"),
            ("r3", "\nled by a newline"),
        ],
    )
    .await;
    let (_, html) = app.get_html(&format!("/r/{token}/about-you")).await;
    assert!(html.contains("value=\"community\" checked"), "{html}");
    assert!(html.contains("value=\"3\""), "years restored");
    assert!(html.contains("value=\"6\""), "months restored");
    let (_, html) = app.get_html(&format!("/r/{token}/sam")).await;
    assert!(
        html.contains("Hope &amp; &lt;friends&gt;"),
        "text restored and escaped: {html}"
    );
    assert!(
        !html.contains("<script>alert(1)"),
        "answers cannot break out of their textarea"
    );
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        html.contains(">\n\nled by a newline</textarea>"),
        "a leading newline survives the HTML parser"
    );
}

#[tokio::test]
async fn the_private_link_resumes_at_the_step_reached_and_sets_the_cookie() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    for (page, fields) in complete_answers().into_iter().take(3) {
        app.post_form(&format!("/r/{token}/{page}"), &fields).await;
    }
    let response = app.get(&format!("/r/{token}")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/r/{token}/scenario-money"));
    assert!(response.headers().get("set-cookie").is_some());

    // Going back to an earlier page does not move the resume point backwards.
    app.post_form(&format!("/r/{token}/about-you"), &[("setting", "other")])
        .await;
    let response = app.get(&format!("/r/{token}")).await;
    assert_eq!(location(&response), format!("/r/{token}/scenario-money"));
}

#[tokio::test]
async fn submit_lists_missing_answers_with_links_to_their_steps() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.post_form(
        &format!("/r/{token}/about-you"),
        &[("setting", "community")],
    )
    .await;
    let response = app.post_form(&format!("/r/{token}/check"), &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains(&format!("href=\"/r/{token}/about-you?return=check#role\"")),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/r/{token}/sam?return=check#r2\"")));
    assert!(
        !html.contains("Your views: answer"),
        "optional statements are not demanded"
    );
    assert!(html.contains("About your work: answer “What is your role?”"));
    assert_eq!(app.record(&token).await.submitted_on, None);
}

#[tokio::test]
async fn change_links_return_to_the_check_page() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let (_, html) = app.get_html(&format!("/r/{token}/sam?return=check")).await;
    assert!(html.contains("name=\"return\" value=\"check\""));
    let response = app
        .post_form(
            &format!("/r/{token}/sam"),
            &[("return", "check"), ("r1", "changed")],
        )
        .await;
    assert_eq!(location(&response), format!("/r/{token}/check"));
}

#[tokio::test]
async fn after_submit_answers_are_read_only_and_the_link_says_so() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.answer_everything(&token).await;
    app.post_form(&format!("/r/{token}/check"), &[]).await;

    let response = app
        .post_form(&format!("/r/{token}/sam"), &[("r1", "rewritten")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.answers(&token).await["r1"],
        "Living a good life with or without symptoms."
    );

    let resume = app.get(&format!("/r/{token}")).await;
    assert_eq!(location(&resume), format!("/r/{token}/thanks"));
    let (_, html) = app.get_html(&format!("/r/{token}/sam")).await;
    assert!(html.contains("can no longer be changed"), "{html}");
}

#[tokio::test]
async fn concurrent_submits_of_one_response_give_one_participant_number() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.answer_everything(&token).await;
    let path = format!("/r/{token}/check");
    let submits = (0..12).map(|_| app.post_form(&path, &[]));
    for response in join_all(submits).await {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(app.record(&token).await.participant_number, Some(1));
    let counted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE participant_number IS NOT NULL")
            .fetch_one(&app.pool().await)
            .await
            .unwrap();
    assert_eq!(counted, 1);
}

#[tokio::test]
async fn participants_submitting_at_once_get_distinct_numbers_without_gaps() {
    let app = TestApp::spawn().await;
    let mut tokens = Vec::new();
    for _ in 0..8 {
        let token = app.consent().await;
        app.answer_everything(&token).await;
        tokens.push(token);
    }
    let paths: Vec<String> = tokens.iter().map(|t| format!("/r/{t}/check")).collect();
    join_all(paths.iter().map(|p| app.post_form(p, &[]))).await;
    let mut numbers = Vec::new();
    for token in &tokens {
        numbers.push(app.record(token).await.participant_number.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=8).collect::<Vec<i64>>());
}

#[tokio::test]
async fn nothing_identifying_is_stored() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.answer_everything(&token).await;
    app.post_form(&format!("/r/{token}/check"), &[]).await;
    let pool = app.pool().await;
    let (id, started, updated, submitted): (String, String, String, String) =
        sqlx::query_as("SELECT id, started_on, updated_on, submitted_on FROM responses")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(uuid_version(&id), Some('4'), "random ids: {id}");
    for day in [started, updated, submitted] {
        assert_eq!(day.len(), 10, "dates no finer than the day: {day}");
    }
    let mut columns = Vec::new();
    for table in ["responses", "answers"] {
        let row = sqlx::query(&format!("SELECT * FROM {table} LIMIT 1"))
            .fetch_one(&pool)
            .await
            .unwrap();
        columns.extend(row.columns().iter().map(|c| c.name().to_owned()));
    }
    assert!(
        columns.contains(&"participant_number".to_owned()),
        "{columns:?}"
    );
    for column in &columns {
        assert!(
            !["ip", "ip_address", "user_agent", "created_at", "email"].contains(&column.as_str()),
            "{column}"
        );
    }
    let stored_token: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE token_hash = $1")
            .bind(&token)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored_token, 0, "only a hash of the token is stored");
}

fn uuid_version(id: &str) -> Option<char> {
    (id.len() == 36).then(|| id.chars().nth(14)).flatten()
}
