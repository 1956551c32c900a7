//! The write-up pack: the analysis as a researcher drafts a findings chapter from it. Its themes
//! (overarching ones with their subthemes), each with its central organising concept, definition,
//! scope and boundaries, its codes and its chosen extracts with the participants' labels; then the
//! method log (every change to the analysis, oldest first). As Markdown and as a Word document.

mod docx;
mod markdown;

use chrono::DateTime;

use super::ExportError;
use super::analysis::redacted_extracts;
use crate::analysis::{Blinding, ThemeStatus};
use crate::storage::{CodeRecord, Storage, ThemeRecord, code_path};
use crate::study::Study;

pub(super) use docx::write_up_docx;
pub(super) use markdown::write_up_markdown;

/// Everything the pack says, gathered once for both formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WriteUp {
    pub study_title: String,
    /// "2026-12-06".
    pub made_on: String,
    pub participants: usize,
    pub codes: usize,
    pub codings: usize,
    pub coders: usize,
    /// Overarching themes, each followed by its subthemes; discarded ones left out.
    pub themes: Vec<ThemeSection>,
    pub discarded: usize,
    pub log: Vec<LogLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ThemeSection {
    pub name: String,
    pub status: &'static str,
    /// The overarching theme's name, for a subtheme.
    pub within: Option<String>,
    pub central_concept: String,
    pub definition: String,
    pub scope: String,
    pub boundaries: String,
    /// (path in the code tree, definition).
    pub codes: Vec<(String, String)>,
    pub extracts: Vec<Quote>,
}

