//! Balanced designs: each participant is dealt a scenario order and a vignette variant at consent
//! from a counter in the database, meets the study that way on any device, and every export and
//! researcher view can split by them. On both engines; on PostgreSQL, two instances deal from the
//! one counter.

use std::collections::BTreeMap;

use futures::StreamExt;
use reqwest::StatusCode;

use crate::support::{
    TestApp, complete_answers, config_for, http_client, location, set_cookie_value, studies_dir,
    uses_postgres,
};

const SCENARIOS: [&str; 3] = ["scenario-money", "scenario-medication", "scenario-social"];

/// Sam's vignette as "she", "he" and "they": the file's own words, and two rewordings.
const THREE_VARIANTS: &str = r#"
[[variants]]
id = "she"
label = "Sam described as she"

[[variants]]
id = "he"
label = "Sam described as he"
[variants.pages.sam]
body = "Sam is 27. He has just moved into a flat of his own."

[[variants]]
id = "they"
label = "Sam described as they"
[variants.pages.sam]
body = "Sam is 27. They have just moved into a flat of their own."
"#;

/// A folder with the Sam study dealt in all six orders, its situations' titles unnumbered, and
/// three variants of the vignette.
fn balanced_sam_folder(design: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let sam = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
    let balanced = sam
        .replacen("design = \"fixed\"", &format!("design = \"{design}\""), 1)
        .replace("title = \"Situation 1 of 3: ", "title = \"")
        .replace("title = \"Situation 2 of 3: ", "title = \"")
        .replace("title = \"Situation 3 of 3: ", "title = \"")
        + THREE_VARIANTS;
    assert_ne!(balanced, sam);
    std::fs::write(folder.path().join("sam.toml"), balanced).unwrap();
    folder
}

/// Consents without a limit on how many starts one address makes.
async fn spawn_balanced(folder: &tempfile::TempDir) -> TestApp {
    let studies = folder.path().to_owned();
    TestApp::spawn_with(|config| {
        config.studies_dir = studies;
        config.operations.starts_per_minute = "1000000".parse().unwrap();
        config.operations.requests_per_minute = "1000000".parse().unwrap();
    })
    .await
}

fn dealt_order(stored: Option<String>) -> Vec<String> {
    let stored = stored.expect("an order is dealt at consent");
    let order: Vec<String> = stored.split(' ').map(str::to_owned).collect();
    let mut sorted = order.clone();
    sorted.sort();
    let mut expected = SCENARIOS.map(str::to_owned).to_vec();
    expected.sort();
    assert_eq!(sorted, expected, "each scenario once in {stored}");
    order
}

fn fields_of(page: &str) -> Vec<(&'static str, &'static str)> {
    complete_answers()
        .into_iter()
        .find(|(slug, _)| *slug == page)
        .map(|(_, fields)| fields)
        .unwrap()
}

