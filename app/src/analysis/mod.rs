//! Thematic analysis of a study's written answers: codes with definitions, codings of any part
//! of an answer (codes.rs: the study's analysis and a code's collated extracts; coding.rs: the
//! question grid). The spans and their storage live in `domain::analysis` and
//! `storage.analysis()`. No machine suggests or makes codings.

#[cfg(feature = "ssr")]
pub mod code_changes;
#[cfg(feature = "ssr")]
mod codebook_import;
pub mod codes;
pub mod coding;
pub mod crosstab;
pub mod data;
#[cfg(feature = "ssr")]
pub mod exports;
pub mod import;
pub mod live;
pub mod map;
pub mod memos;
pub mod participant;
pub mod review;
pub mod themes;
pub mod together;

use leptos::prelude::*;

use data::ExtractView;

/// The top of an analysis page: its title (marked when the form on it was refused), the error
/// summary, the way back to the analysis, the study's name and the heading.
#[component]
pub fn AnalysisHeading(
    slug: String,
    study_title: String,
    heading: String,
    #[prop(optional)] errors: Vec<crate::components::FieldError>,
) -> impl IntoView {
    let title = if errors.is_empty() {
        heading.clone()
    } else {
        format!("Error: {heading}")
    };
    view! {
        <leptos_meta::Title text=title/>
        <crate::components::ErrorSummary errors/>
        <a href=format!("/admin/studies/{slug}/analysis") class="back-link">"Back to the analysis"</a>
        <span class="caption">{study_title}</span>
        <h1>{heading}</h1>
        <live::LiveChanges slug/>
    }
}

