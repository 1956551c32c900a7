//! The second level of reviewing themes: the written answers no theme touches (no coding in them
//! uses a code of a theme that is not discarded), to check whether the themes tell the story of
//! the whole data set or something was missed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AnalysisHeading;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{load_by_study, when_loaded};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UntouchedView {
    pub slug: String,
    pub study_title: String,
    /// How many written answers there are.
    pub answers: usize,
    pub untouched: Vec<UntouchedAnswers>,
}

/// One question's answers that no theme touches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UntouchedAnswers {
    pub question_id: String,
    pub question_label: String,
    /// (participant label, answer).
    pub answers: Vec<(String, String)>,
}

#[server]
pub async fn load_untouched(study: String) -> Result<UntouchedView, ServerFnError> {
    load::untouched(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use std::collections::HashSet;

    use domain::analysis::ThemeStatus;

    use super::*;
    use crate::analysis::participant_labels;
    use crate::analysis::visible_codings;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    pub async fn untouched(slug: &str) -> Result<UntouchedView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let themed: HashSet<String> = analysis
            .themes(&study.slug)
            .await?
            .into_iter()
            .filter(|theme| theme.status != ThemeStatus::Discarded)
            .flat_map(|theme| theme.codes)
            .collect();
        let codings = analysis.codings_of_study(&study.slug).await?;
        let touched: HashSet<(String, String)> = visible_codings(&state, &study, &staff, codings)
            .await?
            .into_iter()
            .filter(|coding| themed.contains(&coding.code))
            .map(|coding| (coding.response, coding.question.to_string()))
            .collect();
        let labels = participant_labels(&state, &study).await?;
        let mut answers = 0;
        let mut untouched = Vec::new();
        for question in study.written_questions() {
            let all = analysis.answers_to(&study.slug, &question.id).await?;
            answers += all.len();
            let left: Vec<(String, String)> = all
                .into_iter()
                .filter(|a| !touched.contains(&(a.response.to_string(), question.id.to_string())))
                .map(|a| {
                    let label = labels
                        .get(&a.participant_number)
                        .cloned()
                        .unwrap_or_else(|| format!("P{}", a.participant_number));
                    (label, a.text)
                })
                .collect();
            if !left.is_empty() {
                untouched.push(UntouchedAnswers {
                    question_id: question.id.to_string(),
                    question_label: question.label.clone(),
                    answers: left,
                });
            }
        }
        Ok(UntouchedView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            answers,
            untouched,
        })
    }
}

#[component]
pub fn UntouchedPage() -> impl IntoView {
    let data = load_by_study(load_untouched);
    when_loaded(data, |view| {
        let left: usize = view
            .untouched
            .iter()
            .map(|question| question.answers.len())
            .sum();
        let base = format!("/admin/studies/{}/analysis", view.slug);
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Answers no theme touches".to_owned()/>
            <p>{format!("{left} of {} written answers have no coding with a code of a theme (discarded themes do not count). Read them again: do the themes tell the story of the whole data set?", view.answers)}</p>
            {view.untouched.into_iter().map(|question| view! {
                <h2 class="heading-s">{question.question_label}</h2>
                <p><a href=format!("{base}/questions/{}", question.question_id)>"Code the answers to this question"</a></p>
                <ul class="extracts">
                    {question.answers.into_iter().map(|(participant, text)| view! {
                        <li class="extract">
                            <p class="caption">{participant}</p>
                            <p class="answers__text">{text}</p>
                        </li>
                    }).collect_view()}
                </ul>
            }).collect_view()}
        }
        .into_any()
    })
}
