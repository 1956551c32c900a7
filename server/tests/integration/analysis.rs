//! Thematic analysis: researchers add codes and code any part of an answer (a browser's
//! selection in UTF-16 units, pasted words, or the whole answer); each coding is stored in code
//! points over the stored text, collated per code, and goes with its response when it is
//! withdrawn. On both engines.

use reqwest::StatusCode;

use crate::support::{TestApp, assert_valid_refi_qda, location, question, sam};

/// An emoji (two UTF-16 units), a letter with a combining accent (two code points), Welsh.
const ANSWER: &str = "Cook 😀 with e\u{301}clat, Cymraeg ŵ";

const GRID: &str = "/admin/studies/sam/analysis/questions/r2";
const CODINGS: &str = "/admin/studies/sam/analysis/questions/r2/codings";
const ANALYSIS: &str = "/admin/studies/sam/analysis";

/// Asserts the post was refused as bad input (422) and says why.
async fn assert_refused(response: reqwest::Response, says: &str) {
    assert_answered(response, StatusCode::UNPROCESSABLE_ENTITY, says).await;
}

/// The response has `status` and its page says `says`.
async fn assert_answered(response: reqwest::Response, status: StatusCode, says: &str) {
    assert_eq!(response.status(), status, "{says}");
    let text = response.text().await.unwrap();
    assert!(text.contains(says), "{says}: {text}");
}

/// (start, end, extract, code name) of every coding of R2, in order.
async fn codings(app: &TestApp) -> Vec<(usize, usize, String, String)> {
    let stored = app
        .storage()
        .await
        .analysis()
        .codings_of_question(&sam(), &question("r2"))
        .await
        .unwrap();
    stored
        .into_iter()
        .map(|c| (c.start, c.end, c.extract, c.code_name))
        .collect()
}

#[tokio::test]
async fn a_researcher_codes_a_selection_pasted_words_and_a_whole_answer_in_code_points() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", ANSWER).await;
    let response = app.record(&token).await.id.to_string();
    let researcher = app.signed_in_as("researcher").await;

    let (status, analysis) = app.page("/admin/studies/sam/analysis", &researcher).await;
    assert_eq!(status, StatusCode::OK);
    assert!(analysis.contains(GRID), "{analysis}");
    let codes = "/admin/studies/sam/analysis/codes";
    let unnamed = app
        .post_with_cookie(codes, &researcher, &[("name", " "), ("definition", "x")])
        .await;
    assert_refused(unnamed, "Enter a name for the code").await;
    let fields = [
        ("name", "Everyday skills"),
        ("definition", "Cooking, budgeting, looking after a home."),
    ];
    let made = app.post_with_cookie(codes, &researcher, &fields).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let again = app.post_with_cookie(codes, &researcher, &fields).await;
    assert_refused(again, "already has a code called").await;
    let skills = app.storage().await.analysis().codes(&sam()).await.unwrap()[0]
        .id
        .clone();

    // "with" as a browser reports it: after "Cook ", the emoji (2 units) and a space.
    let selected = app
        .post_with_cookie(
            CODINGS,
            &researcher,
            &[
                ("response", &response),
                ("start", "8"),
                ("end", "12"),
                ("extract", "with"),
                ("code", &skills),
            ],
        )
        .await;
    assert_eq!(selected.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&selected),
        format!("{GRID}#answer-{response}-r2-label")
    );
    // Pasted words, with a new code; the accented word (two code points for its first letter).
    let pasted = [
        ("response", response.as_str()),
        ("extract", " e\u{301}clat, Cymraeg ŵ "),
        ("new_code", "Welsh and other languages"),
    ];
    let sent = app.post_with_cookie(CODINGS, &researcher, &pasted).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    // The whole answer, coded twice with the same code: recorded once.
    for _ in 0..2 {
        let whole = [
            ("response", response.as_str()),
            ("extract", ""),
            ("code", &skills),
        ];
        let sent = app.post_with_cookie(CODINGS, &researcher, &whole).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }
    let points = ANSWER.chars().count();
    assert_eq!(
        codings(&app).await,
        [
            (0, points, ANSWER.to_owned(), "Everyday skills".to_owned()),
            (7, 11, "with".to_owned(), "Everyday skills".to_owned()),
            (
                12,
                points,
                "e\u{301}clat, Cymraeg ŵ".to_owned(),
                "Welsh and other languages".to_owned()
            ),
        ]
    );

    // Words not in the answer, a selection splitting the emoji, no code: refused, as typed.
    for (fields, says) in [
        (
            vec![("extract", "bakes bread"), ("code", skills.as_str())],
            "is not in this answer",
        ),
        (
            vec![("start", "6"), ("end", "9"), ("code", skills.as_str())],
            "inside a character",
        ),
        (
            vec![("extract", "Cook")],
            "Choose a code, or name a new one",
        ),
    ] {
        let mut fields = fields;
        fields.push(("response", &response));
        let refused = app.post_with_cookie(CODINGS, &researcher, &fields).await;
        assert_refused(refused, says).await;
    }
    assert_eq!(codings(&app).await.len(), 3, "nothing refused was saved");

    let (_, grid) = app.page(GRID, &researcher).await;
    assert!(grid.contains("<mark>"), "{grid}");
    assert!(grid.contains("P1: Inpatient"), "{grid}");
    let (status, collated) = app
        .page(
            &format!("/admin/studies/sam/analysis/codes/{skills}"),
            &researcher,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        collated.contains("2 extracts") && collated.contains("coded by researcher@"),
        "{collated}"
    );

    let trainer = app.signed_in_as("trainer").await;
    let (status, _) = app.page(GRID, &trainer).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "trainers do not read research data"
    );

    // A withdrawn response takes its codings with it.
    let record = app.record(&token).await;
    assert!(
        app.storage()
            .await
            .responses()
            .delete(&record.id)
            .await
            .unwrap()
    );
    assert!(codings(&app).await.is_empty());
    let (_, collated) = app
        .page(
            &format!("/admin/studies/sam/analysis/codes/{skills}"),
            &researcher,
        )
        .await;
    assert!(collated.contains("0 extracts"), "{collated}");
}

#[tokio::test]
async fn a_coding_can_be_removed_and_only_in_its_own_study() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("community", ANSWER).await;
    let response = app.record(&token).await.id.to_string();
    let researcher = app.signed_in_as("researcher").await;
    let fields = [("response", response.as_str()), ("new_code", "Hope")];
    let sent = app.post_with_cookie(CODINGS, &researcher, &fields).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let id = app
        .storage()
        .await
        .analysis()
        .codings_of_question(&sam(), &question("r2"))
        .await
        .unwrap()[0]
        .id
        .clone();
    let path = format!("/admin/studies/sam/analysis/codings/{id}/remove");
    let removed = app
        .post_with_cookie(&path, &researcher, &[("back", "r2")])
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&removed), GRID);
    assert!(codings(&app).await.is_empty());
    let unknown_answer = [("response", "not-a-response"), ("new_code", "Hope")];
    let refused = app
        .post_with_cookie(CODINGS, &researcher, &unknown_answer)
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}

const PHONE_ANSWER: &str = "Ring 07700 900123 😀 then cook with Sam";

