//! Workshops: a trainer runs a study's vignette live with a room of staff on their phones. A
//! workshop has a join code, a plan of steps taken from a study version, a live state the
//! facilitator controls, and one answer per phone and question.

mod code;
mod plan;
mod state;

pub use code::{CODE_LENGTH, JoinCode};
pub use plan::{Plan, PlanError, PlanStep};
pub use state::{Control, LiveState};

/// How long a workshop's answers are kept after it is created, unless the trainer chooses.
pub const DEFAULT_KEEP_DAYS: i64 = 30;

use crate::storage::{NewWorkshop, Storage, StorageError, WorkshopRecord};
use crate::study::Study;

/// How many join codes are drawn before giving up: each is taken with a chance of about one in
/// 244 million per workshop there is.
const CODE_DRAWS: usize = 8;

/// What a new workshop is made of.
pub struct WorkshopPlan<'a> {
    pub title: &'a str,
    pub study: &'a Study,
    pub plan: &'a Plan,
    pub keep_days: i64,
}

/// Creates a workshop with a join code no other workshop has.
pub async fn create(
    storage: &Storage,
    new: WorkshopPlan<'_>,
    created_by: &str,
    now: i64,
) -> Result<WorkshopRecord, StorageError> {
    let plan = new.plan.to_json();
    for _ in 0..CODE_DRAWS {
        let id = uuid::Uuid::new_v4().to_string();
        let code = JoinCode::generate();
        let created = storage
            .workshops()
            .create(NewWorkshop {
                id: &id,
                code: &code,
                title: new.title,
                study: &new.study.slug,
                study_version: new.study.version_number,
                plan: &plan,
                created_by,
                now,
                keep_days: new.keep_days,
            })
            .await;
        match created {
            Ok(()) => return storage.workshops().get(&id).await?.ok_or(StorageError::NotFound),
            Err(StorageError::Duplicate) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(StorageError::Duplicate)
}

/// How often a control is applied again when another facilitator changed the state meanwhile.
const STEER_ATTEMPTS: usize = 10;

/// Applies the facilitator's control to the workshop's state as it is now (again on a newer
/// state when another console changed it meanwhile); the new state, or None when the control
/// changes nothing.
pub async fn steer(
    storage: &Storage,
    id: &str,
    control: Control,
    steps: usize,
) -> Result<Option<LiveState>, StorageError> {
    for _ in 0..STEER_ATTEMPTS {
        let current = storage
            .workshops()
            .get(id)
            .await?
            .ok_or(StorageError::NotFound)?
            .state;
        let Some(next) = current.after(control, steps) else {
            return Ok(None);
        };
        if storage.workshops().set_state(id, &current, &next).await? {
            return Ok(Some(next));
        }
    }
    Err(StorageError::Unsupported(
        "the workshop's state keeps changing under this control; try again",
    ))
}