#[tokio::test]
async fn a_participant_meets_the_scenarios_in_the_order_dealt_on_any_device() {
    let folder = balanced_sam_folder("all-orders");
    let app = spawn_balanced(&folder).await;
    let token = app.consent().await;
    let order = dealt_order(app.record(&token).await.dealt.scenario_order);

    // The vignette leads to the first scenario dealt, each scenario to the next, the last to
    // "Your views". Halfway, the participant moves to another device with their private link.
    let mut token = token;
    let mut page = "sam".to_owned();
    for next in order.iter().chain(["your-views".to_owned()].iter()) {
        let response = app.post_step(&token, &page, &fields_of(&page)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "saving {page}");
        assert_eq!(location(&response), format!("/s/sam/answers/{next}"));
        page = next.clone();
        if page == order[1] {
            let other_device = http_client();
            let resumed = other_device
                .post(app.url("/s/sam/resume"))
                .form(&[("link", token.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(resumed.status(), StatusCode::SEE_OTHER);
            assert_eq!(
                location(&resumed),
                format!("/s/sam/answers/{}?link=new", order[1])
            );
            token = set_cookie_value(&resumed, "resume-sam").expect("the new link in a cookie");
        }
    }
    // The first scenario page goes back to the vignette; the check page lists the situations
    // in the participant's order.
    let (_, first) = app.step_html(&token, &order[0]).await;
    assert!(
        first.contains("href=\"/s/sam/answers/sam\""),
        "back to the vignette"
    );
    let (_, check) = app.step_html(&token, "check").await;
    let headings: Vec<&str> = check.split("<h2 class=\"heading-m\">").skip(1).collect();
    let place_of = |words: &str| {
        headings
            .iter()
            .position(|heading| heading.split('<').next().unwrap_or("").contains(words))
            .unwrap_or_else(|| panic!("\"{words}\" heads a section of the check page"))
    };
    let places: Vec<usize> = ["s money", "s medication", "night at the pub"]
        .into_iter()
        .map(place_of)
        .collect();
    let mut by_place: Vec<(usize, &str)> = places.into_iter().zip(SCENARIOS).collect();
    by_place.sort();
    let shown: Vec<&str> = by_place.into_iter().map(|(_, slug)| slug).collect();
    assert_eq!(shown, order);
}

/// How many responses were dealt each value of a column (`scenario_order`, `vignette_variant`),
/// read from the database.
async fn counts_of(app: &TestApp, column: &str) -> BTreeMap<String, i64> {
    let pool = app.pool().await;
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT {column}, COUNT(*) FROM responses GROUP BY {column}"
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    rows.into_iter().collect()
}

async fn orders_dealt(app: &TestApp) -> BTreeMap<String, i64> {
    counts_of(app, "scenario_order").await
}

fn spread(counts: &BTreeMap<String, i64>) -> i64 {
    counts.values().max().unwrap() - counts.values().min().unwrap()
}

#[tokio::test]
async fn a_thousand_concurrent_consents_keep_every_order_and_variant_within_one_of_the_others() {
    const CONSENTS: usize = 1_000;
    let folder = balanced_sam_folder("all-orders");
    let first = spawn_balanced(&folder).await;
    // On PostgreSQL a second instance shares the database and deals from the same counter.
    let second = if uses_postgres() {
        let studies = folder.path().to_owned();
        Some(
            first
                .spawn_beside(|config| {
                    config.studies_dir = studies;
                    config.operations.starts_per_minute = "1000000".parse().unwrap();
                })
                .await,
        )
    } else {
        None
    };
    let instances: Vec<&TestApp> = std::iter::once(&first).chain(second.as_ref()).collect();
    let started = futures::stream::iter(0..CONSENTS)
        .map(|i| {
            let app = instances[i % instances.len()];
            async move {
                let response = app.post_form("/s/sam/consent", &[("consent", "yes")]).await;
                response.status()
            }
        })
        .buffer_unordered(64)
        .collect::<Vec<_>>()
        .await;
    assert!(
        started
            .iter()
            .all(|status| *status == StatusCode::SEE_OTHER),
        "{started:?}"
    );

    let dealt = orders_dealt(&first).await;
    let variants = counts_of(&first, "vignette_variant").await;
    println!(
        "{} instance(s), {CONSENTS} consents, orders dealt: {dealt:?}, variants dealt: {variants:?}",
        instances.len()
    );
    assert_eq!(dealt.len(), 6, "every order is dealt: {dealt:?}");
    assert_eq!(dealt.values().sum::<i64>(), CONSENTS as i64);
    assert!(
        spread(&dealt) <= 1,
        "orders within one of each other: {dealt:?}"
    );
    for order in dealt.keys() {
        dealt_order(Some(order.clone()));
    }
    assert_eq!(variants.keys().collect::<Vec<_>>(), ["he", "she", "they"]);
    assert_eq!(variants.values().sum::<i64>(), CONSENTS as i64);
    assert!(
        spread(&variants) <= 1,
        "variants within one of each other: {variants:?}"
    );
}

#[tokio::test]
async fn a_latin_square_places_each_scenario_first_equally_often() {
    let folder = balanced_sam_folder("latin-square");
    let app = spawn_balanced(&folder).await;
    for _ in 0..12 {
        app.consent().await;
    }
    let dealt = orders_dealt(&app).await;
    let mut first_places: BTreeMap<String, i64> = BTreeMap::new();
    for (order, count) in &dealt {
        *first_places
            .entry(dealt_order(Some(order.clone()))[0].clone())
            .or_default() += count;
    }
    assert_eq!(
        first_places.values().collect::<Vec<_>>(),
        [&4, &4, &4],
        "{dealt:?}"
    );
}

#[tokio::test]
async fn exports_give_each_participants_order_and_each_scenarios_place() {
    let folder = balanced_sam_folder("all-orders");
    let app = spawn_balanced(&folder).await;
    let mut tokens = Vec::new();
    for setting in ["inpatient", "community"] {
        tokens.push(app.submit_response(setting, "An answer").await);
    }
    let cookie = app.signed_in_as("researcher").await;
    let response = app
        .get_with_cookie("/admin/studies/sam/exports/csv-wide", &cookie)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers[..9],
        [
            "participant",
            "submitted_on",
            "study_version",
            "source",
            "scenario_order",
            "position_scenario_money",
            "position_scenario_medication",
            "position_scenario_social",
            "vignette_variant"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    for (row, token) in rows.iter().zip(&tokens) {
        let record = app.record(token).await;
        assert_eq!(&row[2], "1", "the study's first version");
        assert_eq!(&row[3], "survey");
        assert_eq!(Some(&row[8]), record.dealt.variant.as_deref());
        let order = dealt_order(record.dealt.scenario_order);
        assert_eq!(&row[4], order.join(" "));
        for (column, scenario) in (5..8).zip(SCENARIOS) {
            let place = order.iter().position(|slug| slug == scenario).unwrap() + 1;
            assert_eq!(row[column], place.to_string(), "{scenario} in {}", &row[4]);
        }
    }
    let first_order = dealt_order(app.record(&tokens[0]).await.dealt.scenario_order).join(" ");

    // The REFI-QDA project gives each case its order and places as variables.
    let qdpx = app
        .get_with_cookie("/admin/studies/sam/exports/qdpx", &cookie)
        .await
        .bytes()
        .await
        .unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(qdpx)).unwrap();
    let mut project = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("project.qde").unwrap(), &mut project)
        .unwrap();
    assert!(project.contains("name=\"scenario_order\" typeOfVariable=\"Text\""));
    assert!(project.contains("name=\"position_scenario_money\" typeOfVariable=\"Integer\""));
    assert!(project.contains(&format!("<TextValue>{first_order}</TextValue>")));

    // The workbook has the same columns, places as numbers.
    let xlsx = app
        .get_with_cookie("/admin/studies/sam/exports/xlsx", &cookie)
        .await
        .bytes()
        .await
        .unwrap();
    let (sheet, _, _) = crate::exports::read_xlsx(&xlsx);
    assert_eq!(crate::exports::sheet_header(&sheet)[..9], headers[..9]);
    let first_row: Vec<calamine::Data> = sheet.rows().nth(1).unwrap().to_vec();
    assert_eq!(
        first_row[2],
        calamine::Data::Float(1.0),
        "the version as a number"
    );
    assert_eq!(first_row[3], calamine::Data::String("survey".into()));
    assert_eq!(first_row[4], calamine::Data::String(first_order));
    assert!(matches!(first_row[5], calamine::Data::Float(place) if (1.0..=3.0).contains(&place)));

    // The command-line export of the same study says the same.
    let mut config = config_for(&app.database_url);
    config.studies_dir = folder.path().to_owned();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("sam.csv");
    server::startup::export(&config, "sam", "csv-wide", &file, Default::default())
        .await
        .unwrap();
    let exported = std::fs::read_to_string(file).unwrap();
    assert_eq!(exported.lines().next(), text.lines().next());
}

/// Three submitted responses whose R2 answers say their number ("Answer number 0", …), with what
/// each was dealt.
async fn three_numbered_responses(app: &TestApp) -> Vec<domain::study::Dealt> {
    let mut dealt = Vec::new();
    for (i, setting) in ["inpatient", "community", "inpatient"]
        .into_iter()
        .enumerate()
    {
        let token = app
            .submit_response(setting, &format!("Answer number {i}"))
            .await;
        dealt.push(app.record(&token).await.dealt);
    }
    dealt
}

/// The numbers of the responses whose R2 answers the answers page shows with `query`, and the page.
async fn numbered_answers_shown(app: &TestApp, cookie: &str, query: &str) -> (Vec<usize>, String) {
    let answers = app
        .get_with_cookie(&format!("/admin/studies/sam/questions/r2?{query}"), cookie)
        .await;
    assert_eq!(answers.status(), StatusCode::OK);
    let page = answers.text().await.unwrap();
    let shown = (0..3)
        .filter(|i| page.contains(&format!("Answer number {i}")))
        .collect();
    (shown, page)
}

#[tokio::test]
async fn researchers_read_answers_split_by_the_order_dealt() {
    let folder = balanced_sam_folder("all-orders");
    let app = spawn_balanced(&folder).await;
    let orders: Vec<String> = three_numbered_responses(&app)
        .await
        .into_iter()
        .map(|dealt| dealt_order(dealt.scenario_order).join(" "))
        .collect();
    assert_ne!(orders[0], orders[1], "a block deals different orders");
    let cookie = app.signed_in_as("researcher").await;
    let query = |order: &str| {
        let encoded: String = order.replace(' ', "+");
        format!("order={encoded}")
    };

    let (shown, page) = numbered_answers_shown(&app, &cookie, &query(&orders[0])).await;
    let expected: Vec<usize> = (0..3).filter(|&i| orders[i] == orders[0]).collect();
    assert_eq!(shown, expected);
    assert!(
        page.contains("Scenario order"),
        "the filter form offers the orders"
    );

    let responses = app
        .get_with_cookie(
            &format!("/admin/studies/sam/responses?{}", query(&orders[1])),
            &cookie,
        )
        .await;
    let page = responses.text().await.unwrap();
    let matching = orders.iter().filter(|o| **o == orders[1]).count();
    assert!(
        page.contains(&format!("{matching} matching")),
        "{matching} matching"
    );

    let refused = app
        .get_with_cookie("/admin/studies/sam/responses?order=scenario-money", &cookie)
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let log = app
        .get_with_cookie("/admin/audit", &app.signed_in_as("owner").await)
        .await;
    let log = log.text().await.unwrap();
    assert!(
        log.contains(&format!("scenario order {}", orders[0])),
        "the audit log names the filter"
    );
}

#[tokio::test]
async fn each_participant_reads_the_vignette_variant_dealt_to_them() {
    let folder = balanced_sam_folder("all-orders");
    let app = spawn_balanced(&folder).await;
    let mut seen = BTreeMap::new();
    for _ in 0..3 {
        let token = app.consent().await;
        let variant = app
            .record(&token)
            .await
            .dealt
            .variant
            .expect("a variant is dealt");
        let (status, page) = app.step_html(&token, "sam").await;
        assert_eq!(status, StatusCode::OK);
        let words = match variant.as_str() {
            "he" => "He has just moved into a flat of his own.",
            "they" => "They have just moved into a flat of their own.",
            _ => "",
        };
        for other in ["He has just moved", "They have just moved"] {
            assert_eq!(
                page.contains(other),
                words.starts_with(other),
                "{variant}: {other}"
            );
        }
        seen.insert(variant, token);
    }
    assert_eq!(
        seen.len(),
        3,
        "three consents deal the three variants once each: {seen:?}"
    );
}

#[tokio::test]
async fn likert_charts_split_by_variant_and_place_and_hide_small_groups() {
    let folder = balanced_sam_folder("all-orders");
    let app = spawn_balanced(&folder).await;
    for setting in ["inpatient", "community", "inpatient"] {
        app.submit_response(setting, "An answer").await;
    }
    let cookie = app.signed_in_as("researcher").await;
    let response = app
        .get_with_cookie("/admin/studies/sam/likert", &cookie)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("vignette variant"), "a split by variant");
    assert!(
        page.contains("place in the scenario order"),
        "a split by place"
    );
    // One participant a variant, or a place, is far below the smallest group shown (10).
    for group in [
        "Sam described as they",
        "Sam described as he",
        "Shown 1 of 3",
    ] {
        assert!(
            page.contains(&format!("{group}: fewer than 10 respondents, not shown")),
            "{group} is named and hidden"
        );
    }
}

#[tokio::test]
async fn researchers_filter_answers_by_the_variant_dealt() {
    let folder = balanced_sam_folder("all-orders");
    let app = spawn_balanced(&folder).await;
    let variants: Vec<String> = three_numbered_responses(&app)
        .await
        .into_iter()
        .map(|dealt| dealt.variant.unwrap())
        .collect();
    let cookie = app.signed_in_as("researcher").await;
    let query = format!("variant={}", variants[1]);
    let (shown, page) = numbered_answers_shown(&app, &cookie, &query).await;
    assert_eq!(shown, [1], "three consents deal three different variants");
    assert!(page.contains("Vignette variant"));
}

/// The coding grid narrows to a variant or an order dealt, and themes are counted by variant
/// (with every group under the small-group threshold shown by its size only).
#[tokio::test]
async fn the_coding_grid_filters_by_variant_and_order_and_themes_are_counted_by_variant() {
    let folder = balanced_sam_folder("all-orders");
    let app = spawn_balanced(&folder).await;
    let dealt = three_numbered_responses(&app).await;
    let cookie = app.signed_in_as("researcher").await;
    let grid = "/admin/studies/sam/analysis/questions/r2";
    for (query, value) in [
        ("variant", dealt[1].variant.clone().unwrap()),
        ("order", dealt[1].scenario_order.clone().unwrap()),
    ] {
        let response = app
            .get_with_cookie(&format!("{grid}?{query}={value}"), &cookie)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        let shown: Vec<usize> = (0..3)
            .filter(|i| page.contains(&format!("Answer number {i}")))
            .collect();
        assert_eq!(shown, [1], "{query}: {page}");
    }

    let fields = [
        ("theme_name", "Everyday life"),
        ("central_concept", ""),
        ("within", ""),
    ];
    let themes = "/admin/studies/sam/analysis/themes";
    app.post_with_cookie(themes, &cookie, &fields).await;
    let by_group = app
        .page_text("/admin/studies/sam/analysis/by-group", &cookie)
        .await;
    for expected in [
        "Themes by vignette variant",
        "Sam described as she (n = 1)",
        "Sam described as they (n = 1)",
    ] {
        assert!(by_group.contains(expected), "{expected}: {by_group}");
    }
}

/// PSPP reads the SPSS export of a balanced study: the design columns with their labels, the
/// variants' codes with theirs.
#[tokio::test]
async fn pspp_reads_the_order_and_the_variant_of_each_participant() {
    use domain::export::ExportFormat;
    let folder = balanced_sam_folder("latin-square");
    let app = spawn_balanced(&folder).await;
    let token = app.submit_response("inpatient", "An answer").await;
    let record = app.record(&token).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_for(&app.database_url);
    config.studies_dir = folder.path().to_owned();
    let sam = crate::support::sam();
    for format in [ExportFormat::CsvSpss, ExportFormat::SpssSyntax] {
        let out = dir.path().join(format.file_name(&sam));
        server::startup::export(&config, "sam", format.slug(), &out, Default::default())
            .await
            .unwrap();
    }
    let syntax = ExportFormat::SpssSyntax.file_name(&sam);
    let mut commands = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join(&syntax))
        .unwrap();
    std::io::Write::write_all(&mut commands, b"DISPLAY DICTIONARY.\nLIST.\n").unwrap();

    let tables = crate::exports::run_pspp(dir.path(), &syntax);
    let variables = crate::exports::pspp_table(&tables, "Variables");
    let names: Vec<&str> = variables.iter().map(|row| row[0].as_str()).collect();
    for design in [
        "scenario_order",
        "position_scenario_social",
        "vignette_variant",
    ] {
        assert!(names.contains(&design), "{design} in {names:?}");
    }
    let labels = crate::exports::pspp_table(&tables, "Value Labels");
    assert!(
        labels
            .iter()
            .any(|row| row.iter().any(|cell| cell == "Sam described as they")),
        "{labels:#?}"
    );
    let cases = crate::exports::pspp_table(&tables, "Data List");
    let header = &cases[0];
    let case = &cases[1];
    let cell = |name: &str| &case[header.iter().position(|c| c == name).unwrap()];
    assert_eq!(
        Some(cell("vignette_variant").trim()),
        record.dealt.variant.as_deref()
    );
    assert_eq!(
        Some(cell("scenario_order").trim()),
        record.dealt.scenario_order.as_deref()
    );
    let order = dealt_order(record.dealt.scenario_order);
    let social = order
        .iter()
        .position(|slug| slug == "scenario-social")
        .unwrap()
        + 1;
    assert_eq!(cell("position_scenario_social").trim(), social.to_string());
}
