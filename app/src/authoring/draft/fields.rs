//! The labelled fields of the draft forms, whose ids are made per page and per question.

use leptos::prelude::*;

use super::markdown_preview::MarkdownPreview;
use crate::components::textarea_content;

/// A labelled text box (or, with `rows`, a text area) with an optional hint and error.
#[component]
pub fn DraftField(
    id: String,
    label: String,
    value: String,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional_no_strip)] error: Option<String>,
    /// Lines of a text area; a one-line box when 0.
    #[prop(optional)]
    rows: usize,
    #[prop(optional)] code: bool,
    /// A Markdown body: with JavaScript it can be previewed in place.
    #[prop(optional)]
    markdown: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described_by = (!described_by.is_empty()).then_some(described_by);
    let has_error = error.is_some();
    let input = if rows == 0 {
        view! { <input class="input" type="text" id=id.clone() name=id.clone() value=value aria-describedby=described_by/> }
            .into_any()
    } else {
        let class = if code {
            "textarea textarea--code"
        } else {
            "textarea"
        };
        view! {
            <textarea class=class id=id.clone() name=id.clone() rows=rows.to_string()
                spellcheck=if code { "false" } else { "true" }
                aria-describedby=described_by inner_html=textarea_content(&value)></textarea>
        }
        .into_any()
    };
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label class="label" for=id.clone()>{label}</label>
            {hint.map(|text| view! { <div id=hint_id.clone() class="hint">{text}</div> })}
            {error.map(|message| view! {
                <p id=error_id.clone() class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
            })}
            {input}
            {markdown.then(|| view! { <MarkdownPreview field_id=id.clone()/> })}
        </div>
    }
    .into_any()
}

/// A checkbox with its label.
#[component]
pub fn DraftCheckbox(
    id: String,
    name: String,
    value: String,
    label: String,
    checked: bool,
) -> impl IntoView {
    view! {
        <div class="checkboxes__item">
            <input class="checkboxes__input" type="checkbox" id=id.clone() name=name value=value checked=checked/>
            <label class="checkboxes__label" for=id>{label}</label>
        </div>
    }
    .into_any()
}

/// The hidden fields every draft form sends: what it edits.
#[component]
pub fn EditAction(action: &'static str) -> impl IntoView {
    view! { <input type="hidden" name="action" value=action/> }
}
