//! Two-factor sign-in: set up at the first sign-in, a code at every later one, recovery codes,
//! no replays, and the explicit switch that turns it off.

use crate::support::{
    STAFF_PASSWORD, TestApp, TotpSecret, cookie_of, current_code, location, sign_in_then, step_now,
};
use reqwest::StatusCode;

/// The key shown on the setup page, as an app would read it from the QR code.
fn key_on_page(html: &str) -> TotpSecret {
    let start = html.find("class=\"secret-key\">").expect("key shown") + 19;
    let end = start + html[start..].find('<').unwrap();
    TotpSecret::from_base32(&html[start..end].replace(' ', "")).expect("a base32 key")
}

fn recovery_codes_on_page(html: &str) -> Vec<String> {
    html.split("<li><code>")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_researcher_sets_up_two_factor_at_the_first_sign_in() {
    let app = TestApp::spawn().await;
    app.add_staff("ana@example.org", "researcher").await;
    let pending = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let setup = app.get_with_cookie("/admin", &pending).await;
    assert_eq!(setup.status(), StatusCode::FOUND, "no research data yet");
    let sign_in = app.get_with_cookie("/admin/sign-in", &pending).await;
    assert_eq!(location(&sign_in), "/admin/two-factor/setup");

    let page = app.page_text("/admin/two-factor/setup", &pending).await;
    assert!(page.contains("<svg"), "a QR code");
    let key = key_on_page(&page);
    let again = app.page_text("/admin/two-factor/setup", &pending).await;
    assert_eq!(key_on_page(&again), key, "the same key on every load");

    let wrong = app
        .post_with_cookie("/admin/two-factor/setup", &pending, &[("code", "000000")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("The code did not match")
    );

    let done = app
        .post_with_cookie(
            "/admin/two-factor/setup",
            &pending,
            &[("code", &current_code(&key))],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let full = cookie_of(&done).expect("a new session");
    let codes = recovery_codes_on_page(&done.text().await.unwrap());
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert_ne!(full, pending);
    assert_eq!(
        app.get_with_cookie("/admin", &pending).await.status(),
        StatusCode::FOUND,
        "the setup session is over"
    );
    assert_eq!(
        app.get_with_cookie("/admin", &full).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get_with_cookie("/admin/two-factor/setup", &full)
            .await
            .status(),
        StatusCode::FOUND,
        "the codes are shown once, in answer to the setup"
    );

    // From now on the password alone is not enough.
    assert_eq!(
        app.step_after_password("ana@example.org").await,
        "/admin/sign-in/code"
    );
    let hashes: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM staff_recovery_codes")
        .fetch_all(&app.pool().await)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 10);
    assert!(
        hashes.iter().all(|h| h.starts_with("$argon2id$")),
        "each recovery code salted and hashed with argon2id: {hashes:?}"
    );
    let second = app.post_sign_in("ana@example.org", STAFF_PASSWORD).await;
    let second = cookie_of(&second).unwrap();
    let recovered = app
        .post_with_cookie("/admin/sign-in/code", &second, &[("code", &codes[3])])
        .await;
    assert_eq!(
        location(&recovered),
        "/admin",
        "a shown recovery code signs in"
    );
    let (id, stored) = stored_secret(&app, "ana@example.org").await;
    assert!(
        !stored.contains(&key.to_base32()),
        "sealed, not plain: {stored}"
    );
    assert_eq!(
        app.sealing_key.open(&id, &stored),
        Some(key.to_base32()),
        "sealed with the server's key, for this account"
    );
}

async fn stored_secret(app: &TestApp, email: &str) -> (String, String) {
    sqlx::query_as("SELECT id, totp_secret FROM staff WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_secret_left_plain_by_an_older_release_is_sealed_at_start_and_still_works() {
    let app = TestApp::spawn().await;
    app.add_staff("ana@example.org", "researcher").await;
    let secret = TotpSecret::generate();
    sqlx::query("UPDATE staff SET totp_secret = $1, totp_last_step = 0 WHERE email = $2")
        .bind(secret.to_base32())
        .bind("ana@example.org")
        .execute(&app.pool().await)
        .await
        .unwrap();
    let mut config = crate::support::config_for(&app.database_url);
    config.two_factor_key = Some(app.sealing_key.to_hex());
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name(server::startup::OUTPUT_NAME)
        .build();
    let _sealed_on_start = server::startup::build(&config, options).await.unwrap();
    let (id, stored) = stored_secret(&app, "ana@example.org").await;
    assert_eq!(app.sealing_key.open(&id, &stored), Some(secret.to_base32()));
    let signed_in = app.sign_in_with_code("ana@example.org", &secret).await;
    assert_eq!(
        app.get_with_cookie("/admin", &signed_in).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn rotating_the_key_seals_every_secret_under_the_new_one_all_or_none() {
    use domain::accounts::secret_box::SealingKey;
    let app = TestApp::spawn().await;
    let secret = app
        .add_staff_with_two_factor("ana@example.org", "researcher")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let new_file = dir.path().join("new-two-factor.key");
    let mut config = crate::support::config_for(&app.database_url);
    config.two_factor_key = Some(app.sealing_key.to_hex());

    let rotated = server::startup::rotate_two_factor_key(&config, &new_file)
        .await
        .unwrap();
    assert_eq!(rotated, 1);
    let new = SealingKey::load_or_create(&new_file).unwrap();
    let (id, stored) = stored_secret(&app, "ana@example.org").await;
    assert_eq!(new.open(&id, &stored), Some(secret.to_base32()));
    assert_eq!(
        app.sealing_key.open(&id, &stored),
        None,
        "the old key opens nothing"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&new_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // Run again with the old key still configured: refused, and nothing changes.
    let refused = server::startup::rotate_two_factor_key(&config, &dir.path().join("third.key"))
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("does not open with the current key"),
        "{refused}"
    );
    assert_eq!(stored_secret(&app, "ana@example.org").await.1, stored);
    config.two_factor_key = Some(new.to_hex());
    let same = server::startup::rotate_two_factor_key(&config, &new_file).await;
    assert!(same.unwrap_err().to_string().contains("is the current one"));

    let rotations: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'two-factor key rotated'",
    )
    .fetch_one(&app.pool().await)
    .await
    .unwrap();
    assert_eq!(rotations, 1);
}

#[tokio::test]
async fn a_server_with_another_key_cannot_use_the_sealed_secret() {
    let app = TestApp::spawn().await;
    let secret = app
        .add_staff_with_two_factor("ana@example.org", "researcher")
        .await;
    let (id, stored) = stored_secret(&app, "ana@example.org").await;
    let other = domain::accounts::secret_box::SealingKey::generate();
    assert_eq!(other.open(&id, &stored), None);
    assert!(app.sealing_key.open(&id, &stored).is_some());
    assert!(!stored.contains(&secret.to_base32()));
}

#[tokio::test]
async fn a_code_works_once_and_so_does_a_recovery_code() {
    let app = TestApp::spawn().await;
    let secret = app
        .add_staff_with_two_factor("ana@example.org", "researcher")
        .await;
    let first = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let code = current_code(&secret);
    let used = app
        .post_with_cookie("/admin/sign-in/code", &first, &[("code", &code)])
        .await;
    assert_eq!(location(&used), "/admin");

    let second = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let replayed = app
        .post_with_cookie("/admin/sign-in/code", &second, &[("code", &code)])
        .await;
    assert_eq!(
        replayed.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no replay"
    );
    assert!(replayed.text().await.unwrap().contains("recovery codes"));
    let old = secret.code_at_step(step_now(domain::clock::Clock::default().now()) - 3);
    let stale = app
        .post_with_cookie("/admin/sign-in/code", &second, &[("code", &old)])
        .await;
    assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY, "too old");

    let storage = app.storage().await;
    let staff = storage
        .staff()
        .by_email("ana@example.org")
        .await
        .unwrap()
        .unwrap();
    let recovery = domain::secret_token::HandCode::generate();
    let hash = recovery.storage_hash(domain::accounts::two_factor::RECOVERY_PURPOSE);
    sqlx::query("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)")
        .bind(&staff.id)
        .bind(&hash)
        .execute(&app.pool().await)
        .await
        .unwrap();
    let typed = recovery.for_display().to_uppercase();
    let recovered = app
        .post_with_cookie("/admin/sign-in/code", &second, &[("code", &typed)])
        .await;
    assert_eq!(location(&recovered), "/admin", "a recovery code signs in");
    let third = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let reused = app
        .post_with_cookie("/admin/sign-in/code", &third, &[("code", &typed)])
        .await;
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY, "used up");
}

#[tokio::test]
async fn wrong_codes_count_towards_the_hourly_limit() {
    let app = TestApp::spawn().await;
    let secret = app
        .add_staff_with_two_factor("ana@example.org", "researcher")
        .await;
    let storage = app.storage().await;
    let staff = storage
        .staff()
        .by_email("ana@example.org")
        .await
        .unwrap()
        .unwrap();
    let pending = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let now = domain::clock::Clock::default().now();
    for _ in 0..99 {
        storage
            .staff()
            .record_sign_in_failure(&staff.id, now)
            .await
            .unwrap();
    }
    let wrong = app
        .post_with_cookie("/admin/sign-in/code", &pending, &[("code", "123456")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = app
        .post_with_cookie(
            "/admin/sign-in/code",
            &pending,
            &[("code", &current_code(&secret))],
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "after 100 failures even the right code is refused for an hour"
    );
}

#[tokio::test]
async fn a_pending_session_reaches_nothing_but_its_next_step() {
    let app = TestApp::spawn().await;
    app.add_staff_with_two_factor("ana@example.org", "owner")
        .await;
    let pending = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    for path in [
        "/admin",
        "/admin/audit",
        "/admin/studies/sam",
        "/admin/studies/sam/responses",
        "/admin/two-factor/setup",
    ] {
        let response = app.get_with_cookie(path, &pending).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&response), sign_in_then(path), "{path}");
    }
    let setup = app
        .post_with_cookie("/admin/two-factor/setup", &pending, &[("code", "123456")])
        .await;
    assert_eq!(
        location(&setup),
        "/admin/sign-in",
        "cannot replace the secret"
    );
}

#[tokio::test]
async fn trainers_sign_in_with_a_password_alone() {
    let app = TestApp::spawn().await;
    app.add_staff("tom@example.org", "trainer").await;
    let response = app.post_sign_in("tom@example.org", STAFF_PASSWORD).await;
    assert_eq!(location(&response), "/admin");
}

#[tokio::test]
async fn a_deployment_can_turn_two_factor_off_explicitly() {
    let app = TestApp::spawn_with(|config| config.require_two_factor = false).await;
    app.add_staff("ana@example.org", "researcher").await;
    let response = app.post_sign_in("ana@example.org", STAFF_PASSWORD).await;
    assert_eq!(location(&response), "/admin");
}

#[tokio::test]
async fn the_command_line_resets_two_factor_of_a_lost_phone() {
    let app = TestApp::spawn().await;
    let secret = app
        .add_staff_with_two_factor("ana@example.org", "researcher")
        .await;
    let signed_in = app.sign_in_with_code("ana@example.org", &secret).await;
    let config = crate::support::config_for(&app.database_url);
    server::startup::reset_two_factor(&config, "Ana@Example.org")
        .await
        .unwrap();
    assert_eq!(
        app.get_with_cookie("/admin", &signed_in).await.status(),
        StatusCode::FOUND,
        "its sessions ended"
    );
    assert_eq!(
        app.step_after_password("ana@example.org").await,
        "/admin/two-factor/setup"
    );
    let unknown = server::startup::reset_two_factor(&config, "nobody@example.org").await;
    assert!(unknown.unwrap_err().to_string().contains("no account"));
}

/// Many page loads at once with a session part way through signing in: every one is redirected
/// to sign in with somewhere to go (browser runs once saw a 302 without a Location).
#[tokio::test]
async fn every_redirect_of_a_pending_session_has_a_location() {
    let app = TestApp::spawn().await;
    app.add_staff_with_two_factor("ana@example.org", "owner")
        .await;
    let pending = app
        .sign_in("ana@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let loads = (0..200).map(|n| {
        let path = [
            "/admin/studies/sam",
            "/admin",
            "/admin/studies/sam/responses",
        ][n % 3];
        let app = &app;
        let pending = &pending;
        async move { (path, app.get_with_cookie(path, pending).await) }
    });
    for (path, response) in futures::future::join_all(loads).await {
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&response), sign_in_then(path), "{path}");
    }
    let forwarded = app.get_with_cookie("/admin/sign-in", &pending).await;
    assert_eq!(location(&forwarded), "/admin/sign-in/code");
}