/// The CSV's rows under its header (the byte-order mark taken off).
pub(crate) fn rows_of(csv_text: &str) -> Vec<Vec<String>> {
    let text = csv_text.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

pub(crate) async fn download(app: &TestApp, cookie: &str, export: &str) -> reqwest::Response {
    let path = format!("/admin/studies/sam/analysis/exports/{export}");
    app.get_with_cookie(&path, cookie).await
}

#[tokio::test]
async fn the_analysis_exports_redacted_extracts_codes_by_participant_and_a_valid_codebook() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", PHONE_ANSWER).await;
    let first = app.record(&token).await.id.to_string();
    app.submit_response("community", "Nothing coded here").await;
    let researcher = app.signed_in_as("researcher").await;

    let empty = download(&app, &researcher, "codebook-qdc").await;
    assert!(empty.status().is_client_error());
    assert!(empty.text().await.unwrap().contains("no codes yet"));
    let unknown = download(&app, &researcher, "everything").await;
    assert!(unknown.status().is_client_error());

    let coded = [
        ("response", first.as_str()),
        ("extract", "then cook"),
        ("new_code", "Everyday skills"),
    ];
    let sent = app.post_with_cookie(CODINGS, &researcher, &coded).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let whole = [
        ("response", first.as_str()),
        ("extract", ""),
        ("new_code", "Contact & <trust>"),
    ];
    let sent = app.post_with_cookie(CODINGS, &researcher, &whole).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    app.accept_finding(&researcher, "07700 900123").await;

    let extracts = download(&app, &researcher, "extracts").await;
    assert_eq!(extracts.status(), StatusCode::OK);
    assert!(
        extracts.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("sam-analysis-extracts.csv")
    );
    let rows = rows_of(&extracts.text().await.unwrap());
    assert_eq!(
        rows[0][..8],
        [
            "participant",
            "question",
            "question_label",
            "code",
            "coder",
            "start",
            "end",
            "extract"
        ]
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    let redacted = rows[1][7].clone();
    assert_eq!(
        rows[1][..5],
        [
            "P1",
            "r2",
            rows[1][2].as_str(),
            "Contact & <trust>",
            "researcher@example.org"
        ]
    );
    assert!(
        !redacted.contains("07700")
            && redacted.starts_with("Ring [")
            && redacted.ends_with("then cook with Sam"),
        "{redacted}"
    );
    let in_redacted = |row: &[String]| -> String {
        let start: usize = row[5].parse().unwrap();
        let end: usize = row[6].parse().unwrap();
        redacted.chars().skip(start).take(end - start).collect()
    };
    assert_eq!(
        (rows[1][5].as_str(), in_redacted(&rows[1])),
        ("0", redacted.clone())
    );
    assert_eq!(rows[2][7], "then cook");
    assert_eq!(
        in_redacted(&rows[2]),
        "then cook",
        "positions are over the exported text"
    );
    assert_eq!(rows[2][8], "no");

    let presence = download(&app, &researcher, "codes-by-participant").await;
    assert_eq!(
        rows_of(&presence.text().await.unwrap()),
        [
            vec!["participant", "Contact & <trust>", "Everyday skills"],
            vec!["P1", "1", "1"],
            vec!["P2", "0", "0"],
        ]
    );
    let again = [
        ("response", first.as_str()),
        ("extract", "with Sam"),
        (
            "code",
            &app.storage().await.analysis().codes(&sam()).await.unwrap()[1]
                .id
                .clone(),
        ),
    ];
    app.post_with_cookie(CODINGS, &researcher, &again).await;
    let counts = download(&app, &researcher, "coding-counts-by-participant").await;
    assert_eq!(rows_of(&counts.text().await.unwrap())[1], ["P1", "1", "2"]);

    let codebook = download(&app, &researcher, "codebook").await;
    assert_eq!(
        rows_of(&codebook.text().await.unwrap())[2],
        ["Everyday skills", "", "2", "Everyday skills"]
    );
    let qdc = download(&app, &researcher, "codebook-qdc").await;
    assert_eq!(qdc.status(), StatusCode::OK);
    let qdc = qdc.text().await.unwrap();
    assert!(
        qdc.contains("name=\"Contact &amp; &lt;trust&gt;\""),
        "{qdc}"
    );
    assert_valid_refi_qda(&qdc, "Codebook.xsd");
    let again = download(&app, &researcher, "codebook-qdc").await;
    assert_eq!(
        again.text().await.unwrap(),
        qdc,
        "the same GUIDs every time"
    );

    let trainer = app.signed_in_as("trainer").await;
    assert_eq!(
        download(&app, &trainer, "extracts").await.status(),
        StatusCode::FORBIDDEN
    );
}

const THEMES: &str = "/admin/studies/sam/analysis/themes";
/// The columns of the themes download and sheet.
pub(crate) const THEME_COLUMNS: &str =
    "theme,status,overarching_theme,central_organising_concept,definition,scope,boundaries,codes";

/// The id of the study's theme called `name`.
async fn theme_id(app: &TestApp, name: &str) -> String {
    let themes = app.storage().await.analysis().themes(&sam()).await.unwrap();
    themes.into_iter().find(|t| t.name == name).unwrap().id
}

#[tokio::test]
async fn themes_gather_codes_with_a_concept_status_and_subthemes_and_every_change_is_logged() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", ANSWER).await;
    let response = app.record(&token).await.id.to_string();
    let researcher = app.signed_in_as("researcher").await;
    for (words, code) in [("Cymraeg", "Language"), ("", "Hope")] {
        let fields = [
            ("response", response.as_str()),
            ("extract", words),
            ("new_code", code),
        ];
        let sent = app.post_with_cookie(CODINGS, &researcher, &fields).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }
    let (_, analysis) = app.page("/admin/studies/sam/analysis", &researcher).await;
    assert!(
        analysis.contains("Hope, Language"),
        "the miscellaneous bin: {analysis}"
    );

    let nameless = [("theme_name", " "), ("central_concept", ""), ("within", "")];
    let refused = app.post_with_cookie(THEMES, &researcher, &nameless).await;
    assert_refused(refused, "Enter a name for the theme").await;
    let connection = [
        ("theme_name", "Connection"),
        ("central_concept", "Recovery happens through relationships"),
        ("within", ""),
    ];
    let made = app.post_with_cookie(THEMES, &researcher, &connection).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let top = theme_id(&app, "Connection").await;
    assert_eq!(location(&made), format!("{THEMES}/{top}"));
    let again = app.post_with_cookie(THEMES, &researcher, &connection).await;
    assert_refused(again, "already has a theme called").await;
    let within = [
        ("theme_name", "Words of home"),
        ("central_concept", ""),
        ("within", &top),
    ];
    let sub = app.post_with_cookie(THEMES, &researcher, &within).await;
    assert_eq!(sub.status(), StatusCode::SEE_OTHER);
    let sub = theme_id(&app, "Words of home").await;
    let deeper = [
        ("theme_name", "Deeper"),
        ("central_concept", ""),
        ("within", &sub),
    ];
    let refused = app.post_with_cookie(THEMES, &researcher, &deeper).await;
    assert_refused(refused, "a subtheme has no subthemes").await;

    let codes = app.storage().await.analysis().codes(&sam()).await.unwrap();
    let (hope, language) = (codes[0].id.clone(), codes[1].id.clone());
    let path = |theme: &str, what: &str| format!("{THEMES}/{theme}/{what}");
    let both = [("code", hope.as_str()), ("code", language.as_str())];
    let saved = app
        .post_with_cookie(&path(&top, "codes"), &researcher, &both)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let one = [("code", language.as_str())];
    let saved = app
        .post_with_cookie(&path(&sub, "codes"), &researcher, &one)
        .await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "a code in two themes"
    );
    let unknown = [("code", "no-such-code")];
    let refused = app
        .post_with_cookie(&path(&sub, "codes"), &researcher, &unknown)
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let final_ = [("status", "final")];
    let saved = app
        .post_with_cookie(&path(&top, "status"), &researcher, &final_)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let done = [("status", "done")];
    let refused = app
        .post_with_cookie(&path(&top, "status"), &researcher, &done)
        .await;
    assert_refused(refused, "Choose a status").await;

    let theme_page = format!("{THEMES}/{top}");
    let (status, shown) = app.page(&theme_page, &researcher).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Recovery happens through relationships",
        "Status: Final.",
        "Words of home",
        "2 extracts from its codes.",
    ] {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
    let (_, analysis) = app.page("/admin/studies/sam/analysis", &researcher).await;
    assert!(
        analysis.contains("a subtheme") && analysis.contains("None."),
        "{analysis}"
    );

    let (status, log) = app
        .page("/admin/studies/sam/analysis/log", &researcher)
        .await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "code added",
        "coding added",
        "theme added",
        "“Words of home”, within “Connection”",
        "“Connection”: Candidate → Final",
        "“Words of home”: “Language”",
        "researcher@example.org",
    ] {
        assert!(log.contains(expected), "{expected}: {log}");
    }
    assert!(
        !log.contains("Cymraeg ŵ"),
        "no participant's words in the log"
    );
    let themes = download(&app, &researcher, "themes").await;
    assert_eq!(themes.status(), StatusCode::OK);
    let rows = rows_of(&themes.text().await.unwrap());
    assert_eq!(rows[0].join(","), THEME_COLUMNS);
    assert_eq!(
        rows[1..],
        [
            vec![
                "Connection",
                "final",
                "",
                "Recovery happens through relationships",
                "",
                "",
                "",
                "Hope; Language"
            ],
            vec![
                "Words of home",
                "candidate",
                "Connection",
                "",
                "",
                "",
                "",
                "Language"
            ],
        ]
    );
    let trainer = app.signed_in_as("trainer").await;
    assert_eq!(
        app.page(&theme_page, &trainer).await.0,
        StatusCode::FORBIDDEN
    );

    let record = app.record(&token).await;
    app.storage()
        .await
        .responses()
        .delete(&record.id)
        .await
        .unwrap();
    let (_, shown) = app.page(&theme_page, &researcher).await;
    assert!(shown.contains("0 extracts from its codes."), "{shown}");
}

