//! Owners manage accounts in the app: invite, reset two-factor, remove.

use reqwest::StatusCode;

use crate::support::{STAFF_PASSWORD, TestApp, location, sign_in_then};

/// The invitation link an owner is shown once, as a path on the test server.
fn invitation_path(page: &str) -> String {
    let start = page.find("/admin/invite/").expect("an invitation link");
    page[start..].split('<').next().unwrap().to_owned()
}

async fn member_id(app: &TestApp, email: &str) -> String {
    let storage = app.storage().await;
    storage.staff().by_email(email).await.unwrap().unwrap().id
}

#[tokio::test]
async fn an_owner_invites_a_researcher_who_sets_a_password_once() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_as("owner").await;
    let invited = app
        .post_with_cookie(
            "/admin/team",
            &owner,
            &[("email", "New.Person@example.org"), ("role", "researcher")],
        )
        .await;
    assert_eq!(invited.status(), StatusCode::OK);
    let page = invited.text().await.unwrap();
    assert!(page.contains("Account added for new.person@example.org"));
    let link = invitation_path(&page);
    let list = app.page_text("/admin/team", &owner).await;
    assert!(list.contains("Invited, no password yet"));
    assert!(!list.contains("/admin/invite/"), "the link is shown once");
    assert!(
        app.sign_in("new.person@example.org", "").await.is_none(),
        "no password, no sign-in"
    );

    let (status, form) = app.get_html(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("For the account new.person@example.org"));
    let weak = app
        .post_form(
            &link,
            &[("password", "password1234"), ("confirm", "password1234")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let set = app
        .post_form(
            &link,
            &[("password", STAFF_PASSWORD), ("confirm", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&set),
        "/admin/two-factor/setup",
        "researchers set up two-factor next"
    );
    let again = app
        .post_form(
            &link,
            &[("password", STAFF_PASSWORD), ("confirm", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "the link works once");
    assert!(app.get_html(&link).await.1.contains("cannot be used"));
    assert!(
        app.sign_in("new.person@example.org", STAFF_PASSWORD)
            .await
            .is_some()
    );
    let invited = app.audited("owner@example.org", "account invited").await;
    assert!(
        invited.contains(&"new.person@example.org as researcher".to_owned()),
        "{invited:?}"
    );
}

#[tokio::test]
async fn a_mistyped_or_taken_address_and_a_missing_role_are_refused() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_as("owner").await;
    for (fields, message) in [
        (
            [("email", "not an address"), ("role", "researcher")],
            "right format",
        ),
        (
            [("email", "owner@example.org"), ("role", "trainer")],
            "already an account",
        ),
        (
            [("email", "ana@example.org"), ("role", "admin")],
            "Choose what the account may do",
        ),
    ] {
        let response = app.post_with_cookie("/admin/team", &owner, &fields).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}"
        );
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }
    assert_eq!(app.storage().await.staff().list().await.unwrap().len(), 1);
}

#[tokio::test]
async fn only_owners_manage_accounts() {
    let app = TestApp::spawn().await;
    app.add_staff("tom@example.org", "trainer").await;
    let tom = member_id(&app, "tom@example.org").await;
    for role in ["researcher", "trainer"] {
        let cookie = app.signed_in_as(role).await;
        assert_eq!(
            app.get_with_cookie("/admin/team", &cookie).await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
        for post in [
            "/admin/team".to_owned(),
            format!("/admin/team/{tom}/remove"),
            format!("/admin/team/{tom}/reset-two-factor"),
        ] {
            let fields: &[(&str, &str)] = if post == "/admin/team" {
                &[("email", "x@example.org"), ("role", "owner")]
            } else {
                &[]
            };
            let response = app.post_with_cookie(&post, &cookie, fields).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role} {post}");
        }
    }
    assert_eq!(app.storage().await.staff().list().await.unwrap().len(), 3);
    let anonymous = app.get("/admin/team").await;
    assert_eq!(location(&anonymous), sign_in_then("/admin/team"));
}

#[tokio::test]
async fn an_owner_resets_two_factor_and_removes_accounts_but_not_their_own() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_as("owner").await;
    let secret = app
        .add_staff_with_two_factor("ana@example.org", "researcher")
        .await;
    let ana_session = app.sign_in_with_code("ana@example.org", &secret).await;
    let ana = member_id(&app, "ana@example.org").await;

    let reset = app
        .post_with_cookie(&format!("/admin/team/{ana}/reset-two-factor"), &owner, &[])
        .await;
    assert_eq!(location(&reset), "/admin/team?done=reset");
    assert_eq!(
        app.get_with_cookie("/admin", &ana_session).await.status(),
        StatusCode::FOUND,
        "the reset ended her sessions"
    );
    assert_eq!(
        app.step_after_password("ana@example.org").await,
        "/admin/two-factor/setup"
    );

    let confirm = app
        .get_with_cookie(&format!("/admin/team/{ana}/remove"), &owner)
        .await;
    assert_eq!(confirm.status(), StatusCode::OK);
    assert!(
        confirm
            .text()
            .await
            .unwrap()
            .contains("Remove the account of ana@example.org?")
    );
    let removed = app
        .post_with_cookie(&format!("/admin/team/{ana}/remove"), &owner, &[])
        .await;
    assert_eq!(location(&removed), "/admin/team?done=removed");
    assert!(
        app.sign_in("ana@example.org", STAFF_PASSWORD)
            .await
            .is_none()
    );
    let gone = app
        .post_with_cookie(&format!("/admin/team/{ana}/remove"), &owner, &[])
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);

    let own = member_id(&app, "owner@example.org").await;
    let refused = app
        .post_with_cookie(&format!("/admin/team/{own}/remove"), &owner, &[])
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("cannot remove your own account")
    );
    let actions: Vec<String> = app
        .storage()
        .await
        .audit_log()
        .newest(30)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, _, action, _)| action)
        .collect();
    assert!(actions.contains(&"two-factor reset".to_owned()));
    assert!(actions.contains(&"account removed".to_owned()));
}

