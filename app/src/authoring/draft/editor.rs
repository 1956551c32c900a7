//! The draft overview: whether it can be published, and a form for each study-wide part (about,
//! information, consent, pages, scenario order, participants, dates, variants, last page, and
//! the whole file).

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::fields::{DraftCheckbox, DraftField, EditAction};
use super::{behind_warning, draft_page_path, draft_path, preview_path};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, FieldError, field_error, study_and_query, when_loaded};

#[server]
pub async fn load_draft(study: String, saved: Option<String>) -> Result<DraftView, ServerFnError> {
    load::draft(&study, saved.as_deref())
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use leptos::prelude::use_context;

    use domain::study::{Draft, Study, StudyText, changes_between};

    use super::super::data::*;
    use crate::auth::{Researcher, editable_draft, in_server_fn};
    use crate::authoring::publishing::located_problem;
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn draft(slug: &str, saved: Option<&str>) -> Result<DraftView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let (slug, stored) = editable_draft(&state, &staff, slug).await?;
        let published = state.studies.get(&slug);
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let text = stored
            .as_ref()
            .map(|draft| draft.definition.clone())
            .or_else(|| published.as_ref().map(|study| study.source.clone()))
            .unwrap_or_default();
        let draft = Draft::parse(&text).map_err(|error| AppError::Internal(error.to_string()))?;
        let problem = Study::parse(slug.as_str(), &text)
            .err()
            .map(|e| located_problem(&e));
        let changed_lines = changes_between(
            published.as_ref().map_or("", |study| study.source.as_str()),
            &text,
        )
        .iter()
        .flatten()
        .filter(|line| line.change != domain::study::LineChange::Kept)
        .count();
        let typed =
            |key: &str, current: String| rejected.values.get(key).cloned().unwrap_or(current);
        let (order_design, dealt) = draft.scenario_order();
        let (demographics, label_format) = draft.participants();
        let pages = draft.pages();
        let describing_questions = pages
            .iter()
            .flat_map(|page| &page.questions)
            .filter(|question| question.kind == "choice" || question.kind == "duration")
            .map(|question| (question.id.clone(), question.label.clone()))
            .collect();
        let day = |index: usize, key: &str| {
            typed(
                key,
                draft.schedule()[index]
                    .map(|day| day.to_string())
                    .unwrap_or_default(),
            )
        };
        Ok(DraftView {
            slug: slug.to_string(),
            title: draft.study_text(StudyText::Title),
            published: published.as_ref().map(|study| study.version_number),
            has_draft: stored.is_some(),
            problem,
            changed_lines,
            behind: super::super::behind(
                stored.as_ref().and_then(|draft| draft.based_on),
                published.as_ref().map(|study| study.version_number),
            ),
            summary: typed("summary", draft.study_text(StudyText::Summary)),
            information_title: typed(
                "information_title",
                draft.study_text(StudyText::InformationTitle),
            ),
            information_body: typed(
                "information_body",
                draft.study_text(StudyText::InformationBody),
            ),
            consent_statement: typed(
                "consent_statement",
                draft.study_text(StudyText::ConsentStatement),
            ),
            consent_version: draft.consent_version(),
            thanks_title: typed("thanks_title", draft.study_text(StudyText::ThanksTitle)),
            thanks_body: typed("thanks_body", draft.study_text(StudyText::ThanksBody)),
            pages: pages
                .iter()
                .map(|page| PageRow {
                    slug: page.slug.clone(),
                    title: page.title.clone(),
                    questions: page.questions.len(),
                    dealt: dealt.contains(&page.slug),
                })
                .collect(),
            order_design,
            describing_questions,
            demographics,
            label_format: typed("label_format", label_format),
            schedule: [
                day(0, "open_from"),
                day(1, "open_until"),
                day(2, "answers_until"),
            ],
            variants: draft
                .variants()
                .into_iter()
                .map(|variant| (variant.id, variant.label))
                .collect(),
            source: typed("source", text.clone()),
            errors: rejected.summary(),
            notice: saved.map(|_| {
                "Saved in the draft. Participants see it once the draft is published.".to_owned()
            }),
        })
    }
}