#[tokio::test]
async fn themes_by_setting_break_down_only_groups_of_at_least_the_threshold() {
    let app = TestApp::spawn_with(|config| config.min_group_size = 5).await;
    let mut responses = Vec::new();
    for setting in ["inpatient"; 5].into_iter().chain(["community"]) {
        let token = app.submit_response(setting, ANSWER).await;
        responses.push(app.record(&token).await.id.to_string());
    }
    let researcher = app.signed_in_as("researcher").await;
    for (i, response) in responses.iter().enumerate() {
        // Participants 1, 2 and the community one (6) get "Hope"; everyone gets "Cooking".
        let codes: &[&str] = if matches!(i, 0 | 1 | 5) {
            &["Hope", "Cooking"]
        } else {
            &["Cooking"]
        };
        for code in codes {
            let fields = [
                ("response", response.as_str()),
                ("extract", ""),
                ("new_code", code),
            ];
            let sent = app.post_with_cookie(CODINGS, &researcher, &fields).await;
            assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        }
    }
    let theme = [
        ("theme_name", "Looking forward"),
        ("central_concept", ""),
        ("within", ""),
    ];
    app.post_with_cookie(THEMES, &researcher, &theme).await;
    let top = theme_id(&app, "Looking forward").await;
    let sub = [
        ("theme_name", "Small hopes"),
        ("central_concept", ""),
        ("within", &top),
    ];
    app.post_with_cookie(THEMES, &researcher, &sub).await;
    let sub = theme_id(&app, "Small hopes").await;
    let codes = app.storage().await.analysis().codes(&sam()).await.unwrap();
    let hope = codes.iter().find(|c| c.name == "Hope").unwrap().id.clone();
    let saved = app
        .post_with_cookie(
            &format!("{THEMES}/{sub}/codes"),
            &researcher,
            &[("code", &hope)],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (status, table) = app
        .page("/admin/studies/sam/analysis/by-group", &researcher)
        .await;
    assert_eq!(status, StatusCode::OK);
    let row = |theme: &str| {
        let start = table
            .find(&format!("<th scope=\"row\">{theme}</th>"))
            .unwrap();
        let end = start + table[start..].find("</tr>").unwrap();
        table[start..end].to_owned()
    };
    assert!(
        table.contains("Inpatient mental health services (n = 5)"),
        "{table}"
    );
    assert!(
        table.contains("Community mental health services (n = 1)"),
        "{table}"
    );
    // By setting, in the study's order: community too small, inpatient 2 (participants 1 and
    // 2), "somewhere else" empty.
    let overarching = row("Looking forward");
    assert!(
        overarching.starts_with("<th scope=\"row\">Looking forward</th><td>fewer than 5 in group</td><td>2</td><td>fewer than 5 in group</td>"),
        "an overarching theme counts its subthemes' codes: {overarching}"
    );
    assert!(row("Small hopes").contains("<td>2</td>"));
    assert!(
        !table.contains("<td>1</td><td>"),
        "no count of a group under five: {table}"
    );
    // A table per Likert question, its groups the scale's points.
    for expected in [
        "Themes by how far would you support sam in going ahead with this?",
        "Strongly discourage (n = ",
        "Strongly support (n = ",
    ] {
        assert!(table.contains(expected), "{expected}: {table}");
    }
}

#[tokio::test]
async fn a_code_is_renamed_merged_into_another_and_archived_with_each_change_logged() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", ANSWER).await;
    let response = app.record(&token).await.id.to_string();
    let researcher = app.signed_in_as("researcher").await;
    // "Cook" with both codes (so the merge meets the same words twice), the whole answer with one.
    for (words, code) in [("Cook", "Skills"), ("Cook", "Chores"), ("", "Chores")] {
        let fields = [
            ("response", response.as_str()),
            ("extract", words),
            ("new_code", code),
        ];
        app.post_with_cookie(CODINGS, &researcher, &fields).await;
    }
    let code_id = |name: &'static str| {
        let app = &app;
        async move {
            let codes = app.storage().await.analysis().codes(&sam()).await.unwrap();
            codes.into_iter().find(|c| c.name == name).map(|c| c.id)
        }
    };
    let (skills, chores) = (
        code_id("Skills").await.unwrap(),
        code_id("Chores").await.unwrap(),
    );
    let theme = [
        ("theme_name", "Doing things"),
        ("central_concept", ""),
        ("within", ""),
    ];
    app.post_with_cookie(THEMES, &researcher, &theme).await;
    let doing = theme_id(&app, "Doing things").await;
    app.post_with_cookie(
        &format!("{THEMES}/{doing}/codes"),
        &researcher,
        &[("code", &chores)],
    )
    .await;

    let code_page = |id: &str| format!("/admin/studies/sam/analysis/codes/{id}");
    let clash = [("name", "Skills"), ("definition", "")];
    let refused = app
        .post_with_cookie(&format!("{}/edit", code_page(&chores)), &researcher, &clash)
        .await;
    assert_refused(refused, "already has a code called").await;
    let renamed = [
        ("name", "Housework"),
        ("definition", "Keeping a home going."),
    ];
    let saved = app
        .post_with_cookie(
            &format!("{}/edit", code_page(&chores)),
            &researcher,
            &renamed,
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let merged = app
        .post_with_cookie(
            &format!("{}/merge", code_page(&chores)),
            &researcher,
            &[("into", &skills)],
        )
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&merged), code_page(&skills));
    assert_eq!(code_id("Housework").await, None, "the merged code is gone");
    let points = ANSWER.chars().count();
    assert_eq!(
        codings(&app).await,
        [
            (0, 4, "Cook".to_owned(), "Skills".to_owned()),
            (0, points, ANSWER.to_owned(), "Skills".to_owned()),
        ],
        "the same words are coded once"
    );
    let themes = app.storage().await.analysis().themes(&sam()).await.unwrap();
    assert_eq!(
        themes[0].codes,
        std::slice::from_ref(&skills),
        "the theme holds the code merged into"
    );

    let archive = |value: &'static str| [("archived", value)];
    let path = format!("{}/archive", code_page(&skills));
    let archived = app
        .post_with_cookie(&path, &researcher, &archive("yes"))
        .await;
    assert_eq!(archived.status(), StatusCode::SEE_OTHER);
    let (_, grid) = app.page(GRID, &researcher).await;
    assert!(
        !grid.contains(&format!("value=\"{skills}\"")),
        "not offered while coding"
    );
    assert!(grid.contains("<mark>"), "its codings stay");
    let (_, shown) = app.page(&code_page(&skills), &researcher).await;
    assert!(shown.contains("Restore the code"), "{shown}");
    app.post_with_cookie(&path, &researcher, &archive("no"))
        .await;
    let (_, grid) = app.page(GRID, &researcher).await;
    assert!(grid.contains(&format!("value=\"{skills}\"")));

    let (_, log) = app
        .page("/admin/studies/sam/analysis/log", &researcher)
        .await;
    for expected in [
        "“Chores” renamed “Housework”",
        "“Housework” (2 codings) merged into “Skills”",
        "code archived",
        "code restored",
    ] {
        assert!(log.contains(expected), "{expected}: {log}");
    }
}

