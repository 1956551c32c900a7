//! One of the study's pages: its text and questions, saved as the participant types.

use leptos::prelude::*;
use leptos_meta::Title;

use super::autosave::{AutosaveStatus, FieldSaver};
use super::data::*;
use super::frame::{ResumeLink, StepHeader, page_title};
use crate::components::{ErrorSummary, Prose, textarea_content};
use domain::text::with_thousands;

#[component]
pub(super) fn QuestionsPage(view: QuestionsView) -> impl IntoView {
    let preview = view.preview_next.is_some();
    let action_link = view.preview_next.clone().unwrap_or_default();
    let action = view
        .preview_next
        .clone()
        .unwrap_or_else(|| format!("/s/{}/answers/{}", view.study_slug, view.slug));
    let resume_url = view.frame.resume_url.clone();
    let has_errors = !view.errors.is_empty();
    // A preview's fields save nothing: they are given no study to save to.
    let study = if preview {
        String::new()
    } else {
        view.study_slug.clone()
    };
    let slug = view.slug.clone();
    let has_questions = !view.questions.is_empty();
    // Right after consent, and when it has just changed, the private link comes first, so nobody
    // misses it; otherwise it sits below.
    let link_first = view.frame.step == 2 || view.frame.link_renewed;
    let link = resume_url.map(|url| (url, view.frame.link_renewed, study.clone()));
    let (resume_top, resume_bottom) = if link_first {
        (link, None)
    } else {
        (None, link)
    };
    view! {
        <Title text=page_title(&view.title, has_errors)/>
        <StepHeader frame=view.frame/>
        <ErrorSummary errors=view.errors/>
        {resume_top.map(|(url, renewed, study_slug)| view! { <ResumeLink url renewed study_slug/> })}
        <h1>{view.title}</h1>
        <Prose html=view.body_html/>
        <form method="post" action=action novalidate class="survey-form">
            {view.return_to_check.then(|| view! { <input type="hidden" name="return" value="check"/> })}
            {view
                .questions
                .into_iter()
                .map(|question| view! { <QuestionField question study=study.clone() step=slug.clone()/> })
                .collect_view()}
            {view.citation.map(|citation| view! {
                <p class="citation">
                    {if view.wording_adapted { "Question wording adapted from " } else { "Question wording from " }}
                    {citation} "."
                </p>
            })}
            {if preview {
                view! { <a class="button" href=action_link>"Next page of the preview"</a> }.into_any()
            } else {
                view! { <button type="submit" class="button">{if has_questions { "Save and continue" } else { "Continue" }}</button> }.into_any()
            }}
        </form>
        {resume_bottom.map(|(url, renewed, study_slug)| view! { <ResumeLink url renewed study_slug/> })}
    }
}

/// An island: the only part of a survey page that runs in the browser, for autosave and the
/// character count.
#[island]
fn QuestionField(question: QuestionView, study: String, step: String) -> impl IntoView {
    let saver = FieldSaver::new(study, step);
    let QuestionView {
        id,
        label,
        hint,
        required,
        input,
        error,
    } = question;
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
    let label_text = if required {
        label
    } else {
        format!("{label} (optional)")
    };
    let hint_view =
        hint.map(|hint| view! { <div id=hint_id.clone() class="hint">{hint}</div> }.into_any());
    let error_view = error.map(|message| view! {
        <p id=error_id.clone() class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
    }.into_any());
    let has_error = error_view.is_some();
    let field = match input {
        InputView::Text { max_chars, value } => view! {
            <TextField id label=label_text max_chars value described_by hint_view error_view saver/>
        }
        .into_any(),
        InputView::Radios { options, selected } => view! {
            <RadiosField id legend=label_text options selected described_by hint_view error_view saver/>
        }
        .into_any(),
        InputView::Duration { years, months } => view! {
            <DurationField id legend=label_text years months described_by hint_view error_view saver/>
        }
        .into_any(),
    };
    view! { <div class="form-group" class:form-group--error=has_error>{field}</div> }
}

fn describedby(ids: &str) -> Option<String> {
    (!ids.is_empty()).then(|| ids.to_owned())
}

/// Counts what the browser's maxlength counts (UTF-16 code units), so the two always agree.
fn typed_length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn remaining_message(remaining: usize) -> String {
    match remaining {
        1 => "You have 1 character remaining".to_owned(),
        n => format!("You have {} characters remaining", with_thousands(n)),
    }
}

