//! Several studies on one instance: a researcher reads only the studies they are a member of,
//! owners read every study and choose the members, and every refusal is a 403 in the audit log.

use reqwest::StatusCode;

use crate::support::{TestApp, location};

/// The id of the account with this email address.
async fn account_id(app: &TestApp, email: &str) -> String {
    let accounts = app.storage().await.staff().list().await.unwrap();
    accounts.into_iter().find(|a| a.email == email).unwrap().id
}

fn other() -> domain::ids::StudySlug {
    domain::ids::StudySlug::parse("other").unwrap()
}

/// Two studies, "sam" and "other", and a signed-in researcher (cookie, id) who reads only Sam.
async fn researcher_of_sam_only() -> (TestApp, String, String) {
    let app = TestApp::spawn_with_two_studies().await;
    let researcher = app.signed_in_as("researcher").await;
    let id = account_id(&app, "researcher@example.org").await;
    let members = app.storage().await;
    members.study_members().remove(&other(), &id).await.unwrap();
    (app, researcher, id)
}

async fn status_of(app: &TestApp, path: &str, cookie: &str) -> StatusCode {
    app.get_with_cookie(path, cookie).await.status()
}

#[tokio::test]
async fn a_researcher_reads_only_the_studies_they_are_a_member_of() {
    let app = TestApp::spawn_with_two_studies().await;
    app.submit_response_to("other", "inpatient", "An answer")
        .await;
    let researcher = app.signed_in_as("researcher").await;
    let id = account_id(&app, "researcher@example.org").await;
    app.storage()
        .await
        .study_members()
        .remove(&other(), &id)
        .await
        .unwrap();

    let home = app.page_text("/admin", &researcher).await;
    assert!(home.contains("/admin/studies/sam\"") && !home.contains("/admin/studies/other\""));
    assert!(home.contains("Only the studies you are a member of are listed"));
    for path in [
        "/admin/studies/sam",
        "/admin/studies/sam/responses",
        "/admin/studies/sam/exports/csv-wide",
    ] {
        assert_eq!(
            status_of(&app, path, &researcher).await,
            StatusCode::OK,
            "{path}"
        );
    }
    for path in [
        "/admin/studies/other",
        "/admin/studies/other/responses",
        "/admin/studies/other/questions/r2",
        "/admin/studies/other/likert",
        "/admin/studies/other/versions",
        "/admin/studies/other/versions/1.toml",
        "/admin/studies/other/redactions",
        "/admin/studies/other/exports/csv-wide",
        "/admin/studies/other/exports/qdpx",
    ] {
        assert_eq!(
            status_of(&app, path, &researcher).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let page = app
        .page_text("/admin/studies/other/responses", &researcher)
        .await;
    assert!(page.contains("not a member of this study"), "{page}");
    let refusals = app
        .audited("researcher@example.org", "access refused")
        .await
        .iter()
        .filter(|detail| *detail == "study other: not a member")
        .count();
    assert_eq!(
        refusals, 10,
        "each of the nine addresses, and the page read again"
    );

    let owner = app.signed_in_as("owner").await;
    assert_eq!(
        status_of(&app, "/admin/studies/other/responses", &owner).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_owner_chooses_the_members_and_the_audit_log_says_so() {
    let (app, researcher, id) = researcher_of_sam_only().await;
    let owner = app.signed_in_as("owner").await;

    let page = app.page_text("/admin/studies/other/members", &owner).await;
    assert!(page.contains("researcher@example.org"));
    assert!(!page.contains("checked"), "not a member yet: {page}");
    let saved = app
        .post_with_cookie("/admin/studies/other/members", &owner, &[("member", &id)])
        .await;
    assert_eq!(location(&saved), "/admin/studies/other/members?done=saved");
    let page = app
        .page_text("/admin/studies/other/members?done=saved", &owner)
        .await;
    assert!(page.contains("checked") && page.contains("The members are saved."));
    assert_eq!(
        status_of(&app, "/admin/studies/other", &researcher).await,
        StatusCode::OK
    );

    // Nothing ticked: no one is a member any more.
    app.post_with_cookie("/admin/studies/other/members", &owner, &[])
        .await;
    assert_eq!(
        status_of(&app, "/admin/studies/other", &researcher).await,
        StatusCode::FORBIDDEN
    );
    let changes = app
        .audited("owner@example.org", "study members changed")
        .await;
    assert_eq!(
        changes,
        [
            "other: added no one; removed researcher@example.org",
            "other: added researcher@example.org; removed no one"
        ]
    );

    let unknown = app
        .post_with_cookie(
            "/admin/studies/other/members",
            &owner,
            &[("member", "not-an-account")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("is not a researcher")
    );
    for cookie in [&researcher, &app.signed_in_as("trainer").await] {
        assert_eq!(
            status_of(&app, "/admin/studies/other/members", cookie).await,
            StatusCode::FORBIDDEN
        );
        let refused = app
            .post_with_cookie("/admin/studies/other/members", cookie, &[("member", &id)])
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn only_members_publish_a_new_version_and_a_new_study_makes_its_publisher_a_member() {
    let (app, researcher, _) = researcher_of_sam_only().await;
    let sam = std::fs::read_to_string(crate::support::studies_dir().join("sam.toml")).unwrap();

    let other_text = sam
        .replacen("slug = \"sam\"", "slug = \"other\"", 1)
        .replacen("title = \"Meet Sam\"", "title = \"Sam again\"", 1);
    let refused = app
        .post_with_cookie("/admin/publish", &researcher, &[("text", &other_text)])
        .await;
    // The form is multipart; a URL-encoded post is refused before anything else.
    assert_ne!(refused.status(), StatusCode::SEE_OTHER);
    let body = |text: &str| {
        format!("--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{text}\r\n--b--\r\n")
    };
    let send = |text: String| {
        app.client
            .post(app.url("/admin/publish"))
            .header(reqwest::header::COOKIE, &researcher)
            .header(
                reqwest::header::CONTENT_TYPE,
                "multipart/form-data; boundary=b",
            )
            .body(text)
            .send()
    };
    assert_eq!(
        send(body(&other_text)).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let versions = app
        .storage()
        .await
        .study_definitions()
        .summaries(&other())
        .await
        .unwrap();
    assert_eq!(versions.len(), 1, "nothing was published");

    let mine = sam.replacen("slug = \"sam\"", "slug = \"mine\"", 1);
    let published = send(body(&mine)).await.unwrap();
    assert_eq!(
        location(&published),
        "/admin/studies/mine/versions?new-study=1"
    );
    assert_eq!(
        status_of(&app, "/admin/studies/mine", &researcher).await,
        StatusCode::OK
    );
}
