//! What publishing a checked study does and says, whichever form published it (a study file, or
//! a draft written in the app): the problems that stop it, the audit entry, and the page after.

use domain::audit::AuditAction;
use domain::catalogue::{CatalogueError, Publication};
use domain::study::{Study, StudyError, WordingChange};

use crate::auth::session::Staff;
use crate::error::AppError;
use crate::state::AppState;

/// Publishes `checked` as its study's newest version. Problems with its text are the author's
/// to fix and come back as sentences; anything else is an error.
pub async fn publish(
    state: &AppState,
    staff: &Staff,
    checked: &Study,
) -> Result<Result<Publication, Vec<String>>, AppError> {
    let today = state.clock.today();
    let published = state
        .studies
        .publish(&state.storage, &state.events, checked, today)
        .await;
    match published {
        Ok(publication) => {
            record(state, staff, &publication).await?;
            Ok(Ok(publication))
        }
        // The text was checked by the caller: a stored version that no longer loads is ours.
        Err(CatalogueError::Invalid(error)) => Err(AppError::Internal(error.to_string())),
        Err(CatalogueError::InstrumentReworded(changes, earlier)) => Ok(Err(changes
            .iter()
            .map(|change| reworded(change, &earlier))
            .collect())),
        Err(CatalogueError::ConsentReworded(version)) => Ok(Err(vec![format!(
            "The consent statement differs from the published one, and consent version \"{version}\" \
             is the published one's: give the new wording a consent version of its own (for example \
             \"{}\"), so that consent given to each wording stays told apart. Nothing was published",
            domain::study::next_consent_version(&version)
        )])),
        Err(CatalogueError::Storage(error)) => Err(error.into()),
    }
}

/// The problem that stopped a publication, as a page names it.
pub fn problem_of(error: &StudyError) -> String {
    format!("{}. Nothing was published", located_problem(error))
}

/// The problem in a study text: the line first, where there is one, then the field.
pub fn located_problem(error: &StudyError) -> String {
    let place = match error.line {
        Some(line) => format!("Line {line}, {}", error.field),
        None => error.field.clone(),
    };
    format!("{place}: {}", error.problem)
}

/// What to do about an instrument question worded differently, asked as a confirmation:
/// marking the question as adapted is saying yes.
fn reworded(change: &WordingChange, earlier: &Study) -> String {
    let place = match change.line {
        Some(line) => format!("Line {line}, question {}", change.question),
        None => format!("Question {}", change.question),
    };
    format!(
        "{place} quotes the published instrument ({}), and its wording differs from version {} \
         of \"{}\": \"{}\". To adapt it knowingly, add adapted = true to the question; pages \
         then say its wording is adapted. Nothing was published",
        earlier.citation, earlier.version_number, earlier.title, change.before
    )
}

async fn record(
    state: &AppState,
    staff: &Staff,
    publication: &Publication,
) -> Result<(), AppError> {
    if !publication.is_new_version {
        return Ok(());
    }
    let study = &publication.study;
    if publication.is_new_study && staff.role == domain::accounts::Role::Researcher {
        state
            .storage
            .study_members()
            .add(&study.slug, &staff.record.id, state.clock.today())
            .await?;
    }
    let detail = format!("{} version {}", study.slug, study.version_number);
    state
        .audit(staff.actor(), AuditAction::StudyPublished, &detail)
        .await
}

/// The study's versions page, saying what was published.
pub fn versions_page_after(publication: &Publication) -> String {
    let study = &publication.study;
    let outcome = if publication.is_new_study {
        "new-study"
    } else if publication.is_new_version {
        "published"
    } else {
        "unchanged"
    };
    format!(
        "/admin/studies/{}/versions?{outcome}={}",
        study.slug, study.version_number
    )
}
