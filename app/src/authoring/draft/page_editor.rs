//! One page of a draft: its title and Markdown body (and their words in each variant), its
//! questions one form each, and a form to add a question.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
use super::fields::{DraftCheckbox, DraftField, EditAction};
use super::{draft_page_path, draft_path, preview_path};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, FieldError, field_error, when_loaded};

#[server]
pub async fn load_draft_page(
    study: String,
    page: String,
    saved: Option<String>,
) -> Result<DraftPageView, ServerFnError> {
    load::draft_page(&study, &page, saved.is_some())
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use leptos::prelude::use_context;

    use domain::study::{Draft, StudyText};

    use super::super::data::*;
    use super::super::edits::options_text;
    use crate::auth::{Researcher, editable_draft, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn draft_page(
        slug: &str,
        page: &str,
        saved: bool,
    ) -> Result<DraftPageView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let (slug, stored) = editable_draft(&state, &staff, slug).await?;
        let stored = stored.ok_or(AppError::UnknownStudy)?;
        let draft =
            Draft::parse(&stored.definition).map_err(|e| AppError::Internal(e.to_string()))?;
        let found = draft.page(page).ok_or(AppError::UnknownStudy)?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let typed =
            |key: &str, current: String| rejected.values.get(key).cloned().unwrap_or(current);
        let ticked = |key: &str, current: bool| {
            if rejected.values.is_empty() {
                current
            } else {
                rejected.values.get(key).is_some_and(|value| value == "yes")
            }
        };
        let questions = found
            .questions
            .iter()
            .map(|question| {
                let name = |field: &str| format!("q-{}-{field}", question.id);
                let mine = rejected.values.get("question") == Some(&question.id);
                let value = |field: &str, current: String| {
                    if mine {
                        typed(&name(field), current)
                    } else {
                        current
                    }
                };
                QuestionForm {
                    id: question.id.clone(),
                    kind: question.kind.clone(),
                    label: value("label", question.label.clone()),
                    short_label: value("short_label", question.short_label.clone()),
                    hint: value("hint", question.hint.clone()),
                    theme: value("theme", question.theme.clone()),
                    required: if mine {
                        ticked(&name("required"), question.required)
                    } else {
                        question.required
                    },
                    asked: if mine {
                        ticked(&name("asked"), question.asked)
                    } else {
                        question.asked
                    },
                    max_chars: value(
                        "max_chars",
                        question
                            .max_chars
                            .map(|n| n.to_string())
                            .unwrap_or_default(),
                    ),
                    scale: value("scale", question.scale.clone()),
                    options: value("options", options_text(&question.options)),
                    from_instrument: question.from_instrument,
                    adapted: question.adapted,
                }
            })
            .collect();
        let variants = draft
            .variants()
            .into_iter()
            .map(|variant| {
                let (title, body) = variant.pages.get(page).cloned().unwrap_or_default();
                VariantText {
                    title: typed(&format!("variant-{}-title", variant.id), title),
                    body: typed(&format!("variant-{}-body", variant.id), body),
                    id: variant.id,
                    label: variant.label,
                }
            })
            .collect();
        Ok(DraftPageView {
            study_slug: slug.to_string(),
            study_title: draft.study_text(StudyText::Title),
            slug: found.slug.clone(),
            title: typed("title", found.title.clone()),
            body: typed("body", found.body.clone()),
            questions,
            variants,
            scales: draft.scale_names(),
            citation: draft.citation(),
            errors: rejected.summary(),
            notice: saved.then(|| "Saved in the draft.".to_owned()),
        })
    }
}