#[tokio::test]
async fn the_journal_memos_and_themes_beside_the_published_ones_keep_dated_signed_memos() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", ANSWER).await;
    let response = app.record(&token).await.id.to_string();
    let researcher = app.signed_in_as("researcher").await;
    let fields = [
        ("response", response.as_str()),
        ("extract", ""),
        ("new_code", "Hope"),
    ];
    app.post_with_cookie(CODINGS, &researcher, &fields).await;
    let theme = [
        ("theme_name", "Medical model"),
        ("central_concept", ""),
        ("within", ""),
    ];
    app.post_with_cookie(THEMES, &researcher, &theme).await;
    let ours = theme_id(&app, "Medical model").await;
    let hope = app.storage().await.analysis().codes(&sam()).await.unwrap()[0]
        .id
        .clone();
    let memos = "/admin/studies/sam/analysis/memos";

    let empty = app
        .post_with_cookie(
            memos,
            &researcher,
            &[("subject", "journal"), ("body", "  ")],
        )
        .await;
    assert_refused(empty, "Write the memo").await;
    for (subject, words) in [
        (
            "journal".to_owned(),
            "I came to this as a former support worker.",
        ),
        (
            format!("code:{hope}"),
            "Hope shows up as plans, not feelings.",
        ),
        (format!("theme:{ours}"), "Symptoms first, person second."),
    ] {
        let sent = app
            .post_with_cookie(
                memos,
                &researcher,
                &[("subject", &subject), ("body", words)],
            )
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "{subject}");
    }
    let unknown = [("subject", "code:nothing"), ("body", "x")];
    let refused = app.post_with_cookie(memos, &researcher, &unknown).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    let pair = |published: &'static str, relation: &'static str| {
        [
            ("ours", ours.clone()),
            ("published", published.to_owned()),
            ("relation", relation.to_owned()),
            ("body", "Both read recovery as fewer symptoms.".to_owned()),
        ]
    };
    let fields = pair("clinical-recovery", "similar");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = app.post_with_cookie(memos, &researcher, &fields).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&sent),
        format!("/admin/studies/sam/analysis/beside?memo=pair-{ours}#pair-{ours}")
    );
    for (published, relation) in [("no-such-theme", "similar"), ("clinical-recovery", "same")] {
        let fields = pair(published, relation);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = app.post_with_cookie(memos, &researcher, &fields).await;
        assert_eq!(
            refused.status(),
            StatusCode::BAD_REQUEST,
            "{published} {relation}"
        );
    }

    let (_, journal) = app
        .page("/admin/studies/sam/analysis/journal", &researcher)
        .await;
    assert!(
        journal.contains("I came to this as a former support worker."),
        "{journal}"
    );
    assert!(journal.contains("researcher@example.org"));
    let (_, code) = app
        .page(
            &format!("/admin/studies/sam/analysis/codes/{hope}"),
            &researcher,
        )
        .await;
    assert!(code.contains("Hope shows up as plans, not feelings."));
    let (_, theme) = app.page(&format!("{THEMES}/{ours}"), &researcher).await;
    assert!(theme.contains("Symptoms first, person second."));
    let (status, beside) = app
        .page("/admin/studies/sam/analysis/beside", &researcher)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        beside.contains("Similar: Aligning with the clinical recovery approach")
            && beside.contains("Both read recovery as fewer symptoms."),
        "{beside}"
    );
    let (_, log) = app
        .page("/admin/studies/sam/analysis/log", &researcher)
        .await;
    assert!(
        log.contains(
            "on “Medical model” beside “Aligning with the clinical recovery approach”: similar"
        ),
        "{log}"
    );
    assert!(
        log.contains("on the journal") && !log.contains("former support worker"),
        "{log}"
    );
}

#[tokio::test]
async fn a_theme_is_defined_shows_its_chosen_extracts_and_the_answers_no_theme_touches_are_listed()
{
    let app = TestApp::spawn().await;
    let first = app.submit_response("inpatient", ANSWER).await;
    let first = app.record(&first).await.id.to_string();
    app.submit_response("community", "Nobody has coded this answer yet")
        .await;
    let researcher = app.signed_in_as("researcher").await;
    let fields = [
        ("response", first.as_str()),
        ("extract", "Cook"),
        ("new_code", "Skills"),
    ];
    app.post_with_cookie(CODINGS, &researcher, &fields).await;
    let theme = [
        ("theme_name", "Everyday life"),
        ("central_concept", ""),
        ("within", ""),
    ];
    app.post_with_cookie(THEMES, &researcher, &theme).await;
    let id = theme_id(&app, "Everyday life").await;
    let (_, untouched) = app
        .page("/admin/studies/sam/analysis/untouched", &researcher)
        .await;
    assert!(
        untouched.contains("Nobody has coded this answer yet"),
        "{untouched}"
    );
    let skills = app.storage().await.analysis().codes(&sam()).await.unwrap()[0]
        .id
        .clone();
    app.post_with_cookie(
        &format!("{THEMES}/{id}/codes"),
        &researcher,
        &[("code", &skills)],
    )
    .await;

    let long = "x".repeat(2_001);
    let refused = app
        .post_with_cookie(
            &format!("{THEMES}/{id}/definition"),
            &researcher,
            &[
                ("definition", "Ordinary days."),
                ("scope", &long),
                ("boundaries", ""),
            ],
        )
        .await;
    assert_refused(
        refused,
        "Keep each part of the definition to 2000 characters",
    )
    .await;
    let defined = [
        ("definition", "Recovery lived in ordinary days."),
        ("scope", "Cooking, shopping, tidying."),
        ("boundaries", "Not paid work: see Purpose."),
    ];
    let saved = app
        .post_with_cookie(&format!("{THEMES}/{id}/definition"), &researcher, &defined)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let coding = codings_ids(&app).await[0].clone();
    let choose = [("coding", coding.as_str()), ("chosen", "yes")];
    let chosen = app
        .post_with_cookie(&format!("{THEMES}/{id}/extracts"), &researcher, &choose)
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);

    let (_, shown) = app.page(&format!("{THEMES}/{id}"), &researcher).await;
    for expected in [
        "Recovery lived in ordinary days.",
        "Not paid work: see Purpose.",
        "Unchoose this extract",
    ] {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
    assert!(!shown.contains("None chosen yet"), "{shown}");
    let (_, untouched) = app
        .page("/admin/studies/sam/analysis/untouched", &researcher)
        .await;
    assert!(untouched.contains("Nobody has coded this answer yet"));
    assert!(
        !untouched.contains("Cymraeg"),
        "the themed answer is touched: {untouched}"
    );

    // The first level of review: whether each extract fits the theme.
    let reviews = format!("{THEMES}/{id}/reviews");
    let (_, shown) = app.page(&format!("{THEMES}/{id}"), &researcher).await;
    assert!(
        shown.contains("0 fit the theme, 0 do not, 1 not reviewed yet"),
        "{shown}"
    );
    for (verdict, summary) in [
        ("fits", "1 fit the theme, 0 do not, 0 not reviewed yet"),
        ("misfit", "0 fit the theme, 1 do not, 0 not reviewed yet"),
        ("clear", "0 fit the theme, 0 do not, 1 not reviewed yet"),
        ("fits", "1 fit the theme, 0 do not, 0 not reviewed yet"),
    ] {
        let fields = [("coding", coding.as_str()), ("verdict", verdict)];
        let reviewed = app.post_with_cookie(&reviews, &researcher, &fields).await;
        assert_eq!(reviewed.status(), StatusCode::SEE_OTHER, "{verdict}");
        let (_, shown) = app.page(&format!("{THEMES}/{id}"), &researcher).await;
        assert!(shown.contains(summary), "{verdict}: {shown}");
    }
    let fields = [("coding", coding.as_str()), ("verdict", "perhaps")];
    let refused = app.post_with_cookie(&reviews, &researcher, &fields).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let elsewhere = [
        ("response", first.as_str()),
        ("extract", "Cymraeg"),
        ("new_code", "Language"),
    ];
    app.post_with_cookie(CODINGS, &researcher, &elsewhere).await;
    let language = coding_with(&app, "Language").await;
    for (action, field, value) in [
        ("extracts", "chosen", "yes"),
        ("reviews", "verdict", "fits"),
    ] {
        let fields = [("coding", language.as_str()), (field, value)];
        let path = format!("{THEMES}/{id}/{action}");
        let refused = app.post_with_cookie(&path, &researcher, &fields).await;
        let says = "coded “Language”, which is not one of this theme";
        assert_answered(refused, StatusCode::BAD_REQUEST, says).await;
    }

    // The chosen extract and its review go when its coding is removed.
    let path = format!("/admin/studies/sam/analysis/codings/{coding}/remove");
    app.post_with_cookie(&path, &researcher, &[("back", "r2")])
        .await;
    let (_, shown) = app.page(&format!("{THEMES}/{id}"), &researcher).await;
    assert!(shown.contains("None chosen yet"), "{shown}");
    let theme = app.storage().await.analysis().theme(&sam(), &id).await;
    assert!(theme.unwrap().unwrap().reviewed.is_empty());
    let (_, log) = app
        .page("/admin/studies/sam/analysis/log", &researcher)
        .await;
    assert!(
        log.contains("theme defined")
            && log.contains("extract chosen")
            && log.contains("extract reviewed"),
        "{log}"
    );
}

