//! Editing a study in the app: a draft changed form by form, previewed, compared with the
//! published version and published; a copy of Sam made into a new study with variants and a
//! balanced order. Bad input names its field and keeps what was typed. On both engines.

use reqwest::StatusCode;

use crate::support::{TestApp, location};

const DRAFT: &str = "/admin/studies/sam/draft";

async fn edit(
    app: &TestApp,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_with_cookie(path, cookie, fields).await
}

/// Sends the whole study file as the draft's text.
async fn save_source(app: &TestApp, cookie: &str, text: &str) -> reqwest::Response {
    let fields = [
        ("action", "source"),
        ("section", "source"),
        ("source", text),
    ];
    edit(app, cookie, DRAFT, &fields).await
}

async fn draft_text(app: &TestApp, slug: &str) -> String {
    let slug = domain::ids::StudySlug::parse(slug).unwrap();
    let draft = app.storage().await.study_drafts().get(&slug).await.unwrap();
    draft.expect("a draft").definition
}

/// The newest published version of the study at `slug`, as the database keeps it.
async fn published(app: &TestApp, slug: &str) -> domain::study::Study {
    let versions = app
        .storage()
        .await
        .study_definitions()
        .versions()
        .await
        .unwrap();
    let newest = versions
        .into_iter()
        .filter(|version| version.slug.as_str() == slug)
        .max_by_key(|version| version.number)
        .expect("a published version");
    let mut study = domain::study::Study::parse(slug, &newest.definition).unwrap();
    study.version_number = newest.number;
    study
}

/// A signed-in researcher who is a member of no study.
async fn stranger(app: &TestApp) -> String {
    let email = "stranger@example.org";
    let secret = app.add_staff_with_two_factor(email, "researcher").await;
    let accounts = app.storage().await.staff().list().await.unwrap();
    let id = accounts.into_iter().find(|a| a.email == email).unwrap().id;
    let storage = app.storage().await;
    storage
        .study_members()
        .remove(&crate::support::sam(), &id)
        .await
        .unwrap();
    app.sign_in_with_code(email, &secret).await
}

async fn start_draft(app: &TestApp, cookie: &str) {
    let started = edit(app, cookie, &format!("{DRAFT}/start"), &[]).await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&started), DRAFT);
}

#[tokio::test]
async fn a_researcher_edits_a_draft_previews_it_and_publishes_it_as_a_new_version() {
    let app = TestApp::spawn().await;
    let before = app.consent().await;
    let cookie = app.signed_in_as("researcher").await;
    let (status, offer) = app.page(DRAFT, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(offer.contains("Start a draft from version 1"), "{offer}");
    start_draft(&app, &cookie).await;

    let body = "Sam is in their late twenties.\n\nSam **loves** cooking.";
    let saved = edit(
        &app,
        &cookie,
        DRAFT,
        &[
            ("action", "page"),
            ("from", "page"),
            ("page", "sam"),
            ("section", "page-text"),
            ("title", "Meet Sam again"),
            ("body", body),
        ],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&saved),
        "/admin/studies/sam/draft/pages/sam?saved=page-text#page-text"
    );
    let consent = edit(
        &app,
        &cookie,
        DRAFT,
        &[
            ("action", "consent"),
            ("section", "consent"),
            (
                "consent_statement",
                "I agree that my answers are used for research on recovery.",
            ),
        ],
    )
    .await;
    assert_eq!(consent.status(), StatusCode::SEE_OTHER);
    let text = draft_text(&app, "sam").await;
    assert!(text.contains("version = \"sam-consent-2\""), "{text}");
    assert!(
        text.contains("# The Sam study: the default study"),
        "comments are kept"
    );

    // Participants see none of it yet; the preview shows it as they will.
    let (_, unchanged) = app.step_html(&before, "sam").await;
    assert!(!unchanged.contains("Meet Sam again"));
    let (status, preview) = app.page("/preview/sam/sam", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        preview.contains("Meet Sam again") && preview.contains("<strong>loves</strong>"),
        "{preview}"
    );
    assert!(
        preview.contains("href=\"/preview/sam/scenario-money\""),
        "the next page of the preview"
    );
    assert!(
        preview.contains("Next page of the preview") && !preview.contains("Save and continue"),
        "{preview}"
    );

    let (_, changes) = app.page("/admin/studies/sam/draft/changes", &cookie).await;
    assert!(
        changes.contains("Meet Sam again") && changes.contains("Removed: "),
        "{changes}"
    );
    assert!(changes.contains("Publish as a new version"));

    let published = edit(&app, &cookie, &format!("{DRAFT}/publish"), &[]).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&published),
        "/admin/studies/sam/versions?published=2"
    );
    let after = app.consent().await;
    let (_, new_wording) = app.step_html(&after, "sam").await;
    assert!(new_wording.contains("Meet Sam again"));
    let (_, old_wording) = app.step_html(&before, "sam").await;
    assert!(old_wording.contains("Meet Sam") && !old_wording.contains("Meet Sam again"));
    let slug = crate::support::sam();
    assert!(
        app.storage()
            .await
            .study_drafts()
            .get(&slug)
            .await
            .unwrap()
            .is_none()
    );
    let (_, consent_page) = app.get_html("/s/sam/consent").await;
    assert!(
        consent_page.contains("research on recovery"),
        "{consent_page}"
    );
}

