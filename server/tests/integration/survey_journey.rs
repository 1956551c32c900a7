//! The participant journey over HTTP, as a browser without JavaScript would walk it.

use crate::support::{TestApp, complete_answers, location, resume_cookie, set_cookie_value};
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
async fn consent_keeps_the_private_link_in_a_cookie_for_this_visit_and_out_of_addresses() {
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
    assert_eq!(to, "/s/sam/answers/about-you");
    let token = set_cookie_value(&response, "resume-sam").unwrap();
    assert!(token.len() >= 22, "at least 128 bits");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "not remembered unless asked: a session cookie, {cookie}"
    );

    let (status, html) = app.step_html(&token, "about-you").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Step 2 of 9"), "{html}");
    assert!(
        html.contains(&format!("/r/{token}</a>")),
        "private link shown right after consent"
    );
    assert_eq!(
        html.matches(token.as_str()).count(),
        2,
        "the link's text and address only: no form or island carries it"
    );
    assert!(
        html.contains("action=\"/s/sam/forget\""),
        "forget this device"
    );

    // The same browser is offered its answers back by cookie, at an address without the token.
    let html = app.page_text("/", &resume_cookie("sam", &token)).await;
    assert!(html.contains("Continue where you left off"));
    assert!(html.contains("href=\"/s/sam/answers/about-you\""));
    assert!(!html.contains(token.as_str()));

    // Without the cookie the answers are nowhere to be seen.
    let (status, html) = app.get_html("/s/sam/answers/about-you").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("holds no answers"), "{html}");
}

#[tokio::test]
async fn remembering_the_device_is_a_choice_and_lasts_a_week() {
    let app = TestApp::spawn().await;
    let response = app
        .post_form("/s/sam/consent", &[("consent", "yes"), ("remember", "yes")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Max-Age=604800"), "{cookie}");

    let (_, consent) = app.get_html("/s/sam/consent").await;
    assert!(consent.contains("name=\"remember\""));
    assert!(
        !consent.contains("checked"),
        "remember me is off by default: {consent}"
    );
}

#[tokio::test]
async fn forgetting_the_device_clears_the_cookie_and_keeps_the_answers() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.post_step(&token, "about-you", &[("setting", "community")])
        .await;
    for (page, cookie) in [
        ("/", resume_cookie("sam", &token)),
        ("/s/sam/consent", resume_cookie("sam", &token)),
    ] {
        let html = app.page_text(page, &cookie).await;
        assert!(html.contains("Forget this device"), "{page}: {html}");
    }
    let (_, consent) = app.get_html("/s/sam/consent").await;
    assert!(!consent.contains("Forget this device"), "nothing to forget");
    let forgot = app
        .post_with_cookie("/s/sam/forget", &resume_cookie("sam", &token), &[])
        .await;
    assert_eq!(forgot.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&forgot), "/s/sam?device=forgotten");
    let cleared = forgot.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("resume-sam=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let (_, html) = app.get_html("/s/sam?device=forgotten").await;
    assert!(html.contains("no longer holds your answers"), "{html}");
    assert_eq!(app.answers(&token).await["setting"], "community");
}

#[tokio::test]
async fn the_whole_journey_saves_every_answer_and_submits_once() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    for (step, (page, fields)) in complete_answers().into_iter().enumerate() {
        let (status, html) = app.step_html(&token, page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("Step {} of 9", step + 2)), "{page}");
        let response = app.post_step(&token, page, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
    }
    let (status, check) = app.step_html(&token, "check").await;
    assert_eq!(status, StatusCode::OK);
    assert!(check.contains("Step 9 of 9"));
    assert!(check.contains("Inpatient mental health services"));
    assert!(
        check.contains("1.2 years") || check.contains("14 months"),
        "experience shown: {check}"
    );
    assert!(check.contains("Loneliness."));
    assert!(
        check.contains("/s/sam/answers/sam?return=check#r3"),
        "change links go back to the question"
    );

    let answers = app.answers(&token).await;
    assert_eq!(answers["experience"], "14");
    assert_eq!(answers["money_support"], "4");
    assert_eq!(
        answers["r1"],
        "Living a good life with or without symptoms."
    );

    let submit = app.post_step(&token, "check", &[]).await;
    assert_eq!(
        submit.status(),
        StatusCode::OK,
        "the thanks page answers the submit"
    );
    let cleared = set_cookie_value(&submit, "resume-sam");
    assert_eq!(
        cleared.as_deref(),
        Some(""),
        "submit makes the browser forget the link"
    );
    let thanks = submit.text().await.unwrap();
    assert!(thanks.contains("Thank you"));
    assert!(thanks.contains("withdrawal-code"), "{thanks}");

    let again = app.post_step(&token, "check", &[]).await;
    assert_eq!(again.status(), StatusCode::OK, "a resend is harmless");
    let record = app.record(&token).await;
    assert_eq!(record.participant_number, Some(1));
    assert!(record.submitted_on.is_some());
}

