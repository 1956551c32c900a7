//! Thematic analysis of a study's written answers: codes with definitions, codings of any part
//! of an answer (codes.rs: the study's analysis and a code's collated extracts; coding.rs: the
//! question grid). The spans and their storage live in `domain::analysis` and
//! `storage.analysis()`. No machine suggests or makes codings.

pub mod codes;
pub mod coding;
pub mod data;
#[cfg(feature = "ssr")]
pub mod exports;

/// A code's definition is a few sentences, not an essay.
#[cfg(feature = "ssr")]
const DEFINITION_MOST: usize = 2_000;

/// The analysis pages' form posts.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    codes::post::routes()
        .merge(coding::post::routes())
        .merge(exports::routes())
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

    use super::data::CodeView;
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
            Ok(id) => Ok(Some(id)),
            Err(StorageError::Duplicate) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }

    pub fn code_view(record: CodeRecord) -> CodeView {
        CodeView {
            id: record.id,
            name: record.name,
            definition: record.definition,
            codings: record.codings,
        }
    }

    /// Who made a coding, by their email; a removed account is no one's.
    pub fn coder_name(email: Option<&str>) -> String {
        email.map_or_else(|| "a removed account".to_owned(), str::to_owned)
    }

    /// Each submitted participant's label ("P17: Inpatient SW, 14 months experience"); one who
    /// answered none of its questions is missing, and is named by number alone.
    pub async fn participant_labels(
        state: &AppState,
        study: &Study,
    ) -> Result<HashMap<i64, String>, AppError> {
        let questions = study.participant_questions();
        let wanted: Vec<_> = questions.iter().collect();
        let submitted = state
            .storage
            .responses()
            .submitted_answers(&study.slug, &wanted)
            .await?;
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