#[component]
pub fn DraftPage() -> impl IntoView {
    let data = Resource::new_blocking(study_and_query("saved"), |(study, saved)| {
        load_draft(study, saved)
    });
    when_loaded(data, |view_data| {
        let title = format!("Draft: {}", view_data.title);
        let page_title = if view_data.errors.is_empty() {
            title.clone()
        } else {
            format!("Error: {title}")
        };
        view! {
            <Title text=page_title/>
            <ErrorSummary errors=view_data.errors.clone()/>
            {view_data.notice.clone().map(|notice| view! { <div class="notification" role="status"><p>{notice}</p></div> })}
            <h1>{title}</h1>
            {if view_data.has_draft { view! { <DraftSections view_data/> }.into_any() } else { view! { <NoDraft view_data/> }.into_any() }}
        }
    })
}

#[component]
fn NoDraft(view_data: DraftView) -> impl IntoView {
    let action = format!("{}/start", draft_path(&view_data.slug));
    let version = view_data.published.unwrap_or_default();
    view! {
        <p>"This study has no draft. A draft is a copy of the published study that you change here, "
           "look at as participants would, and publish as a new version when it is ready. "
           "Participants see the published version until then."</p>
        <form method="post" action=action>
            <button type="submit" class="button">{format!("Start a draft from version {version}")}</button>
        </form>
        <p><a href=format!("/admin/studies/{}/versions", view_data.slug)>"Back to the versions"</a></p>
    }
    .into_any()
}

#[component]
fn DraftSections(view_data: DraftView) -> impl IntoView {
    let slug = view_data.slug.clone();
    let first_page = view_data
        .pages
        .first()
        .map(|page| page.slug.clone())
        .unwrap_or_default();
    let status = match (&view_data.problem, view_data.published) {
        (Some(problem), _) => format!(
            "The draft cannot be published yet. {problem}. Correct it in the form for that part, or in the study file at the end of this page."
        ),
        (None, Some(version)) => format!(
            "The draft is ready to publish. It changes {} lines of version {version}.",
            view_data.changed_lines
        ),
        (None, None) => "The draft is ready to publish as a new study.".to_owned(),
    };
    let errors = view_data.errors.clone();
    view! {
        <div class=if view_data.problem.is_some() { "notification notification--warning" } else { "notification" }>
            <p>{status}</p>
        </div>
        {view_data.behind.map(|behind| view! { <div class="warning"><p>{behind_warning(behind)}</p></div> })}
        <ul class="link-list">
            <li><a href=preview_path(&slug, &first_page)>"Preview the draft as participants see it"</a></li>
            <li><a href=format!("{}/changes", draft_path(&slug))>"Review the changes and publish"</a></li>
        </ul>
        <nav aria-labelledby="parts-heading">
            <h2 id="parts-heading" class="heading-s">"Parts of the study"</h2>
            <ul class="link-list">
                <li><a href="#about">"About the study"</a></li>
                <li><a href="#information">"Information page"</a></li>
                <li><a href="#consent">"Consent"</a></li>
                <li><a href="#pages">"Pages and questions"</a></li>
                <li><a href="#order">"Order of the situations"</a></li>
                <li><a href="#variants">"Variants of the vignette"</a></li>
                <li><a href="#participants">"Who participants are"</a></li>
                <li><a href="#schedule">"Dates"</a></li>
                <li><a href="#thanks">"Last page"</a></li>
                <li><a href="#source">"The study file"</a></li>
            </ul>
        </nav>
        <AboutSection slug=slug.clone() summary=view_data.summary.clone() errors=errors.clone()/>
        <TextSection slug=slug.clone() section="information" heading="Information page"
            intro="What participants read before they agree to take part."
            title=view_data.information_title.clone() body=view_data.information_body.clone() errors=errors.clone()/>
        <ConsentSection slug=slug.clone() statement=view_data.consent_statement.clone()
            version=view_data.consent_version.clone() errors=errors.clone()/>
        <PagesSection slug=slug.clone() pages=view_data.pages.clone() errors=errors.clone()/>
        <OrderSection slug=slug.clone() design=view_data.order_design.clone() pages=view_data.pages.clone()/>
        <VariantsSection slug=slug.clone() variants=view_data.variants.clone() errors=errors.clone()/>
        <ParticipantsSection slug=slug.clone() questions=view_data.describing_questions.clone()
            demographics=view_data.demographics.clone() format=view_data.label_format.clone() errors=errors.clone()/>
        <ScheduleSection slug=slug.clone() days=view_data.schedule.clone() errors=errors.clone()/>
        <TextSection slug=slug.clone() section="thanks" heading="Last page"
            intro="What participants read once their answers are sent."
            title=view_data.thanks_title.clone() body=view_data.thanks_body.clone() errors=errors.clone()/>
        <SourceSection slug=slug.clone() source=view_data.source.clone() errors/>
        <section aria-labelledby="discard-heading">
            <h2 id="discard-heading">"Discard the draft"</h2>
            <p>"Throws away every change in this draft. The published study stays as it is."</p>
            <form method="post" action=format!("{}/discard", draft_path(&slug))>
                <button type="submit" class="button button--warning">"Discard the draft"</button>
            </form>
        </section>
    }
    .into_any()
}

