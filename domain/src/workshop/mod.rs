//! Workshops: a trainer runs a study's vignette live with a room of staff on their phones. A
//! workshop has a join code, a plan of steps taken from a study version, a live state the
//! facilitator controls, and one answer per phone and question; words.rs counts the words a room
//! used most, for the projector's word cloud.

mod code;
mod plan;
mod state;
mod words;

pub use code::{CODE_LENGTH, JoinCode};
pub use plan::{Plan, PlanError, PlanStep};
pub use state::{Control, LiveState};
pub use words::most_used;

/// How long a workshop's answers are kept after it is created, unless the trainer chooses.
pub const DEFAULT_KEEP_DAYS: i64 = 30;

/// What a new workshop is made of.
pub struct WorkshopPlan<'a> {
    pub title: &'a str,
    pub study: &'a crate::study::Study,
    pub plan: &'a Plan,
    pub keep_days: i64,
}