#[component]
pub fn DraftPageEditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("study").unwrap_or_default(),
                params.get("page").unwrap_or_default(),
                query.read().get("saved"),
            )
        },
        |(study, page, saved)| load_draft_page(study, page, saved),
    );
    when_loaded(data, |view_data| {
        let title = format!("Draft page: {}", view_data.title);
        let page_title = if view_data.errors.is_empty() {
            title.clone()
        } else {
            format!("Error: {title}")
        };
        let (study, page) = (view_data.study_slug.clone(), view_data.slug.clone());
        let errors = view_data.errors.clone();
        view! {
            <Title text=page_title/>
            <ErrorSummary errors=errors.clone()/>
            {view_data.notice.clone().map(|notice| view! { <div class="notification" role="status"><p>{notice}</p></div> })}
            <p><a href=draft_path(&study)>{format!("Back to the draft of {}", view_data.study_title)}</a></p>
            <h1>{title}</h1>
            <p><a href=preview_path(&study, &page)>"Preview this page as participants see it"</a></p>
            <PageTextForm view_data=view_data.clone()/>
            {view_data.questions.iter().cloned().map(|question| view! {
                <QuestionSection study=study.clone() page=page.clone() question scales=view_data.scales.clone()
                    citation=view_data.citation.clone() errors=errors.clone()/>
            }).collect_view()}
            <AddQuestion study=study.clone() page=page.clone() errors/>
        }
    })
}

/// The hidden fields of a form on this page: what it edits, and that it returns here.
#[component]
fn PageFormFields(action: &'static str, page: String, section: String) -> impl IntoView {
    view! {
        <EditAction action/>
        <input type="hidden" name="from" value="page"/>
        <input type="hidden" name="page" value=page/>
        <input type="hidden" name="section" value=section/>
    }
    .into_any()
}

#[component]
fn PageTextForm(view_data: DraftPageView) -> impl IntoView {
    let errors = view_data.errors;
    view! {
        <section id="page-text" aria-labelledby="page-text-heading">
            <h2 id="page-text-heading">"Title and text"</h2>
            <form method="post" action=draft_path(&view_data.study_slug) novalidate>
                <PageFormFields action="page" page=view_data.slug.clone() section="page-text".into()/>
                <DraftField id="title".into() label="Title".into() value=view_data.title error=field_error(&errors, "title")/>
                <DraftField id="body".into() label="Text".into() value=view_data.body rows=14 markdown=true
                    hint="Markdown: a blank line starts a paragraph, **bold**, *italic*, a line starting \"- \" is a list item.".to_owned()
                    error=field_error(&errors, "body")/>
                {view_data.variants.into_iter().map(|variant| {
                    let title_id = format!("variant-{}-title", variant.id);
                    let body_id = format!("variant-{}-body", variant.id);
                    view! {
                        <fieldset class="fieldset">
                            <legend class="fieldset__legend">{format!("In the variant \"{}\"", variant.label)}</legend>
                            <div class="hint">"Leave empty to show this variant the words above."</div>
                            <DraftField id=title_id.clone() label="Title in this variant".into() value=variant.title error=field_error(&errors, &title_id)/>
                            <DraftField id=body_id.clone() label="Text in this variant".into() value=variant.body rows=10 markdown=true error=field_error(&errors, &body_id)/>
                        </fieldset>
                    }
                }).collect_view()}
                <button type="submit" class="button">"Save the page"</button>
            </form>
        </section>
    }
    .into_any()
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "text" => "Written answer",
        "likert" => "Rating scale",
        "choice" => "One choice from a list",
        "duration" => "A length of time (years and months)",
        _ => "Question",
    }
}

