//! The published study's themes, which a study file may list so that a workshop can set a room's
//! answers beside them: overarching themes, grouped by what they are about ("What recovery means
//! for Sam"), each with subthemes, each with a one-line summary of the finding.

use serde::{Deserialize, Serialize};

use super::definition::{Invalid, invalid, require_identifier, require_text};

/// A summary is one line on a projector.
pub const SUMMARY_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    pub id: String,
    pub name: String,
    pub summary: String,
    /// What the theme is about: a heading that groups overarching themes. Empty on a subtheme.
    pub about: String,
    pub subthemes: Vec<Theme>,
}

impl Theme {
    /// This theme and its subthemes, in order.
    pub fn with_subthemes(&self) -> impl Iterator<Item = &Theme> {
        std::iter::once(self).chain(self.subthemes.iter())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTheme {
    id: String,
    name: String,
    summary: String,
    about: Option<String>,
    #[serde(default)]
    subthemes: Vec<RawSubtheme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubtheme {
    id: String,
    name: String,
    summary: String,
}

/// Checks every theme: identifiers unique over themes and subthemes together, names and
/// summaries present, summaries one line.
pub(super) fn check_themes(raw: Vec<RawTheme>) -> Result<Vec<Theme>, Invalid> {
    let mut seen: Vec<String> = Vec::new();
    let mut themes = Vec::with_capacity(raw.len());
    for (index, theme) in raw.into_iter().enumerate() {
        let field = format!("themes[{index}]");
        let about = theme.about.unwrap_or_default();
        require_text(&format!("{field}.about"), &about)?;
        let mut subthemes = Vec::with_capacity(theme.subthemes.len());
        for (sub_index, sub) in theme.subthemes.into_iter().enumerate() {
            let sub_field = format!("{field}.subthemes[{sub_index}]");
            subthemes.push(checked(&sub_field, sub.id, sub.name, sub.summary, &mut seen)?);
        }
        let mut checked = checked(&field, theme.id, theme.name, theme.summary, &mut seen)?;
        checked.about = about.trim().to_owned();
        checked.subthemes = subthemes;
        themes.push(checked);
    }
    Ok(themes)
}

fn checked(
    field: &str,
    id: String,
    name: String,
    summary: String,
    seen: &mut Vec<String>,
) -> Result<Theme, Invalid> {
    require_identifier(&format!("{field}.id"), &id)?;
    if seen.contains(&id) {
        return Err(invalid(
            format!("{field}.id"),
            format!("\"{id}\" is used twice"),
        ));
    }
    seen.push(id.clone());
    require_text(&format!("{field}.name"), &name)?;
    require_text(&format!("{field}.summary"), &summary)?;
    if summary.contains('\n') || summary.chars().count() > SUMMARY_MAX_CHARS {
        return Err(invalid(
            format!("{field}.summary"),
            format!("must be one line of at most {SUMMARY_MAX_CHARS} characters"),
        ));
    }
    Ok(Theme {
        id,
        name: name.trim().to_owned(),
        summary: summary.trim().to_owned(),
        about: String::new(),
        subthemes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use crate::study::{Study, StudyError};

    fn sam_source() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../studies/sam.toml"))
            .unwrap()
    }

    fn error_for(edit: impl Fn(String) -> String) -> StudyError {
        Study::parse("broken.toml", &edit(sam_source())).unwrap_err()
    }

    #[test]
    fn the_sam_study_lists_the_papers_four_themes_and_their_subthemes() {
        let study = Study::parse("sam.toml", &sam_source()).unwrap();
        let names: Vec<&str> = study.themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Aligning with the clinical recovery approach",
                "Aligning with recovery-oriented practice",
                "An overprotective, paternalistic approach",
                "Supporting self-determination",
            ]
        );
        let subthemes: usize = study.themes.iter().map(|t| t.subthemes.len()).sum();
        assert_eq!(subthemes, 10);
        assert!(study.themes[0].subthemes.iter().all(|s| s.about.is_empty()));
        assert_eq!(study.themes[3].about, "How to support Sam's positive risks");
        let all: Vec<&str> = study
            .themes
            .iter()
            .flat_map(|t| t.with_subthemes())
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(all.len(), 14);
        assert_eq!(&all[..2], ["clinical-recovery", "clinically-well"]);
    }

    #[test]
    fn a_theme_id_used_twice_is_refused_at_its_line() {
        let error = error_for(|s| s.replacen("id = \"support-system\"", "id = \"clinically-well\"", 1));
        assert_eq!(error.field, "themes[3].subthemes[1].id");
        assert!(error.problem.contains("used twice"), "{error}");
        assert!(error.line.is_some(), "{error}");
    }

    #[test]
    fn a_summary_must_be_one_short_line_and_a_theme_must_say_what_it_is_about() {
        let long = "word ".repeat(50);
        let error = error_for(|s| {
            s.replacen(
                "summary = \"Sam's own goals, choices and pace should steer the support they get.\"",
                &format!("summary = \"{long}\""),
                1,
            )
        });
        assert_eq!(error.field, "themes[1].subthemes[0].summary");
        assert!(error.problem.contains("one line"), "{error}");
        let error = error_for(|s| s.replacen("about = \"What recovery means for Sam\"\n", "", 1));
        assert_eq!(error.field, "themes[0].about");
    }
}
