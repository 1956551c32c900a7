//! The participant view: all of one person's written answers, to read and code them together,
//! with memos on the participant, on each answer and on each coding. Those memos go with the
//! response when it is withdrawn.

use leptos::prelude::*;

use super::AnalysisHeading;
use super::coding::CodingSection;
use super::data::ParticipantView;
use super::memos::{MemoForm, MemoList};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{load_by_study_and, when_loaded};

#[server]
pub async fn load_participant(
    study: String,
    number: String,
) -> Result<ParticipantView, ServerFnError> {
    load::participant(&study, &number)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use domain::storage::{CodableAnswer, MemoRecord};
    use leptos::prelude::use_context;

    use super::super::coding::{grid_answer, offered_codes};
    use super::super::memos::{memo_views, refused_memo};
    use super::super::participant_labels_of;
    use super::*;
    use crate::analysis::{blinding_of, visible_codings};
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn participant(slug: &str, number: &str) -> Result<ParticipantView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let number: i64 = number.parse().map_err(|_| AppError::UnknownResponse)?;
        let analysis = state.storage.analysis();
        let (response, given) = analysis
            .answers_of_participant(&study.slug, number)
            .await?
            .ok_or(AppError::UnknownResponse)?;
        let codings = analysis.codings_of_response(&study.slug, &response).await?;
        let codings = visible_codings(&state, &study, &staff, codings).await?;
        let blinding = blinding_of(&state, &study, &staff).await?;
        let mut memos = analysis.memos_of_response(&study.slug, &response).await?;
        memos.retain(|memo| blinding.shows_memo(&memo.subject, memo.author.as_deref()));
        let reads = analysis.read_by(&study.slug, &staff.record.id).await?;
        let labels = participant_labels_of(&state, &study, &[number]).await?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let about = |subject: &str| -> Vec<MemoRecord> {
            memos
                .iter()
                .filter(|memo| memo.subject == subject)
                .cloned()
                .collect()
        };
        let mut answers = Vec::new();
        for question in study.written_questions() {
            let Some((_, text)) = given.iter().find(|(id, _)| *id == question.id) else {
                continue;
            };
            let codable = CodableAnswer {
                response: response.clone(),
                participant_number: number,
                text: text.clone(),
            };
            let mut answer =
                grid_answer(codable, question.id.as_str(), &codings, &labels, &rejected);
            answer.read = reads.contains(&(response.to_string(), question.id.to_string()));
            let subject = format!("answer:{number}:{}", question.id);
            answer.memos = memo_views(&study, about(&subject));
            answer.typed_memo = refused_memo(&rejected, &subject);
            for coding in &mut answer.codings {
                let subject = format!("coding:{}", coding.id);
                coding.memos = memo_views(&study, about(&subject));
                coding.typed_memo = refused_memo(&rejected, &subject);
            }
            answers.push((question.label.clone(), answer));
        }
        let numbers = analysis.participant_numbers(&study.slug).await?;
        let at = numbers.iter().position(|n| *n == number);
        let subject = format!("participant:{number}");
        Ok(ParticipantView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            number,
            label: labels
                .get(&number)
                .cloned()
                .unwrap_or_else(|| format!("P{number}")),
            previous: at
                .and_then(|at| at.checked_sub(1))
                .and_then(|at| numbers.get(at).copied()),
            next: at.and_then(|at| numbers.get(at + 1).copied()),
            answers,
            codes: offered_codes(&state, &study.slug).await?,
            memos: memo_views(&study, about(&subject)),
            memo_typed: refused_memo(&rejected, &subject),
            errors: rejected.summary(),
        })
    }
}

#[component]
pub fn ParticipantPage() -> impl IntoView {
    let data = load_by_study_and("number", load_participant);
    when_loaded(data, |view| {
        let base = format!("/admin/studies/{}/analysis", view.slug);
        let subject = format!("participant:{}", view.number);
        let number = view.number;
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading=view.label.clone() errors=view.errors.clone()/>
            <p>"All of this participant's written answers, to read and code together. Memos here, on the answers and on the codings go with the participant if they withdraw."</p>
            <nav aria-label="Other participants" class="pager">
                {view.previous.map(|n| view! { <a href=format!("{base}/participants/{n}") rel="prev">{format!("Previous: P{n}")}</a> })}
                {view.next.map(|n| view! { <a href=format!("{base}/participants/{n}") rel="next">{format!("Next: P{n}")}</a> })}
            </nav>
            {if view.answers.is_empty() {
                view! { <p>"This participant answered no written question."</p> }.into_any()
            } else {
                view.answers.into_iter().map(|(question, answer)| {
                    let link = format!("{base}/questions/{}", answer.question_id);
                    view! {
                        <CodingSection answer heading=question heading_link=link codes=view.codes.clone() slug=view.slug.clone() errors=view.errors.clone() participant=number/>
                    }
                }).collect_view().into_any()
            }}
            <h2>"Memos on this participant"</h2>
            {if view.memos.is_empty() {
                view! { <p>"No memos yet."</p> }.into_any()
            } else {
                view! { <MemoList memos=view.memos/> }.into_any()
            }}
            <MemoForm slug=view.slug subject label="A memo on this participant" errors=view.errors typed=view.memo_typed/>
        }
        .into_any()
    })
}
