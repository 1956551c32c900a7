//! Themes by setting, role, experience band, vignette variant and Likert answer: how many
//! participants in each group have answers coded into each theme, with groups under the
//! small-group threshold not broken down.

use super::AnalysisHeading;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{load_by_study, when_loaded};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossTabView {
    pub slug: String,
    pub study_title: String,
    pub min_group_size: i64,
    pub tables: Vec<CrossTabTable>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossTabTable {
    /// "setting".
    pub by: String,
    /// (label, people in the group, shown).
    pub groups: Vec<(String, usize, bool)>,
    /// (theme, a count per group; None where the group is too small).
    pub rows: Vec<(String, Vec<Option<usize>>)>,
}

#[server]
pub async fn load_crosstab(study: String) -> Result<CrossTabView, ServerFnError> {
    load::crosstab(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    use domain::analysis::ThemeStatus;
    use domain::analysis::crosstab::themes_by_group;
    use domain::ids::QuestionId;
    use domain::participants::ExperienceBand;
    use domain::storage::{SubmittedAnswers, ThemeRecord};
    use domain::study::{QuestionKind, Study};

    use super::*;
    use crate::analysis::visible_codings;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    /// The groups a demographic question puts participants in: (value, label) of each, and the
    /// group of a stored answer. None for a question that groups no one (free text).
    fn grouping(study: &Study, id: &QuestionId) -> Option<(Vec<(String, String)>, bool)> {
        match &study.question(id.as_str())?.kind {
            QuestionKind::Choice { options } => Some((
                options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect(),
                false,
            )),
            QuestionKind::Likert { labels } => Some((
                labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| ((i + 1).to_string(), label.clone()))
                    .collect(),
                false,
            )),
            QuestionKind::Duration => Some((
                ExperienceBand::ALL
                    .iter()
                    .map(|band| (band.slug().to_owned(), band.label().to_owned()))
                    .collect(),
                true,
            )),
            _ => None,
        }
    }

    /// What participants are grouped by, the (value, label) of each group, and each
    /// participant's group.
    type Grouping = (String, Vec<(String, String)>, BTreeMap<i64, String>);

    /// What participants are grouped by, one table each: the demographic questions, the
    /// vignette variant they were dealt (when the study has variants), and each Likert question.
    fn groupings(
        study: &Study,
        likert: &[QuestionId],
        participants: &[SubmittedAnswers],
    ) -> Vec<Grouping> {
        let name = |id: &QuestionId| {
            study
                .question(id.as_str())
                .map_or_else(|| id.to_string(), |q| q.short_name().to_lowercase())
        };
        let mut found = Vec::new();
        for id in study.demographics.iter().chain(likert) {
            let Some((groups, banded)) = grouping(study, id) else {
                continue;
            };
            let group_of = participants
                .iter()
                .filter_map(|p| {
                    let answer = p.answers.get(id)?;
                    let value = if banded {
                        ExperienceBand::of_answer(answer)?.slug().to_owned()
                    } else {
                        answer.clone()
                    };
                    Some((p.participant_number, value))
                })
                .collect();
            found.push((name(id), groups, group_of));
        }
        if !study.variants.is_empty() {
            let groups = study
                .variants
                .iter()
                .map(|v| (v.id.clone(), v.label.clone()))
                .collect();
            let group_of = participants
                .iter()
                .filter_map(|p| Some((p.participant_number, p.dealt.variant.clone()?)))
                .collect();
            let demographics = study.demographics.len();
            found.insert(
                demographics.min(found.len()),
                ("vignette variant".to_owned(), groups, group_of),
            );
        }
        found
    }

    /// Each theme (not discarded) with the participants whose answers its codes, or its
    /// subthemes' codes, touch.
    fn theme_reach(
        themes: &[ThemeRecord],
        reach_of_code: &HashMap<String, BTreeSet<i64>>,
    ) -> Vec<(String, BTreeSet<i64>)> {
        let kept = |t: &&ThemeRecord| t.status != ThemeStatus::Discarded;
        themes
            .iter()
            .filter(kept)
            .map(|theme| {
                let codes = themes
                    .iter()
                    .filter(|t| t.id == theme.id || t.parent.as_deref() == Some(&theme.id))
                    .flat_map(|t| t.codes.iter());
                let reach = codes
                    .filter_map(|code| reach_of_code.get(code))
                    .flatten()
                    .copied()
                    .collect();
                (theme.name.clone(), reach)
            })
            .collect()
    }

    pub async fn crosstab(slug: &str) -> Result<CrossTabView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let mut reach_of_code: HashMap<String, BTreeSet<i64>> = HashMap::new();
        let codings = analysis.codings_of_study(&study.slug).await?;
        for coding in visible_codings(&state, &study, &staff, codings).await? {
            reach_of_code
                .entry(coding.code)
                .or_default()
                .insert(coding.participant_number);
        }
        let themes = theme_reach(&analysis.themes(&study.slug).await?, &reach_of_code);
        let likert: Vec<QuestionId> = study
            .questions()
            .filter(|(_, q)| matches!(q.kind, QuestionKind::Likert { .. }))
            .map(|(_, q)| q.id.clone())
            .collect();
        let wanted: Vec<&QuestionId> = study.demographics.iter().chain(&likert).collect();
        let participants = state
            .storage
            .responses()
            .submitted_answers(&study.slug, &wanted)
            .await?;
        let minimum = usize::try_from(state.min_group_size).unwrap_or(usize::MAX);
        let mut tables = Vec::new();
        for (by, groups, group_of) in groupings(&study, &likert, &participants) {
            let table = themes_by_group(&themes, &group_of, &groups, minimum);
            tables.push(CrossTabTable {
                by,
                groups: table
                    .groups
                    .into_iter()
                    .map(|g| (g.label, g.people, g.shown))
                    .collect(),
                rows: table.rows,
            });
        }
        Ok(CrossTabView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            min_group_size: state.min_group_size,
            tables,
        })
    }
}

#[component]
pub fn CrossTabPage() -> impl IntoView {
    let data = load_by_study(load_crosstab);
    when_loaded(data, |view| {
        let min = view.min_group_size;
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Themes by group".to_owned()/>
            <p>{format!("How many participants in each group have answers coded into each theme (or its subthemes); discarded themes are left out. A group of fewer than {min} participants is not broken down, so no one can be singled out.")}</p>
            {if view.tables.iter().all(|t| t.rows.is_empty()) {
                view! { <p>"No themes yet."</p> }.into_any()
            } else {
                view.tables.into_iter().map(|table| {
                    let caption = format!("Themes by {}", table.by);
                    let region = caption.clone();
                    view! {
                        <div class="table-wrapper" tabindex="0" role="region" aria-label=region>
                            <table class="table">
                                <caption class="table__caption">{caption}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Theme"</th>
                                        {table.groups.iter().map(|(label, people, _)| view! {
                                            <th scope="col">{format!("{label} (n = {people})")}</th>
                                        }).collect_view()}
                                    </tr>
                                </thead>
                                <tbody>
                                    {table.rows.into_iter().map(|(theme, cells)| view! {
                                        <tr>
                                            <th scope="row">{theme}</th>
                                            {cells.into_iter().map(|cell| view! {
                                                <td>{cell.map_or_else(|| format!("fewer than {min} in group"), |count| count.to_string())}</td>
                                            }).collect_view()}
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                }).collect_view().into_any()
            }}
        }
        .into_any()
    })
}