/// Collated extracts, each with whose answer it is in, the question, its coder (and its code,
/// with `with_code`), and the whole answer on demand.
/// With `choose` (the form's address, the chosen codings), each extract has a button to choose it
/// as one of a theme's vivid extracts, or to unchoose it.
#[component]
pub fn ExtractList(
    extracts: Vec<ExtractView>,
    with_code: bool,
    #[prop(optional)] choose: Option<(String, Vec<String>)>,
    /// The review form's address, and the extracts reviewed: (coding, whether it fits).
    #[prop(optional)]
    review: Option<(String, Vec<(String, bool)>)>,
) -> impl IntoView {
    view! {
        <ol class="extracts">
            {extracts.into_iter().map(|extract| {
                let code = if with_code { format!("{} · ", extract.code_name) } else { String::new() };
                let choice = choose.as_ref().map(|(action, chosen)| {
                    let is_chosen = chosen.contains(&extract.coding_id);
                    view! {
                        <form method="post" action=action.clone() class="inline-form">
                            <input type="hidden" name="coding" value=extract.coding_id.clone()/>
                            <input type="hidden" name="chosen" value=if is_chosen { "no" } else { "yes" }/>
                            <button type="submit" class="button button--secondary button--small">
                                {if is_chosen { "Unchoose this extract" } else { "Choose as a vivid extract" }}
                                <span class="visually-hidden">{format!(" ({})", extract.participant)}</span>
                            </button>
                        </form>
                    }
                });
                let verdict = review.as_ref().map(|(action, reviewed)| {
                    let fits = reviewed.iter().find(|(id, _)| *id == extract.coding_id).map(|(_, fits)| *fits);
                    let said = match fits {
                        Some(true) => "Reviewed: fits the theme.",
                        Some(false) => "Reviewed: does not fit the theme.",
                        None => "Not reviewed yet.",
                    };
                    let whose = format!(" ({})", extract.participant);
                    view! {
                        <form method="post" action=action.clone() class="inline-form">
                            <p>{said}</p>
                            <input type="hidden" name="coding" value=extract.coding_id.clone()/>
                            {(fits != Some(true)).then(|| view! {
                                <button type="submit" name="verdict" value="fits" class="button button--secondary button--small">"Fits the theme"<span class="visually-hidden">{whose.clone()}</span></button>
                            })}
                            {(fits != Some(false)).then(|| view! {
                                <button type="submit" name="verdict" value="misfit" class="button button--secondary button--small">"Does not fit"<span class="visually-hidden">{whose.clone()}</span></button>
                            })}
                            {fits.is_some().then(|| view! {
                                <button type="submit" name="verdict" value="clear" class="button button--secondary button--small">"Clear the review"<span class="visually-hidden">{whose.clone()}</span></button>
                            })}
                        </form>
                    }
                });
                view! {
                    <li class="extract">
                        <p class="caption">{format!("{code}{} · {} · coded by {}", extract.participant, extract.question_label, extract.coder)}</p>
                        <blockquote>{extract.extract}</blockquote>
                        <details class="details">
                            <summary>"The whole answer"</summary>
                            <p class="answers__text">{extract.answer}</p>
                        </details>
                        {choice}
                        {verdict}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// A code's definition is a few sentences, not an essay.
#[cfg(feature = "ssr")]
const DEFINITION_MOST: usize = 2_000;

/// The analysis pages' form posts.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    codes::post::routes()
        .merge(coding::post::routes())
        .merge(themes::post::routes())
        .merge(code_changes::routes())
        .merge(memos::post::routes())
        .merge(together::post::routes())
        .merge(exports::routes())
        .merge(import::post::routes())
        .merge(codebook_import::routes())
        .merge(map::post::routes())
        .merge(live::routes())
}

#[cfg(feature = "ssr")]
pub use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use std::collections::HashMap;

    use domain::ids::StudySlug;
    use domain::participants::participant_label;
    use domain::storage::{CodeRecord, StorageError};
    use domain::study::Study;

    use domain::ids::QuestionId;
    use domain::storage::{CodingRecord, ThemeRecord};

    use super::data::{CodeView, ExtractView, ThemeView};
    use crate::auth::session::Staff;
    use crate::error::AppError;
    use crate::state::AppState;

    /// The most characters a code's name has.
    const NAME_MOST: usize = 80;

    pub fn analysis_path(slug: &StudySlug) -> String {
        format!("/admin/studies/{slug}/analysis")
    }

    /// A code's name: trimmed, not empty, at most `NAME_MOST` characters, on one line.
    pub struct CodeName(String);

    impl CodeName {
        pub fn parse(typed: &str) -> Result<Self, String> {
            let name = typed.trim();
            if name.is_empty() {
                return Err("Enter a name for the code".into());
            }
            if name.chars().count() > NAME_MOST {
                return Err(format!("Keep the code's name to {NAME_MOST} characters"));
            }
            if name.chars().any(char::is_control) {
                return Err("Write the code's name on one line".into());
            }
            Ok(Self(name.to_owned()))
        }

        pub fn as_str(&self) -> &str {
            &self.0
        }
    }

    /// A code's name and definition from a form: Err is (field, message).
    pub fn code_fields(
        name: &str,
        definition: &str,
    ) -> Result<(CodeName, String), (&'static str, String)> {
        let name = CodeName::parse(name).map_err(|problem| ("name", problem))?;
        if definition.chars().count() > super::DEFINITION_MOST {
            let most = super::DEFINITION_MOST;
            return Err((
                "definition",
                format!("Keep the definition to {most} characters"),
            ));
        }
        Ok((name, definition.trim().to_owned()))
    }

    /// Adds the code; None when the study has one of that name.
    pub async fn add_code(
        state: &AppState,
        slug: &StudySlug,
        name: &CodeName,
        definition: &str,
        staff: &Staff,
    ) -> Result<Option<String>, AppError> {
        let made = state
            .storage
            .analysis()
            .create_code(
                slug,
                name.as_str(),
                definition,
                (&staff.record.id, state.clock.now()),
            )
            .await;
        match made {
            Ok(id) => {
                let detail = format!("“{}”", name.as_str());
                log_change(state, slug, staff, "code added", &detail).await?;
                Ok(Some(id))
            }
            Err(StorageError::Duplicate) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }

    /// Appends the change to the study's analysis log, its audit trail, and tells the other
    /// coders' open pages (`live.rs`). No answer's words go into it: a withdrawal must take them
    /// from everywhere.
    pub async fn log_change(
        state: &AppState,
        slug: &StudySlug,
        staff: &Staff,
        action: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        state
            .storage
            .analysis()
            .log(slug, (&staff.record.id, state.clock.now()), action, detail)
            .await?;
        super::live::announce(state, slug, staff, action).await;
        Ok(())
    }

    /// A code as pages show it; `codes` are the study's, for its path in the code tree.
    pub fn code_view(record: CodeRecord, codes: &[CodeRecord]) -> CodeView {
        CodeView {
            path: domain::storage::code_path(codes, &record.id),
            parent: record.parent,
            id: record.id,
            name: record.name,
            definition: record.definition,
            codings: record.codings,
            archived: record.archived,
        }
    }

    /// A theme as its pages show it; `codes` are the study's, to name the theme's.
    pub fn theme_view(record: &ThemeRecord, codes: &[CodeRecord]) -> ThemeView {
        ThemeView {
            id: record.id.clone(),
            name: record.name.clone(),
            central_concept: record.central_concept.clone(),
            status: (
                record.status.as_str().to_owned(),
                record.status.describe().to_owned(),
            ),
            parent: record.parent.clone(),
            code_names: codes
                .iter()
                .filter(|code| record.codes.contains(&code.id))
                .map(|code| code.name.clone())
                .collect(),
            definition: (
                record.definition.definition.clone(),
                record.definition.scope.clone(),
                record.definition.boundaries.clone(),
            ),
            chosen: record.chosen.clone(),
            reviewed: record.reviewed.clone(),
        }
    }

    /// Whose codings `staff` may see in the study: every coder's, unless independent mode is on.
    pub async fn blinding_of(
        state: &AppState,
        study: &Study,
        staff: &Staff,
    ) -> Result<domain::analysis::Blinding, AppError> {
        let analysis = state.storage.analysis();
        Ok(analysis.blinding(&study.slug, &staff.record.email).await?)
    }

    /// The codings of `codings` that `staff` may see.
    pub async fn visible_codings(
        state: &AppState,
        study: &Study,
        staff: &Staff,
        codings: Vec<CodingRecord>,
    ) -> Result<Vec<CodingRecord>, AppError> {
        let blinding = blinding_of(state, study, staff).await?;
        Ok(codings
            .into_iter()
            .filter(|coding| blinding.shows(coding.coder.as_deref()))
            .collect())
    }

    /// Coding `id` of the study if `staff` may see it: in independent mode another coder's
    /// unreleased coding is as unknown as one that never existed, to change as to read.
    pub async fn coding_seen_by(
        state: &AppState,
        study: &Study,
        staff: &Staff,
        id: &str,
    ) -> Result<Option<CodingRecord>, AppError> {
        let Some(coding) = state.storage.analysis().coding(&study.slug, id).await? else {
            return Ok(None);
        };
        let blinding = blinding_of(state, study, staff).await?;
        Ok(blinding.shows(coding.coder.as_deref()).then_some(coding))
    }

    /// Who made a coding, by their email; a removed account is no one's.
    pub fn coder_name(email: Option<&str>) -> String {
        email.map_or_else(|| "a removed account".to_owned(), str::to_owned)
    }

    /// The whole text of every submitted answer to `questions`, by (question, response).
    pub async fn answer_texts(
        state: &AppState,
        study: &Study,
        questions: impl IntoIterator<Item = QuestionId>,
    ) -> Result<HashMap<(QuestionId, String), String>, AppError> {
        let analysis = state.storage.analysis();
        let questions: std::collections::BTreeSet<QuestionId> = questions.into_iter().collect();
        let mut texts = HashMap::new();
        for question in questions {
            for answer in analysis.answers_to(&study.slug, &question).await? {
                texts.insert((question.clone(), answer.response.to_string()), answer.text);
            }
        }
        Ok(texts)
    }

    /// Codings as collated extracts: each with its participant's label, its question and the
    /// whole answer.
    pub async fn extract_views(
        state: &AppState,
        study: &Study,
        codings: Vec<CodingRecord>,
    ) -> Result<Vec<ExtractView>, AppError> {
        let labels = participant_labels(state, study).await?;
        let questions = codings.iter().map(|c| c.question.clone());
        let answers = answer_texts(state, study, questions).await?;
        Ok(codings
            .into_iter()
            .map(|coding| ExtractView {
                coding_id: coding.id,
                participant: labels
                    .get(&coding.participant_number)
                    .cloned()
                    .unwrap_or_else(|| format!("P{}", coding.participant_number)),
                question_label: study
                    .question(&coding.question)
                    .map_or_else(|| coding.question.to_string(), |q| q.label.clone()),
                answer: answers
                    .get(&(coding.question.clone(), coding.response.clone()))
                    .cloned()
                    .unwrap_or_default(),
                coder: coder_name(coding.coder.as_deref()),
                code_name: coding.code_name,
                extract: coding.extract,
            })
            .collect())
    }

    /// Each submitted participant's label ("P17: Inpatient SW, 14 months experience"); one who
    /// answered none of its questions is missing, and is named by number alone.
    pub async fn participant_labels(
        state: &AppState,
        study: &Study,
    ) -> Result<HashMap<i64, String>, AppError> {
        labels_where(state, study, None).await
    }

    /// The labels of the participants numbered `numbers` only: a page showing a few of them
    /// need not read everyone's answers.
    pub async fn participant_labels_of(
        state: &AppState,
        study: &Study,
        numbers: &[i64],
    ) -> Result<HashMap<i64, String>, AppError> {
        labels_where(state, study, Some(numbers)).await
    }

    async fn labels_where(
        state: &AppState,
        study: &Study,
        numbers: Option<&[i64]>,
    ) -> Result<HashMap<i64, String>, AppError> {
        let questions = study.participant_questions();
        let wanted: Vec<_> = questions.iter().collect();
        let responses = state.storage.responses();
        let submitted = match numbers {
            Some(numbers) => {
                responses
                    .submitted_answers_of(&study.slug, &wanted, numbers)
                    .await?
            }
            None => responses.submitted_answers(&study.slug, &wanted).await?,
        };
        Ok(submitted
            .iter()
            .map(|p| {
                let label =
                    participant_label(&study.participant_label, p.participant_number, &p.answers);
                (p.participant_number, label)
            })
            .collect())
    }
}