#[component]
fn TextField(
    id: String,
    label: String,
    max_chars: usize,
    value: String,
    described_by: String,
    hint_view: Option<AnyView>,
    error_view: Option<AnyView>,
    saver: FieldSaver,
) -> impl IntoView {
    let length = RwSignal::new(typed_length(&value));
    let announced = RwSignal::new(String::new());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let count_id = format!("{id}-count");
    let described_by = format!("{described_by} {count_id}").trim().to_owned();
    let name = id.clone();
    let remaining = move || max_chars.saturating_sub(length.get());
    view! {
        <h2 class="label-wrapper"><label class="label label--m" for=id.clone()>{label}</label></h2>
        {hint_view}
        {error_view}
        <textarea
            class="textarea"
            id=id.clone()
            name=id.clone()
            rows="8"
            maxlength=max_chars
            aria-describedby=describedby(&described_by)
            on:input=move |ev| {
                let text = event_target_value(&ev);
                length.set(typed_length(&text));
                saver.save_soon(vec![(name.clone(), text)], move || announced.set(remaining_message(remaining())));
            }
            on:blur=move |_| saver.flush()
            inner_html=textarea_content(&value)
        ></textarea>
        <div id=count_id class="character-count">
            {move || if hydrated.get() {
                remaining_message(remaining())
            } else {
                format!("You can enter up to {} characters", with_thousands(max_chars))
            }}
        </div>
        <div class="visually-hidden" aria-live="polite">{move || announced.get()}</div>
        <AutosaveStatus saver/>
    }
}

#[component]
fn RadiosField(
    id: String,
    legend: String,
    options: Vec<RadioOption>,
    selected: Option<String>,
    described_by: String,
    hint_view: Option<AnyView>,
    error_view: Option<AnyView>,
    saver: FieldSaver,
) -> impl IntoView {
    let radios = options
        .into_iter()
        .enumerate()
        .map(|(index, option)| {
            // The first radio carries the question's id, so error links land on the group.
            let input_id = if index == 0 {
                id.clone()
            } else {
                format!("{id}-{}", index + 1)
            };
            let checked = selected.as_deref() == Some(option.value.as_str());
            let (name, value) = (id.clone(), option.value.clone());
            view! {
                <div class="radios__item">
                    <input
                        class="radios__input"
                        type="radio"
                        id=input_id.clone()
                        name=id.clone()
                        value=option.value
                        checked=checked
                        on:change=move |_| saver.save_now(vec![(name.clone(), value.clone())])
                    />
                    <label class="radios__label" for=input_id>{option.label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="fieldset" aria-describedby=describedby(&described_by)>
            <legend class="fieldset__legend fieldset__legend--m">{legend}</legend>
            {hint_view}
            {error_view}
            <div class="radios">{radios}</div>
        </fieldset>
        <AutosaveStatus saver/>
    }
}

#[component]
fn DurationField(
    id: String,
    legend: String,
    years: String,
    months: String,
    described_by: String,
    hint_view: Option<AnyView>,
    error_view: Option<AnyView>,
    saver: FieldSaver,
) -> impl IntoView {
    let years_value = RwSignal::new(years.clone());
    let months_value = RwSignal::new(months.clone());
    let (years_name, months_name) = (format!("{id}-years"), format!("{id}-months"));
    let months_id = format!("{id}-months");
    let fields = {
        let (years_name, months_name) = (years_name.clone(), months_name.clone());
        move || {
            vec![
                (years_name.clone(), years_value.get_untracked()),
                (months_name.clone(), months_value.get_untracked()),
            ]
        }
    };
    let on_years = {
        let fields = fields.clone();
        move |ev| {
            years_value.set(event_target_value(&ev));
            saver.save_soon(fields(), || ());
        }
    };
    let on_months = {
        let fields = fields.clone();
        move |ev| {
            months_value.set(event_target_value(&ev));
            saver.save_soon(fields(), || ());
        }
    };
    view! {
        <fieldset class="fieldset" role="group" aria-describedby=describedby(&described_by)>
            <legend class="fieldset__legend fieldset__legend--m">{legend}</legend>
            {hint_view}
            {error_view}
            <div class="duration">
                <div class="duration__item">
                    <label class="label" for=id.clone()>"Years"</label>
                    <input class="input input--width-3" id=id.clone() name=years_name type="text" inputmode="numeric"
                        autocomplete="off" value=years on:input=on_years on:blur=move |_| saver.flush()/>
                </div>
                <div class="duration__item">
                    <label class="label" for=months_id.clone()>"Months"</label>
                    <input class="input input--width-3" id=months_id name=months_name type="text" inputmode="numeric"
                        autocomplete="off" value=months on:input=on_months on:blur=move |_| saver.flush()/>
                </div>
            </div>
        </fieldset>
        <AutosaveStatus saver/>
    }
}