/// A form of the overview: it posts its action and returns to its section.
#[component]
fn SectionForm(
    slug: String,
    action: &'static str,
    section: &'static str,
    button: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="post" action=draft_path(&slug) novalidate>
            <EditAction action/>
            <input type="hidden" name="section" value=section/>
            {children()}
            <button type="submit" class="button">{button}</button>
        </form>
    }
    .into_any()
}

#[component]
fn AboutSection(slug: String, summary: String, errors: Vec<FieldError>) -> impl IntoView {
    view! {
        <section id="about" aria-labelledby="about-heading">
            <h2 id="about-heading">"About the study"</h2>
            <SectionForm slug action="about" section="about" button="Save the summary">
                <DraftField id="summary".into() label="Summary on the start page".into() value=summary.clone() rows=3
                    hint="A sentence or two: who the study is for and how long it takes.".to_owned()
                    error=field_error(&errors, "summary")/>
            </SectionForm>
        </section>
    }
    .into_any()
}

#[component]
fn TextSection(
    slug: String,
    section: &'static str,
    heading: &'static str,
    intro: &'static str,
    title: String,
    body: String,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let title_id = format!("{section}_title");
    let body_id = format!("{section}_body");
    view! {
        <section id=section aria-labelledby=format!("{section}-heading")>
            <h2 id=format!("{section}-heading")>{heading}</h2>
            <p>{intro}</p>
            <SectionForm slug action=section section button="Save this page">
                <DraftField id=title_id.clone() label="Title".into() value=title.clone()
                    error=field_error(&errors, &title_id)/>
                <DraftField id=body_id.clone() label="Text".into() value=body.clone() rows=12
                    hint=MARKDOWN_HINT.to_owned() error=field_error(&errors, &body_id) markdown=true/>
            </SectionForm>
        </section>
    }
    .into_any()
}

const MARKDOWN_HINT: &str = "Markdown: a blank line starts a paragraph, **bold**, *italic*, a line starting \"- \" is a list item.";

#[component]
fn ConsentSection(
    slug: String,
    statement: String,
    version: String,
    errors: Vec<FieldError>,
) -> impl IntoView {
    view! {
        <section id="consent" aria-labelledby="consent-heading">
            <h2 id="consent-heading">"Consent"</h2>
            <p>{format!("Consent version: {version}. Participants agree to this wording; when it changes, \
                the draft gives it a new consent version, so that consent to each wording is kept apart.")}</p>
            <SectionForm slug action="consent" section="consent" button="Save the consent statement">
                <DraftField id="consent_statement".into() label="What participants agree to".into()
                    value=statement.clone() rows=3 error=field_error(&errors, "consent_statement")/>
            </SectionForm>
        </section>
    }
    .into_any()
}