#[component]
fn QuestionSection(
    study: String,
    page: String,
    question: QuestionForm,
    scales: Vec<String>,
    citation: String,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let id = question.id.clone();
    let name = move |field: &str| format!("q-{id}-{field}");
    let section = format!("q-{}", question.id);
    let heading = format!(
        "{} ({}): {}",
        kind_name(&question.kind),
        question.id,
        question.label
    );
    let kind = question.kind.clone();
    view! {
        <section id=section.clone() aria-labelledby=format!("{section}-heading") class="question-editor">
            <h2 id=format!("{section}-heading") class="heading-s">{heading}</h2>
            <form method="post" action=draft_path(&study) novalidate>
                <PageFormFields action="question" page=page.clone() section=section.clone()/>
                <input type="hidden" name="question" value=question.id.clone()/>
                <input type="hidden" name=name("kind") value=kind.clone()/>
                {question.from_instrument.then(|| view! {
                    <p class="hint">{format!("Quotes the published instrument: {citation}.")}</p>
                })}
                <DraftField id=name("label") label="Question".into() value=question.label rows=2 error=field_error(&errors, &name("label"))/>
                {question.from_instrument.then(|| view! {
                    <DraftCheckbox id=name("adapted") name=name("adapted") value="yes".into()
                        label="I am adapting the published wording: pages will say the wording is adapted".into() checked=question.adapted/>
                })}
                <DraftField id=name("short_label") label="Short name for filters and charts (optional)".into() value=question.short_label error=field_error(&errors, &name("short_label"))/>
                <DraftField id=name("hint") label="Hint under the question (optional)".into() value=question.hint error=field_error(&errors, &name("hint"))/>
                <DraftField id=name("theme") label="Theme it relates to (optional)".into() value=question.theme error=field_error(&errors, &name("theme"))/>
                {(kind == "text").then(|| view! {
                    <DraftField id=name("max_chars") label="Longest answer, in characters (optional)".into() value=question.max_chars.clone()
                        hint="5,000 when empty.".to_owned() error=field_error(&errors, &name("max_chars"))/>
                })}
                {(kind == "likert").then(|| view! {
                    <div class="form-group">
                        <label class="label" for=name("scale")>"Scale"</label>
                        <select class="select" id=name("scale") name=name("scale")>
                            {scales.into_iter().map(|scale| view! {
                                <option value=scale.clone() selected=scale == question.scale>{scale.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                {(kind == "choice").then(|| view! {
                    <DraftField id=name("options") label="Options".into() value=question.options.clone() rows=5
                        hint="One a line, as value: label. The value is what exports record, for example: community: Community services".to_owned()
                        error=field_error(&errors, &name("options"))/>
                })}
                <div class="checkboxes">
                    <DraftCheckbox id=name("asked") name=name("asked") value="yes".into() label="Asked (untick to keep the question in the file without asking it)".into() checked=question.asked/>
                    <DraftCheckbox id=name("required") name=name("required") value="yes".into() label="An answer is needed to submit".into() checked=question.required/>
                </div>
                <button type="submit" class="button">"Save the question"</button>
            </form>
            <form method="post" action=draft_path(&study)>
                <PageFormFields action="remove-question" page=page.clone() section="add-question".into()/>
                <input type="hidden" name="question" value=question.id.clone()/>
                <button type="submit" class="button button--secondary button--warning">
                    "Remove the question"<span class="visually-hidden">{format!(" {}", question.id)}</span>
                </button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn AddQuestion(study: String, page: String, errors: Vec<FieldError>) -> impl IntoView {
    let kinds = ["text", "likert", "choice", "duration"];
    view! {
        <section id="add-question" aria-labelledby="add-question-heading">
            <h2 id="add-question-heading">"Add a question"</h2>
            <form method="post" action=draft_path(&study) novalidate>
                <PageFormFields action="add-question" page=page.clone() section="add-question".into()/>
                <DraftField id="new_question_label".into() label="Question".into() value=String::new() rows=2
                    error=field_error(&errors, "new_question_label")/>
                <DraftField id="new_question_id".into() label="Short name of the question".into() value=String::new()
                    hint="Names the question in exports: lower-case letters, digits and _, for example work_right_thing.".to_owned()
                    error=field_error(&errors, "new_question_id")/>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Kind of question"</legend>
                    {kinds.into_iter().map(|kind| {
                        let id = format!("new_question_kind-{kind}");
                        view! {
                            <div class="radios__item">
                                <input class="radios__input" type="radio" id=id.clone() name="new_question_kind" value=kind checked=kind == "text"/>
                                <label class="radios__label" for=id>{kind_name(kind)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <p class="hint">"Set a rating question's scale or a choice's options once it is added."</p>
                <button type="submit" class="button">"Add the question"</button>
            </form>
            <p><a href=draft_page_path(&study, &page)>"Back to the top of this page"</a></p>
        </section>
    }
    .into_any()
}
