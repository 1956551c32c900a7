//! What the researcher area shows, as sent from the server to the page.

use serde::{Deserialize, Serialize};

use super::likert::LikertItem;
use crate::survey::view::{FieldError, RadioOption};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInView {
    pub email: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupView {
    pub token: String,
    /// False once the link is used or expired.
    pub usable: bool,
    pub email: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffBar {
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminHome {
    pub staff: StaffBar,
    pub research_access: bool,
    pub is_owner: bool,
    pub studies: Vec<StudySummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudySummary {
    pub slug: String,
    pub title: String,
    pub started: i64,
    pub submitted: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub staff: StaffBar,
    pub slug: String,
    pub title: String,
    pub started: i64,
    pub submitted: i64,
    pub in_progress: i64,
    /// Whole per cent of started responses that were submitted; None before anyone starts.
    pub completion_percent: Option<i64>,
    /// How many in-progress responses stopped at each step, every step listed.
    pub stopped_at: Vec<StepCount>,
    pub submitted_per_day: Vec<DayCount>,
    pub questions: Vec<QuestionLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepCount {
    pub step: usize,
    pub title: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayCount {
    pub day: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionLink {
    pub id: String,
    pub page_title: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswersView {
    pub staff: StaffBar,
    pub slug: String,
    pub study_title: String,
    pub question_id: String,
    pub question_label: String,
    pub setting: Option<String>,
    pub settings: Vec<RadioOption>,
    pub rows: Vec<AnswerRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRow {
    pub participant: String,
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikertView {
    pub staff: StaffBar,
    pub slug: String,
    pub title: String,
    pub min_group_size: i64,
    pub items: Vec<LikertItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub staff: StaffBar,
    pub entries: Vec<AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// UTC, to the second.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
}