const NEW_PASSWORD: &str = "a new and longer passphrase";

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let here = app.signed_in_as("trainer").await;
    let elsewhere = app
        .sign_in("trainer@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let page = app.get_with_cookie("/admin/account", &here).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("signed in on 1 other browser")
    );

    let wrong = app
        .post_with_cookie(
            "/admin/account/password",
            &here,
            &[
                ("current", "not it at all"),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Enter your current password correctly")
    );
    let differ = app
        .post_with_cookie(
            "/admin/account/password",
            &here,
            &[
                ("current", STAFF_PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm", "something else 1"),
            ],
        )
        .await;
    assert!(differ.text().await.unwrap().contains("do not match"));
    assert!(
        app.sign_in("trainer@example.org", STAFF_PASSWORD)
            .await
            .is_some(),
        "nothing changed yet"
    );

    let changed = app
        .post_with_cookie(
            "/admin/account/password",
            &here,
            &[
                ("current", STAFF_PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/admin/account?done=password");
    assert_eq!(
        app.get_with_cookie("/admin", &here).await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        app.get_with_cookie("/admin", &elsewhere).await.status(),
        StatusCode::FOUND,
        "others end"
    );
    assert!(
        app.sign_in("trainer@example.org", STAFF_PASSWORD)
            .await
            .is_none()
    );
    assert!(
        app.sign_in("trainer@example.org", NEW_PASSWORD)
            .await
            .is_some()
    );
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'password changed' AND actor = 'trainer@example.org'",
    )
    .fetch_one(&app.pool().await)
    .await
    .unwrap();
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn staff_end_their_other_sessions_and_owners_end_an_account_s_sessions() {
    let app = TestApp::spawn().await;
    let here = app.signed_in_as("trainer").await;
    let elsewhere = app
        .sign_in("trainer@example.org", STAFF_PASSWORD)
        .await
        .unwrap();
    let ended = app
        .post_with_cookie("/admin/account/sessions", &here, &[])
        .await;
    assert_eq!(location(&ended), "/admin/account?done=sessions");
    assert_eq!(
        app.get_with_cookie("/admin", &elsewhere).await.status(),
        StatusCode::FOUND
    );
    assert_eq!(
        app.get_with_cookie("/admin", &here).await.status(),
        StatusCode::OK
    );

    let owner = app.signed_in_as("owner").await;
    let trainer_id = member_id(&app, "trainer@example.org").await;
    let refused = app
        .post_with_cookie(
            &format!("/admin/team/{trainer_id}/end-sessions"),
            &here,
            &[],
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "only owners end others' sessions"
    );
    let by_owner = app
        .post_with_cookie(
            &format!("/admin/team/{trainer_id}/end-sessions"),
            &owner,
            &[],
        )
        .await;
    assert_eq!(location(&by_owner), "/admin/team?done=sessions-ended");
    assert_eq!(
        app.get_with_cookie("/admin", &here).await.status(),
        StatusCode::FOUND
    );
    assert_eq!(
        app.get_with_cookie("/admin", &owner).await.status(),
        StatusCode::OK
    );
}
