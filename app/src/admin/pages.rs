use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
use super::likert::{Distribution, GroupDistribution, LikertItem};
use super::loaders::{
    load_admin_home, load_answers, load_audit_log, load_dashboard, load_likert, load_response,
    load_responses, load_second_factor, load_setup, load_sign_in, load_two_factor_setup,
};
use crate::components::{ErrorSummary, StaffNav, TextInput, field_error, when_loaded};

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|query| query.get("next"));
    let data = Resource::new_blocking(move || next.clone(), load_sign_in);
    when_loaded(data, |view| {
        let email_error = field_error(&view.errors, "email");
        view! {
            <Title text=if view.errors.is_empty() { "Sign in" } else { "Error: Sign in" }/>
            <ErrorSummary errors=view.errors/>
            <h1>"Sign in to the researcher area"</h1>
            <form method="post" action="/admin/sign-in" novalidate>
                {view.next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextInput id="email" label="Email address" kind="email" autocomplete="username" value=view.email error=email_error/>
                <TextInput id="password" label="Password" kind="password" autocomplete="current-password" value=String::new() error=None/>
                <button type="submit" class="button">"Sign in"</button>
            </form>
        }
    })
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|query| query.get("next"));
    let data = Resource::new_blocking(move || next.clone(), load_second_factor);
    when_loaded(data, |view| {
        let code_error = field_error(&view.errors, "code");
        view! {
            <Title text=if view.errors.is_empty() { "Enter your code" } else { "Error: Enter your code" }/>
            <ErrorSummary errors=view.errors/>
            <h1>"Enter the code from your authenticator app"</h1>
            <form method="post" action="/admin/sign-in/code" novalidate>
                {view.next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextInput id="code" label="Code" kind="text" autocomplete="one-time-code" value=String::new() error=code_error
                    hint="The 6-digit code your app shows now. Lost your phone? Enter one of your recovery codes instead."/>
                <button type="submit" class="button">"Continue"</button>
            </form>
            <form method="post" action="/admin/sign-out">
                <button type="submit" class="link-button">"Cancel and sign out"</button>
            </form>
        }
    })
}

#[component]
pub fn TwoFactorSetupPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_two_factor_setup());
    when_loaded(data, |step| match step {
        TwoFactorStep::Setup(view) => two_factor_setup(view).into_any(),
        TwoFactorStep::RecoveryCodes(codes) => recovery_codes(codes).into_any(),
    })
}

fn two_factor_setup(view: TwoFactorSetupView) -> impl IntoView {
    let code_error = field_error(&view.errors, "code");
    view! {
        <Title text=if view.errors.is_empty() { "Set up two-factor sign-in" } else { "Error: Set up two-factor sign-in" }/>
        <ErrorSummary errors=view.errors/>
        <h1>"Set up two-factor sign-in"</h1>
        <p>{format!("{} can read research data, so signing in takes a code from an authenticator app on your phone as well as your password.", view.email)}</p>
        <ol class="steps">
            <li>"Open an authenticator app, for example Microsoft Authenticator, Google Authenticator or FreeOTP, and add an account."</li>
            <li>
                "Scan this QR code with the app, or type in the key below it."
                <div class="qr-code" role="img" aria-label="QR code holding the key shown below" inner_html=view.qr_svg></div>
                <p>"Key: " <code class="secret-key">{view.secret}</code></p>
            </li>
            <li>"Enter the 6-digit code the app now shows for Vignette studies."</li>
        </ol>
        <form method="post" action="/admin/two-factor/setup" novalidate>
            <TextInput id="code" label="Code from the app" kind="text" autocomplete="one-time-code" value=String::new() error=code_error/>
            <button type="submit" class="button">"Turn on two-factor sign-in"</button>
        </form>
    }
}

