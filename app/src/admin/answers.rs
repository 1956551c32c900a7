//! Every answer to one question side by side, with the participant's label; filters.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
use super::shared::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

/// `query` is the page's query string: the filter.
#[server]
pub async fn load_answers(
    study: String,
    question: String,
    query: Option<String>,
) -> Result<AnswersView, ServerFnError> {
    let result = async {
        let query = query_fields(query.as_deref())?;
        load::answers(&study, &question, &query).await
    };
    result.await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    pub use super::super::filters::FilterQuery;

    use super::super::data::*;
    use super::super::filters::{ResponseFilter, filter_choices};

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    use domain::audit::AuditAction;

    use domain::participants::participant_label;

    use domain::answer::describe_answer;

    pub async fn answers(
        slug: &str,
        question_id: &str,
        query: &FilterQuery,
    ) -> Result<AnswersView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let question = study
            .question(question_id)
            .ok_or(AppError::UnknownQuestion)?;
        let filter = ResponseFilter::parse(&study, query)?;
        let participant_questions = study.participant_questions();
        let mut wanted: Vec<_> = participant_questions.iter().collect();
        wanted.push(&question.id);
        let submitted = state
            .storage
            .responses()
            .submitted_answers(&study.slug, &wanted)
            .await?;
        let rows = submitted
            .iter()
            .filter(|p| filter.admits(&p.answers, true, &p.dealt))
            .filter_map(|p| {
                let answer = p.answers.get(question_id)?;
                let seen = state.studies.version(&study.slug, p.study_version_number);
                let asked = seen
                    .as_deref()
                    .and_then(|version| version.question(question_id))
                    .unwrap_or(question);
                Some(AnswerRow {
                    participant: participant_label(
                        &study.participant_label,
                        p.participant_number,
                        &p.answers,
                    ),
                    answer: describe_answer(asked, answer),
                    asked_as: (asked.label != question.label)
                        .then(|| (p.study_version_number, asked.label.clone())),
                })
            })
            .collect();
        let detail = format!(
            "study {slug}, question {question_id}, {}",
            filter.describe()
        );
        state
            .audit(staff.actor(), AuditAction::ViewedAnswers, &detail)
            .await?;
        Ok(AnswersView {
            slug: slug.to_owned(),
            study_title: study.title.clone(),
            question_id: question_id.to_owned(),
            question_label: question.label.clone(),
            filters: filter_choices(&study, &filter, false),
            rows,
        })
    }
}

#[component]
pub fn AnswersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("study").unwrap_or_default(),
                params.get("question").unwrap_or_default(),
                query.read().to_query_string(),
            )
        },
        |(study, question, query)| load_answers(study, question, Some(query)),
    );
    when_loaded(data, |a| {
        let count = a.rows.len();
        view! {
            <Title text=format!("Answers: {}", a.question_label)/>
            <a href=format!("/admin/studies/{}", a.slug) class="back-link">"Back to the study"</a>
            <h1>{a.question_label}</h1>
            <FilterForm filters=a.filters/>
            <p>{format!("{count} answer{}", if count == 1 { "" } else { "s" })}</p>
            <ol class="answers">
                {a.rows.into_iter().map(|row| view! {
                    <li class="answers__item">
                        <p class="answers__who">{row.participant}</p>
                        {row.asked_as.map(|(version, wording)| view! {
                            <p class="answers__asked-as">{format!("Asked in version {version}'s wording: \u{201c}{wording}\u{201d}")}</p>
                        })}
                        <p class="answers__text">{row.answer}</p>
                    </li>
                }).collect_view()}
            </ol>
        }
    })
}