#[tokio::test]
async fn a_copy_of_sam_gets_variants_and_a_balanced_order_and_is_published_as_a_new_study() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    let copied = edit(
        &app,
        &cookie,
        "/admin/studies/sam/copy",
        &[
            ("copy_slug", "sam-variants"),
            ("copy_title", "Sam in three words"),
        ],
    )
    .await;
    assert_eq!(copied.status(), StatusCode::SEE_OTHER);
    let draft = "/admin/studies/sam-variants/draft";
    assert_eq!(location(&copied), draft);

    for (id, label) in [
        ("they", "Sam described as they"),
        ("she", "Sam described as she"),
    ] {
        let added = edit(
            &app,
            &cookie,
            draft,
            &[
                ("action", "add-variant"),
                ("section", "variants"),
                ("variant_id", id),
                ("variant_label", label),
            ],
        )
        .await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER);
    }
    let text = edit(
        &app,
        &cookie,
        draft,
        &[
            ("action", "page"),
            ("from", "page"),
            ("page", "sam"),
            ("section", "page-text"),
            ("title", "Meet Sam"),
            ("body", "Sam is in their late twenties."),
            ("variant-they-title", ""),
            ("variant-they-body", ""),
            ("variant-she-title", ""),
            ("variant-she-body", "Sam is in her late twenties."),
        ],
    )
    .await;
    assert_eq!(text.status(), StatusCode::SEE_OTHER);
    let order = edit(
        &app,
        &cookie,
        draft,
        &[
            ("action", "order"),
            ("section", "order"),
            ("design", "all-orders"),
            ("dealt", "scenario-social"),
            ("dealt", "scenario-money"),
            ("dealt", "scenario-medication"),
        ],
    )
    .await;
    assert_eq!(order.status(), StatusCode::SEE_OTHER);
    let (_, she) = app
        .page("/preview/sam-variants/sam?variant=she", &cookie)
        .await;
    assert!(she.contains("Sam is in her late twenties."), "{she}");

    let publish = edit(&app, &cookie, &format!("{draft}/publish"), &[]).await;
    assert_eq!(publish.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&publish),
        "/admin/studies/sam-variants/versions?new-study=1"
    );
    let study = published(&app, "sam-variants").await;
    assert_eq!(study.title, "Sam in three words");
    assert_eq!(study.variants.len(), 2);
    let order = study.scenario_order.as_ref().expect("a balanced order");
    assert_eq!(order.design.name(), "all-orders");

    let token = app.consent_to("sam-variants").await;
    let record = app.record(&token).await;
    assert!(
        record.dealt.variant.is_some() && record.dealt.scenario_order.is_some(),
        "{record:?}"
    );
    // The one who copied it is a member of the new study.
    let (status, _) = app.page("/admin/studies/sam-variants", &cookie).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn bad_input_names_its_field_keeps_what_was_typed_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    start_draft(&app, &cookie).await;
    let before = draft_text(&app, "sam").await;

    let bad_date = edit(
        &app,
        &cookie,
        DRAFT,
        &[
            ("action", "schedule"),
            ("section", "schedule"),
            ("open_from", "31/01/2027"),
            ("open_until", ""),
            ("answers_until", ""),
        ],
    )
    .await;
    assert_eq!(bad_date.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let shown = bad_date.text().await.unwrap();
    assert!(
        shown.contains("href=\"#open_from\"") && shown.contains("value=\"31/01/2027\""),
        "{shown}"
    );

    let reworded = edit(
        &app,
        &cookie,
        DRAFT,
        &[
            ("action", "question"),
            ("from", "page"),
            ("page", "sam"),
            ("section", "q-r1"),
            ("question", "r1"),
            ("q-r1-kind", "text"),
            ("q-r1-label", "What is recovery?"),
            ("q-r1-required", "yes"),
            ("q-r1-asked", "yes"),
        ],
    )
    .await;
    assert_eq!(reworded.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let shown = reworded.text().await.unwrap();
    assert!(
        shown.contains("I am adapting the published wording")
            && shown.contains("What is recovery?"),
        "{shown}"
    );

    let other_slug =
        draft_text(&app, "sam")
            .await
            .replacen("slug = \"sam\"", "slug = \"other\"", 1);
    let moved = save_source(&app, &cookie, &other_slug).await;
    assert_eq!(moved.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let taken = edit(
        &app,
        &cookie,
        DRAFT,
        &[
            ("action", "add-page"),
            ("section", "pages"),
            ("new_page_slug", "sam"),
            ("new_page_title", "Again"),
            ("after", ""),
        ],
    )
    .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains("already used"));
    assert_eq!(draft_text(&app, "sam").await, before, "nothing was saved");

    // A draft that does not check yet is saved, and shows its problem with its line.
    let broken = before.replacen("title = \"Meet Sam\"", "title = \"\"", 1);
    let saved = save_source(&app, &cookie, &broken).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, overview) = app.page(DRAFT, &cookie).await;
    assert!(
        overview.contains("cannot be published yet") && overview.contains("Line "),
        "{overview}"
    );
    let refused = edit(&app, &cookie, &format!("{DRAFT}/publish"), &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(published(&app, "sam").await.version_number, 1);

    // Consent is given to a wording: a reworded statement under the published consent version
    // is refused, with the version to give it.
    let reworded_consent = before.replacen(
        "statement = \"I have read the information",
        "statement = \"I have now read the information",
        1,
    );
    let saved = save_source(&app, &cookie, &reworded_consent).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let refused = edit(&app, &cookie, &format!("{DRAFT}/publish"), &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let shown = refused.text().await.unwrap();
    assert!(shown.contains("sam-consent-2"), "{shown}");
    assert_eq!(published(&app, "sam").await.version_number, 1);
}

#[tokio::test]
async fn edits_sent_at_once_are_all_kept() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    start_draft(&app, &cookie).await;
    let summaries: Vec<String> = (0..6).map(|i| format!("Summary number {i}.")).collect();
    let posts = summaries.iter().enumerate().map(|(i, summary)| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            if i % 2 == 0 {
                edit(
                    app,
                    &cookie,
                    DRAFT,
                    &[
                        ("action", "about"),
                        ("section", "about"),
                        ("summary", summary),
                    ],
                )
                .await
            } else {
                let slug = format!("extra-{i}");
                edit(
                    app,
                    &cookie,
                    DRAFT,
                    &[
                        ("action", "add-page"),
                        ("section", "pages"),
                        ("new_page_slug", &slug),
                        ("new_page_title", summary),
                        ("after", ""),
                    ],
                )
                .await
            }
        }
    });
    for response in futures::future::join_all(posts).await {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let text = draft_text(&app, "sam").await;
    for i in [1, 3, 5] {
        assert!(
            text.contains(&format!("slug = \"extra-{i}\"")),
            "page {i} was lost:\n{text}"
        );
    }
    let revision = app
        .storage()
        .await
        .study_drafts()
        .get(&crate::support::sam())
        .await
        .unwrap()
        .unwrap()
        .revision;
    assert_eq!(revision, 7, "one save for the start and each of six edits");
}

