//! Bad input gets a clear 4xx and changes nothing.

use crate::support::TestApp;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

const FORM: &str = "application/x-www-form-urlencoded";

async fn started() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.post_step(&token, "sam", &[("r1", "kept")]).await;
    app.post_step(&token, "scenario-money", &[("money_support", "2")])
        .await;
    (app, token)
}

async fn assert_unchanged(app: &TestApp, token: &str) {
    let answers = app.answers(token).await;
    assert_eq!(answers.get("r1").map(String::as_str), Some("kept"));
    assert_eq!(answers.get("money_support").map(String::as_str), Some("2"));
    assert_eq!(answers.len(), 2, "{answers:?}");
}

#[tokio::test]
async fn unknown_and_malformed_tokens_are_not_found() {
    let app = TestApp::spawn().await;
    let unknown = "A".repeat(43);
    for path in [
        format!("/r/{unknown}"),
        "/r/not-a-token".into(),
        "/r/%FF%FE".into(),
        "/s/sam/answers/sam".into(),
    ] {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains("could not find")
                || html.contains("holds no answers")
                || html.contains("not found")
                || html.contains("Page not found"),
            "{path}: {html}"
        );
    }
    let response = app.post_step(&unknown, "sam", &[("r1", "x")]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body = response.text().await.unwrap();
    assert!(body.contains("holds no answers"), "{body}");
}

#[tokio::test]
async fn an_unknown_step_is_not_found() {
    let (app, token) = started().await;
    let (status, _) = app.step_html(&token, "nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = app.post_step(&token, "nowhere", &[("r1", "x")]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_question_is_refused_and_nothing_saved() {
    let (app, token) = started().await;
    let response = app
        .post_step(&token, "sam", &[("r1", "changed"), ("r9", "x")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("no question called &quot;r9&quot;")
    );
    // A question from another page is unknown on this one.
    let response = app
        .post_step(&token, "sam", &[("money_support", "3")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn a_likert_value_off_the_scale_is_refused() {
    let (app, token) = started().await;
    for bad in ["0", "6", "-1", "2.5", "strongly"] {
        let response = app
            .post_step(
                &token,
                "scenario-money",
                &[("money_support", bad), ("money_right_thing", "new")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Choose one of the options")
        );
    }
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn a_choice_that_is_not_offered_is_refused() {
    let (app, token) = started().await;
    let response = app
        .post_step(&token, "about-you", &[("setting", "prison")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn text_over_its_limit_is_refused_with_the_limit() {
    let (app, token) = started().await;
    let long = "ŵ".repeat(5_001);
    let response = app.post_step(&token, "sam", &[("r1", long.as_str())]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("5,000 characters or fewer (this one has 5,001)"),
        "{body}"
    );
    let exactly = "ŵ".repeat(5_000);
    let response = app
        .post_step(&token, "sam", &[("r2", exactly.as_str())])
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the limit itself is allowed"
    );
}

#[tokio::test]
async fn invalid_utf8_is_refused_not_repaired() {
    let (app, token) = started().await;
    for body in [
        b"r1=caf%E9".to_vec(),
        b"r1=\xff\xfe".to_vec(),
        b"r%FF=x".to_vec(),
    ] {
        let response = app.post_raw_step(&token, "sam", FORM, body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.unwrap().contains("not valid UTF-8"));
    }
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let (app, token) = started().await;
    // Just over the limit: the server answers 413 and closes without reading the rest, and a much
    // larger body could still be being written then (a broken pipe instead of the answer).
    let body = format!("r1={}", "a".repeat(app::form_posts::FORM_BODY_LIMIT)).into_bytes();
    let response = app.post_raw_step(&token, "sam", FORM, body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn a_form_of_another_type_is_refused() {
    let (app, token) = started().await;
    let response = app
        .post_raw_step(
            &token,
            "sam",
            "application/json",
            b"{\"r1\":\"x\"}".to_vec(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn a_duplicated_field_is_refused() {
    let (app, token) = started().await;
    let response = app
        .post_step(&token, "sam", &[("r1", "a"), ("r1", "b")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn a_mistyped_experience_shows_the_page_again_with_what_was_typed() {
    let (app, token) = started().await;
    let response = app
        .post_step(
            &token,
            "about-you",
            &[
                ("setting", "community"),
                ("experience-years", "two"),
                ("experience-months", "3"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains("href=\"#experience\""),
        "error links to the field"
    );
    assert!(html.contains("Years must be a whole number"));
    assert!(
        html.contains("value=\"two\""),
        "what was typed is shown again"
    );
    assert!(
        html.contains("value=\"community\" checked"),
        "other answers on the page are kept on screen"
    );
    assert_unchanged(&app, &token).await;
}

fn save_fields_url(app: &TestApp) -> String {
    app.url(app::survey::step::SaveFields::PATH)
}

async fn autosave(
    app: &TestApp,
    token: &str,
    step: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let body = serde_json::json!({ "study": "sam", "step": step, "fields": fields });
    app.client
        .post(save_fields_url(app))
        .header("cookie", crate::support::resume_cookie("sam", token))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn autosave_stores_an_answer_as_it_is_typed() {
    let (app, token) = started().await;
    let response = autosave(&app, &token, "sam", &[("r2", "Their cooking")]).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(app.answers(&token).await["r2"], "Their cooking");
    let response = autosave(
        &app,
        &token,
        "about-you",
        &[("experience-years", "2"), ("experience-months", "")],
    )
    .await;
    assert!(response.status().is_success());
    assert_eq!(app.answers(&token).await["experience"], "24");
}

#[tokio::test]
async fn autosave_refuses_bad_input_with_a_4xx_and_changes_nothing() {
    let (app, token) = started().await;
    let long = "x".repeat(5_001);
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode);
    let cases: Vec<Case> = vec![
        (
            "scenario-money",
            vec![("money_support", "7")],
            StatusCode::BAD_REQUEST,
        ),
        ("sam", vec![("nope", "x")], StatusCode::BAD_REQUEST),
        ("sam", vec![("r1", long.as_str())], StatusCode::BAD_REQUEST),
        ("elsewhere", vec![("r1", "x")], StatusCode::NOT_FOUND),
        (
            "about-you",
            vec![("experience-years", "lots")],
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (step, fields, status) in cases {
        let response = autosave(&app, &token, step, &fields).await;
        assert_eq!(response.status(), status, "{step} {fields:?}");
    }
    let response = autosave(&app, &"B".repeat(43), "sam", &[("r1", "x")]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_unchanged(&app, &token).await;
}

#[tokio::test]
async fn autosave_after_submit_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.answer_everything(&token).await;
    app.post_step(&token, "check", &[]).await;
    let response = autosave(&app, &token, "sam", &[("r1", "late edit")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.answers(&token).await["r1"],
        "Living a good life with or without symptoms."
    );
}
