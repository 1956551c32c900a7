//! The question grid: every submitted answer to one written question side by side, each with
//! its participant's label, its coded words marked and its codings listed, and a form to code
//! it. Without JavaScript a researcher codes the whole answer or pastes the words to code; with
//! it, selecting words in the answer fills the form (`SelectionToCode`).

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::memos::{MemosAbout, MemosOn};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, FieldError, Pagination, field_error, when_loaded};

/// `filter` is the page's query ("?setting=inpatient&code=fam"), or empty.
#[server]
pub async fn load_grid(
    study: String,
    question: String,
    filter: String,
) -> Result<GridView, ServerFnError> {
    load::grid(&study, &question, &filter)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
pub(super) use load::grid_answer;

/// Enough answers to code in one sitting, few enough for a page to open at once on a phone.
#[cfg(feature = "ssr")]
const GRID_ANSWERS_PER_PAGE: usize = 50;

#[cfg(feature = "ssr")]
mod load {
    use std::collections::{HashMap, HashSet};

    use domain::analysis::{GridFilter, Span, answer_hash, coded_pieces, filter_questions};
    use domain::ids::QuestionId;
    use domain::paging::{PageNumber, PageOf, page_of};
    use domain::storage::{CodableAnswer, CodingRecord};
    use domain::study::Study;
    use leptos::prelude::use_context;

    use super::super::memos::{memo_views, refused_memo};
    use super::super::{code_view, coder_name, participant_labels_of};
    use super::*;
    use crate::analysis::visible_codings;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, parse_urlencoded};
    use crate::state::AppState;

    /// One answer as the grid and a participant's page show it: its words cut at its codings'
    /// edges, its codings, and what was typed into its form when that was refused.
    pub fn grid_answer(
        answer: CodableAnswer,
        question_id: &str,
        codings: &[CodingRecord],
        labels: &HashMap<i64, String>,
        rejected: &RejectedForm,
    ) -> GridAnswer {
        let response = answer.response.to_string();
        let hash = answer_hash(&answer.text);
        let mine: Vec<_> = codings
            .iter()
            .filter(|c| c.response == response && c.question.as_str() == question_id)
            .collect();
        let spans: Vec<Span> = mine
            .iter()
            .filter(|c| c.answer_hash == hash)
            .map(|c| Span {
                start: c.start,
                end: c.end,
            })
            .collect();
        let value = |name: &str| rejected.values.get(name).map(String::as_str);
        let here = value("response") == Some(response.as_str())
            && value("question").is_none_or(|question| question == question_id);
        let typed = |name: &str| match value(name) {
            Some(typed) if here => typed.to_owned(),
            _ => String::new(),
        };
        GridAnswer {
            participant: labels
                .get(&answer.participant_number)
                .cloned()
                .unwrap_or_else(|| format!("P{}", answer.participant_number)),
            participant_number: answer.participant_number,
            question_id: question_id.to_owned(),
            pieces: coded_pieces(&answer.text, &spans),
            codings: mine
                .iter()
                .map(|c| CodingView {
                    id: c.id.clone(),
                    code_name: c.code_name.clone(),
                    extract: c.extract.clone(),
                    coder: coder_name(c.coder.as_deref()),
                    stale: c.answer_hash != hash,
                    memos: Vec::new(),
                    typed_memo: String::new(),
                })
                .collect(),
            typed_extract: typed("extract"),
            typed_new_code: typed("new_code"),
            memos: Vec::new(),
            typed_memo: String::new(),
            read: false,
            response,
        }
    }

    /// The filter in a query, what the filter form shows, and the page asked for.
    fn grid_filter(
        study: &Study,
        query: &str,
    ) -> Result<(GridFilter, GridFilterView, PageNumber), AppError> {
        let mut pairs = parse_urlencoded(query.trim_start_matches('?').as_bytes())?;
        let page = pairs
            .iter()
            .find(|(key, _)| key == "page")
            .map(|(_, value)| value.as_str());
        let page = PageNumber::parse(page).map_err(AppError::BadForm)?;
        pairs.retain(|(key, _)| !NOT_FILTERS.contains(&key.as_str()));
        let filter = GridFilter::parse(&pairs, study).map_err(AppError::BadForm)?;
        let chosen = |id: &str| {
            filter
                .answers
                .iter()
                .find(|(question, _)| question.as_str() == id)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        let view = GridFilterView {
            questions: filter_questions(study)
                .into_iter()
                .map(|q| FilterSelect {
                    chosen: chosen(q.id.as_str()),
                    id: q.id.to_string(),
                    label: q.label,
                    values: q.values,
                })
                .collect(),
            variants: study
                .variants
                .iter()
                .map(|v| (v.id.clone(), v.label.clone()))
                .collect(),
            variant: filter.variant.clone().unwrap_or_default(),
            orders: study
                .scenario_order
                .as_ref()
                .map(|order| order.all_dealt())
                .unwrap_or_default(),
            order: filter.order.clone().unwrap_or_default(),
            code_search: filter.code_search.clone(),
            query: if filter == GridFilter::default() {
                String::new()
            } else {
                without_page(query)
            },
            total: 0,
        };
        Ok((filter, view, page))
    }

    /// What a grid's query holds besides its filter: the page, and the memo box just written in.
    const NOT_FILTERS: [&str; 2] = ["page", "memo"];

    /// A query ("?setting=inpatient&page=3") without its page (or memo), as it was written
    /// otherwise.
    fn without_page(query: &str) -> String {
        let kept: Vec<&str> = query
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| {
                !pair.is_empty()
                    && pair
                        .split('=')
                        .next()
                        .is_none_or(|key| !NOT_FILTERS.contains(&key))
            })
            .collect();
        if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        }
    }

    /// The grid's query with its page, for the forms on it to come back to the same page.
    fn query_with_page(filter_query: &str, place: &PageOf) -> String {
        match (filter_query.is_empty(), place.number) {
            (_, 1) => filter_query.to_owned(),
            (true, number) => format!("?page={number}"),
            (false, number) => format!("{filter_query}&page={number}"),
        }
    }

    /// The participants the filter admits; None when it admits everyone.
    async fn admitted(
        state: &AppState,
        study: &Study,
        filter: &GridFilter,
    ) -> Result<Option<HashSet<i64>>, AppError> {
        if !filter.narrows_participants() {
            return Ok(None);
        }
        let questions: Vec<QuestionId> =
            filter_questions(study).into_iter().map(|q| q.id).collect();
        let wanted: Vec<&QuestionId> = questions.iter().collect();
        let submitted = state
            .storage
            .responses()
            .submitted_answers(&study.slug, &wanted)
            .await?;
        Ok(Some(
            submitted
                .iter()
                .filter(|p| filter.admits(&p.answers, &p.dealt))
                .map(|p| p.participant_number)
                .collect(),
        ))
    }

    pub async fn grid(slug: &str, question_id: &str, query: &str) -> Result<GridView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let question = study
            .question(question_id)
            .filter(|q| q.is_written())
            .ok_or(AppError::UnknownQuestion)?;
        let analysis = state.storage.analysis();
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let reads = analysis.read_by(&study.slug, &staff.record.id).await?;
        let (filter, mut filter_view, page) = grid_filter(&study, query)?;
        let admitted = admitted(&state, &study, &filter).await?;
        let all = analysis.answers_to(&study.slug, &question.id).await?;
        filter_view.total = all.len();
        let mut listed: Vec<(bool, CodableAnswer)> = all
            .into_iter()
            .filter(|answer| {
                admitted
                    .as_ref()
                    .is_none_or(|numbers| numbers.contains(&answer.participant_number))
            })
            .map(|answer| {
                let key = (answer.response.to_string(), question.id.to_string());
                (reads.contains(&key), answer)
            })
            .collect();
        listed.sort_by_key(|(read, _)| *read);
        let read_count = listed.iter().filter(|(read, _)| *read).count();
        let (listed, place) = page_of(listed, page, GRID_ANSWERS_PER_PAGE);
        let responses: Vec<_> = listed.iter().map(|(_, a)| &a.response).collect();
        let codings = analysis
            .codings_of_answers(&study.slug, &question.id, &responses)
            .await?;
        let codings = visible_codings(&state, &study, &staff, codings).await?;
        let numbers: Vec<i64> = listed.iter().map(|(_, a)| a.participant_number).collect();
        let labels = participant_labels_of(&state, &study, &numbers).await?;
        let answers: Vec<GridAnswer> = listed
            .into_iter()
            .map(|(read, answer)| {
                let mut shown =
                    grid_answer(answer, question.id.as_str(), &codings, &labels, &rejected);
                shown.read = read;
                shown
            })
            .collect();
        let subject = format!("question:{}", question.id);
        let notes = analysis.memos_about(&study.slug, &subject).await?;
        let typed_note = refused_memo(&rejected, &subject);
        Ok(GridView {
            read_count,
            back: query_with_page(&filter_view.query, &place),
            place: place.into(),
            filter: filter_view,
            notes: memo_views(&study, notes),
            typed_note,
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            question_id: question.id.to_string(),
            question_label: question.label.clone(),
            codes: offered_codes(&state, &study.slug)
                .await?
                .into_iter()
                .filter(|code| filter.offers_code(&code.name))
                .collect(),
            answers,
            errors: rejected.summary(),
        })
    }

    /// The codes offered while coding: those not archived.
    pub async fn offered_codes(
        state: &AppState,
        slug: &domain::ids::StudySlug,
    ) -> Result<Vec<CodeView>, AppError> {
        let codes = state.storage.analysis().codes(slug).await?;
        Ok(codes
            .iter()
            .filter(|code| !code.archived)
            .map(|code| code_view(code.clone(), &codes))
            .collect())
    }
}

