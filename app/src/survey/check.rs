//! Check your answers: every answer with a link to change it, then submit.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::frame::{ResumeLink, StepHeader, page_title};
use crate::components::ErrorSummary;

#[component]
pub(super) fn CheckPage(view: CheckView) -> impl IntoView {
    let has_errors = !view.errors.is_empty();
    let resume_url = view.frame.resume_url.clone();
    let action = format!("/s/{}/answers/check", view.study_slug);
    let (renewed, study_slug) = (view.frame.link_renewed, view.study_slug.clone());
    view! {
        <Title text=page_title("Check your answers", has_errors)/>
        <StepHeader frame=view.frame/>
        <ErrorSummary errors=view.errors/>
        <h1>"Check your answers before sending them"</h1>
        {view
            .sections
            .into_iter()
            .map(|section| view! {
                <h2 class="heading-m">{section.title}</h2>
                <dl class="summary-list">
                    {section
                        .rows
                        .into_iter()
                        .map(|row| {
                            let label = row.label.clone();
                            view! {
                                <div class="summary-list__row">
                                    <dt class="summary-list__key">{row.label}</dt>
                                    <dd class="summary-list__value">
                                        {row.answer.unwrap_or_else(|| "Not answered".to_owned())}
                                    </dd>
                                    <dd class="summary-list__actions">
                                        <a href=row.change_href>"Change"<span class="visually-hidden">{format!(" your answer to: {label}")}</span></a>
                                    </dd>
                                </div>
                            }
                        })
                        .collect_view()}
                </dl>
            })
            .collect_view()}
        <h2 class="heading-m">"Now send your answers"</h2>
        <p>"Once you send them you cannot change your answers."</p>
        <form method="post" action=action novalidate>
            <button type="submit" class="button">"Submit answers"</button>
        </form>
        {resume_url.map(|url| view! { <ResumeLink url renewed study_slug/> })}
    }
}