#[tokio::test]
async fn the_write_up_pack_has_the_themes_their_definitions_redacted_extracts_with_labels_and_the_log()
 {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", PHONE_ANSWER).await;
    let first = app.record(&token).await.id.to_string();
    app.submit_response("community", "Nothing coded here").await;
    let researcher = app.signed_in_as("researcher").await;
    let whole = [
        ("response", first.as_str()),
        ("extract", ""),
        ("new_code", "Everyday skills"),
    ];
    app.post_with_cookie(CODINGS, &researcher, &whole).await;
    app.accept_finding(&researcher, "07700 900123").await;
    for (name, within) in [("Everyday life", ""), ("Dropped idea", "")] {
        let theme = [
            ("theme_name", name),
            ("central_concept", "Recovery is lived in ordinary days"),
            ("within", within),
        ];
        app.post_with_cookie(THEMES, &researcher, &theme).await;
    }
    let id = theme_id(&app, "Everyday life").await;
    let sub = [
        ("theme_name", "Cooking"),
        ("central_concept", ""),
        ("within", id.as_str()),
    ];
    app.post_with_cookie(THEMES, &researcher, &sub).await;
    let dropped = theme_id(&app, "Dropped idea").await;
    for (theme, status) in [(&id, "final"), (&dropped, "discarded")] {
        let path = format!("{THEMES}/{theme}/status");
        let set = app
            .post_with_cookie(&path, &researcher, &[("status", status)])
            .await;
        assert_eq!(set.status(), StatusCode::SEE_OTHER, "{status}");
    }
    let skills = app.storage().await.analysis().codes(&sam()).await.unwrap()[0]
        .id
        .clone();
    let path = format!("{THEMES}/{id}/codes");
    app.post_with_cookie(&path, &researcher, &[("code", &skills)])
        .await;
    let defined = [
        ("definition", "Recovery lived in ordinary days."),
        ("scope", "Cooking, shopping, tidying."),
        ("boundaries", "Not paid work."),
    ];
    let path = format!("{THEMES}/{id}/definition");
    app.post_with_cookie(&path, &researcher, &defined).await;
    let coding = codings_ids(&app).await[0].clone();
    let choose = [("coding", coding.as_str()), ("chosen", "yes")];
    let path = format!("{THEMES}/{id}/extracts");
    app.post_with_cookie(&path, &researcher, &choose).await;

    let markdown = download(&app, &researcher, "write-up-markdown").await;
    assert_eq!(markdown.status(), StatusCode::OK);
    assert!(
        markdown.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("sam-analysis-write-up.md")
    );
    let markdown = markdown.text().await.unwrap();
    for expected in [
        "### Everyday life\n",
        "#### Cooking\n",
        "- Status: Final",
        "- Central organising concept: Recovery is lived in ordinary days",
        "- Definition: Recovery lived in ordinary days.",
        "- Boundaries: Not paid work.",
        "- Everyday skills",
        "> Ring \\[",
        ">\n> — P1: ",
        "One discarded theme is left out.",
        "| theme defined |",
        "| extract chosen |",
        "researcher@example.org",
    ] {
        assert!(markdown.contains(expected), "{expected}: {markdown}");
    }
    assert!(!markdown.contains("07700"), "{markdown}");
    assert!(!markdown.contains("Dropped idea\n"), "{markdown}");

    let docx = download(&app, &researcher, "write-up-docx").await;
    assert_eq!(docx.status(), StatusCode::OK);
    assert_eq!(
        docx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let bytes = docx.bytes().await.unwrap();
    // `make docx-check` opens the document with python-docx.
    if let Some(dir) = std::env::var_os("WRITEUP_KEEP_DIR") {
        let engine = std::env::var("TEST_DATABASE").unwrap_or_else(|_| "sqlite".into());
        let file = std::path::Path::new(&dir).join(format!("write-up-{engine}.docx"));
        std::fs::write(file, &bytes).unwrap();
    }
    let document = &crate::support::unzip(&bytes)["word/document.xml"];
    assert!(document.contains(">Everyday life<"), "{document}");
    assert!(document.contains("— P1: "), "{document}");
    assert!(!document.contains("07700"), "{document}");
}

/// The ids of the study's codings, in order.
/// The id of the first coding with the code named `code`.
pub(crate) async fn coding_with(app: &TestApp, code: &str) -> String {
    let codings = app
        .storage()
        .await
        .analysis()
        .codings_of_study(&sam())
        .await;
    let mut codings = codings.unwrap().into_iter();
    codings.find(|coding| coding.code_name == code).unwrap().id
}

async fn codings_ids(app: &TestApp) -> Vec<String> {
    let stored = app
        .storage()
        .await
        .analysis()
        .codings_of_study(&sam())
        .await
        .unwrap();
    stored.into_iter().map(|c| c.id).collect()
}

#[tokio::test]
async fn a_participants_page_codes_their_answers_and_keeps_memos_that_go_when_they_withdraw() {
    let app = TestApp::spawn().await;
    let first = app.submit_response("inpatient", ANSWER).await;
    let record = app.record(&first).await;
    let (response, number) = (record.id.to_string(), record.participant_number.unwrap());
    app.submit_response("community", "The second participant's answer")
        .await;
    let researcher = app.signed_in_as("researcher").await;
    let participant = format!("/admin/studies/sam/analysis/participants/{number}");

    let (status, shown) = app.page(&participant, &researcher).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        shown.contains("Cymraeg") && shown.contains("Next: P"),
        "{shown}"
    );
    assert!(
        !shown.contains("The second participant's answer"),
        "{shown}"
    );
    let (_, analysis) = app.page("/admin/studies/sam/analysis", &researcher).await;
    assert!(analysis.contains(&participant), "{analysis}");
    let (missing, _) = app
        .page("/admin/studies/sam/analysis/participants/999", &researcher)
        .await;
    assert_eq!(missing, StatusCode::NOT_FOUND);

    // Coding from the participant's page comes back to it; a refusal is shown on it.
    let number_text = number.to_string();
    let mut fields = vec![
        ("response", response.as_str()),
        ("question", "r2"),
        ("participant", number_text.as_str()),
        ("extract", "not in the answer"),
        ("new_code", "Skills"),
    ];
    let refused = app.post_with_cookie(CODINGS, &researcher, &fields).await;
    let status = refused.status();
    let text = refused.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text.contains("Memos on this participant") && text.contains("not in the answer"),
        "{text}"
    );
    fields[3] = ("extract", "Cook");
    let coded = app.post_with_cookie(CODINGS, &researcher, &fields).await;
    assert_eq!(
        location(&coded),
        format!("{participant}#answer-{response}-r2-label")
    );
    let coding = codings_ids(&app).await[0].clone();

    let memo = |subject: String, words: &'static str| {
        let researcher = researcher.clone();
        let app = &app;
        async move {
            let fields = [("subject", subject.as_str()), ("body", words)];
            app.post_with_cookie("/admin/studies/sam/analysis/memos", &researcher, &fields)
                .await
        }
    };
    let empty = memo(format!("coding:{coding}"), " ").await;
    assert_refused(empty, "Write the memo").await;
    let subjects = [
        (
            format!("participant:{number}"),
            "Speaks of skills throughout.",
        ),
        (format!("answer:{number}:r2"), "Cooking as a way back in."),
        (format!("coding:{coding}"), "Only the verb; widen it?"),
    ];
    let boxes = [
        "memo-body".to_owned(),
        format!("memo-answer-{number}-r2"),
        format!("memo-coding-{coding}"),
    ];
    for ((subject, words), memo_box) in subjects.iter().zip(&boxes) {
        let added = memo(subject.clone(), words).await;
        assert_eq!(
            location(&added),
            format!("{participant}?memo={memo_box}#{memo_box}"),
            "back at the memo's box: {subject}"
        );
        let (status, _) = app.page(&location(&added), &researcher).await;
        assert_eq!(status, StatusCode::OK, "{subject}");
    }
    let unknown = memo(format!("answer:{number}:r9"), "x").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let (_, shown) = app.page(&participant, &researcher).await;
    for (_, words) in &subjects {
        assert!(shown.contains(words), "{words}: {shown}");
    }
    assert!(shown.contains("Memos on this coding (1)"), "{shown}");
    let (_, log) = app
        .page("/admin/studies/sam/analysis/log", &researcher)
        .await;
    let logged = format!("on P{number}'s answer to r2");
    assert!(log.contains(&logged), "{logged}: {log}");
    assert!(
        !log.contains("Cooking as a way back in"),
        "no memo's words in the log"
    );

    // Removing the coding from the participant's page takes its memo; a withdrawal takes the rest.
    let remove = format!("/admin/studies/sam/analysis/codings/{coding}/remove");
    let removed = app
        .post_with_cookie(
            &remove,
            &researcher,
            &[("back", "r2"), ("participant", &number_text)],
        )
        .await;
    assert_eq!(location(&removed), participant);
    let storage = app.storage().await;
    let analysis = storage.analysis();
    let kept = analysis
        .memos_of_response(&sam(), &record.id)
        .await
        .unwrap();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        app.storage()
            .await
            .responses()
            .delete(&record.id)
            .await
            .unwrap()
    );
    let kept = analysis
        .memos_of_response(&sam(), &record.id)
        .await
        .unwrap();
    assert!(kept.is_empty(), "{kept:?}");
    let (gone, _) = app.page(&participant, &researcher).await;
    assert_eq!(gone, StatusCode::NOT_FOUND);
}