#[tokio::test]
async fn answers_come_back_when_a_page_is_opened_again() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.post_step(
        &token,
        "about-you",
        &[
            ("setting", "community"),
            ("experience-years", "3"),
            ("experience-months", "6"),
        ],
    )
    .await;
    app.post_step(
        &token,
        "sam",
        &[
            ("r1", "Hope & <friends>"),
            ("r2", "</textarea><script>alert(1)</script>"),
            ("r3", "\nled by a newline"),
        ],
    )
    .await;
    let (_, html) = app.step_html(&token, "about-you").await;
    assert!(html.contains("value=\"community\" checked"), "{html}");
    assert!(html.contains("value=\"3\""), "years restored");
    assert!(html.contains("value=\"6\""), "months restored");
    let (_, html) = app.step_html(&token, "sam").await;
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
async fn the_private_link_opens_a_warning_page_and_only_its_button_continues() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    for (page, fields) in complete_answers().into_iter().take(3) {
        app.post_step(&token, page, &fields).await;
    }
    let (before, answers_before) = (app.record(&token).await, app.answers(&token).await);
    let (status, entry) = app.get_html(&format!("/r/{token}")).await;
    assert_eq!(status, StatusCode::OK, "an entry page, not a redirect");
    let today = domain::clock::Clock::default()
        .today()
        .format("%-d %B %Y")
        .to_string();
    assert!(entry.contains(&format!("started on {today}")), "{entry}");
    assert!(
        entry.contains("If someone else gave you this link"),
        "{entry}"
    );
    assert!(entry.contains("action=\"/s/sam/resume\""));
    assert!(
        !entry.contains("Living a good life"),
        "no answer is shown before the button"
    );
    let after = app.record(&token).await;
    assert_eq!(
        after.step_reached, before.step_reached,
        "opening the link changes nothing"
    );
    assert_eq!(app.answers(&token).await, answers_before);

    // In the browser that holds it, the link continues where the answers got to, and is kept.
    let held = app
        .post_with_cookie(
            "/s/sam/resume",
            &resume_cookie("sam", &token),
            &[("link", token.as_str())],
        )
        .await;
    assert_eq!(held.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&held), "/s/sam/answers/scenario-money");
    assert_eq!(set_cookie_value(&held, "resume-sam"), Some(token.clone()));

    // Going back to an earlier page does not move the resume point backwards.
    app.post_step(&token, "about-you", &[("setting", "other")])
        .await;
    let held = app
        .post_with_cookie(
            "/s/sam/resume",
            &resume_cookie("sam", &token),
            &[("link", token.as_str()), ("remember", "yes")],
        )
        .await;
    assert_eq!(location(&held), "/s/sam/answers/scenario-money");
    let cookie = held.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("Max-Age=604800"),
        "remembered when asked: {cookie}"
    );
}

