//! Importing a study file: a malformed one is refused with the line, the field and the problem,
//! and no text whatever makes the importer panic.

use domain::study::{Study, StudyError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn sam() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../studies/sam.toml")).unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    text[..at].matches('\n').count() + 1
}

fn refused(text: &str) -> StudyError {
    match Study::parse("upload.toml", text) {
        Ok(_) => panic!("the text should be refused"),
        Err(error) => error,
    }
}

#[test]
fn a_wrong_value_names_its_line_and_field() {
    let text = sam().replacen("scale = \"support\"", "scale = \"nope\"", 1);
    let error = refused(&text);
    assert_eq!(error.line, Some(line_of(&text, "scale = \"nope\"")));
    assert_eq!(error.field, "pages[3].questions[2].scale");
    assert!(error.problem.contains("nope"), "{error}");
    assert!(
        error.to_string().starts_with(&format!(
            "upload.toml: line {}: pages[3]",
            error.line.unwrap()
        )),
        "{error}"
    );
}

#[test]
fn a_limit_out_of_range_names_its_line() {
    let text = sam().replacen("id = \"r1\"\n", "id = \"r1\"\nmax_chars = 0\n", 1);
    let error = refused(&text);
    assert_eq!(error.line, Some(line_of(&text, "max_chars = 0")));
    assert_eq!(error.field, "pages[2].questions[0].max_chars");
}

#[test]
fn a_wrong_type_and_an_unknown_field_name_their_line_and_field() {
    let text = sam().replacen("id = \"r1\"\n", "id = \"r1\"\nmax_chars = \"many\"\n", 1);
    let error = refused(&text);
    assert_eq!(error.line, Some(line_of(&text, "max_chars = \"many\"")));
    assert_eq!(error.field, "pages[2].questions[0].max_chars");
    assert!(error.problem.contains("invalid type"), "{error}");

    let text = sam().replacen("id = \"r1\"\n", "id = \"r1\"\ncolour = 1\n", 1);
    let error = refused(&text);
    assert_eq!(error.line, Some(line_of(&text, "colour = 1")));
    assert_eq!(error.field, "pages[2].questions[0].colour");
    assert!(error.problem.contains("unknown field `colour`"), "{error}");
}

#[test]
fn a_missing_field_names_the_table_it_belongs_in() {
    let text = sam().replacen("title = \"Meet Sam\"\n", "", 1);
    let error = refused(&text);
    assert_eq!(error.field, "pages[2].title");
    let header = text[..text.find("slug = \"sam\"\nbody").unwrap()]
        .rfind("[[pages]]")
        .unwrap();
    assert_eq!(error.line, Some(text[..header].matches('\n').count() + 1));

    let error = refused(&sam().replacen("version = \"1.0.0\"\n", "", 1));
    assert_eq!((error.line, error.field.as_str()), (None, "version"));
    assert!(error.problem.contains("missing field `version`"), "{error}");
}

#[test]
fn broken_syntax_names_its_line() {
    let text = sam().replacen("id = \"r1\"\n", "id = \"r1\n", 1);
    let error = refused(&text);
    assert_eq!(error.line, Some(line_of(&text, "id = \"r1\n")));
    assert!(error.problem.contains("string"), "{error}");

    let error = refused("slug = \"x\"\n[[pages]\n");
    assert_eq!(error.line, Some(2), "{error}");
}

#[test]
fn a_page_slug_used_twice_names_the_second() {
    let text = sam().replacen("slug = \"scenario-social\"", "slug = \"scenario-money\"", 1);
    let error = refused(&text);
    assert!(error.problem.contains("used twice"), "{error}");
    assert_eq!(
        error.line,
        Some(line_of(
            &text,
            "slug = \"scenario-money\"\ntitle = \"Situation 3"
        ))
    );
}

/// Mutations a person editing the file by hand (or a damaged upload) might make.
fn mutate(text: &str, rng: &mut StdRng) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let at = |rng: &mut StdRng, len: usize| rng.random_range(0..len.max(1));
    match rng.random_range(0..7) {
        0 if !lines.is_empty() => {
            let i = at(rng, lines.len());
            lines.remove(i);
            lines.join("\n")
        }
        1 if !lines.is_empty() => {
            let i = at(rng, lines.len());
            lines.insert(i, lines[i]);
            lines.join("\n")
        }
        2 if lines.len() > 1 => {
            let (i, j) = (at(rng, lines.len()), at(rng, lines.len()));
            lines.swap(i, j);
            lines.join("\n")
        }
        3 => {
            let cut = at(rng, text.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            text[..cut].to_owned()
        }
        4 => {
            const INSERTS: [&str; 12] = [
                "\"", "[", "]", "=", "\n", "{", "#", "'", "\\", "é", "\u{0}", "\"\"\"",
            ];
            let mut out = text.to_owned();
            let cut = at(rng, text.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            out.insert_str(cut, INSERTS[at(rng, INSERTS.len())]);
            out
        }
        5 => {
            let numbers = ["0", "-1", "99999999999999999999", "1.5", "true", "\"\""];
            let replacement = numbers[at(rng, numbers.len())];
            match text.match_indices(" = ").nth(at(rng, 200)) {
                Some((i, _)) => {
                    let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                    format!("{} = {replacement}{}", &text[..i], &text[end..])
                }
                None => text.to_owned(),
            }
        }
        _ => {
            let quoted: Vec<_> = text.match_indices("\"").map(|(i, _)| i).collect();
            if quoted.len() < 2 {
                return text.to_owned();
            }
            let i = at(rng, quoted.len() - 1);
            format!("{}\"\"{}", &text[..quoted[i]], &text[quoted[i + 1] + 1..])
        }
    }
}

#[test]
fn no_mutation_of_the_sam_file_panics_and_every_refusal_points_inside_the_text() {
    let sam = sam();
    let mut rng = StdRng::seed_from_u64(0x5a3);
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..3_000 {
        let mut text = sam.clone();
        for _ in 0..rng.random_range(1..=3) {
            text = mutate(&text, &mut rng);
        }
        match Study::parse("fuzz.toml", &text) {
            Ok(study) => {
                accepted += 1;
                assert!(!study.pages.is_empty(), "round {round}");
            }
            Err(error) => {
                refused += 1;
                let lines = text.lines().count() + 1;
                if let Some(line) = error.line {
                    assert!((1..=lines).contains(&line), "round {round}: {error}");
                }
                assert!(!error.field.is_empty(), "round {round}: {error}");
                assert!(!error.problem.is_empty(), "round {round}: {error}");
                assert!(
                    error.to_string().starts_with("fuzz.toml: "),
                    "round {round}"
                );
            }
        }
    }
    eprintln!("{accepted} mutated files accepted, {refused} refused");
    // Both outcomes were exercised: the mutations are neither all harmless nor all fatal.
    assert!(
        accepted > 100 && refused > 1_000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn only_a_question_quoted_from_the_instrument_can_be_adapted() {
    let text = sam().replacen(
        "id = \"setting\"\n",
        "id = \"setting\"\nadapted = true\n",
        1,
    );
    let error = refused(&text);
    assert_eq!(error.field, "pages[0].questions[0].adapted");
    assert_eq!(error.line, Some(line_of(&text, "adapted = true")));
}
