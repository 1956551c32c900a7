//! What several researcher pages share: the filter form, time in words, step titles and labels.

use leptos::prelude::*;

use super::data::*;

/// The filter form (a GET form, so it works without JavaScript and the address can be shared).
#[component]
pub(in crate::admin) fn FilterForm(filters: FilterChoices) -> impl IntoView {
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

    /// Every step with its number, for the drop-off chart.
    pub(in crate::admin) fn step_titles(study: &Study) -> Vec<(usize, String)> {
        let mut steps = vec![(CONSENT_STEP, "Information and consent".to_owned())];
        steps.extend(
            study
                .pages
                .iter()
                .enumerate()
                .map(|(i, page)| (page_step(i), page.title.clone())),
        );
        steps.push((total_steps(study), "Check your answers".to_owned()));
        steps
    }

    pub(in crate::admin) fn response_label(
        number: Option<i64>,
        labels: &std::collections::BTreeMap<domain::ids::QuestionId, String>,
    ) -> String {
        match number {
            Some(number) => participant_label(number, labels),
            None => unsubmitted_label(labels),
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
