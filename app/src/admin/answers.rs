//! Every answer to one question side by side, with the participant's label; filters.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
use super::shared::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

#[server]
pub async fn load_answers(
    study: String,
    question: String,
    setting: Option<String>,
    role: Option<String>,
    band: Option<String>,
) -> Result<AnswersView, ServerFnError> {
    let query = load::FilterQuery {
        setting,
        role,
        band,
        status: None,
    };
    load::answers(&study, &question, query)
        .await
        .map_err(signed_in_or_redirect)
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
        query: FilterQuery,
    ) -> Result<AnswersView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
        let question = study
            .question(question_id)
            .ok_or(AppError::UnknownQuestion)?;
        let filter = ResponseFilter::parse(&study, query)?;
        let mut wanted: Vec<_> = study.label_questions.iter().collect();
        wanted.push(&question.id);
        let submitted = state
            .storage
            .responses()
            .submitted_answers(&study.slug, &wanted)
            .await?;
        let rows = submitted
            .iter()
            .filter(|p| filter.admits(&p.answers, true))
            .filter_map(|p| {
                let answer = p.answers.get(question_id)?;
                Some(AnswerRow {
                    participant: participant_label(p.participant_number, &p.answers),
                    answer: describe_answer(question, answer),
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
            let (params, query) = (params.read(), query.read());
            (
                params.get("study").unwrap_or_default(),
                params.get("question").unwrap_or_default(),
                query.get("setting"),
                query.get("role"),
                query.get("band"),
            )
        },
        |(study, question, setting, role, band)| load_answers(study, question, setting, role, band),
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
                        <p class="answers__text">{row.answer}</p>
                    </li>
                }).collect_view()}
            </ol>
        }
    })
}
