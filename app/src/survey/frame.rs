//! The parts every survey step shows around its questions.

use leptos::prelude::*;

use super::data::StepFrame;
use super::device::ForgetDevice;
use crate::components::{BackLink, Progress};

/// The top of every survey step: back link and progress.
#[component]
pub fn StepHeader(frame: StepFrame) -> impl IntoView {
    view! {
        {frame.back_href.map(|href| view! { <BackLink href/> })}
        <Progress step=frame.step total=frame.total_steps/>
    }
}

/// The private link, shown on every step after consent, with the way to make this browser
/// forget it.
#[component]
pub fn ResumeLink(url: String, renewed: bool, study_slug: String) -> impl IntoView {
    let (title, explanation) = if renewed {
        (
            "Your private link has changed",
            "The link you opened no longer works, so nobody else who has it can open your answers. \
             To carry on later, on this or any other device, open this new link instead. \
             Keep it to yourself: anyone with it can open your answers.",
        )
    } else {
        (
            "Your private link",
            "Your answers are saved. To carry on later, on this or any other device, open this link. \
             Keep it to yourself: anyone with it can open your answers.",
        )
    };
    view! {
        <aside class="resume-link" aria-labelledby="resume-link-title">
            <h2 id="resume-link-title" class="resume-link__title">{title}</h2>
            <p>{explanation}</p>
            <p class="resume-link__url"><a href=url.clone() rel="external">{url.clone()}</a></p>
            <ForgetDevice study_slug/>
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
