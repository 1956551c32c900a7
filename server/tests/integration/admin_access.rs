//! The researcher area: setup, sign-in, sessions, roles, cross-site requests, answers side by side.

use crate::support::{STAFF_PASSWORD, TestApp, location, sign_in_then};
use leptos::server_fn::ServerFn;
use reqwest::{StatusCode, header};

const WRONG: &str = "Enter a correct email address and password";

#[tokio::test]
async fn the_first_start_setup_link_creates_the_owner_once() {
    let app = TestApp::spawn().await;
    let link = app
        .setup_link
        .clone()
        .expect("a setup link while there is no account");
    let path = link.split_once(&app.addr.to_string()).unwrap().1.to_owned();
    let (status, html) = app.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Create the owner account"));

    let weak = app
        .post_form(
            &path,
            &[
                ("email", "owner@example.org"),
                ("password", "password1234"),
                ("confirm", "password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().await.unwrap().contains("too common"));
    let short = app
        .post_form(
            &path,
            &[
                ("email", "owner@example.org"),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("at least 12 characters")
    );
    let differ = app
        .post_form(
            &path,
            &[
                ("email", "owner@example.org"),
                ("password", STAFF_PASSWORD),
                ("confirm", "something else 1"),
            ],
        )
        .await;
    assert!(differ.text().await.unwrap().contains("do not match"));

    let created = app
        .post_form(
            &path,
            &[
                ("email", "Owner@Example.org"),
                ("password", STAFF_PASSWORD),
                ("confirm", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&created),
        "/admin/two-factor/setup",
        "owners set up two-factor before anything else"
    );
    assert!(
        created.headers().get(header::SET_COOKIE).is_some(),
        "signed in straight away"
    );

    let again = app
        .post_form(
            &path,
            &[
                ("email", "other@example.org"),
                ("password", STAFF_PASSWORD),
                ("confirm", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "the link works once");
    let (_, html) = app.get_html(&path).await;
    assert!(html.contains("cannot be used"));
    assert!(
        app.sign_in("owner@example.org", STAFF_PASSWORD)
            .await
            .is_some(),
        "email was normalised"
    );
}

#[tokio::test]
async fn a_setup_link_creates_no_owner_once_an_account_exists() {
    let app = TestApp::spawn().await;
    let link = app.setup_link.clone().expect("a setup link");
    let path = link.split_once(&app.addr.to_string()).unwrap().1.to_owned();
    app.add_staff("first@example.org", "owner").await;
    let (_, html) = app.get_html(&path).await;
    assert!(html.contains("cannot be used"), "{html}");
    let refused = app
        .post_form(
            &path,
            &[
                ("email", "second@example.org"),
                ("password", STAFF_PASSWORD),
                ("confirm", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert!(
        app.sign_in("second@example.org", STAFF_PASSWORD)
            .await
            .is_none()
    );
}

#[tokio::test]
async fn a_new_setup_link_ends_the_one_made_before() {
    let app = TestApp::spawn().await;
    let storage = app.storage().await;
    let staff = storage.staff();
    let now = domain::clock::Clock::default().now();
    staff.create_setup_link("first", now + 3600).await.unwrap();
    assert!(staff.setup_link_is_usable("first", now).await.unwrap());
    staff.create_setup_link("second", now + 3600).await.unwrap();
    assert!(!staff.setup_link_is_usable("first", now).await.unwrap());
    assert!(staff.setup_link_is_usable("second", now).await.unwrap());
}

#[test]
fn without_a_terminal_the_setup_link_is_not_written_to_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/fresh.db", dir.path().display());
    let mut server = crate::support::process::ServerProcess::start(&database, &[]);
    let hint = server
        .wait_for_line(
            |line| line.contains("No account exists yet"),
            std::time::Duration::from_secs(30),
        )
        .expect("the server says that no account exists");
    server.terminate();
    server.wait_for_exit(std::time::Duration::from_secs(20));
    let output = format!("{hint}\n{}", server.output().join("\n"));
    assert!(output.contains("server user add"), "{output}");
    assert!(!output.contains("/admin/setup/"), "{output}");
}

#[tokio::test]
async fn signing_in_sets_a_fresh_http_only_session_cookie() {
    let app = TestApp::spawn().await;
    app.add_staff("ana@example.org", "researcher").await;
    let response = app.post_sign_in("ana@example.org", STAFF_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("staff-session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let first = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let second = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    assert_ne!(first, second, "every sign-in gets a new token");
}

#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_held() {
    let app = TestApp::spawn().await;
    let held = app.signed_in_as("researcher").await;
    assert_eq!(
        app.get_with_cookie("/admin", &held).await.status(),
        StatusCode::OK
    );
    let again = app
        .client
        .post(app.url("/admin/sign-in"))
        .header(header::COOKIE, &held)
        .form(&[
            ("email", "researcher@example.org"),
            ("password", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let old = app.get_with_cookie("/admin", &held).await;
    assert_eq!(old.status(), StatusCode::FOUND, "the old session is over");
    assert_eq!(location(&old), "/admin/sign-in");
}

#[tokio::test]
async fn expired_sessions_and_spent_links_are_purged() {
    let app = TestApp::spawn().await;
    let live = app.signed_in_as("trainer").await;
    let idle = app
        .sign_in("trainer@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let pool = app.pool().await;
    let now = domain::clock::Clock::default().now();
    let idle_hash = domain::secret_token::SecretToken::parse(idle.split_once('=').unwrap().1)
        .unwrap()
        .storage_hash();
    sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now - app::auth::session::IDLE_SECONDS - 1)
        .bind(&idle_hash)
        .execute(&pool)
        .await
        .unwrap();
    let storage = app.storage().await;
    let staff = storage.staff();
    staff.create_setup_link("expired", now - 1).await.unwrap();
    let removed = app
        .storage()
        .await
        .purge_expired(now, app::auth::session::LIFETIMES)
        .await
        .unwrap();
    assert!(removed >= 2, "{removed}");
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "only the live session is kept");
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM setup_links")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(links, 0);
    assert_eq!(
        app.get_with_cookie("/admin", &live).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_with_the_host_prefix() {
    let app = TestApp::spawn_with_public_url(Some("https://survey.example.org")).await;
    app.add_staff("ana@example.org", "researcher").await;
    let response = app
        .client
        .post(app.url("/admin/sign-in"))
        .header(header::ORIGIN, "https://survey.example.org")
        .header(header::HOST, "survey.example.org")
        .form(&[("email", "ana@example.org"), ("password", STAFF_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cookie.starts_with("__Host-staff-session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.add_staff("ana@example.org", "researcher").await;
    let wrong = app
        .post_form(
            "/admin/sign-in",
            &[
                ("email", "ana@example.org"),
                ("password", "not the password"),
            ],
        )
        .await;
    let unknown = app
        .post_form(
            "/admin/sign-in",
            &[
                ("email", "nobody@example.org"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(wrong.contains(WRONG) && unknown.contains(WRONG));
    assert!(
        wrong.contains("value=\"ana@example.org\""),
        "the email stays filled in"
    );
}

#[tokio::test]
async fn an_account_is_refused_after_100_failures_in_an_hour() {
    let app = TestApp::spawn().await;
    app.add_staff("ana@example.org", "researcher").await;
    let storage = app.storage().await;
    let staff = storage
        .staff()
        .by_email("ana@example.org")
        .await
        .unwrap()
        .unwrap();
    let now = domain::clock::Clock::default().now();
    for _ in 0..99 {
        storage
            .staff()
            .record_sign_in_failure(&staff.id, now)
            .await
            .unwrap();
    }
    assert!(
        app.sign_in("ana@example.org", STAFF_PASSWORD)
            .await
            .is_some(),
        "99 failures still allow a sign-in"
    );
    storage
        .staff()
        .record_sign_in_failure(&staff.id, now)
        .await
        .unwrap();
    let refused = app.post_sign_in("ana@example.org", STAFF_PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().await.unwrap().contains(WRONG),
        "the same message as any failure"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    assert_eq!(
        app.get_with_cookie("/admin", &cookie).await.status(),
        StatusCode::OK
    );
    let out = app.post_with_cookie("/admin/sign-out", &cookie, &[]).await;
    assert_eq!(location(&out), "/admin/sign-in");
    let cleared = out.headers().get("clear-site-data").unwrap();
    assert_eq!(cleared, "\"cache\", \"cookies\", \"storage\"");
    let after = app.get_with_cookie("/admin", &cookie).await;
    assert_eq!(after.status(), StatusCode::FOUND);
    assert_eq!(location(&after), "/admin/sign-in");
}

async fn age_sessions(app: &TestApp, column: &str, seconds: i64) {
    let pool = app.pool().await;
    sqlx::query(&format!(
        "UPDATE staff_sessions SET {column} = {column} - $1"
    ))
    .bind(seconds)
    .execute(&pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_session_idle_for_30_minutes_ends() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    age_sessions(&app, "last_seen_at", 29 * 60).await;
    assert_eq!(
        app.get_with_cookie("/admin", &cookie).await.status(),
        StatusCode::OK,
        "29 minutes idle is fine"
    );
    age_sessions(&app, "last_seen_at", 31 * 60).await;
    assert_eq!(
        app.get_with_cookie("/admin", &cookie).await.status(),
        StatusCode::FOUND
    );
}

#[tokio::test]
async fn a_session_ends_after_12_hours_however_active() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    age_sessions(&app, "created_at", 12 * 60 * 60 + 60).await;
    assert_eq!(
        app.get_with_cookie("/admin", &cookie).await.status(),
        StatusCode::FOUND
    );
}

/// Who may do what: every researcher page, server function and form post, for each kind of
/// visitor. Trainers never reach research data; only owners read the audit log.
#[tokio::test]
async fn every_researcher_route_checks_the_session_and_the_role() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Their cooking").await;
    let id = app
        .storage()
        .await
        .responses()
        .overviews(&crate::support::sam(), &[])
        .await
        .unwrap()[0]
        .id
        .clone();
    let research_pages = [
        "/admin/studies/sam".to_owned(),
        "/admin/studies/sam/questions/r2".to_owned(),
        "/admin/studies/sam/likert".to_owned(),
        "/admin/studies/sam/versions".to_owned(),
        "/admin/studies/sam/responses".to_owned(),
        format!("/admin/studies/sam/responses/{id}"),
        format!("/admin/studies/sam/responses/{id}/delete"),
    ];
    let research_functions = [
        (
            app::admin::dashboard::LoadDashboard::PATH,
            "study=sam".to_owned(),
        ),
        (
            app::admin::answers::LoadAnswers::PATH,
            "study=sam&question=r2".to_owned(),
        ),
        (
            app::admin::likert_charts::LoadLikert::PATH,
            "study=sam".to_owned(),
        ),
        (
            app::admin::responses::LoadResponses::PATH,
            "study=sam".to_owned(),
        ),
        (
            app::admin::versions::LoadVersions::PATH,
            "study=sam".to_owned(),
        ),
        (
            app::admin::response::LoadResponse::PATH,
            format!("study=sam&id={id}"),
        ),
    ];
    let owner_only = ("/admin/audit", app::admin::audit_log::LoadAuditLog::PATH);
    let call = |path: &'static str, body: String, cookie: Option<String>| {
        let mut request = app
            .client
            .post(app.url(path))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send()
    };

    for path in research_pages
        .iter()
        .map(String::as_str)
        .chain([owner_only.0, "/admin"])
    {
        let anonymous = app.get(path).await;
        assert_eq!(anonymous.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&anonymous), sign_in_then(path));
    }
    for (path, body) in &research_functions {
        let status = call(path, body.clone(), None).await.unwrap().status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }

    let trainer = app.signed_in_as("trainer").await;
    for path in research_pages
        .iter()
        .map(String::as_str)
        .chain([owner_only.0])
    {
        let status = app.get_with_cookie(path, &trainer).await.status();
        assert_eq!(status, StatusCode::FORBIDDEN, "trainer {path}");
    }
    for (path, body) in research_functions
        .iter()
        .chain([&(owner_only.1, String::new())])
    {
        let status = call(path, body.clone(), Some(trainer.clone()))
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN, "trainer {path}");
    }
    let home = app.page_text("/admin", &trainer).await;
    assert!(home.contains("not shown to trainers") && !home.contains("/admin/studies/sam"));

    for role in ["researcher", "owner"] {
        let cookie = app.signed_in_as(role).await;
        for path in &research_pages {
            let status = app.get_with_cookie(path, &cookie).await.status();
            assert_eq!(status, StatusCode::OK, "{role} {path}");
        }
        for (path, body) in &research_functions {
            let status = call(path, body.clone(), Some(cookie.clone()))
                .await
                .unwrap()
                .status();
            assert_eq!(status, StatusCode::OK, "{role} {path}");
        }
        let audit_page = app.get_with_cookie(owner_only.0, &cookie).await.status();
        let audit_call = call(owner_only.1, String::new(), Some(cookie.clone()))
            .await
            .unwrap()
            .status();
        let expected = if role == "owner" {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(
            (audit_page, audit_call),
            (expected, expected),
            "{role} audit"
        );
        for unknown in [
            "/admin/studies/nope".to_owned(),
            "/admin/studies/nope/responses".to_owned(),
            "/admin/studies/sam/questions/nope".to_owned(),
            format!("/admin/studies/nope/responses/{id}"),
        ] {
            let status = app.get_with_cookie(&unknown, &cookie).await.status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{role} {unknown}");
        }
    }

    let delete = format!("/admin/studies/sam/responses/{id}/delete");
    let anonymous = app.post_form(&delete, &[]).await;
    assert_eq!(location(&anonymous), "/admin/sign-in");
    let trainer_delete = app.post_with_cookie(&delete, &trainer, &[]).await;
    assert_eq!(trainer_delete.status(), StatusCode::FORBIDDEN);
    let still_there = app
        .storage()
        .await
        .responses()
        .overviews(&crate::support::sam(), &[])
        .await
        .unwrap();
    assert_eq!(still_there.len(), 1, "refused deletes change nothing");
}

#[tokio::test]
async fn extending_a_session_resets_its_idle_time() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    let extend = |cookie: &str| {
        app.client
            .post(app.url(app::components::ExtendSession::PATH))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, cookie)
            .send()
    };
    age_sessions(&app, "last_seen_at", 26 * 60).await;
    let response = extend(&cookie).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seconds: i64 = response.text().await.unwrap().trim().parse().unwrap();
    assert!((30 * 60 - 5..=30 * 60).contains(&seconds), "{seconds}");
    age_sessions(&app, "last_seen_at", 26 * 60).await;
    assert_eq!(
        app.get_with_cookie("/admin", &cookie).await.status(),
        StatusCode::OK,
        "26 minutes after the extension, still signed in"
    );
}

#[tokio::test]
async fn requests_sent_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    app.add_staff("ana@example.org", "researcher").await;
    let cross = |path: &'static str, header_name: header::HeaderName, sender: &'static str| {
        app.client
            .post(app.url(path))
            .header(header_name, sender)
            .form(&[("email", "ana@example.org"), ("password", STAFF_PASSWORD)])
            .send()
    };
    assert_eq!(
        cross("/admin/sign-in", header::ORIGIN, "http://evil.example")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        cross("/admin/sign-in", header::ORIGIN, "null")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        cross(
            "/admin/sign-in",
            header::REFERER,
            "http://evil.example/page"
        )
        .await
        .unwrap()
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        cross("/s/sam/consent", header::ORIGIN, "http://evil.example")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let own = app.addr.to_string();
    let same = app
        .client
        .post(app.url("/admin/sign-in"))
        .header(header::ORIGIN, format!("http://{own}"))
        .form(&[("email", "ana@example.org"), ("password", STAFF_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn answers_to_one_question_side_by_side_with_labels_and_a_filter() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Cooking and drawing")
        .await;
    app.submit_response(
        "community",
        "<script>alert(1)</script> <xmp>x</xmp> [link](javascript:alert(1))",
    )
    .await;
    let unfinished = app.consent().await;
    app.post_step(&unfinished, "sam", &[("r2", "not submitted yet")])
        .await;
    let cookie = app.signed_in_as("researcher").await;

    let all = app
        .page_text("/admin/studies/sam/questions/r2", &cookie)
        .await;
    assert!(
        all.contains("P1: Inpatient SW, 14 months experience"),
        "{all}"
    );
    assert!(all.contains("P2: Community SW, 14 months experience"));
    assert!(all.contains("Cooking and drawing"));
    assert!(!all.contains("not submitted yet"), "only submitted answers");
    assert!(
        !all.contains("<script>alert(1)") && !all.contains("<xmp>"),
        "participant text is inert"
    );
    assert!(all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!all.contains("href=\"javascript:"));

    let inpatient = app
        .page_text("/admin/studies/sam/questions/r2?setting=inpatient", &cookie)
        .await;
    assert!(inpatient.contains("P1: Inpatient SW") && !inpatient.contains("P2: Community SW"));

    let viewed = app
        .audited("researcher@example.org", "viewed answers")
        .await;
    assert!(
        viewed.iter().any(|detail| detail.contains("question r2")),
        "{viewed:?}"
    );
    let signed_in = app.audited("researcher@example.org", "signed in").await;
    assert!(!signed_in.is_empty());
}

#[tokio::test]
async fn the_dashboard_counts_progress_and_where_people_stopped() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "One").await;
    let stopped = app.consent().await;
    app.post_step(&stopped, "about-you", &[("setting", "community")])
        .await;
    app.post_step(&stopped, "before-you-start", &[]).await;
    app.consent().await;
    let cookie = app.signed_in_as("owner").await;
    let html = app.page_text("/admin/studies/sam", &cookie).await;
    let figure = |name: &str| {
        let at = html
            .find(&format!("<dt>{name}</dt>"))
            .unwrap_or_else(|| panic!("{name} in {html}"));
        html[at..]
            .split("<dd>")
            .nth(1)
            .unwrap()
            .split("</dd>")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(figure("Started"), "3");
    assert_eq!(figure("Submitted"), "1");
    assert_eq!(figure("In progress"), "2");
    assert_eq!(figure("Completion rate"), "33%");
    assert!(
        html.contains("<td>2. About your work</td><td>1</td>"),
        "{html}"
    );
    assert!(html.contains("<td>4. Meet Sam</td><td>1</td>"));
}

#[test]
fn the_command_line_adds_an_account_that_can_sign_in() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/cli.db", dir.path().display());
    let add_with = |password: &str, study: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args([
                "user",
                "add",
                "--email",
                "Cli@Example.org",
                "--role",
                "researcher",
                "--study",
                study,
            ])
            .env("DATABASE_URL", &database_url)
            .env("STUDIES_DIR", crate::support::studies_dir())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let add = |password: &str| add_with(password, "sam");
    let unknown = add_with(STAFF_PASSWORD, "no-such-study");
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("no study \"no-such-study\": the studies are sam"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    let weak = add("password1234");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));
    let ok = add(STAFF_PASSWORD);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        String::from_utf8_lossy(&ok.stdout)
            .contains("added cli@example.org as researcher, reading sam")
    );
    let twice = add(STAFF_PASSWORD);
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already exists"));
}

#[tokio::test]
async fn likert_items_are_summarised_and_small_groups_suppressed() {
    let app = TestApp::spawn().await;
    for _ in 0..11 {
        app.submit_response("inpatient", "x").await;
    }
    app.submit_response("community", "y").await;
    let cookie = app.signed_in_as("researcher").await;
    let response = app
        .get_with_cookie("/admin/studies/sam/likert", &cookie)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let item = html
        .split("How far would you support Sam in going ahead with this?")
        .nth(1)
        .unwrap();
    assert!(item.contains("All respondents: n = 12, median 4"), "{item}");
    assert!(item.contains("<td>Support</td><td>12</td><td>100%</td>"));
    assert!(item.contains("Inpatient mental health services: n = 11, median 4"));
    assert!(
        item.contains("Community mental health services: fewer than 10 respondents, not shown")
    );
    assert!(item.contains("Senior support worker: fewer than 10 respondents, not shown"));
    assert!(
        !item.contains("Community mental health services: n ="),
        "the small group's figures never reach the page"
    );
}

#[tokio::test]
async fn only_owners_read_the_audit_log() {
    let app = TestApp::spawn().await;
    app.post_form(
        "/admin/sign-in",
        &[
            ("email", "nobody@example.org"),
            ("password", "guessing 12345"),
        ],
    )
    .await;
    let owner = app.signed_in_as("owner").await;
    for role in ["researcher", "trainer"] {
        let cookie = app.signed_in_as(role).await;
        assert_eq!(
            app.get_with_cookie("/admin/audit", &cookie).await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let home = app.page_text("/admin", &cookie).await;
        assert!(
            !home.contains("/admin/audit"),
            "{role} is not offered the log"
        );
    }
    let response = app.get_with_cookie("/admin/audit", &owner).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<td>unknown account</td><td>sign-in failed</td>"),
        "{html}"
    );
    assert!(html.contains("<td>owner@example.org</td><td>signed in</td>"));
    assert_eq!(
        app.get("/admin/audit").await.status(),
        StatusCode::FOUND,
        "anonymous visitors are sent to sign in"
    );
}

#[tokio::test]
async fn signing_in_again_returns_to_the_page_asked_for_and_never_off_the_staff_area() {
    let app = TestApp::spawn().await;
    let secret = app
        .add_staff_with_two_factor("researcher@example.org", "researcher")
        .await;
    let page = "/admin/studies/sam/responses?status=submitted";
    let asked = app.get(page).await;
    assert_eq!(location(&asked), sign_in_then(page));

    let form = app.get(&location(&asked)).await.text().await.unwrap();
    assert!(
        form.contains(r#"name="next" value="/admin/studies/sam/responses?status=submitted""#),
        "the sign-in form carries the way back"
    );
    let password = app
        .post_form(
            "/admin/sign-in",
            &[
                ("email", "researcher@example.org"),
                ("password", STAFF_PASSWORD),
                ("next", page),
            ],
        )
        .await;
    let code_page = location(&password);
    assert_eq!(
        code_page,
        format!(
            "/admin/sign-in/code?next={}",
            &sign_in_then(page)["/admin/sign-in?next=".len()..]
        )
    );
    let pending = crate::support::cookie_of(&password).unwrap();
    let code_form = app.page_text(&code_page, &pending).await;
    assert!(
        code_form.contains(r#"name="next" value="/admin/studies/sam/responses?status=submitted""#)
    );
    let code = crate::support::current_code(&secret);
    let signed_in = app
        .post_with_cookie(
            "/admin/sign-in/code",
            &pending,
            &[("code", &code), ("next", page)],
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&signed_in), page);

    app.add_staff("trainer@example.org", "trainer").await;
    for elsewhere in [
        "//evil.example/admin",
        "https://evil.example/admin",
        "/r/abc/check",
    ] {
        let response = app
            .post_form(
                "/admin/sign-in",
                &[
                    ("email", "trainer@example.org"),
                    ("password", STAFF_PASSWORD),
                    ("next", elsewhere),
                ],
            )
            .await;
        assert_eq!(location(&response), "/admin", "{elsewhere}");
    }
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_returns_to_the_page_it_was_sent_from() {
    let app = TestApp::spawn().await;
    let from = app.url("/admin/studies/sam/redactions");
    let response = app
        .client
        .post(app.url("/admin/studies/sam/redactions/scan"))
        .header(header::ORIGIN, app.url("").trim_end_matches('/'))
        .header(header::REFERER, from)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        sign_in_then("/admin/studies/sam/redactions")
    );
}

#[tokio::test]
async fn by_the_app_clock_a_session_ends_after_30_minutes_idle() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    app.clock.advance(29 * 60);
    let still = app.get_with_cookie("/admin", &cookie).await;
    assert_eq!(still.status(), StatusCode::OK, "29 minutes idle is fine");
    app.clock.advance(31 * 60);
    let ended = app.get_with_cookie("/admin/audit", &cookie).await;
    assert_eq!(location(&ended), sign_in_then("/admin/audit"));
}

#[tokio::test]
async fn by_the_app_clock_a_session_in_use_ends_after_12_hours() {
    let app = TestApp::spawn().await;
    let busy = app.signed_in_as("owner").await;
    for _ in 0..24 {
        app.clock.advance(29 * 60);
        let page = app.get_with_cookie("/admin", &busy).await;
        assert_eq!(page.status(), StatusCode::OK, "kept alive by use");
    }
    app.clock.advance(29 * 60);
    let too_old = app.get_with_cookie("/admin", &busy).await;
    assert_eq!(location(&too_old), "/admin/sign-in", "12 hours at most");
}

#[tokio::test]
async fn every_page_behind_sign_in_has_one_staff_bar_and_the_sign_in_pages_none() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    let bars = |html: &str| html.matches("class=\"staff-nav\"").count();
    for path in [
        "/admin",
        "/admin/studies/sam",
        "/admin/studies/sam/responses",
        "/admin/studies/sam/likert",
        "/admin/studies/sam/redactions",
        "/admin/studies/sam/questions/r1",
        "/admin/studies/sam/versions",
    ] {
        let response = app.get_with_cookie(path, &cookie).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.unwrap();
        assert_eq!(bars(&html), 1, "{path}");
        assert!(
            html.contains("Signed in as researcher@example.org (researcher)"),
            "{path}"
        );
    }
    let missing = app
        .get_with_cookie("/admin/studies/no-such-study", &cookie)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        bars(&missing.text().await.unwrap()),
        1,
        "a page that cannot load still offers the way out"
    );
    let (_, sign_in) = app.get_html("/admin/sign-in").await;
    assert_eq!(bars(&sign_in), 0);
}

#[tokio::test]
async fn research_data_opens_only_from_this_site() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    let reads = [
        "/admin/studies/sam/responses",
        "/admin/studies/sam/questions/r1",
        "/admin/studies/sam/exports/csv-wide",
        "/admin/studies/sam/redactions",
    ];
    for path in reads {
        for (site, allowed) in [
            ("cross-site", false),
            ("same-site", false),
            ("same-origin", true),
            ("none", true),
        ] {
            let response = app
                .client
                .get(app.url(path))
                .header(header::COOKIE, &cookie)
                .header("sec-fetch-site", site)
                .send()
                .await
                .unwrap();
            let status = response.status();
            if allowed {
                assert_eq!(status, StatusCode::OK, "{path} from {site}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{path} from {site}");
                let page = response.text().await.unwrap();
                assert!(
                    page.contains("opens only from a link on this site"),
                    "{page}"
                );
            }
        }
    }
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE '%export%'")
            .fetch_one(&app.pool().await)
            .await
            .unwrap();
    assert_eq!(
        audited, 2,
        "only the two exports that were allowed are logged"
    );
    let refusals: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, detail FROM audit_log WHERE action = 'cross-site read refused' ORDER BY detail",
    )
    .fetch_all(&app.pool().await)
    .await
    .unwrap();
    assert_eq!(refusals.len(), 8, "{refusals:?}");
    assert!(refusals.iter().all(|(actor, _)| actor == "unidentified"));
    assert!(
        refusals
            .iter()
            .any(|(_, detail)| detail == "GET /admin/studies/sam/exports/csv-wide")
    );
    let dashboard = app
        .client
        .get(app.url("/admin/studies/sam"))
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(
        dashboard.status(),
        StatusCode::OK,
        "counts alone open from anywhere"
    );
}

#[tokio::test]
async fn a_role_refusal_is_written_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let trainer = app.signed_in_as("trainer").await;
    let refused = app
        .get_with_cookie("/admin/studies/sam/responses", &trainer)
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let logged: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, detail FROM audit_log WHERE action = 'access refused'")
            .fetch_all(&app.pool().await)
            .await
            .unwrap();
    assert_eq!(
        logged,
        [(
            "trainer@example.org".to_owned(),
            "GET /admin/studies/sam/responses".to_owned()
        )]
    );
}