#[cfg(feature = "ssr")]
pub(super) use load::offered_codes;

#[component]
pub fn GridPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("study").unwrap_or_default(),
                params.get("question").unwrap_or_default(),
                query.read().to_query_string(),
            )
        },
        |(study, question, filter)| load_grid(study, question, filter),
    );
    when_loaded(data, |grid| {
        let heading = grid.question_label.clone();
        let has_errors = !grid.errors.is_empty();
        let base = format!("/admin/studies/{}/analysis", grid.slug);
        view! {
            <Title text=if has_errors { format!("Error: Coding: {heading}") } else { format!("Coding: {heading}") }/>
            <ErrorSummary errors=grid.errors.clone()/>
            <a href=base.clone() class="back-link">"Back to the analysis"</a>
            <p class="caption">{format!("Coding {}", grid.study_title)}</p>
            <h1>{heading}</h1>
            <super::live::LiveChanges slug=grid.slug.clone()/>
            <p>"Select words in an answer to code them, or paste them into \"Words to code\"; leave it empty to code the whole answer. Coded words are marked. A participant's label leads to all their answers."</p>
            <p>{format!("You have read {} of {} answers; unread ones come first.", grid.read_count, grid.place.total)}</p>
            <GridFilterForm action=format!("{base}/questions/{}", grid.question_id) filter=grid.filter.clone() shown=grid.place.total/>
            {(grid.place.pages > 1).then(|| view! {
                <p>{format!("Showing answers {} to {}, {}.", grid.place.first, grid.place.last, grid.place.words())}</p>
            })}
            <MemosOn about=MemosAbout::Question subject=format!("question:{}", grid.question_id) field="memo-question".to_owned() memos=grid.notes.clone() typed=grid.typed_note.clone() slug=grid.slug.clone() errors=grid.errors.clone()/>
            {grid.answers.into_iter().map(|answer| {
                let heading = answer.participant.clone();
                let link = format!("{base}/participants/{}", answer.participant_number);
                view! {
                    <CodingSection answer heading heading_link=link codes=grid.codes.clone() slug=grid.slug.clone() errors=grid.errors.clone() filter=grid.back.clone()/>
                }
            }).collect_view()}
            <Pagination label="Pages of answers" place=grid.place path=format!("{base}/questions/{}", grid.question_id) filter=grid.filter.query.clone()/>
        }
        .into_any()
    })
}