#[tokio::test]
async fn a_step_address_from_before_leads_to_the_entry_page() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let response = app.get(&format!("/r/{token}/about-you")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/r/{token}"));
    assert!(response.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn a_link_opened_in_another_browser_is_replaced_so_whoever_gave_it_out_loses_access() {
    let app = TestApp::spawn().await;
    // A colleague consents and hands the link out as "your personal survey link".
    let handed_out = app.consent().await;
    app.post_step(&handed_out, "about-you", &[("setting", "community")])
        .await;
    let before = app.record(&handed_out).await;

    let continued = app
        .post_form("/s/sam/resume", &[("link", handed_out.as_str())])
        .await;
    assert_eq!(continued.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&continued),
        "/s/sam/answers/before-you-start?link=new"
    );
    let new = set_cookie_value(&continued, "resume-sam").expect("the new link in a cookie");
    assert_ne!(new, handed_out);

    let (_, page) = app.step_html(&new, "before-you-start?link=new").await;
    assert!(page.contains("Your private link has changed"), "{page}");
    assert!(
        page.contains(&format!("/r/{new}</a>")),
        "the new link is shown"
    );

    // The one who handed it out can no longer read or change anything.
    let (status, _) = app.get_html(&format!("/r/{handed_out}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.step_html(&handed_out, "sam").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let refused = app
        .post_step(&handed_out, "sam", &[("r1", "overwritten")])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // The answers, their day and the time taken so far carry over to the new link.
    let after = app.record(&new).await;
    assert_eq!(after.id, before.id);
    assert_eq!(after.started_on, before.started_on);
    assert_eq!(app.answers(&new).await["setting"], "community");
    let minutes = domain::private_link::minutes_since(
        &domain::secret_token::SecretToken::parse(&new).unwrap(),
        after.masked_start_minute.unwrap(),
        domain::private_link::minute_of(domain::clock::Clock::default().now()),
    );
    assert!(minutes < 5, "the start carried over: {minutes} minutes");
    // The withdrawal code that submitting shows belongs to the new link.
    let thanks = app.answer_and_submit(&new).await;
    let code = domain::private_link::withdrawal_code(
        &domain::secret_token::SecretToken::parse(&new).unwrap(),
    )
    .for_display();
    assert!(thanks.contains(&code), "{thanks}");
    let confirm = app.post_form("/withdraw", &[("code", code.as_str())]).await;
    assert_eq!(confirm.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_withdrawal_code_is_shown_once() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let submitted = app.answer_and_submit(&token).await;
    assert!(submitted.contains("withdrawal-code"));
    let (status, later) = app.get_html("/s/sam/thanks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!later.contains("withdrawal-code"), "{later}");
    assert!(later.contains("shown once"), "{later}");
    // The browser has forgotten the link, so history's check page and resend show nothing.
    let (status, _) = app.get_html("/s/sam/answers/check").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let resent = app.post_form("/s/sam/answers/check", &[]).await;
    assert_eq!(resent.status(), StatusCode::NOT_FOUND);
    assert!(!resent.text().await.unwrap().contains("withdrawal-code"));
    // And the private link no longer opens the answers or their code.
    let (status, entry) = app.get_html(&format!("/r/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(entry.contains("have been sent"), "{entry}");
    assert!(!entry.contains("withdrawal-code") && !entry.contains("action=\"/s/sam/resume\""));
    let refused = app
        .post_form("/s/sam/resume", &[("link", token.as_str())])
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn submit_lists_missing_answers_with_links_to_their_steps() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.post_step(&token, "about-you", &[("setting", "community")])
        .await;
    let response = app.post_step(&token, "check", &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains("href=\"/s/sam/answers/about-you?return=check#role\""),
        "{html}"
    );
    assert!(html.contains("href=\"/s/sam/answers/sam?return=check#r2\""));
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
    let (_, html) = app.step_html(&token, "sam?return=check").await;
    assert!(html.contains("name=\"return\" value=\"check\""));
    let response = app
        .post_step(&token, "sam", &[("return", "check"), ("r1", "changed")])
        .await;
    assert_eq!(location(&response), "/s/sam/answers/check");
}

#[tokio::test]
async fn after_submit_answers_are_read_only_and_the_link_says_so() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.answer_everything(&token).await;
    app.post_step(&token, "check", &[]).await;

    let response = app.post_step(&token, "sam", &[("r1", "rewritten")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.answers(&token).await["r1"],
        "Living a good life with or without symptoms."
    );

    let (_, html) = app.step_html(&token, "sam").await;
    assert!(html.contains("can no longer be changed"), "{html}");
}

#[tokio::test]
async fn concurrent_submits_of_one_response_give_one_participant_number() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    app.answer_everything(&token).await;
    let submits = (0..12).map(|_| app.post_step(&token, "check", &[]));
    for response in join_all(submits).await {
        assert_eq!(response.status(), StatusCode::OK);
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
    join_all(tokens.iter().map(|t| app.post_step(t, "check", &[]))).await;
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
    app.post_step(&token, "check", &[]).await;
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
