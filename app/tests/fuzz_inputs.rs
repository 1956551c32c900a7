//! Property-based fuzzing of what comes from outside: study files and participants' answers.
//! Runs briefly in CI (PROPTEST_CASES, default 256 per property); any input that panics, or that
//! is accepted in a form the database should not hold, fails with the input shown.
#![cfg(feature = "ssr")]

use app::survey::flow::read_page_form;
use axum::http::{HeaderMap, HeaderValue, header};
use domain::answer::{MAX_EXPERIENCE_MONTHS, ValidAnswer};
use domain::study::{QuestionKind, Study};
use proptest::prelude::*;

fn sam_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../studies/sam.toml");
    std::fs::read_to_string(path).unwrap()
}

fn sam() -> Study {
    Study::parse("sam.toml", &sam_source()).unwrap()
}

/// Text as people (and attackers) send it: any characters, with line breaks and controls likely.
fn typed_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('\r'),
                Just('\n'),
                Just('\t'),
                Just('\u{0}'),
                Just(' '),
                Just('é'),
                Just('😀'),
                any::<char>()
            ],
            0..64
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// A study file with one line removed, duplicated or cut short: near-valid input finds more paths.
fn mutated_study() -> impl Strategy<Value = String> {
    let lines = sam_source().lines().count();
    (0..lines, 0..3u8, 0..80usize).prop_map(|(line, how, cut)| {
        let source = sam_source();
        let mut out: Vec<String> = source.lines().map(str::to_owned).collect();
        match how {
            0 => {
                out.remove(line);
            }
            1 => out.insert(line, out[line].clone()),
            _ => out[line] = out[line].chars().take(cut).collect(),
        }
        out.join("\n")
    })
}

proptest! {
    #[test]
    fn any_text_as_a_study_file_is_refused_or_loaded_never_a_panic(text in any::<String>()) {
        if let Err(error) = Study::parse("fuzz.toml", &text) {
            prop_assert!(error.to_string().starts_with("fuzz.toml: "));
        }
    }

    #[test]
    fn a_damaged_study_file_names_its_problem_or_still_loads(text in mutated_study()) {
        match Study::parse("sam.toml", &text) {
            Ok(study) => prop_assert!(!study.pages.is_empty()),
            Err(error) => {
                prop_assert!(!error.field.is_empty());
                prop_assert!(!error.problem.is_empty());
            }
        }
    }

    #[test]
    fn accepted_answers_are_stored_in_a_form_the_study_allows(raw in typed_text()) {
        let study = sam();
        for (_, question) in study.questions() {
            let Ok(answer) = ValidAnswer::parse(question, &raw) else { continue };
            let Some(stored) = answer.into_stored() else {
                prop_assert!(raw.trim().is_empty());
                continue;
            };
            match &question.kind {
                QuestionKind::Text { max_chars } => {
                    prop_assert_eq!(&stored, &raw.replace("\r\n", "\n"));
                    prop_assert!(stored.chars().count() <= *max_chars);
                    prop_assert!(!stored.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
                }
                QuestionKind::Likert { labels } => {
                    let point: usize = stored.parse().unwrap();
                    prop_assert!((1..=labels.len()).contains(&point));
                }
                QuestionKind::Choice { options } => {
                    prop_assert!(options.iter().any(|o| o.value == stored));
                }
                QuestionKind::Duration => {
                    prop_assert!(stored.parse::<u32>().unwrap() <= MAX_EXPERIENCE_MONTHS);
                }
            }
            // What is stored reads back as itself: re-saving never changes an answer.
            let again = ValidAnswer::parse(question, &stored).unwrap().into_stored();
            prop_assert_eq!(again.as_deref(), Some(stored.as_str()));
        }
    }

    #[test]
    fn years_and_months_in_any_form_give_a_bounded_duration(years in typed_text(), months in typed_text()) {
        if let Ok(Some(total)) = ValidAnswer::parse_years_months(&years, &months).map(ValidAnswer::into_stored) {
            prop_assert!(total.parse::<u32>().unwrap() <= MAX_EXPERIENCE_MONTHS);
        }
    }

    #[test]
    fn any_form_sent_to_any_page_is_checked_without_panicking(
        page in 0..7usize,
        fields in proptest::collection::vec((prop_oneof![
            Just("r1".to_owned()), Just("setting".to_owned()), Just("experience-years".to_owned()),
            Just("return".to_owned()), any::<String>()
        ], typed_text()), 0..6),
    ) {
        let study = sam();
        let page = &study.pages[page % study.pages.len()];
        if let Ok(form) = read_page_form(page, &fields) {
            for (question, _) in &form.changes {
                prop_assert!(page.questions.iter().any(|q| &q.id == question));
            }
        }
    }

    #[test]
    fn any_body_is_read_as_a_form_or_refused(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        if let Ok(fields) = app::form_posts::parse_form(&headers, &body) {
            prop_assert!(fields.len() <= body.len() + 1);
        }
    }
}
