//! What several researcher pages share: the filter form, time in words, step titles and labels.

use leptos::prelude::*;

use super::data::*;

/// A new password and the same again, as the first owner's account and an invitation ask for it;
/// `replacing` names them "New password" where the current one is asked for too.
#[component]
pub(in crate::admin) fn NewPasswordInputs(
    password_error: Option<String>,
    confirm_error: Option<String>,
    #[prop(optional)] replacing: bool,
) -> impl IntoView {
    use crate::components::TextInput;
    let (label, again) = if replacing {
        ("New password", "New password again")
    } else {
        ("Password", "Password again")
    };
    view! {
        <TextInput id="password" label=label kind="password" autocomplete="new-password" value=String::new() error=password_error/>
        <TextInput id="confirm" label=again kind="password" autocomplete="new-password" value=String::new() error=confirm_error/>
    }
}

/// The filter form (a GET form, so it works without JavaScript and the address can be shared).
#[component]
pub(in crate::admin) fn FilterForm(filters: FilterChoices) -> impl IntoView {
    view! {
        <form method="get" class="filter">
            {filters.selects.into_iter().map(|select| view! {
                <div class="filter__item">
                    <label class="label" for=select.name.clone()>{select.label}</label>
                    <select id=select.name.clone() name=select.name class="select">
                        <option value="" selected=select.chosen.is_empty()>{select.any}</option>
                        {select.options.into_iter().map(|o| {
                            let is_selected = o.value == select.chosen;
                            view! { <option value=o.value selected=is_selected>{o.label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            }).collect_view()}
            <button type="submit" class="button button--secondary">"Filter"</button>
        </form>
    }
}

/// A page's query string ("?setting=inpatient&page=2") as fields, for a loader that reads its
/// filter from them.
#[cfg(feature = "ssr")]
pub(in crate::admin) fn query_fields(
    query: Option<&str>,
) -> Result<Vec<(String, String)>, crate::error::AppError> {
    let query = query.unwrap_or_default();
    crate::form_posts::parse_urlencoded(query.strip_prefix('?').unwrap_or(query).as_bytes())
}

pub(in crate::admin) fn minutes_words(minutes: i64) -> String {
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(feature = "ssr")]
pub(super) mod load {
    use domain::participants::{participant_label, unsubmitted_label};

    use domain::journey::{CONSENT_STEP, page_step, total_steps};
    use domain::study::Study;

    /// Every step with its number, for the drop-off chart. Where participants are dealt the
    /// scenarios in different orders, a step names its place, not a page.
    pub(in crate::admin) fn step_titles(study: &Study) -> Vec<(usize, String)> {
        let mut steps = vec![(CONSENT_STEP, "Information and consent".to_owned())];
        let varied = study.scenario_order.as_ref();
        steps.extend(study.pages.iter().enumerate().map(|(i, page)| {
            let place = varied.and_then(|order| Some((order.place_number(i)?, order.pages.len())));
            let title = match place {
                Some((place, of)) => format!("Scenario {place} of {of} in the order dealt"),
                None => page.title.clone(),
            };
            (page_step(i), title)
        }));
        steps.push((total_steps(study), "Check your answers".to_owned()));
        steps
    }

    pub(in crate::admin) fn response_label(
        study: &Study,
        number: Option<i64>,
        labels: &std::collections::BTreeMap<domain::ids::QuestionId, String>,
    ) -> String {
        let label = &study.participant_label;
        match number {
            Some(number) => participant_label(label, number, labels),
            None => unsubmitted_label(label, labels),
        }
    }

    pub(in crate::admin) fn status_words(submitted: bool) -> String {
        if submitted {
            "Submitted"
        } else {
            "In progress"
        }
        .to_owned()
    }
}