fn recovery_codes(codes: Vec<String>) -> impl IntoView {
    view! {
        <Title text="Save your recovery codes"/>
        <h1>"Two-factor sign-in is on: save your recovery codes"</h1>
        <p>"If you lose your phone, each of these codes signs you in once instead of a code from the app. Keep them somewhere safe, away from your phone. They are not shown again."</p>
        <ul class="recovery-codes">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ul>
        <p><a href="/admin" class="button">"I have saved my recovery codes"</a></p>
    }
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
            {home.is_owner.then(|| view! {
                <ul class="owner-links">
                    <li><a href="/admin/team">"Accounts"</a></li>
                    <li><a href="/admin/audit">"Audit log"</a></li>
                </ul>
            })}
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
                <div><dt>"Median time to complete"</dt><dd>{d.median_minutes.map_or_else(|| "–".to_owned(), minutes_words)}</dd></div>
            </dl>
            <p><a href=format!("/admin/studies/{slug}/responses")>"All responses"</a></p>
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

fn minutes_words(minutes: i64) -> String {
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

/// The filter form (a GET form, so it works without JavaScript and the address can be shared).
#[component]
fn FilterForm(filters: FilterChoices) -> impl IntoView {
    let select = |id: &'static str,
                  label: &'static str,
                  any: &'static str,
                  options: Vec<crate::components::RadioOption>,
                  chosen: String| {
        view! {
            <div class="filter__item">
                <label class="label" for=id>{label}</label>
                <select id=id name=id class="select">
                    <option value="" selected=chosen.is_empty()>{any}</option>
                    {options.into_iter().map(|o| {
                        let is_selected = o.value == chosen;
                        view! { <option value=o.value selected=is_selected>{o.label}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let chosen = filters.selected;
    let has_statuses = !filters.statuses.is_empty();
    view! {
        <form method="get" class="filter">
            {select("setting", "Work setting", "Any setting", filters.settings, chosen.setting)}
            {select("role", "Role", "Any role", filters.roles, chosen.role)}
            {select("band", "Experience", "Any experience", filters.bands, chosen.band)}
            {has_statuses.then(|| select("status", "Status", "Submitted or not", filters.statuses, chosen.status))}
            <button type="submit" class="button button--secondary">"Filter"</button>
        </form>
    }
}

#[component]
pub fn AnswersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            let (params, query) = (params.read(), query.read());
            (
                params.get("study").unwrap_or_default(),
                params.get("question").unwrap_or_default(),
                query.get("setting"),
                query.get("role"),
                query.get("band"),
            )
        },
        |(study, question, setting, role, band)| load_answers(study, question, setting, role, band),
    );
    when_loaded(data, |a| {
        let count = a.rows.len();
        view! {
            <Title text=format!("Answers: {}", a.question_label)/>
            <StaffNav staff=a.staff/>
            <a href=format!("/admin/studies/{}", a.slug) class="back-link">"Back to the study"</a>
            <h1>{a.question_label}</h1>
            <FilterForm filters=a.filters/>
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
pub fn ResponsesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            let query = query.read();
            (
                params.read().get("study").unwrap_or_default(),
                [
                    query.get("setting"),
                    query.get("role"),
                    query.get("band"),
                    query.get("status"),
                ],
                query.get("page"),
                query.get("deleted"),
            )
        },
        |(study, [setting, role, band, status], page, deleted)| {
            load_responses(study, setting, role, band, status, page, deleted)
        },
    );
    when_loaded(data, |r| {
        let slug = r.slug.clone();
        let page_href = |page: usize| {
            let filter = if r.filter_query.is_empty() {
                String::new()
            } else {
                format!("{}&", r.filter_query)
            };
            format!("/admin/studies/{}/responses?{filter}page={page}", r.slug)
        };
        let previous = (r.page > 1).then(|| page_href(r.page - 1));
        let next = (r.page < r.pages).then(|| page_href(r.page + 1));
        view! {
            <Title text=format!("Responses: {}", r.study_title)/>
            <StaffNav staff=r.staff/>
            <a href=format!("/admin/studies/{slug}") class="back-link">"Back to the study"</a>
            {r.deleted.then(|| view! {
                <div class="notification" role="status"><p>"The response was deleted."</p></div>
            })}
            <h1>"Responses"</h1>
            <FilterForm filters=r.filters/>
            <p>{format!("{} matching, page {} of {}", r.matching, r.page, r.pages)}</p>
            <table class="table">
                <caption class="visually-hidden">"Responses, submitted first"</caption>
                <thead><tr>
                    <th scope="col">"Participant"</th><th scope="col">"Status"</th><th scope="col">"Started"</th>
                    <th scope="col">"Submitted"</th><th scope="col">"Furthest step"</th>
                </tr></thead>
                <tbody>
                    {r.rows.into_iter().map(|row| view! {
                        <tr>
                            <td><a href=format!("/admin/studies/{slug}/responses/{}", row.id)>{row.label}</a></td>
                            <td>{row.status}</td>
                            <td>{row.started_on}</td>
                            <td>{row.submitted_on.unwrap_or_else(|| "–".into())}</td>
                            <td>{row.reached}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <nav class="pagination" aria-label="Pages of responses">
                {previous.map(|href| view! { <a href=href rel="prev">"Previous page"</a> })}
                {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
            </nav>
        }
    })
}

fn response_resource() -> Resource<Result<ResponseView, ServerFnError>> {
    let params = use_params_map();
    Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("study").unwrap_or_default(),
                params.get("id").unwrap_or_default(),
            )
        },
        |(study, id)| load_response(study, id),
    )
}

#[component]
pub fn ResponsePage() -> impl IntoView {
    when_loaded(response_resource(), |r| {
        let delete_href = format!("/admin/studies/{}/responses/{}/delete", r.slug, r.id);
        view! {
            <Title text=format!("Response {}", r.label)/>
            <StaffNav staff=r.staff/>
            <a href=format!("/admin/studies/{}/responses", r.slug) class="back-link">"Back to the responses"</a>
            <h1>{r.label}</h1>
            <dl class="figures">
                <div><dt>"Status"</dt><dd>{r.status}</dd></div>
                <div><dt>"Started"</dt><dd>{r.started_on}</dd></div>
                <div><dt>"Submitted"</dt><dd>{r.submitted_on.unwrap_or_else(|| "–".into())}</dd></div>
                <div><dt>"Time to complete"</dt><dd>{r.minutes_to_complete.map_or_else(|| "–".to_owned(), minutes_words)}</dd></div>
            </dl>
            {r.sections.into_iter().map(|section| view! {
                <h2 class="heading-m">{section.title}</h2>
                <dl class="summary-list">
                    {section.rows.into_iter().map(|(question, answer)| view! {
                        <div class="summary-list__row">
                            <dt class="summary-list__key">{question}</dt>
                            <dd class="summary-list__value answers__text">{answer.unwrap_or_else(|| "Not answered".into())}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            }).collect_view()}
            <p><a href=delete_href class="button button--warning">"Delete this response"</a></p>
        }
    })
}

#[component]
pub fn DeleteResponsePage() -> impl IntoView {
    when_loaded(response_resource(), |r| {
        let action = format!("/admin/studies/{}/responses/{}/delete", r.slug, r.id);
        view! {
            <Title text=format!("Delete {}?", r.label)/>
            <StaffNav staff=r.staff/>
            <h1>{format!("Delete the response of {}?", r.label)}</h1>
            <p>"Its answers are deleted for good and left out of every analysis and export. This cannot be undone."</p>
            <form method="post" action=action>
                <button type="submit" class="button button--warning">"Yes, delete this response"</button>
            </form>
            <p><a href=format!("/admin/studies/{}/responses/{}", r.slug, r.id)>"No, keep it"</a></p>
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