const SECOND_CODER: &str = "second@example.org";

/// A submitted answer (its response id), then the study's researcher and a second researcher
/// (`SECOND_CODER`), each signed in (their cookies).
async fn an_answer_and_two_coders(app: &TestApp) -> (String, String, String) {
    let token = app.submit_response("inpatient", ANSWER).await;
    let response = app.record(&token).await.id.to_string();
    let first = app.signed_in_as("researcher").await;
    let secret = app
        .add_staff_with_two_factor(SECOND_CODER, "researcher")
        .await;
    let second = app.sign_in_with_code(SECOND_CODER, &secret).await;
    (response, first, second)
}

#[tokio::test]
async fn two_coders_in_independent_mode_see_each_others_codings_only_once_both_release_and_kappa_only_when_asked()
 {
    let app = TestApp::spawn().await;
    let (response, first, second) = an_answer_and_two_coders(&app).await;
    let team = "/admin/studies/sam/analysis/team";
    let on = app
        .post_with_cookie(&format!("{team}/mode"), &first, &[("independent", "on")])
        .await;
    assert_eq!(location(&on), team);

    for (cookie, words, new_code) in [
        (&first, "Cook", "Skills"),
        (&second, "Cook", "Skills"),
        (&second, "Cymraeg", "Language"),
    ] {
        let fields = [
            ("response", response.as_str()),
            ("extract", words),
            ("new_code", new_code),
        ];
        let coded = app.post_with_cookie(CODINGS, cookie, &fields).await;
        assert_eq!(coded.status(), StatusCode::SEE_OTHER);
    }
    // Only the second coder coded "Cymraeg", with "Language".
    let sees_second = |html: &str| html.contains("Remove \"Language\" here");
    let (_, grid) = app.page(GRID, &first).await;
    assert!(!sees_second(&grid), "blind: {grid}");
    let extracts = download(&app, &first, "extracts")
        .await
        .text()
        .await
        .unwrap();
    assert!(!extracts.contains(SECOND_CODER), "{extracts}");
    let counted = |html: &str, code: &str, count: usize| {
        html.contains(&format!("{code}</a> ({count} codings)"))
    };
    let (_, analysis) = app.page(ANALYSIS, &first).await;
    assert!(
        counted(&analysis, "Skills", 1) && counted(&analysis, "Language", 0),
        "counts of one's own codings only: {analysis}"
    );
    let codebook = download(&app, &first, "codebook").await;
    assert_eq!(
        rows_of(&codebook.text().await.unwrap())[1..],
        [
            vec!["Language", "", "0", "Language"],
            vec!["Skills", "", "1", "Skills"]
        ]
    );
    let log_page = "/admin/studies/sam/analysis/log";
    let hidden = "Hidden until you and its coder have both released your codings";
    let (_, log) = app.page(log_page, &first).await;
    assert!(
        log.contains("“Skills” on P1's answer to r2")
            && !log.contains("“Language” on P1")
            && log.matches(hidden).count() == 2,
        "the other coder's codings are not told in the log: {log}"
    );
    let (_, together) = app.page(team, &first).await;
    assert!(
        together.contains("None you can compare yet") && together.contains("coding on their own"),
        "{together}"
    );

    let release = format!("{team}/release");
    let released = app.post_with_cookie(&release, &first, &[]).await;
    assert_eq!(location(&released), team);
    let (_, grid) = app.page(GRID, &first).await;
    assert!(
        !sees_second(&grid),
        "the second coder has not released: {grid}"
    );
    let released = app.post_with_cookie(&release, &second, &[]).await;
    assert_eq!(location(&released), team);
    let (_, grid) = app.page(GRID, &first).await;
    assert!(sees_second(&grid), "{grid}");
    let (_, log) = app.page(log_page, &first).await;
    assert!(
        log.contains("“Language” on P1's answer to r2") && !log.contains(hidden),
        "{log}"
    );
    let (_, analysis) = app.page(ANALYSIS, &first).await;
    assert!(
        counted(&analysis, "Skills", 2) && counted(&analysis, "Language", 1),
        "{analysis}"
    );
    let (_, together) = app.page(team, &first).await;
    for expected in [
        "1 differences",
        "(matched)",
        "(differs: only this coder used this code here)",
        "researcher@example.org (released)",
    ] {
        assert!(together.contains(expected), "{expected}: {together}");
    }

    let memo = [
        ("subject", "answer:1:r2"),
        ("body", "Agreed: language is part of identity here."),
        ("back", "team"),
    ];
    let discussed = app
        .post_with_cookie("/admin/studies/sam/analysis/memos", &first, &memo)
        .await;
    assert_eq!(
        location(&discussed),
        format!("{team}?memo=memo-answer-1-r2#memo-answer-1-r2")
    );
    let (_, together) = app.page(team, &second).await;
    assert!(
        together.contains("Agreed: language is part of identity here."),
        "{together}"
    );

    // No agreement score unless the coding-reliability mode is switched on.
    assert!(
        !together.contains("Coding-reliability mode is on"),
        "{together}"
    );
    let reliability = format!("{team}/reliability");
    let on = app
        .post_with_cookie(&reliability, &first, &[("reliability", "on")])
        .await;
    assert_eq!(location(&on), team);
    let (_, together) = app.page(team, &first).await;
    let skills_row = "<th scope=\"row\">Skills</th><td>1</td><td>0</td><td>0</td>";
    let language_row = "<th scope=\"row\">Language</th><td>0</td><td>0</td><td>1</td>";
    for expected in [
        "Coding-reliability mode is on",
        skills_row,
        language_row,
        "<td>1.00</td>",
        "<td>0.00</td>",
    ] {
        assert!(together.contains(expected), "{expected}: {together}");
    }
    let bad = app
        .post_with_cookie(&reliability, &first, &[("reliability", "maybe")])
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    app.post_with_cookie(&reliability, &first, &[("reliability", "off")])
        .await;
    let (_, together) = app.page(team, &first).await;
    assert!(
        !together.contains("Coding-reliability mode is on"),
        "{together}"
    );

    let codes = app.storage().await.analysis().codes(&sam()).await.unwrap();
    let (language, skills) = (&codes[0].id, &codes[1].id);
    let merge = format!("/admin/studies/sam/analysis/codes/{language}/merge");
    let merged = app
        .post_with_cookie(&merge, &second, &[("into", skills.as_str())])
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);

    let off = app
        .post_with_cookie(&format!("{team}/mode"), &first, &[("independent", "off")])
        .await;
    assert_eq!(location(&off), team);
    let refused = app.post_with_cookie(&release, &first, &[]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let says = refused.text().await.unwrap();
    assert!(says.contains("Independent mode is off"), "{says}");
    let (_, log) = app.page(log_page, &first).await;
    for action in [
        "independent mode on",
        "codings released",
        "independent mode off",
        "“Language” merged into “Skills”",
    ] {
        assert!(log.contains(action), "{action}: {log}");
    }
}

#[tokio::test]
async fn in_independent_mode_another_coders_unreleased_coding_cannot_be_changed_by_its_id() {
    let app = TestApp::spawn().await;
    let (response, first, second) = an_answer_and_two_coders(&app).await;
    let team = "/admin/studies/sam/analysis/team";
    app.post_with_cookie(&format!("{team}/mode"), &first, &[("independent", "on")])
        .await;
    let fields = [
        ("response", response.as_str()),
        ("extract", "Cymraeg"),
        ("new_code", "Language"),
    ];
    let coded = app.post_with_cookie(CODINGS, &second, &fields).await;
    assert_eq!(coded.status(), StatusCode::SEE_OTHER);
    let stored = app.storage().await;
    let hidden = stored.analysis().codings_of_study(&sam()).await.unwrap();
    let (hidden_id, language) = (hidden[0].id.as_str(), hidden[0].code.as_str());

    // The first coder sends the second coder's coding id to every form that takes one.
    let removal = format!("/admin/studies/sam/analysis/codings/{hidden_id}/remove");
    let removed = app
        .post_with_cookie(&removal, &first, &[("back", "r2")])
        .await;
    assert_eq!(location(&removed), GRID);
    let split = [
        ("split_name", "Welsh"),
        ("split_definition", ""),
        ("coding", hidden_id),
    ];
    let split_path = format!("/admin/studies/sam/analysis/codes/{language}/split");
    let refused = app.post_with_cookie(&split_path, &first, &split).await;
    assert_refused(refused, "Choose the extracts that move to the new code").await;
    let subject = format!("coding:{hidden_id}");
    let memo = [("subject", subject.as_str()), ("body", "Too narrow?")];
    let memo_refused = app
        .post_with_cookie("/admin/studies/sam/analysis/memos", &first, &memo)
        .await;
    assert_answered(memo_refused, StatusCode::NOT_FOUND, "no such coding").await;
    let theme = [
        ("theme_name", "Identity"),
        ("central_concept", "Who Sam is"),
        ("within", ""),
    ];
    app.post_with_cookie(THEMES, &first, &theme).await;
    let theme = theme_id(&app, "Identity").await;
    let choose = [("coding", hidden_id), ("chosen", "yes")];
    let review = [("coding", hidden_id), ("verdict", "fits")];
    for (action, form) in [("extracts", choose), ("reviews", review)] {
        let sent = app
            .post_with_cookie(&format!("{THEMES}/{theme}/{action}"), &first, &form)
            .await;
        assert_eq!(sent.status(), StatusCode::NOT_FOUND, "{action}");
    }

    let after = stored.analysis().codings_of_study(&sam()).await.unwrap();
    assert_eq!(after, hidden, "the hidden coding is as it was");
    let themes = stored.analysis().themes(&sam()).await.unwrap();
    assert!(
        themes[0].chosen.is_empty() && themes[0].reviewed.is_empty(),
        "{themes:?}"
    );
    let memos = stored.analysis().memos_of_study(&sam()).await.unwrap();
    assert!(memos.is_empty(), "{memos:?}");
    let (_, log) = app.page("/admin/studies/sam/analysis/log", &first).await;
    assert!(
        !log.contains("“Language” split") && !log.contains("for “Identity”"),
        "{log}"
    );

    // Its own coder still may: a split moves the coding.
    let own = app.post_with_cookie(&split_path, &second, &split).await;
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
    let moved = stored.analysis().codings_of_study(&sam()).await.unwrap();
    assert_eq!(moved[0].code_name, "Welsh");
}