#[tokio::test]
async fn only_members_edit_a_study_and_only_its_author_a_copy_not_yet_published() {
    let app = TestApp::spawn().await;
    let member = app.signed_in_as("researcher").await;
    let stranger = stranger(&app).await;
    let (status, _) = app.page(DRAFT, &stranger).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused = edit(&app, &stranger, &format!("{DRAFT}/start"), &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let copied = edit(
        &app,
        &member,
        "/admin/studies/sam/copy",
        &[("copy_slug", "mine"), ("copy_title", "Mine")],
    )
    .await;
    assert_eq!(copied.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.page("/admin/studies/mine/draft", &member).await;
    assert_eq!(status, StatusCode::OK);
    let trainer = app.signed_in_as("trainer").await;
    for cookie in [&stranger, &trainer] {
        let (status, _) = app.page("/preview/mine/sam", cookie).await;
        assert!(
            matches!(status, StatusCode::FORBIDDEN | StatusCode::SEE_OTHER),
            "{status}"
        );
    }
    let (status, _) = app.page("/admin/studies/nobody/draft", &member).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_draft_overtaken_by_a_newer_version_says_so_before_it_is_published() {
    let app = TestApp::spawn().await;
    let cookie = app.signed_in_as("researcher").await;
    start_draft(&app, &cookie).await;
    let sam = std::fs::read_to_string(crate::support::studies_dir().join("sam.toml")).unwrap();
    let newer = sam.replacen("title = \"Meet Sam\"", "title = \"Sam, retitled\"", 1);
    let published = app
        .publish_form(&cookie, crate::support::study_form(None, &newer))
        .await;
    assert_eq!(
        location(&published),
        "/admin/studies/sam/versions?published=2"
    );
    for path in [DRAFT.to_owned(), format!("{DRAFT}/changes")] {
        let (_, shown) = app.page(&path, &cookie).await;
        assert!(
            shown.contains("started from version 1, and version 2 has been published since"),
            "{path}: {shown}"
        );
    }
}
