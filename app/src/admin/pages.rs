use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    load_admin_home, load_answers, load_audit_log, load_dashboard, load_likert, load_setup,
    load_sign_in,
};
use super::likert::{Distribution, GroupDistribution, LikertItem};
use super::view::*;
use crate::components::{ErrorSummary, when_loaded};

fn field_error(errors: &[crate::survey::view::FieldError], id: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.href == format!("#{id}"))
        .map(|e| e.message.clone())
}

#[component]
fn TextInput(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let has_error = error.is_some();
    let error_id = format!("{id}-error");
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label class="label" for=id>{label}</label>
            {error.map(|message| view! {
                <p id=error_id.clone() class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
            })}
            <input class="input" id=id name=id type=kind autocomplete=autocomplete value=value
                aria-describedby=has_error.then(|| error_id.clone())/>
        </div>
    }
}

/// Who is signed in, with a sign-out button (a form, so it works without JavaScript).
#[component]
fn StaffNav(staff: StaffBar) -> impl IntoView {
    view! {
        <nav class="staff-nav" aria-label="Researcher area">
            <a href="/admin">"Studies"</a>
            <span class="staff-nav__who">{format!("Signed in as {} ({})", staff.email, staff.role)}</span>
            <form method="post" action="/admin/sign-out" class="staff-nav__sign-out">
                <button type="submit" class="link-button">"Sign out"</button>
            </form>
        </nav>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_sign_in());
    when_loaded(data, |view| {
        let email_error = field_error(&view.errors, "email");
        view! {
            <Title text=if view.errors.is_empty() { "Sign in" } else { "Error: Sign in" }/>
            <ErrorSummary errors=view.errors/>
            <h1>"Sign in to the researcher area"</h1>
            <form method="post" action="/admin/sign-in" novalidate>
                <TextInput id="email" label="Email address" kind="email" autocomplete="username" value=view.email error=email_error/>
                <TextInput id="password" label="Password" kind="password" autocomplete="current-password" value=String::new() error=None/>
                <button type="submit" class="button">"Sign in"</button>
            </form>
        }
    })
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("token").unwrap_or_default(),
        load_setup,
    );
    when_loaded(data, |view| {
        if !view.usable {
            return view! {
                <Title text="Setup link not valid"/>
                <h1>"This setup link cannot be used"</h1>
                <p>"Setup links work once, for one hour. Restart the server for a new one while there is no account, or ask an owner to add you."</p>
            }
            .into_any();
        }
        let (email_error, password_error, confirm_error) = (
            field_error(&view.errors, "email"),
            field_error(&view.errors, "password"),
            field_error(&view.errors, "confirm"),
        );
        view! {
            <Title text="Create the owner account"/>
            <ErrorSummary errors=view.errors/>
            <h1>"Create the owner account"</h1>
            <p>"The owner manages accounts and studies and reads the audit log. Use a password of at least 12 characters; a long phrase is good."</p>
            <form method="post" action=format!("/admin/setup/{}", view.token) novalidate>
                <TextInput id="email" label="Email address" kind="email" autocomplete="username" value=view.email error=email_error/>
                <TextInput id="password" label="Password" kind="password" autocomplete="new-password" value=String::new() error=password_error/>
                <TextInput id="confirm" label="Password again" kind="password" autocomplete="new-password" value=String::new() error=confirm_error/>
                <button type="submit" class="button">"Create account"</button>
            </form>
        }
        .into_any()
    })
}

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_admin_home());
    when_loaded(data, |home| {
        view! {
            <Title text="Studies"/>
            <StaffNav staff=home.staff/>
            <h1>"Studies"</h1>
            {home.is_owner.then(|| view! { <p><a href="/admin/audit">"Audit log"</a></p> })}
            {if home.research_access {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">"Studies with their responses"</caption>
                        <thead><tr><th scope="col">"Study"</th><th scope="col">"Started"</th><th scope="col">"Submitted"</th></tr></thead>
                        <tbody>
                            {home.studies.into_iter().map(|s| view! {
                                <tr>
                                    <td><a href=format!("/admin/studies/{}", s.slug)>{s.title}</a></td>
                                    <td>{s.started}</td>
                                    <td>{s.submitted}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            } else {
                view! { <p>"Your account is for workshops. Research data is not shown to trainers."</p> }.into_any()
            }}
        }
    })
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("study").unwrap_or_default(),
        load_dashboard,
    );
    when_loaded(data, |d| {
        let slug = d.slug.clone();
        view! {
            <Title text=format!("Progress: {}", d.title)/>
            <StaffNav staff=d.staff/>
            <h1>{d.title}</h1>
            <dl class="figures">
                <div><dt>"Started"</dt><dd>{d.started}</dd></div>
                <div><dt>"Submitted"</dt><dd>{d.submitted}</dd></div>
                <div><dt>"In progress"</dt><dd>{d.in_progress}</dd></div>
                <div><dt>"Completion rate"</dt><dd>{d.completion_percent.map_or_else(|| "–".to_owned(), |p| format!("{p}%"))}</dd></div>
            </dl>
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
            <h2>"Answers side by side"</h2>
            <ul class="question-list">
                {d.questions.into_iter().map(|q| view! {
                    <li><a href=format!("/admin/studies/{slug}/questions/{}", q.id)>{q.label}</a>
                    <span class="hint">{format!(" ({})", q.page_title)}</span></li>
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

#[component]
pub fn AnswersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("study").unwrap_or_default(),
                params.get("question").unwrap_or_default(),
                query.read().get("setting"),
            )
        },
        |(study, question, setting)| load_answers(study, question, setting),
    );
    when_loaded(data, |a| {
        let count = a.rows.len();
        let selected = a.setting.clone().unwrap_or_default();
        view! {
            <Title text=format!("Answers: {}", a.question_label)/>
            <StaffNav staff=a.staff/>
            <a href=format!("/admin/studies/{}", a.slug) class="back-link">"Back to the study"</a>
            <h1>{a.question_label}</h1>
            <form method="get" class="filter">
                <label class="label" for="setting">"Work setting"</label>
                <select id="setting" name="setting" class="select">
                    <option value="" selected=selected.is_empty()>"Any setting"</option>
                    {a.settings.into_iter().map(|o| {
                        let is_selected = o.value == selected;
                        view! { <option value=o.value selected=is_selected>{o.label}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button button--secondary">"Filter"</button>
            </form>
            <p>{format!("{count} answer{}", if count == 1 { "" } else { "s" })}</p>
            <ol class="answers">
                {a.rows.into_iter().map(|row| view! {
                    <li class="answers__item">
                        <p class="answers__who">{row.participant}</p>
                        <p class="answers__text">{row.answer}</p>
                    </li>
                }).collect_view()}
            </ol>
        }
    })
}

#[component]
pub fn LikertPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("study").unwrap_or_default(),
        load_likert,
    );
    when_loaded(data, |l| {
        let min = l.min_group_size;
        view! {
            <Title text=format!("Likert items: {}", l.title)/>
            <StaffNav staff=l.staff/>
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
    let groups = |title: &'static str, groups: Vec<GroupDistribution>, scale: Vec<String>| {
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
            <details class="details">
                <summary>"By setting and role"</summary>
                {groups("By setting", item.by_setting, scale.clone())}
                {groups("By role", item.by_role, scale)}
            </details>
        </section>
    }
}

/// Fill colours from "most negative" to "most positive", around a grey middle.
fn point_colour(index: usize, points: usize) -> &'static str {
    const NEGATIVE: [&str; 5] = ["#b2182b", "#d6604d", "#f4a582", "#fbd0b9", "#fde6da"];
    const POSITIVE: [&str; 5] = ["#2166ac", "#4393c3", "#92c5de", "#c2ddec", "#deedf6"];
    let middle = (points - 1) as f64 / 2.0;
    let distance = (index as f64 - middle).abs();
    let shade = (middle - distance).round() as usize;
    if (index as f64) < middle {
        NEGATIVE[shade.min(4)]
    } else if (index as f64) > middle {
        POSITIVE[shade.min(4)]
    } else {
        "#bfc1c3"
    }
}

#[component]
fn Legend(scale: Vec<String>) -> impl IntoView {
    let points = scale.len();
    view! {
        <ul class="legend" aria-hidden="true">
            {scale.into_iter().enumerate().map(|(i, label)| view! {
                <li><span class="legend__swatch" style=format!("background:{}", point_colour(i, points))></span>{label}</li>
            }).collect_view()}
        </ul>
    }
}

/// A diverging stacked bar: disagreement to the left of the centre line, agreement to the right,
/// the middle point split across it. The numbers are in the table below it.
#[component]
fn DivergingBar(name: String, distribution: Distribution, scale: Vec<String>) -> impl IntoView {
    let points = scale.len();
    let n = distribution.n.max(1) as f64;
    let share = |count: i64| count as f64 / n * 50.0;
    let middle = (points - 1) as f64 / 2.0;
    let left: f64 = distribution
        .counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if (i as f64) < middle {
                share(*c)
            } else if (i as f64) == middle {
                share(*c) / 2.0
            } else {
                0.0
            }
        })
        .sum();
    let mut x = 50.0 - left;
    let segments = distribution
        .counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let width = share(*c);
            let segment = view! { <rect x=format!("{x:.2}") y="0" width=format!("{width:.2}") height="10" fill=point_colour(i, points)/> };
            x += width;
            segment
        })
        .collect_view();
    let percentages = distribution.percentages();
    let summary = format!(
        "{name}: n = {}, median {}",
        distribution.n,
        distribution.median.clone().unwrap_or_else(|| "–".into())
    );
    view! {
        <figure class="likert__bar">
            <figcaption>{summary}</figcaption>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="likert__svg" aria-hidden="true" focusable="false">
                {segments}
                <line x1="50" y1="0" x2="50" y2="10" class="likert__centre"/>
            </svg>
            <table class="table table--compact likert__table">
                <caption class="visually-hidden">{format!("{name}: counts and percentages")}</caption>
                <thead><tr><th scope="col">"Answer"</th><th scope="col">"Count"</th><th scope="col">"Per cent"</th></tr></thead>
                <tbody>
                    {scale.into_iter().zip(distribution.counts.iter().zip(percentages)).map(|(label, (count, pct))| view! {
                        <tr><td>{label}</td><td>{*count}</td><td>{format!("{pct}%")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_audit_log());
    when_loaded(data, |audit| {
        view! {
            <Title text="Audit log"/>
            <StaffNav staff=audit.staff/>
            <h1>"Audit log"</h1>
            <p>"Who did what, and when (UTC), newest first. Entries cannot be changed or deleted from the app."</p>
            <table class="table">
                <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Details"</th></tr></thead>
                <tbody>
                    {audit.entries.into_iter().map(|e| view! {
                        <tr><td>{e.at}</td><td>{e.actor}</td><td>{e.action}</td><td>{e.detail}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}