#[tokio::test]
async fn read_marks_are_each_researchers_own_put_unread_answers_first_and_notes_are_kept() {
    let app = TestApp::spawn().await;
    let first = app.submit_response("inpatient", "The first answer").await;
    let first = app.record(&first).await.id.to_string();
    app.submit_response("community", "The second answer").await;
    let researcher = app.signed_in_as("researcher").await;
    let reads = "/admin/studies/sam/analysis/reads";
    let (_, grid) = app.page(GRID, &researcher).await;
    assert!(grid.contains("You have read 0 of 2 answers"), "{grid}");
    assert!(grid.find("The first answer") < grid.find("The second answer"));

    let fields = [
        ("response", first.as_str()),
        ("question", "r2"),
        ("read", "yes"),
    ];
    let marked = app.post_with_cookie(reads, &researcher, &fields).await;
    assert_eq!(location(&marked), format!("{GRID}#answer-{first}-r2-label"));
    let (_, grid) = app.page(GRID, &researcher).await;
    assert!(grid.contains("You have read 1 of 2 answers"), "{grid}");
    assert!(
        grid.find("The second answer") < grid.find("The first answer"),
        "unread first: {grid}"
    );
    assert!(grid.contains("Mark as unread"), "{grid}");
    let secret = app
        .add_staff_with_two_factor("second@example.org", "researcher")
        .await;
    let second = app.sign_in_with_code("second@example.org", &secret).await;
    let (_, theirs) = app.page(GRID, &second).await;
    assert!(theirs.contains("You have read 0 of 2 answers"), "{theirs}");
    let bad = [
        ("response", first.as_str()),
        ("question", "r2"),
        ("read", "maybe"),
    ];
    let refused = app.post_with_cookie(reads, &researcher, &bad).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let unread = [
        ("response", first.as_str()),
        ("question", "r2"),
        ("read", "no"),
    ];
    app.post_with_cookie(reads, &researcher, &unread).await;
    let (_, grid) = app.page(GRID, &researcher).await;
    assert!(grid.contains("You have read 0 of 2 answers"), "{grid}");

    let memos = "/admin/studies/sam/analysis/memos";
    let on_question = [
        ("subject", "question:r2"),
        ("body", "Hope everywhere in r2."),
    ];
    let noted = app.post_with_cookie(memos, &researcher, &on_question).await;
    assert_eq!(
        location(&noted),
        format!("{GRID}?memo=memo-question#memo-question")
    );
    let opened = |page: &str| page.matches("<details open").count();
    let (_, just_noted) = app.page(&location(&noted), &researcher).await;
    let (_, later) = app.page(GRID, &researcher).await;
    assert_eq!(
        (opened(&just_noted), opened(&later)),
        (1, 0),
        "the notes unfolded just after one is added: {just_noted}"
    );
    let on_data = [
        ("subject", "dataset"),
        ("body", "Short answers, written in breaks."),
    ];
    let noted = app.post_with_cookie(memos, &researcher, &on_data).await;
    assert_eq!(
        location(&noted),
        "/admin/studies/sam/analysis?memo=memo-dataset#memo-dataset"
    );
    let (_, grid) = app.page(GRID, &researcher).await;
    assert!(grid.contains("Hope everywhere in r2."), "{grid}");
    let (_, analysis) = app.page("/admin/studies/sam/analysis", &researcher).await;
    assert!(
        analysis.contains("Short answers, written in breaks."),
        "{analysis}"
    );
    let empty = [("subject", "question:r2"), ("body", "")];
    let refused = app.post_with_cookie(memos, &researcher, &empty).await;
    assert_refused(refused, "Write the memo").await;
    let not_written = [("subject", "question:r9"), ("body", "x")];
    let refused = app.post_with_cookie(memos, &researcher, &not_written).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // A withdrawal takes the read marks with it.
    app.post_with_cookie(reads, &researcher, &fields).await;
    let storage = app.storage().await;
    let id = domain::ids::ResponseId::parse(first.clone()).unwrap();
    assert!(storage.responses().delete(&id).await.unwrap());
    let reader = storage
        .staff()
        .by_email("researcher@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let left = storage.analysis().read_by(&sam(), &reader).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn the_grid_is_filtered_by_closed_answers_and_codes_by_name_and_coding_keeps_the_filter() {
    let app = TestApp::spawn().await;
    let inpatient = app
        .submit_response("inpatient", "An inpatient's answer")
        .await;
    let inpatient = app.record(&inpatient).await.id.to_string();
    app.submit_response("community", "A community worker's answer")
        .await;
    let researcher = app.signed_in_as("researcher").await;
    let codes = "/admin/studies/sam/analysis/codes";
    for name in ["Family contact", "Hope"] {
        let fields = [("name", name), ("definition", "")];
        app.post_with_cookie(codes, &researcher, &fields).await;
    }

    let filtered = format!("{GRID}?setting=inpatient&code=fam");
    let (status, grid) = app.page(&filtered, &researcher).await;
    assert_eq!(status, StatusCode::OK);
    assert!(grid.contains("An inpatient's answer"), "{grid}");
    assert!(!grid.contains("A community worker"), "{grid}");
    assert!(grid.contains("Filtered: 1 of 2 answers"), "{grid}");
    assert!(
        grid.contains(">Family contact</label>") && !grid.contains(">Hope</label>"),
        "{grid}"
    );
    let (_, everyone) = app.page(GRID, &researcher).await;
    assert!(everyone.contains("A community worker"), "{everyone}");

    let (status, refused) = app.page(&format!("{GRID}?setting=moon"), &researcher).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused.contains("moon"), "{refused}");

    let fields = [
        ("response", inpatient.as_str()),
        ("question", "r2"),
        ("filter", "?setting=inpatient&code=fam"),
        ("extract", ""),
        ("new_code", "Whole answers"),
    ];
    let coded = app.post_with_cookie(CODINGS, &researcher, &fields).await;
    assert_eq!(
        location(&coded),
        format!("{GRID}?setting=inpatient&code=fam#answer-{inpatient}-r2-label")
    );
    let mut smuggled = fields;
    smuggled[2] = ("filter", "?x=1\r\nSet-Cookie: a=b");
    smuggled[4] = ("new_code", "Smuggled");
    let coded = app.post_with_cookie(CODINGS, &researcher, &smuggled).await;
    assert_eq!(
        location(&coded),
        format!("{GRID}#answer-{inpatient}-r2-label"),
        "a filter that is not a plain query is dropped"
    );
}