/// The grid's filter: participants by their answers to closed questions, by the variant and
/// order they were dealt, and the codes offered by words in their names. A GET form, so it works
/// without JavaScript and the filtered grid has its own address.
#[component]
fn GridFilterForm(action: String, filter: GridFilterView, shown: usize) -> impl IntoView {
    let narrowed = filter.narrows();
    let summary = if narrowed {
        format!("Filtered: {shown} of {} answers", filter.total)
    } else {
        "Filter the answers and the codes".to_owned()
    };
    let select = |id: String, label: String, values: Vec<(String, String)>, chosen: String| {
        let field = format!("filter-{id}");
        view! {
            <div class="form-group">
                <label class="label" for=field.clone()>{label}</label>
                <select class="select" id=field name=id>
                    <option value="">"Any"</option>
                    {values.into_iter().map(|(value, words)| {
                        let selected = value == chosen;
                        view! { <option value=value selected=selected>{words}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <details class="details" open=narrowed>
            <summary>{summary}</summary>
            <form method="get" action=action.clone()>
                <div class="form-group">
                    <label class="label" for="filter-code">"Codes whose name holds"</label>
                    <input class="input" type="search" id="filter-code" name="code" value=filter.code_search.clone() autocomplete="off"/>
                </div>
                {(!filter.variants.is_empty()).then(|| select("variant".into(), "Vignette variant".into(), filter.variants.clone(), filter.variant.clone()))}
                {(!filter.orders.is_empty()).then(|| {
                    let orders = filter.orders.iter().map(|o| (o.clone(), o.clone())).collect();
                    select("order".into(), "Scenario order".into(), orders, filter.order.clone())
                })}
                {filter.questions.into_iter().map(|q| select(q.id, q.label, q.values, q.chosen)).collect_view()}
                <button type="submit" class="button">"Filter"</button>
                {narrowed.then(|| view! { <p><a href=action.clone()>"Clear the filter"</a></p> })}
            </form>
        </details>
    }
}

/// One answer to code: its words (selecting them fills the form), its codings, each removable,
/// and the form that codes it. With `participant` (on a participant's page) the forms come back
/// to that page, and the answer and each coding have their memos.
#[component]
pub fn CodingSection(
    answer: GridAnswer,
    heading: String,
    heading_link: String,
    codes: Vec<CodeView>,
    slug: String,
    errors: Vec<FieldError>,
    #[prop(optional)] participant: Option<i64>,
    /// The grid's filter ("?setting=inpatient"), for the forms to come back to.
    #[prop(optional)]
    filter: String,
) -> impl IntoView {
    let key = answer.key();
    let base = format!("/admin/studies/{slug}/analysis");
    let action = format!("{base}/questions/{}/codings", answer.question_id);
    let extract_id = format!("extract-{key}");
    let new_code_id = format!("new-code-{key}");
    let error = field_error(&errors, &extract_id);
    let back_to_participant = move || {
        let filter = (!filter.is_empty())
            .then(|| view! { <input type="hidden" name="filter" value=filter.clone()/> });
        let participant = participant.map(
            |number| view! { <input type="hidden" name="participant" value=number.to_string()/> },
        );
        (filter, participant)
    };
    let codings = answer.codings.clone();
    let question_id = answer.question_id.clone();
    view! {
        <section class="coding" aria-labelledby=format!("answer-{key}-label")>
            <h2 class="heading-s" id=format!("answer-{key}-label")><a href=heading_link>{heading}</a>{answer.read.then_some(" (read)")}</h2>
            <SelectionToCode key=key.clone() pieces=answer.pieces.clone()/>
            {(!codings.is_empty()).then(|| view! {
                <ul class="codings">
                    {codings.into_iter().map(|coding| {
                        let memos = participant.map(|_| view! {
                            <MemosOn about=MemosAbout::Coding subject=format!("coding:{}", coding.id) field=format!("memo-coding-{}", coding.id) memos=coding.memos.clone() typed=coding.typed_memo.clone() slug=slug.clone() errors=errors.clone()/>
                        });
                        view! {
                            <li>
                                <strong>{coding.code_name.clone()}</strong>": “"{coding.extract.clone()}"” ("{coding.coder.clone()}")"
                                {coding.stale.then_some(" The answer has changed since; check this coding.")}
                                <form method="post" action=format!("{base}/codings/{}/remove", coding.id) class="inline-form">
                                    <input type="hidden" name="back" value=question_id.clone()/>
                                    {back_to_participant()}
                                    <button type="submit" class="button button--secondary button--small">{format!("Remove \"{}\" here", coding.code_name)}</button>
                                </form>
                                {memos}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <form method="post" action=action class="coding__form" novalidate>
                <input type="hidden" name="response" value=answer.response.clone()/>
                <input type="hidden" name="question" value=answer.question_id.clone()/>
                {back_to_participant()}
                <input type="hidden" name="start" id=format!("start-{key}") value=""/>
                <input type="hidden" name="end" id=format!("end-{key}") value=""/>
                <div class="form-group" class:form-group--error=error.is_some()>
                    <label class="label" for=extract_id.clone()>"Words to code (empty: the whole answer)"</label>
                    {error.clone().map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <textarea class="textarea" id=extract_id.clone() name="extract" rows="2">{answer.typed_extract.clone()}</textarea>
                </div>
                {(!codes.is_empty()).then(|| view! {
                    <fieldset class="fieldset">
                        <legend class="fieldset__legend">"Codes"</legend>
                        {codes.iter().map(|code| {
                            let box_id = format!("code-{key}-{}", code.id);
                            view! {
                                <div class="checkboxes__item">
                                    <input class="checkboxes__input" type="checkbox" id=box_id.clone() name="code" value=code.id.clone()/>
                                    <label class="checkboxes__label" for=box_id>{code.name.clone()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
                <div class="form-group">
                    <label class="label" for=new_code_id.clone()>"Or a new code"</label>
                    <input class="input" type="text" id=new_code_id name="new_code" value=answer.typed_new_code.clone() autocomplete="off"/>
                </div>
                <button type="submit" class="button">"Code"</button>
            </form>
            <form method="post" action=format!("{base}/reads") class="inline-form">
                <input type="hidden" name="response" value=answer.response.clone()/>
                <input type="hidden" name="question" value=answer.question_id.clone()/>
                <input type="hidden" name="read" value=if answer.read { "no" } else { "yes" }/>
                {back_to_participant()}
                <button type="submit" class="button button--secondary button--small">
                    {if answer.read { "Mark as unread" } else { "Mark as read" }}
                </button>
            </form>
            {participant.map(|number| view! {
                <MemosOn about=MemosAbout::Answer subject=format!("answer:{number}:{}", answer.question_id) field=format!("memo-answer-{number}-{}", answer.question_id) memos=answer.memos.clone() typed=answer.typed_memo.clone() slug=slug.clone() errors=errors.clone()/>
            })}
        </section>
    }
}

/// An answer's words, coded ones marked. With JavaScript, selecting words in it (with the mouse,
/// or with Shift and the arrow keys where caret browsing is on) fills its form: the words, and
/// where they start and end in UTF-16 code units, which the server turns into code points.
#[island]
fn SelectionToCode(key: String, pieces: Vec<(String, bool)>) -> impl IntoView {
    let text_id = format!("text-{key}");
    #[cfg(feature = "hydrate")]
    let on_select = {
        let key = key.clone();
        let text_id = text_id.clone();
        move |_| selection::fill_form(&text_id, &key)
    };
    #[cfg(not(feature = "hydrate"))]
    let on_select = {
        let _ = key;
        |_: leptos::ev::MouseEvent| {}
    };
    #[cfg(feature = "hydrate")]
    let on_key = {
        let on_select = on_select.clone();
        move |_: leptos::ev::KeyboardEvent| on_select(())
    };
    #[cfg(not(feature = "hydrate"))]
    let on_key = |_: leptos::ev::KeyboardEvent| {};
    #[cfg(feature = "hydrate")]
    let on_mouse = move |_: leptos::ev::MouseEvent| on_select(());
    #[cfg(not(feature = "hydrate"))]
    let on_mouse = on_select;
    view! {
        <p class="answers__text coding__text" id=text_id tabindex="0" on:mouseup=on_mouse on:keyup=on_key>
            {pieces.into_iter().map(|(words, coded)| if coded {
                view! { <mark>{words}</mark> }.into_any()
            } else {
                view! { {words} }.into_any()
            }).collect_view()}
        </p>
    }
}

#[cfg(feature = "hydrate")]
mod selection {
    use web_sys::wasm_bindgen::JsCast;
    use web_sys::{HtmlInputElement, HtmlTextAreaElement};

    /// Puts the words selected inside the answer, and their place, into its form.
    pub fn fill_form(text_id: &str, key: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let (Some(text), Ok(Some(selection))) =
            (document.get_element_by_id(text_id), window.get_selection())
        else {
            return;
        };
        if selection.range_count() == 0 || selection.is_collapsed() {
            return;
        }
        let Ok(range) = selection.get_range_at(0) else {
            return;
        };
        let inside = |node: Option<web_sys::Node>| node.is_some_and(|n| text.contains(Some(&n)));
        if !inside(range.start_container().ok()) || !inside(range.end_container().ok()) {
            return;
        }
        // How many UTF-16 units of the answer come before the selection's start.
        let Ok(before) = document.create_range() else {
            return;
        };
        if before.select_node_contents(&text).is_err() {
            return;
        }
        let (Ok(container), Ok(offset)) = (range.start_container(), range.start_offset()) else {
            return;
        };
        if before.set_end(&container, offset).is_err() {
            return;
        }
        let start = String::from(before.to_string()).encode_utf16().count();
        let words = String::from(range.to_string());
        let end = start + words.encode_utf16().count();
        let set = |id: String, value: &str| {
            if let Some(input) = document
                .get_element_by_id(&id)
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            {
                input.set_value(value);
            }
        };
        set(format!("start-{key}"), &start.to_string());
        set(format!("end-{key}"), &end.to_string());
        if let Some(extract) = document
            .get_element_by_id(&format!("extract-{key}"))
            .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
        {
            extract.set_value(&words);
        }
    }
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::analysis::{Span, SpanError, answer_hash};
    use domain::ids::{QuestionId, ResponseId};
    use domain::storage::NewCoding;

    use super::super::{CodeName, add_code, analysis_path, coding_seen_by, log_change};
    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, form_value, parse_form, render_rejected};
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(
                "/admin/studies/{study}/analysis/questions/{question}/codings",
                post(code),
            )
            .route(
                "/admin/studies/{study}/analysis/codings/{id}/remove",
                post(remove),
            )
            .route("/admin/studies/{study}/analysis/reads", post(mark_read))
    }

    /// The span to code: the browser's selection when the words still match it, else the words
    /// typed (found in the answer), else the whole answer.
    fn span_of(text: &str, fields: &[(String, String)]) -> Result<Span, SpanError> {
        let typed = form_value(fields, "extract").trim();
        let number = |name: &str| form_value(fields, name).parse::<usize>().ok();
        if let (Some(start), Some(end)) = (number("start"), number("end")) {
            let selected = Span::from_utf16(text, start, end)?;
            if typed.is_empty() || selected.extract(text).trim() == typed {
                return Ok(selected);
            }
        }
        match typed {
            "" => Span::whole(text),
            words => Span::find(text, words),
        }
    }

    async fn code(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, question)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = parse_form(&headers, &body)?;
        let question = QuestionId::parse(question).map_err(|_| AppError::UnknownQuestion)?;
        let response = ResponseId::parse(form_value(&fields, "response"))
            .map_err(|_| AppError::BadForm("The form names no answer.".into()))?;
        let analysis = state.storage.analysis();
        let answer = analysis
            .answer(&study.slug, &response, &question)
            .await?
            .ok_or(AppError::UnknownQuestion)?;
        let grid = return_page(&study.slug, &question, &fields);
        let field = format!("extract-{response}-{question}");
        let refuse = |message: String| RejectedForm::keeping(&field, &message, fields.clone());
        let span = match span_of(&answer.text, &fields) {
            Ok(span) => span,
            Err(problem) => {
                let form = refuse(problem.to_string());
                return Ok(render_rejected(&state, &grid, &headers, form).await);
            }
        };
        let known = analysis.codes(&study.slug).await?;
        let mut chosen: Vec<String> = fields
            .iter()
            .filter(|(name, _)| name == "code")
            .filter_map(|(_, id)| known.iter().find(|code| code.id == *id))
            .map(|code| code.id.clone())
            .collect();
        let new_code = form_value(&fields, "new_code").trim();
        if !new_code.is_empty() {
            let name = match CodeName::parse(new_code) {
                Ok(name) => name,
                Err(problem) => {
                    return Ok(render_rejected(&state, &grid, &headers, refuse(problem)).await);
                }
            };
            let id = match add_code(&state, &study.slug, &name, "", &staff).await? {
                Some(id) => id,
                None => known
                    .iter()
                    .find(|code| code.name == name.as_str())
                    .map(|code| code.id.clone())
                    .unwrap_or_default(),
            };
            chosen.push(id);
        }
        if chosen.is_empty() {
            let form = refuse("Choose a code, or name a new one".into());
            return Ok(render_rejected(&state, &grid, &headers, form).await);
        }
        let hash = answer_hash(&answer.text);
        for code in &chosen {
            let added = analysis
                .add_coding(NewCoding {
                    study: &study.slug,
                    response: &response,
                    question: &question,
                    code,
                    coder: &staff.record.id,
                    span,
                    extract: span.extract(&answer.text),
                    answer_hash: &hash,
                    now: state.clock.now(),
                })
                .await?;
            if added {
                let name = known
                    .iter()
                    .find(|known| known.id == *code)
                    .map_or(new_code, |known| known.name.as_str());
                let detail = format!(
                    "“{name}” on P{}'s answer to {question}, points {}–{}",
                    answer.participant_number, span.start, span.end
                );
                log_change(&state, &study.slug, &staff, "coding added", &detail).await?;
            }
        }
        let anchor = format!("#answer-{response}-{question}-label");
        Ok(Redirect::to(&format!("{grid}{anchor}")).into_response())
    }

    async fn remove(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = parse_form(&headers, &body)?;
        let back = QuestionId::parse(form_value(&fields, "back"))
            .map_err(|_| AppError::UnknownQuestion)?;
        // A coding already gone (a second click) or not the viewer's to see is left as it is.
        if coding_seen_by(&state, &study, &staff, &id).await?.is_some()
            && let Some(coding) = state
                .storage
                .analysis()
                .remove_coding(&study.slug, &id)
                .await?
        {
            let detail = format!(
                "“{}” on P{}'s answer to {}, points {}–{}",
                coding.code_name,
                coding.participant_number,
                coding.question,
                coding.start,
                coding.end
            );
            log_change(&state, &study.slug, &staff, "coding removed", &detail).await?;
        }
        Ok(Redirect::to(&return_page(&study.slug, &back, &fields)).into_response())
    }

    /// Marks an answer read, or unread again, for the researcher who says so.
    async fn mark_read(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let fields = parse_form(&headers, &body)?;
        let question = QuestionId::parse(form_value(&fields, "question"))
            .map_err(|_| AppError::UnknownQuestion)?;
        let response = ResponseId::parse(form_value(&fields, "response"))
            .map_err(|_| AppError::BadForm("The form names no answer.".into()))?;
        let read = match form_value(&fields, "read") {
            "yes" => true,
            "no" => false,
            _ => return Err(AppError::BadForm("Say whether the answer is read.".into())),
        };
        let analysis = state.storage.analysis();
        analysis
            .answer(&study.slug, &response, &question)
            .await?
            .ok_or(AppError::UnknownQuestion)?;
        let by = (staff.record.id.as_str(), state.clock.now());
        analysis
            .mark_read(&study.slug, (&response, &question), read, by)
            .await?;
        let page = return_page(&study.slug, &question, &fields);
        Ok(Redirect::to(&format!("{page}#answer-{response}-{question}-label")).into_response())
    }

    /// The page a coding form came from: the participant's page when it names a participant,
    /// else the question's grid.
    fn return_page(
        slug: &domain::ids::StudySlug,
        question: &QuestionId,
        fields: &[(String, String)],
    ) -> String {
        let base = analysis_path(slug);
        let filter = form_value(fields, "filter");
        // Only a query as this app writes one: it goes into a Location header.
        let filter = if filter.starts_with('?')
            && filter.chars().all(|c| c.is_ascii_graphic() && c != '#')
        {
            filter
        } else {
            ""
        };
        match form_value(fields, "participant").parse::<i64>() {
            Ok(number) => format!("{base}/participants/{number}"),
            Err(_) => format!("{base}/questions/{question}{filter}"),
        }
    }
}