#[component]
fn PagesSection(slug: String, pages: Vec<PageRow>, errors: Vec<FieldError>) -> impl IntoView {
    let count = pages.len();
    let options = pages.clone();
    view! {
        <section id="pages" aria-labelledby="pages-heading">
            <h2 id="pages-heading">"Pages and questions"</h2>
            <p>"Participants see these pages in this order, after consent and before checking their answers."</p>
            <ol class="page-list">
                {pages.into_iter().enumerate().map(|(index, page)| {
                    let edit = draft_page_path(&slug, &page.slug);
                    let questions = match page.questions {
                        0 => "no questions".to_owned(),
                        1 => "1 question".to_owned(),
                        n => format!("{n} questions"),
                    };
                    view! {
                        <li class="page-list__item">
                            <a href=edit>{format!("{} ({questions})", page.title)}</a>
                            <div class="page-list__actions">
                                {(index > 0).then(|| view! { <PageButton slug=slug.clone() page=page.slug.clone() title=page.title.clone() action="move-up" label="Move up"/> })}
                                {(index + 1 < count).then(|| view! { <PageButton slug=slug.clone() page=page.slug.clone() title=page.title.clone() action="move-down" label="Move down"/> })}
                                <PageButton slug=slug.clone() page=page.slug.clone() title=page.title.clone() action="remove-page" label="Remove"/>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <h3>"Add a page"</h3>
            <SectionForm slug=slug.clone() action="add-page" section="pages" button="Add the page">
                <DraftField id="new_page_title".into() label="Title".into() value=String::new()
                    error=field_error(&errors, "new_page_title")/>
                <DraftField id="new_page_slug".into() label="Short name of the page".into() value=String::new()
                    hint="Names the page in its address and in exports: lower-case letters, digits and -, for example scenario-work.".to_owned()
                    error=field_error(&errors, "new_page_slug")/>
                <div class="form-group">
                    <label class="label" for="after">"Place it after"</label>
                    <select class="select" id="after" name="after">
                        {options.into_iter().rev().map(|page| view! { <option value=page.slug>{page.title}</option> }).collect_view()}
                    </select>
                </div>
            </SectionForm>
        </section>
    }
    .into_any()
}

#[component]
fn PageButton(
    slug: String,
    page: String,
    title: String,
    action: &'static str,
    label: &'static str,
) -> impl IntoView {
    let class = if action == "remove-page" {
        "button button--secondary button--warning"
    } else {
        "button button--secondary"
    };
    view! {
        <form method="post" action=draft_path(&slug) class="inline-form">
            <EditAction action/>
            <input type="hidden" name="section" value="pages"/>
            <input type="hidden" name="page" value=page/>
            <button type="submit" class=class>{label}<span class="visually-hidden">{format!(": {title}")}</span></button>
        </form>
    }
    .into_any()
}

#[component]
fn OrderSection(slug: String, design: String, pages: Vec<PageRow>) -> impl IntoView {
    let designs = [
        ("fixed", "The same for everyone, in the order of the pages"),
        (
            "all-orders",
            "Balanced: every order of the chosen pages equally often (up to 6 pages)",
        ),
        (
            "latin-square",
            "Balanced Latin square: each chosen page in each place, and after each other, equally often",
        ),
    ];
    view! {
        <section id="order" aria-labelledby="order-heading">
            <h2 id="order-heading">"Order of the situations"</h2>
            <p>"The order of the chosen pages is drawn when a participant consents, kept on any device, and exported with their answers."</p>
            <SectionForm slug action="order" section="order" button="Save the order">
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"How the order is set"</legend>
                    {designs.into_iter().map(|(value, label)| {
                        let id = format!("design-{value}");
                        view! {
                            <div class="radios__item">
                                <input class="radios__input" type="radio" id=id.clone() name="design" value=value checked=design == value/>
                                <label class="radios__label" for=id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Pages whose order varies"</legend>
                    {pages.into_iter().map(|page| view! {
                        <DraftCheckbox id=format!("dealt-{}", page.slug) name="dealt".into() value=page.slug.clone() label=page.title checked=page.dealt/>
                    }).collect_view()}
                </fieldset>
            </SectionForm>
        </section>
    }
    .into_any()
}

#[component]
fn VariantsSection(
    slug: String,
    variants: Vec<(String, String)>,
    errors: Vec<FieldError>,
) -> impl IntoView {
    view! {
        <section id="variants" aria-labelledby="variants-heading">
            <h2 id="variants-heading">"Variants of the vignette"</h2>
            <p>"A study can word some pages in two or more ways (for example Sam as \"she\", \"he\" or \"they\"). "
               "Each participant is given one variant at consent, balanced across participants, and answers can be split by variant. "
               "Write each variant's words on the pages it changes."</p>
            {if variants.is_empty() {
                view! { <p>"This study has no variants: everyone reads the same words."</p> }.into_any()
            } else {
                view! {
                    <ul class="page-list">
                        {variants.into_iter().map(|(id, label)| view! {
                            <li class="page-list__item">
                                {format!("{label} ({id})")}
                                <form method="post" action=draft_path(&slug) class="inline-form">
                                    <EditAction action="remove-variant"/>
                                    <input type="hidden" name="section" value="variants"/>
                                    <input type="hidden" name="variant" value=id.clone()/>
                                    <button type="submit" class="button button--secondary button--warning">"Remove"<span class="visually-hidden">{format!(": {label}")}</span></button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Add a variant"</h3>
            <SectionForm slug action="add-variant" section="variants" button="Add the variant">
                <DraftField id="variant_label".into() label="What it changes".into() value=String::new()
                    hint="For researchers, for example: Sam described as she.".to_owned()
                    error=field_error(&errors, "variant_label")/>
                <DraftField id="variant_id".into() label="Short name of the variant".into() value=String::new()
                    hint="Exported with each response: lower-case letters, digits, - or _, for example she.".to_owned()
                    error=field_error(&errors, "variant_id")/>
            </SectionForm>
        </section>
    }
    .into_any()
}

#[component]
fn ParticipantsSection(
    slug: String,
    questions: Vec<(String, String)>,
    demographics: Vec<String>,
    format: String,
    errors: Vec<FieldError>,
) -> impl IntoView {
    view! {
        <section id="participants" aria-labelledby="participants-heading">
            <h2 id="participants-heading">"Who participants are"</h2>
            <SectionForm slug action="participants" section="participants" button="Save">
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Questions that describe participants"</legend>
                    <div class="hint">"Checked together so that no small group can be singled out in an export, and offered as groups in charts."</div>
                    {questions.into_iter().map(|(id, label)| view! {
                        <DraftCheckbox id=format!("demographic-{id}") name="demographic".into() value=id.clone() label=label checked=demographics.contains(&id)/>
                    }).collect_view()}
                </fieldset>
                <DraftField id="label_format".into() label="How lists name a participant".into() value=format.clone()
                    hint="{id} stands for the answer to that question; a part in [brackets] is left out when its answer is missing. For example: {role}[, {experience} experience]".to_owned()
                    error=field_error(&errors, "label_format")/>
            </SectionForm>
        </section>
    }
    .into_any()
}

#[component]
fn ScheduleSection(slug: String, days: [String; 3], errors: Vec<FieldError>) -> impl IntoView {
    let [open_from, open_until, answers_until] = days;
    let hint = "Year-month-day, for example 2027-01-31. Leave empty for no limit.".to_owned();
    view! {
        <section id="schedule" aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">"Dates"</h2>
            <p>"A study takes new participants from its first day to its last. After that its start page says it is closed, and answers already begun can be sent until the last day for answers (14 days after closing when not set)."</p>
            <SectionForm slug action="schedule" section="schedule" button="Save the dates">
                <DraftField id="open_from".into() label="First day".into() value=open_from hint=hint.clone()
                    error=field_error(&errors, "open_from")/>
                <DraftField id="open_until".into() label="Last day for new participants".into() value=open_until hint=hint.clone()
                    error=field_error(&errors, "open_until")/>
                <DraftField id="answers_until".into() label="Last day for answers".into() value=answers_until hint
                    error=field_error(&errors, "answers_until")/>
            </SectionForm>
        </section>
    }
    .into_any()
}

#[component]
fn SourceSection(slug: String, source: String, errors: Vec<FieldError>) -> impl IntoView {
    view! {
        <section id="source" aria-labelledby="source-heading">
            <h2 id="source-heading">"The study file"</h2>
            <p>"Everything above, and what the forms do not cover (scales, words for the identifier review), as one TOML file. "
               "The forms above change this text too, keeping its comments."</p>
            <SectionForm slug action="source" section="source" button="Save the file">
                <DraftField id="source".into() label="Study file".into() value=source rows=30 code=true
                    error=field_error(&errors, "source")/>
            </SectionForm>
        </section>
    }
    .into_any()
}