#[tokio::test]
async fn the_grid_shows_fifty_answers_a_page_and_its_forms_come_back_to_the_same_page() {
    use futures::StreamExt;
    let app = TestApp::spawn().await;
    let tokens: Vec<String> = futures::stream::iter(0..51)
        .map(|i| {
            let app = &app;
            async move {
                app.submit_response("inpatient", &format!("Answer number {i}."))
                    .await
            }
        })
        .buffer_unordered(6)
        .collect()
        .await;
    app.submit_response("community", "The community answer")
        .await;
    let researcher = app.signed_in_as("researcher").await;
    let sections = |html: &str| html.matches("-r2-label\" class=\"coding\"").count();

    let (_, first) = app.page(GRID, &researcher).await;
    assert_eq!(sections(&first), 50, "{first}");
    assert!(first.contains("You have read 0 of 52 answers"), "{first}");
    assert!(
        first.contains("Showing answers 1 to 50, page 1 of 2."),
        "{first}"
    );
    assert!(
        first.contains(&format!("href=\"{GRID}?page=2\" rel=\"next\"")),
        "{first}"
    );
    assert!(!first.contains("rel=\"prev\""), "{first}");

    let filtered = format!("{GRID}?setting=inpatient&page=2");
    let (_, second) = app.page(&filtered, &researcher).await;
    assert_eq!(sections(&second), 1, "{second}");
    assert!(second.contains("Filtered: 51 of 52 answers"), "{second}");
    assert!(
        second.contains("Showing answers 51 to 51, page 2 of 2."),
        "{second}"
    );
    assert!(
        second.contains(&format!(
            "href=\"{GRID}?setting=inpatient&amp;page=1\" rel=\"prev\""
        )),
        "the page links keep the filter: {second}"
    );
    assert!(
        second.contains("name=\"filter\" value=\"?setting=inpatient&amp;page=2\""),
        "{second}"
    );
    let (_, past_the_end) = app.page(&format!("{GRID}?page=9"), &researcher).await;
    assert!(past_the_end.contains("page 2 of 2"), "{past_the_end}");
    assert_eq!(sections(&past_the_end), 2, "{past_the_end}");
    assert!(
        past_the_end.contains(">P51: Inpatient SW") && past_the_end.contains(">P52: Community SW"),
        "each answer under its own participant's label: {past_the_end}"
    );
    let (_, participant) = app
        .page(&format!("{ANALYSIS}/participants/52"), &researcher)
        .await;
    assert!(
        participant.contains("<h1>P52: Community SW") && !participant.contains("Inpatient SW"),
        "{participant}"
    );
    let (status, refused) = app.page(&format!("{GRID}?page=none"), &researcher).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused.contains("There is no page \"none\""), "{refused}");

    let response = app.record(&tokens[0]).await.id.to_string();
    let fields = [
        ("response", response.as_str()),
        ("question", "r2"),
        ("filter", "?setting=inpatient&page=2"),
        ("extract", ""),
        ("new_code", "Counting"),
    ];
    let coded = app.post_with_cookie(CODINGS, &researcher, &fields).await;
    assert_eq!(
        location(&coded),
        format!("{GRID}?setting=inpatient&page=2#answer-{response}-r2-label")
    );
}

#[tokio::test]
async fn a_code_sits_inside_another_and_is_split_with_the_extracts_chosen() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", ANSWER).await;
    let response = app.record(&token).await.id.to_string();
    let researcher = app.signed_in_as("researcher").await;
    let first = [
        ("response", response.as_str()),
        ("extract", "Cook"),
        ("new_code", "Skills"),
    ];
    app.post_with_cookie(CODINGS, &researcher, &first).await;
    let codes_path = "/admin/studies/sam/analysis/codes";
    let everyday = [("name", "Everyday life"), ("definition", "")];
    app.post_with_cookie(codes_path, &researcher, &everyday)
        .await;
    let codes = app.storage().await.analysis().codes(&sam()).await.unwrap();
    let id = |name: &str| codes.iter().find(|c| c.name == name).unwrap().id.clone();
    let (skills, life) = (id("Skills"), id("Everyday life"));
    let second = [
        ("response", response.as_str()),
        ("extract", "Cymraeg"),
        ("code", skills.as_str()),
    ];
    app.post_with_cookie(CODINGS, &researcher, &second).await;

    let skills_page = format!("{codes_path}/{skills}");
    let moved = app
        .post_with_cookie(
            &format!("{skills_page}/parent"),
            &researcher,
            &[("parent", life.as_str())],
        )
        .await;
    assert_eq!(location(&moved), skills_page);
    let (_, analysis) = app.page("/admin/studies/sam/analysis", &researcher).await;
    assert!(analysis.contains("Everyday life / Skills"), "{analysis}");
    let looped = app
        .post_with_cookie(
            &format!("{codes_path}/{life}/parent"),
            &researcher,
            &[("parent", skills.as_str())],
        )
        .await;
    assert_eq!(looped.status(), StatusCode::BAD_REQUEST);

    let of_skills = app
        .storage()
        .await
        .analysis()
        .codings_of_code(&sam(), &skills)
        .await
        .unwrap();
    let welsh_coding = of_skills
        .iter()
        .find(|c| c.extract == "Cymraeg")
        .unwrap()
        .id
        .clone();
    let split = format!("{skills_page}/split");
    let nameless = app
        .post_with_cookie(
            &split,
            &researcher,
            &[("split_name", " "), ("coding", welsh_coding.as_str())],
        )
        .await;
    assert_refused(nameless, "Enter a name for the code").await;
    let unchosen = app
        .post_with_cookie(
            &split,
            &researcher,
            &[("split_name", "Welsh"), ("split_definition", "")],
        )
        .await;
    assert_refused(unchosen, "Choose the extracts that move to the new code").await;
    let taken = app
        .post_with_cookie(
            &split,
            &researcher,
            &[
                ("split_name", "Everyday life"),
                ("coding", welsh_coding.as_str()),
            ],
        )
        .await;
    assert_refused(taken, "already has a code called").await;
    let done = app
        .post_with_cookie(
            &split,
            &researcher,
            &[
                ("split_name", "Welsh"),
                ("split_definition", "Speaking Welsh"),
                ("coding", welsh_coding.as_str()),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let codes = app.storage().await.analysis().codes(&sam()).await.unwrap();
    let welsh = codes.iter().find(|c| c.name == "Welsh").unwrap();
    assert_eq!(location(&done), format!("{codes_path}/{}", welsh.id));
    assert_eq!(
        welsh.parent.as_deref(),
        Some(life.as_str()),
        "beside the code it came from"
    );
    let by_code: Vec<(String, String)> = codings(&app)
        .await
        .into_iter()
        .map(|(_, _, extract, code)| (extract, code))
        .collect();
    assert!(
        by_code.contains(&("Cymraeg".to_owned(), "Welsh".to_owned())),
        "{by_code:?}"
    );
    assert!(
        by_code.contains(&("Cook".to_owned(), "Skills".to_owned())),
        "{by_code:?}"
    );

    let extracts = download(&app, &researcher, "extracts")
        .await
        .text()
        .await
        .unwrap();
    let rows = rows_of(&extracts);
    assert_eq!(rows[0][10..], ["code_path", "themes"]);
    assert!(
        rows.iter()
            .any(|row| row[7] == "Cymraeg" && row[10] == "Everyday life / Welsh"),
        "{rows:?}"
    );
    let (_, log) = app
        .page("/admin/studies/sam/analysis/log", &researcher)
        .await;
    assert!(
        log.contains("code split") && log.contains("code moved in the tree"),
        "{log}"
    );
}

#[tokio::test]
async fn another_coders_change_reaches_an_open_analysis_page_through_its_feed() {
    let app = TestApp::spawn().await;
    let (response, first, second) = an_answer_and_two_coders(&app).await;
    let (_, grid) = app.page(GRID, &first).await;
    assert!(
        grid.contains("<div role=\"status\" aria-live=\"polite\" class=\"live-changes\">"),
        "{grid}"
    );

    let mut feed = app
        .get_with_cookie("/admin/studies/sam/analysis/live", &first)
        .await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert_eq!(feed.headers()["content-type"], "text/event-stream");
    for (cookie, words, code) in [(&first, "Cook", "Skills"), (&second, "Cymraeg", "Language")] {
        let fields = [
            ("response", response.as_str()),
            ("extract", words),
            ("new_code", code),
        ];
        let coded = app.post_with_cookie(CODINGS, cookie, &fields).await;
        assert_eq!(coded.status(), StatusCode::SEE_OTHER);
    }
    let mut heard = String::new();
    let wanted = "data: second@example.org made a change: code added.";
    while !heard.contains("coding added") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), feed.chunk())
            .await
            .expect("the change is announced within seconds")
            .unwrap()
            .expect("the feed stays open");
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(heard.contains("event: change"), "{heard}");
    assert!(heard.contains(wanted), "{heard}");
    assert!(
        heard.contains("second@example.org made a change: coding added."),
        "{heard}"
    );
    assert!(
        !heard.contains("researcher@example.org"),
        "one's own changes are not announced: {heard}"
    );
}