impl ThemeSection {
    /// (name, words) of what is said of the theme before its codes: its status, the theme it is
    /// part of, and its concept, definition, scope and boundaries where they are written.
    pub fn facts(&self) -> Vec<(&'static str, &str)> {
        let mut facts = vec![("Status", self.status)];
        if let Some(within) = &self.within {
            facts.push(("Subtheme of", within.as_str()));
        }
        for (name, value) in [
            ("Central organising concept", &self.central_concept),
            ("Definition", &self.definition),
            ("Scope", &self.scope),
            ("Boundaries", &self.boundaries),
        ] {
            if !value.trim().is_empty() {
                facts.push((name, value.as_str()));
            }
        }
        facts
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Quote {
    pub words: String,
    /// "P17: Inpatient SW, 14 months experience".
    pub label: String,
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LogLine {
    /// "2026-12-06 14:05 UTC".
    pub at: String,
    pub by: String,
    pub action: String,
    pub detail: String,
}

/// The pack's content as `blinding` lets its downloader see the codings; `now` dates it.
pub(super) async fn gather(
    storage: &Storage,
    study: &Study,
    blinding: &Blinding,
    now: i64,
) -> Result<WriteUp, ExportError> {
    let analysis = storage.analysis();
    let codes = analysis.codes(&study.slug).await?;
    let themes = analysis.themes(&study.slug).await?;
    let extracts = redacted_extracts(storage, study, blinding).await?;
    let quote_of = |coding: &str| {
        extracts
            .iter()
            .find(|shown| shown.coding.id == coding)
            .map(|shown| Quote {
                words: shown.extract.clone(),
                label: shown.label.clone(),
                question: study
                    .question(&shown.coding.question)
                    .map_or(shown.coding.question.to_string(), |q| q.label.clone()),
            })
    };
    let section = |theme: &ThemeRecord| ThemeSection {
        name: theme.name.clone(),
        status: theme.status.describe(),
        within: theme
            .parent
            .as_ref()
            .and_then(|parent| themes.iter().find(|t| &t.id == parent))
            .map(|parent| parent.name.clone()),
        central_concept: theme.central_concept.clone(),
        definition: theme.definition.definition.clone(),
        scope: theme.definition.scope.clone(),
        boundaries: theme.definition.boundaries.clone(),
        codes: theme_codes(&codes, theme),
        extracts: theme.chosen.iter().filter_map(|id| quote_of(id)).collect(),
    };
    let mut coders: Vec<&str> = extracts
        .iter()
        .filter_map(|shown| shown.coding.coder.as_deref())
        .collect();
    coders.sort_unstable();
    coders.dedup();
    let mut log = analysis.log_of(&study.slug, i64::MAX, blinding).await?;
    log.reverse();
    Ok(WriteUp {
        study_title: study.title.clone(),
        made_on: time_words(now, "%Y-%m-%d"),
        participants: storage
            .responses()
            .participant_numbers(&study.slug)
            .await?
            .len(),
        codes: codes.iter().filter(|code| !code.archived).count(),
        codings: extracts.len(),
        coders: coders.len(),
        themes: in_reading_order(&themes).into_iter().map(section).collect(),
        discarded: themes
            .iter()
            .filter(|theme| theme.status == ThemeStatus::Discarded)
            .count(),
        log: log
            .into_iter()
            .map(|entry| LogLine {
                at: time_words(entry.at, "%Y-%m-%d %H:%M UTC"),
                by: entry.actor.unwrap_or_else(|| "a removed account".into()),
                action: entry.action,
                detail: entry.detail,
            })
            .collect(),
    })
}

fn theme_codes(codes: &[CodeRecord], theme: &ThemeRecord) -> Vec<(String, String)> {
    theme
        .codes
        .iter()
        .filter_map(|id| codes.iter().find(|code| &code.id == id))
        .map(|code| (code_path(codes, &code.id), code.definition.clone()))
        .collect()
}

/// Final themes first, then those being reviewed, then candidates, by name within each; every
/// overarching theme followed by its subthemes. Discarded themes are left out.
fn in_reading_order(themes: &[ThemeRecord]) -> Vec<&ThemeRecord> {
    let rank = |theme: &ThemeRecord| match theme.status {
        ThemeStatus::Final => 0,
        ThemeStatus::Reviewing => 1,
        ThemeStatus::Candidate => 2,
        ThemeStatus::Discarded => 3,
    };
    let kept = |theme: &&ThemeRecord| theme.status != ThemeStatus::Discarded;
    let is_top = |theme: &&ThemeRecord| {
        theme
            .parent
            .as_ref()
            .is_none_or(|parent| !themes.iter().filter(kept).any(|t| &t.id == parent))
    };
    let mut tops: Vec<&ThemeRecord> = themes.iter().filter(kept).filter(is_top).collect();
    tops.sort_by(|a, b| (rank(a), &a.name).cmp(&(rank(b), &b.name)));
    let mut ordered = Vec::new();
    for top in tops {
        ordered.push(top);
        let mut subthemes: Vec<&ThemeRecord> = themes
            .iter()
            .filter(kept)
            .filter(|t| t.parent.as_deref() == Some(top.id.as_str()))
            .collect();
        subthemes.sort_by(|a, b| (rank(a), &a.name).cmp(&(rank(b), &b.name)));
        ordered.extend(subthemes);
    }
    ordered
}

fn time_words(seconds: i64, format: &str) -> String {
    DateTime::from_timestamp(seconds, 0)
        .map(|at| at.format(format).to_string())
        .unwrap_or_default()
}

/// "29 participants; 3 codes; 12 codings by 2 coders. Made on 2026-12-06. …"
pub(super) fn summary(pack: &WriteUp) -> String {
    let discarded = match pack.discarded {
        0 => String::new(),
        1 => " One discarded theme is left out.".to_owned(),
        n => format!(" {n} discarded themes are left out."),
    };
    format!(
        "{}; {} in use; {} by {}. Written out on {}.{discarded} Extracts are quoted as exported: \
         identifiers the researchers accepted are replaced by their descriptions.",
        counted(pack.participants, "participant"),
        counted(pack.codes, "code"),
        counted(pack.codings, "coding"),
        counted(pack.coders, "coder"),
        pack.made_on
    )
}

/// "1 code", "3 codes".
fn counted(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// The lines a block of text is written in: blank lines dropped, each trimmed.
pub(super) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

#[cfg(test)]
pub(super) mod sample {
    use super::*;

    /// A pack with a theme, a subtheme, an extract whose words need escaping, and a log.
    pub fn write_up() -> WriteUp {
        WriteUp {
            study_title: "Sam: positive risk-taking".into(),
            made_on: "2026-12-06".into(),
            participants: 29,
            codes: 3,
            codings: 12,
            coders: 2,
            themes: vec![
                ThemeSection {
                    name: "Recovery is personal".into(),
                    status: "Final",
                    within: None,
                    central_concept: "Recovery means Sam's own goals".into(),
                    definition: "Workers describe recovery as Sam's.\nNot the service's.".into(),
                    scope: "Goals, hope".into(),
                    boundaries: String::new(),
                    codes: vec![("Hope / Own goals".into(), "Sam names the goal".into())],
                    extracts: vec![Quote {
                        words: "let *Sam* decide <now> & # later".into(),
                        label: "P3: Inpatient SW".into(),
                        question: "What does recovery mean?".into(),
                    }],
                },
                ThemeSection {
                    name: "Small steps".into(),
                    status: "Candidate",
                    within: Some("Recovery is personal".into()),
                    central_concept: String::new(),
                    definition: String::new(),
                    scope: String::new(),
                    boundaries: String::new(),
                    codes: Vec::new(),
                    extracts: Vec::new(),
                },
            ],
            discarded: 1,
            log: vec![LogLine {
                at: "2026-12-06 10:00 UTC".into(),
                by: "a@example.org".into(),
                action: "code added".into(),
                detail: "Hope | pipes".into(),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::ThemeDefinition;

    fn theme(id: &str, status: ThemeStatus, parent: Option<&str>) -> ThemeRecord {
        ThemeRecord {
            id: id.into(),
            name: id.into(),
            central_concept: String::new(),
            status,
            parent: parent.map(Into::into),
            codes: Vec::new(),
            definition: ThemeDefinition::default(),
            chosen: Vec::new(),
            reviewed: Vec::new(),
        }
    }

    #[test]
    fn final_themes_come_first_each_followed_by_its_subthemes_and_discarded_ones_are_left_out() {
        let themes = [
            theme("a candidate", ThemeStatus::Candidate, None),
            theme("b final", ThemeStatus::Final, None),
            theme("c sub of b", ThemeStatus::Candidate, Some("b final")),
            theme("d discarded", ThemeStatus::Discarded, None),
            theme("e sub of d", ThemeStatus::Reviewing, Some("d discarded")),
            theme("f reviewing", ThemeStatus::Reviewing, None),
        ];
        let names: Vec<&str> = in_reading_order(&themes)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["b final", "c sub of b", "e sub of d", "f reviewing", "a candidate"]
        );
    }
}
