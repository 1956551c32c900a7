//! The Likert items as diverging bars, overall and by group (small groups suppressed).

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::likert::{GroupDistribution, LikertItem};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{DivergingBar, Legend, load_by_study, when_loaded};

#[server]
pub async fn load_likert(study: String) -> Result<LikertView, ServerFnError> {
    load::likert(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::data::*;
    use super::super::likert::{Breakdown, Distribution, GroupOf, LikertItem, grouped};

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    use domain::ids::QuestionId;
    use domain::study::QuestionKind;

    /// Splits by what participants were dealt: the vignette variant, and for an item on a scenario
    /// page whose order varies, the place that page was shown in.
    fn dealt_breakdowns(
        study: &domain::study::Study,
        page_slug: &str,
        split: impl Fn(
            &GroupOf<'_>,
            &[(String, String)],
        ) -> Vec<super::super::likert::GroupDistribution>,
    ) -> Vec<Breakdown> {
        let mut breakdowns = Vec::new();
        if !study.variants.is_empty() {
            let variants: Vec<(String, String)> = study
                .variants
                .iter()
                .map(|v| (v.id.clone(), v.label.clone()))
                .collect();
            breakdowns.push(Breakdown {
                by: "vignette variant".into(),
                groups: split(&|p| p.dealt.variant.clone(), &variants),
            });
        }
        if let Some(order) = study
            .scenario_order
            .as_ref()
            .filter(|order| order.pages.iter().any(|slug| slug == page_slug))
        {
            let places: Vec<(String, String)> = (1..=order.pages.len())
                .map(|place| {
                    (
                        place.to_string(),
                        format!("Shown {place} of {}", order.pages.len()),
                    )
                })
                .collect();
            let place_of = |p: &domain::storage::SubmittedAnswers| {
                p.dealt.place_of(page_slug).map(|place| place.to_string())
            };
            breakdowns.push(Breakdown {
                by: "place in the scenario order".into(),
                groups: split(&place_of, &places),
            });
        }
        breakdowns
    }

    pub async fn likert(slug: &str) -> Result<LikertView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let items: Vec<_> = study
            .questions()
            .filter_map(|(page, q)| match &q.kind {
                QuestionKind::Likert { labels } => Some((page, q, labels)),
                _ => None,
            })
            .collect();
        let grouping: Vec<(&QuestionId, Vec<(String, String)>)> = study
            .demographics
            .iter()
            .filter_map(|id| match &study.question(id.as_str())?.kind {
                QuestionKind::Choice { options } => Some((
                    id,
                    options
                        .iter()
                        .map(|o| (o.value.clone(), o.label.clone()))
                        .collect(),
                )),
                _ => None,
            })
            .collect();
        let mut wanted: Vec<&QuestionId> = grouping.iter().map(|(id, _)| *id).collect();
        wanted.extend(items.iter().map(|(_, q, _)| &q.id));
        let participants = state
            .storage
            .responses()
            .submitted_answers(&study.slug, &wanted)
            .await?;
        let min = state.min_group_size;
        let items = items
            .into_iter()
            .map(|(page, q, labels)| {
                let points = labels.len();
                let answers = participants
                    .iter()
                    .filter_map(|p| p.answers.get(&q.id)?.parse().ok());
                LikertItem {
                    id: q.id.to_string(),
                    label: q.label.clone(),
                    page_title: page.title.clone(),
                    scale: labels.clone(),
                    overall: Distribution::of(points, answers),
                    breakdowns: grouping
                        .iter()
                        .map(|(by, groups)| Breakdown {
                            by: study
                                .question(by)
                                .map_or_else(|| by.to_string(), |q| q.short_name().to_lowercase()),
                            groups: grouped(
                                points,
                                &q.id,
                                &participants,
                                &|p| p.answers.get(*by).cloned(),
                                groups,
                                min,
                            ),
                        })
                        .chain(dealt_breakdowns(&study, &page.slug, |group_of, groups| {
                            grouped(points, &q.id, &participants, group_of, groups, min)
                        }))
                        .collect(),
                }
            })
            .collect();
        Ok(LikertView {
            slug: slug.to_owned(),
            title: study.title.clone(),
            min_group_size: min,
            items,
        })
    }
}

#[component]
pub fn LikertPage() -> impl IntoView {
    let data = load_by_study(load_likert);
    when_loaded(data, |l| {
        let min = l.min_group_size;
        view! {
            <Title text=format!("Likert items: {}", l.title)/>
            <a href=format!("/admin/studies/{}", l.slug) class="back-link">"Back to the study"</a>
            <h1>"How the Likert items fall"</h1>
            <p>{format!("Submitted responses only. Groups with fewer than {min} respondents are not shown, so that no one can be singled out.")}</p>
            {l.items.into_iter().map(|item| view! { <LikertSection item min/> }).collect_view()}
        }
    })
}

#[component]
fn LikertSection(item: LikertItem, min: i64) -> impl IntoView {
    let scale = item.scale.clone();
    let groups = |title: String, groups: Vec<GroupDistribution>, scale: Vec<String>| {
        view! {
            <h3 class="heading-s">{title}</h3>
            {groups.into_iter().map(|g| match g.distribution {
                Some(d) => view! { <DivergingBar name=g.group distribution=d scale=scale.clone()/> }.into_any(),
                None => view! {
                    <p class="suppressed">{format!("{}: fewer than {min} respondents, not shown", g.group)}</p>
                }.into_any(),
            }).collect_view()}
        }
    };
    view! {
        <section class="likert" aria-labelledby=format!("{}-title", item.id)>
            <h2 id=format!("{}-title", item.id) class="heading-m">{item.label}</h2>
            <p class="hint">{item.page_title}</p>
            <Legend scale=scale.clone()/>
            <DivergingBar name="All respondents".to_owned() distribution=item.overall scale=scale.clone()/>
            {(!item.breakdowns.is_empty()).then(|| {
                let names: Vec<&str> = item.breakdowns.iter().map(|b| b.by.as_str()).collect();
                let summary = format!("By {}", and_list(&names));
                view! {
                    <details class="details">
                        <summary>{summary}</summary>
                        {item.breakdowns.into_iter().map(|b| groups(format!("By {}", b.by), b.groups, scale.clone())).collect_view()}
                    </details>
                }
            })}
        </section>
    }
}

/// "setting", "setting and role", "setting, role and band".
fn and_list(names: &[&str]) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
