//! A study's progress: responses started and submitted, where people stopped, time to complete.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::shared::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{load_by_study, when_loaded};

#[server]
pub async fn load_dashboard(study: String) -> Result<DashboardView, ServerFnError> {
    load::dashboard(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::data::*;

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    use super::super::shared::load::*;

    pub async fn dashboard(slug: &str) -> Result<DashboardView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let progress = state.storage.responses().progress(&study.slug).await?;
        let minimum = state.min_group_size;
        let small_groups =
            domain::export::small_groups::small_groups_of(&state.storage, &study, minimum).await?;
        let stopped_at = step_titles(&study)
            .into_iter()
            .map(|(step, title)| {
                let count = progress
                    .in_progress_by_step
                    .iter()
                    .find(|(s, _)| *s == step as i64)
                    .map_or(0, |(_, n)| *n);
                StepCount { step, title, count }
            })
            .collect();
        Ok(DashboardView {
            slug: study.slug.to_string(),
            title: study.title.clone(),
            started: progress.started,
            submitted: progress.submitted,
            in_progress: progress.started - progress.submitted,
            completion_percent: (progress.started > 0)
                .then(|| progress.submitted * 100 / progress.started),
            median_minutes: median(&progress.minutes_to_complete),
            stopped_at,
            submitted_per_day: progress
                .submitted_per_day
                .into_iter()
                .map(|(day, count)| DayCount { day, count })
                .collect(),
            questions: study
                .questions()
                .filter(|(_, q)| q.is_written())
                .map(|(page, q)| QuestionLink {
                    id: q.id.to_string(),
                    page_title: page.title.clone(),
                    label: q.label.clone(),
                })
                .collect(),
            small_group_warning: domain::export::small_groups::warning(
                &study,
                &small_groups,
                minimum,
            ),
            exports: domain::export::ExportFormat::ALL
                .iter()
                .map(|format| ExportLink {
                    format: format.slug().to_owned(),
                    description: format.description().to_owned(),
                })
                .collect(),
        })
    }

    /// The middle value of sorted whole numbers; the lower middle of an even count.
    fn median(sorted: &[i64]) -> Option<i64> {
        sorted.get(sorted.len().saturating_sub(1) / 2).copied()
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = load_by_study(load_dashboard);
    when_loaded(data, |d| {
        let slug = d.slug.clone();
        view! {
            <Title text=format!("Progress: {}", d.title)/>
            <h1>{d.title}</h1>
            <dl class="figures">
                <div><dt>"Started"</dt><dd>{d.started}</dd></div>
                <div><dt>"Submitted"</dt><dd>{d.submitted}</dd></div>
                <div><dt>"In progress"</dt><dd>{d.in_progress}</dd></div>
                <div><dt>"Completion rate"</dt><dd>{d.completion_percent.map_or_else(|| "–".to_owned(), |p| format!("{p}%"))}</dd></div>
                <div><dt>"Median time to complete"</dt><dd>{d.median_minutes.map_or_else(|| "–".to_owned(), minutes_words)}</dd></div>
            </dl>
            <p><a href=format!("/admin/studies/{slug}/responses")>"All responses"</a>
               " · "<a href=format!("/admin/studies/{slug}/versions")>"Versions of the study"</a></p>
            <h2>"Where people in progress stopped"</h2>
            <BarChart id="stopped-at" caption="Responses in progress, by the furthest step reached"
                bars=d.stopped_at.into_iter().map(|s| (format!("{}. {}", s.step, s.title), s.count)).collect()/>
            <h2>"Submissions per day"</h2>
            {if d.submitted_per_day.is_empty() {
                view! { <p>"No submissions yet."</p> }.into_any()
            } else {
                view! { <BarChart id="per-day" caption="Submitted responses per day"
                    bars=d.submitted_per_day.into_iter().map(|day| (day.day, day.count)).collect()/> }.into_any()
            }}
            <p><a href=format!("/admin/studies/{slug}/likert")>"How the Likert items fall"</a></p>
            <p><a href=format!("/admin/studies/{slug}/analysis")>"Code the written answers (thematic analysis)"</a></p>
            <h2>"Answers side by side"</h2>
            <ul class="question-list">
                {d.questions.into_iter().map(|q| view! {
                    <li><a href=format!("/admin/studies/{slug}/questions/{}", q.id)>{q.label}</a>
                    <span class="hint">{format!(" ({})", q.page_title)}</span></li>
                }).collect_view()}
            </ul>
            <h2>"Export anonymised data"</h2>
            <p>"Participants appear as P1, P2 and so on, with the day they submitted and nothing finer. "
               "Experience is given in bands; each export also comes with exact months, for analyses that need them. "
               "Every download is recorded in the audit log."</p>
            <p><a href=format!("/admin/studies/{slug}/redactions")>"Review identifiers in answers"</a>
               " (names, places, phone numbers) before you export: accepted ones are replaced in every export."</p>
            {d.small_group_warning.map(|warning| view! {
                <div class="inset" role="status"><strong>"Warning: "</strong>{warning}</div>
            })}
            <ul class="question-list">
                {d.exports.into_iter().map(|e| {
                    let href = format!("/admin/studies/{slug}/exports/{}", e.format);
                    view! {
                        <li><a href=href.clone() download="">{e.description}</a>
                        <span class="hint">" or "<a href=format!("{href}?experience=exact") download="">"with exact months"</a></span></li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// A horizontal bar chart drawn as SVG, with the same numbers in a table for screen readers.
#[component]
fn BarChart(id: &'static str, caption: &'static str, bars: Vec<(String, i64)>) -> impl IntoView {
    let largest = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let row_height = 28;
    let height = row_height * bars.len().max(1);
    let title_id = format!("{id}-title");
    view! {
        <figure class="chart">
            <figcaption id=title_id.clone()>{caption}</figcaption>
            <svg class="chart__bars" viewBox=format!("0 0 100 {height}") preserveAspectRatio="none" role="img"
                aria-labelledby=title_id height=height.to_string() aria-hidden="true" focusable="false">
                {bars.iter().enumerate().map(|(i, (_, n))| view! {
                    <rect x="0" y=(i * row_height + 4).to_string() height=(row_height - 8).to_string()
                        width=format!("{:.2}", *n as f64 * 100.0 / largest as f64)/>
                }).collect_view()}
            </svg>
            <table class="table table--compact">
                <thead><tr><th scope="col">"Step or day"</th><th scope="col">"Count"</th></tr></thead>
                <tbody>
                    {bars.into_iter().map(|(label, n)| view! { <tr><td>{label}</td><td>{n}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}
