//! The thematic map: drawn from the themes and codes, listed for those who do not see it, kept
//! as dated snapshots, and in the .qdpx as a Graph. On both engines.

use reqwest::StatusCode;

use crate::support::{TestApp, location, sam, unzip};

const MAP: &str = "/admin/studies/sam/analysis/map";
const THEMES: &str = "/admin/studies/sam/analysis/themes";

async fn map_page(app: &TestApp, cookie: &str) -> String {
    let (status, map) = app.page(MAP, cookie).await;
    assert_eq!(status, StatusCode::OK);
    map
}

#[tokio::test]
async fn the_map_draws_themes_with_their_codes_and_keeps_dated_snapshots() {
    let app = TestApp::spawn().await;
    let researcher = app.signed_in_as("researcher").await;
    assert!(
        map_page(&app, &researcher)
            .await
            .contains("No themes or codes yet")
    );

    for (name, definition) in [("Hope", "Plans"), ("Money & <trust>", "x")] {
        let fields = [("name", name), ("definition", definition)];
        let made = app
            .post_with_cookie("/admin/studies/sam/analysis/codes", &researcher, &fields)
            .await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER);
    }
    let theme = [
        ("theme_name", "Connection"),
        ("central_concept", ""),
        ("within", ""),
    ];
    app.post_with_cookie(THEMES, &researcher, &theme).await;
    let storage = app.storage().await;
    let analysis = storage.analysis();
    let themes = analysis.themes(&sam()).await.unwrap();
    let codes = analysis.codes(&sam()).await.unwrap();
    let hope = codes.iter().find(|c| c.name == "Hope").unwrap().id.clone();
    let path = format!("{THEMES}/{}/codes", themes[0].id);
    app.post_with_cookie(&path, &researcher, &[("code", hope.as_str())])
        .await;

    let drawn = map_page(&app, &researcher).await;
    for expected in [
        "<svg",
        "role=\"img\"",
        "Connection (candidate)",
        "Miscellaneous: codes in no theme",
        "Money &amp; &lt;trust&gt;",
        "The map as a list",
    ] {
        assert!(drawn.contains(expected), "{expected}: {drawn}");
    }
    assert!(drawn.contains("No snapshots yet"));

    let kept = app
        .post_with_cookie(&format!("{MAP}/snapshots"), &researcher, &[])
        .await;
    assert_eq!(location(&kept), format!("{MAP}#snapshots"));
    let listed = map_page(&app, &researcher).await;
    let snapshots = analysis.map_snapshots(&sam()).await.unwrap();
    assert_eq!(snapshots.len(), 1);
    let link = format!("{MAP}/snapshots/{}", snapshots[0].id);
    assert!(
        listed.contains(&link) && listed.contains("kept by researcher@example.org"),
        "{listed}"
    );
    let svg = app.get_with_cookie(&link, &researcher).await;
    assert_eq!(svg.status(), StatusCode::OK);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Connection (candidate)"));
    let unknown = app
        .get_with_cookie(&format!("{MAP}/snapshots/nothing"), &researcher)
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let log = app
        .page_text("/admin/studies/sam/analysis/log", &researcher)
        .await;
    assert!(log.contains("map snapshot kept"), "{log}");

    // The same map is the .qdpx project's Graph: a vertex per box, standing for its Code.
    let project = app
        .get_with_cookie("/admin/studies/sam/exports/qdpx", &researcher)
        .await
        .bytes()
        .await
        .unwrap();
    let project = &unzip(&project)["project.qde"];
    crate::support::assert_valid_refi_qda(project, "Project.xsd");
    assert!(project.contains("<Graph guid=\"") && project.contains("name=\"Thematic map\""));
    assert_eq!(
        project.matches("<Vertex ").count(),
        4,
        "theme, code, heading, code"
    );
    assert_eq!(project.matches("<Edge ").count(), 2);
    assert!(project.contains("name=\"Connection (candidate)\""));
}
