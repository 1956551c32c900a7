//! The review queue page and the page that confirms erasing originals. Every action is a plain
//! form post, so the queue works the same with and without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::{EditedFinding, FindingView, RedactionQueueView};
use super::loaders::{load_erase_confirmation, load_redaction_queue};
use crate::components::FieldError;
use crate::components::{ErrorSummary, field_error, when_loaded};

#[component]
pub fn RedactionQueuePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            (
                params.read().get("study").unwrap_or_default(),
                query.read().get("done"),
            )
        },
        |(study, done)| load_redaction_queue(study, done),
    );
    when_loaded(data, queue_page)
}

fn queue_page(queue: RedactionQueueView) -> impl IntoView {
    let base = format!("/admin/studies/{}/redactions", queue.slug);
    let has_errors = !queue.errors.is_empty();
    let counts = queue.counts.clone();
    let editing = queue.editing.clone();
    let errors = queue.errors.clone();
    view! {
        <Title text=if has_errors { "Error: Identifiers to review" } else { "Identifiers to review" }/>
        <ErrorSummary errors=queue.errors/>
        {queue.notice.map(|notice| view! { <div class="notification" role="status"><p>{notice}</p></div> })}
        <p><a class="back-link" href=format!("/admin/studies/{}", queue.slug)>{queue.title}</a></p>
        <h1>"Identifiers to review"</h1>
        <p>"Support workers sometimes write a name, a place or a phone number into an answer. Each finding below "
           "was picked out by a detector. Accept it and every export shows the descriptor in its place; edit it "
           "to hide more or less text or to choose another descriptor, such as [colleague] or [place]; reject it "
           "and exports keep the words as written. The stored answer keeps the original until you erase it."</p>
        <dl class="figures">
            <div><dt>"To review"</dt><dd>{counts.pending}</dd></div>
            <div><dt>"Accepted"</dt><dd>{counts.accepted}</dd></div>
            <div><dt>"Rejected"</dt><dd>{counts.rejected}</dd></div>
            <div><dt>"Erased"</dt><dd>{counts.erased}</dd></div>
        </dl>
        <h2 id="queue">"To review"</h2>
        {(queue.still_scanning > 0).then(|| view! {
            <p class="notification" role="status">{format!(
                "{} submitted {} still being scanned for identifiers. Reload this page in a moment to see what was found.",
                queue.still_scanning,
                if queue.still_scanning == 1 { "response is" } else { "responses are" },
            )}</p>
        })}
        {if queue.pending.is_empty() {
            view! { <p>"Nothing to review. Each response is scanned as soon as it is submitted."</p> }.into_any()
        } else {
            view! {
                {(counts.pending > queue.shown_at_most).then(|| view! {
                    <p>{format!("The first {} of {} findings are shown; decide these to see the rest.", queue.shown_at_most, counts.pending)}</p>
                })}
                <ol class="question-list" id="pending-findings">
                    {queue.pending.into_iter().map(|finding| {
                        let edited = editing.clone().filter(|e| e.id == finding.id);
                        view! { <PendingFinding finding base=base.clone() edited errors=errors.clone()/> }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        <h2>"Decided"</h2>
        {if queue.decided.is_empty() {
            view! { <p>"No decisions yet."</p> }.into_any()
        } else {
            view! {
                <ol class="question-list">
                    {queue.decided.into_iter().map(|finding| view! { <DecidedFinding finding base=base.clone()/> }).collect_view()}
                </ol>
            }.into_any()
        }}
        <h2>"Scan again"</h2>
        <p>"After the study's list of names changes, scan every submitted answer again. Decisions already made are kept."</p>
        <form method="post" action=format!("{base}/scan")>
            <button type="submit" class="button button--secondary">"Scan all answers again"</button>
        </form>
        {(counts.accepted > 0).then(|| view! {
            <h2>"Erase originals"</h2>
            <p>"Exports already hide accepted findings. Erasing also removes the originals from the stored answers, for good."</p>
            <p><a href=format!("{base}/erase")>{format!("Erase the originals of {} accepted findings", counts.accepted)}</a></p>
        })}
    }
}

/// The answer's words around the finding, the finding marked.
#[component]
fn InContext(finding: FindingView) -> impl IntoView {
    view! {
        <p class="answers__text">{finding.before}<mark>{finding.found}</mark>{finding.after}</p>
    }
    .into_any()
}

#[component]
fn PendingFinding(
    finding: FindingView,
    base: String,
    edited: Option<EditedFinding>,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let action = format!("{base}/{}", finding.id);
    let heading = format!(
        "{}, {}: {}",
        finding.participant, finding.question, finding.looks_like
    );
    let descriptor_id = format!("descriptor-{}", finding.id);
    let text_id = format!("text-{}", finding.id);
    let descriptor_error = field_error(&errors, &descriptor_id);
    let text_error = field_error(&errors, &text_id);
    let typed = edited.clone().unwrap_or(EditedFinding {
        id: finding.id.clone(),
        descriptor: finding.descriptor.clone(),
        text: finding.found.clone(),
    });
    let descriptor = finding.descriptor.clone();
    view! {
        <li class="answers__item">
            <h3 class="answers__who">{heading}</h3>
            <InContext finding/>
            <form method="post" action=action.clone() class="inline-form">
                <button type="submit" name="decision" value="accept" class="button">
                    {format!("Accept as {descriptor}")}
                </button>
                " "
                <button type="submit" name="decision" value="reject" class="button button--secondary">"Reject"</button>
            </form>
            <details class="details" open=edited.is_some()>
                <summary>"Edit before accepting"</summary>
                <form method="post" action=action novalidate>
                    <input type="hidden" name="decision" value="edit"/>
                    <EditField id=text_id name="text" label="Text to hide, as written in the answer" value=typed.text error=text_error/>
                    <EditField id=descriptor_id name="descriptor" label="Descriptor shown instead, such as colleague or place" value=typed.descriptor error=descriptor_error/>
                    <button type="submit" class="button">"Save and accept"</button>
                </form>
            </details>
        </li>
    }
    .into_any()
}

#[component]
fn EditField(
    id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let has_error = error.is_some();
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label class="label" for=id.clone()>{label}</label>
            {error.map(|message| view! {
                <p id=error_id.clone() class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
            })}
            <input class="input" type="text" id=id name=name value=value autocomplete="off" spellcheck="false"
                aria-describedby=has_error.then_some(error_id)/>
        </div>
    }
    .into_any()
}

#[component]
fn DecidedFinding(finding: FindingView, base: String) -> impl IntoView {
    let action = format!("{base}/{}", finding.id);
    let outcome = match finding.status.as_str() {
        "accepted" => format!("Accepted as {}", finding.descriptor),
        "erased" => format!("Erased: the answer now says {}", finding.descriptor),
        _ => "Rejected: exports keep these words".to_owned(),
    };
    let by = finding.decided_by.clone().map(|who| format!(" by {who}"));
    let heading = format!("{}, {}", finding.participant, finding.question);
    let can_reopen = finding.can_reopen;
    view! {
        <li class="answers__item">
            <h3 class="answers__who">{heading}</h3>
            <InContext finding/>
            <p>{outcome}{by}</p>
            {can_reopen.then(|| view! {
                <form method="post" action=action class="inline-form">
                    <button type="submit" name="decision" value="reopen" class="link-button">"Undo this decision"</button>
                </form>
            })}
        </li>
    }
    .into_any()
}

#[component]
pub fn EraseRedactionsPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("study").unwrap_or_default(),
        load_erase_confirmation,
    );
    when_loaded(data, |erase| {
        let base = format!("/admin/studies/{}/redactions", erase.slug);
        view! {
            <Title text="Erase the originals?"/>
            <h1>"Erase the originals of accepted findings?"</h1>
            <p>{format!(
                "The stored answers of {} will have the {} accepted findings replaced by their descriptors. \
                 This cannot be undone: not even the review queue keeps the original words. \
                 Backups made before now still hold them.",
                erase.title, erase.accepted
            )}</p>
            <form method="post" action=format!("{base}/erase")>
                <button type="submit" class="button button--warning">"Yes, erase the originals"</button>
            </form>
            <p><a href=base>"No, go back to the queue"</a></p>
        }
    })
}
