//! The parts every survey step shows around its questions.

use leptos::prelude::*;

use super::data::StepFrame;
use crate::components::{BackLink, Progress};

/// The top of every survey step: back link and progress.
#[component]
pub fn StepHeader(frame: StepFrame) -> impl IntoView {
    view! {
        {frame.back_href.map(|href| view! { <BackLink href/> })}
        <Progress step=frame.step total=frame.total_steps/>
    }
}

/// The private link, shown on every step after consent.
#[component]
pub fn ResumeLink(url: String) -> impl IntoView {
    view! {
        <aside class="resume-link" aria-labelledby="resume-link-title">
            <h2 id="resume-link-title" class="resume-link__title">"Your private link"</h2>
            <p>
                "Your answers are saved. To carry on later, on this or any other device, open this link. "
                "Keep it to yourself: anyone with it can read and change your answers."
            </p>
            <p class="resume-link__url"><a href=url.clone() rel="external">{url.clone()}</a></p>
        </aside>
    }
}

/// Title text for a page, prefixed so screen reader users hear about errors first.
pub(super) fn page_title(title: &str, has_errors: bool) -> String {
    if has_errors {
        format!("Error: {title}")
    } else {
        title.to_owned()
    }
}
