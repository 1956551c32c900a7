//! One response with all its answers, and deleting it.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::shared::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{load_by_study_and, when_loaded};

#[server]
pub async fn load_response(study: String, id: String) -> Result<ResponseView, ServerFnError> {
    load::response(&study, &id)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::data::*;

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    use domain::audit::AuditAction;

    use domain::answer::describe_answer;

    use super::super::shared::load::*;

    pub async fn response(slug: &str, id: &str) -> Result<ResponseView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let record = state
            .response(
                &*crate::auth::research_study(&state, &staff, slug).await?,
                id,
            )
            .await?;
        let study = state.study_seen_by(&record)?;
        let answers = state.storage.responses().answers(&record.id).await?;
        let labels = study
            .participant_label
            .questions()
            .iter()
            .filter_map(|q| Some((q.clone(), answers.get(q)?.clone())))
            .collect();
        let label = response_label(&study, record.participant_number, &labels);
        let sections = study
            .pages
            .iter()
            .filter(|page| !page.questions.is_empty())
            .map(|page| AnswerSection {
                title: page.title.clone(),
                rows: page
                    .questions
                    .iter()
                    .map(|q| {
                        let answer = answers.get(&q.id).map(|a| describe_answer(q, a));
                        (q.label.clone(), answer)
                    })
                    .collect(),
            })
            .collect();
        state
            .audit(
                staff.actor(),
                AuditAction::ViewedResponse,
                &format!("study {slug}, {label}"),
            )
            .await?;
        Ok(ResponseView {
            slug: slug.to_owned(),
            study_title: study.title.clone(),
            id: record.id.to_string(),
            status: status_words(record.submitted_on.is_some()),
            started_on: record.started_on.format("%Y-%m-%d").to_string(),
            submitted_on: record
                .submitted_on
                .map(|d| d.format("%Y-%m-%d").to_string()),
            minutes_to_complete: record.minutes_to_complete,
            from_workshop: record.from_workshop,
            label,
            sections,
        })
    }
}

fn response_resource() -> Resource<Result<ResponseView, ServerFnError>> {
    load_by_study_and("id", load_response)
}

#[component]
pub fn ResponsePage() -> impl IntoView {
    when_loaded(response_resource(), |r| {
        let delete_href = format!("/admin/studies/{}/responses/{}/delete", r.slug, r.id);
        view! {
            <Title text=format!("Response {}", r.label)/>
            <a href=format!("/admin/studies/{}/responses", r.slug) class="back-link">"Back to the responses"</a>
            <h1>{r.label}</h1>
            <dl class="figures">
                <div><dt>"Status"</dt><dd>{r.status}</dd></div>
                <div><dt>"Answered in"</dt><dd>{if r.from_workshop { "A workshop (given to the research)" } else { "The survey" }}</dd></div>
                <div><dt>"Started"</dt><dd>{r.started_on}</dd></div>
                <div><dt>"Submitted"</dt><dd>{r.submitted_on.unwrap_or_else(|| "–".into())}</dd></div>
                <div><dt>"Time to complete"</dt><dd>{r.minutes_to_complete.map_or_else(|| "–".to_owned(), minutes_words)}</dd></div>
            </dl>
            {r.sections.into_iter().map(|section| view! {
                <h2 class="heading-m">{section.title}</h2>
                <dl class="summary-list">
                    {section.rows.into_iter().map(|(question, answer)| view! {
                        <div class="summary-list__row">
                            <dt class="summary-list__key">{question}</dt>
                            <dd class="summary-list__value answers__text">{answer.unwrap_or_else(|| "Not answered".into())}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            }).collect_view()}
            <p><a href=delete_href class="button button--warning">"Delete this response"</a></p>
        }
    })
}

#[component]
pub fn DeleteResponsePage() -> impl IntoView {
    when_loaded(response_resource(), |r| {
        let action = format!("/admin/studies/{}/responses/{}/delete", r.slug, r.id);
        view! {
            <Title text=format!("Delete {}?", r.label)/>
            <h1>{format!("Delete the response of {}?", r.label)}</h1>
            <p>"Its answers are deleted for good and left out of every analysis and export. This cannot be undone."</p>
            <form method="post" action=action>
                <button type="submit" class="button button--warning">"Yes, delete this response"</button>
            </form>
            <p><a href=format!("/admin/studies/{}/responses/{}", r.slug, r.id)>"No, keep it"</a></p>
        }
    })
}

/// The form post, a plain one: it works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::audit::AuditAction;

    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::form_posts::fields_named;
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new().route(
            "/admin/studies/{study}/responses/{id}/delete",
            post(delete_response),
        )
    }

    /// A researcher deletes one response (after the confirmation page).
    async fn delete_response(
        State(state): State<AppState>,
        Path((slug, id)): Path<(String, String)>,
        Researcher(staff): Researcher,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        fields_named(&headers, &body, &[])?;
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let record = state.response(&study, &id).await?;
        state.storage.responses().delete(&record.id).await?;
        let who = record.participant_number.map_or_else(
            || "a response not submitted".to_owned(),
            |n| format!("P{n}"),
        );
        state
            .audit(
                staff.actor(),
                AuditAction::DeletedResponse,
                &format!("study {slug}, {who}"),
            )
            .await?;
        Ok(Redirect::to(&format!("/admin/studies/{slug}/responses?deleted=1")).into_response())
    }
}
