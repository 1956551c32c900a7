//! What the researcher area shows, as sent from the server to the page.

use serde::{Deserialize, Serialize};

use super::likert::LikertItem;
use crate::components::{FieldError, RadioOption};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInView {
    pub email: String,
    pub errors: Vec<FieldError>,
    /// The staff page to return to once signed in, when sign-in interrupted one.
    pub next: Option<String>,
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
pub struct SecondFactorView {
    pub errors: Vec<FieldError>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorSetupView {
    pub email: String,
    /// The QR code as SVG markup, drawn on the server from the secret (no outside input).
    pub qr_svg: String,
    /// The secret in groups of four, for typing into an app by hand.
    pub secret: String,
    pub errors: Vec<FieldError>,
}

/// The two-factor setup address shows the QR code until a code is right, then, in answer to that
/// very post and only then, the recovery codes: they are shown once, at the address posted to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TwoFactorStep {
    Setup(TwoFactorSetupView),
    RecoveryCodes(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminHome {
    pub research_access: bool,
    pub is_owner: bool,
    pub studies: Vec<StudySummary>,
    /// True when the account reads only some of the studies there are.
    pub studies_hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudySummary {
    pub slug: String,
    pub title: String,
    pub started: i64,
    pub submitted: i64,
}

/// A study's published versions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionsView {
    pub slug: String,
    pub title: String,
    pub versions: Vec<VersionRow>,
    /// True when the study has a draft being edited.
    pub has_draft: bool,
    /// The copy form's values and errors, when it was sent with a problem.
    pub copy_slug: String,
    pub copy_title: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    pub number: i64,
    pub label: String,
    /// "3 May 2026".
    pub published_on: String,
    pub responses: i64,
    /// The version new participants are shown.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub slug: String,
    pub title: String,
    pub started: i64,
    pub submitted: i64,
    pub in_progress: i64,
    /// Whole per cent of started responses that were submitted; None before anyone starts.
    pub completion_percent: Option<i64>,
    /// Median whole minutes from consent to submit; None before any timed submission.
    pub median_minutes: Option<i64>,
    /// How many in-progress responses stopped at each step, every step listed.
    pub stopped_at: Vec<StepCount>,
    pub submitted_per_day: Vec<DayCount>,
    pub questions: Vec<QuestionLink>,
    pub exports: Vec<ExportLink>,
    /// Set when some combination of setting, role and experience band is shared by too few people.
    pub small_group_warning: Option<String>,
}

/// One export format offered for download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportLink {
    pub format: String,
    pub description: String,
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
    pub slug: String,
    pub study_title: String,
    pub question_id: String,
    pub question_label: String,
    pub filters: FilterChoices,
    pub rows: Vec<AnswerRow>,
}

/// The options of the filter form and what is chosen now ("" for any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub selects: Vec<FilterSelect>,
}

/// One select of the filter form: its field name, label, "any" option, options and choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterSelect {
    pub name: String,
    pub label: String,
    pub any: String,
    pub options: Vec<RadioOption>,
    pub chosen: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponsesView {
    pub slug: String,
    pub study_title: String,
    pub filters: FilterChoices,
    pub rows: Vec<ResponseRow>,
    /// How many responses pass the filter, on all pages.
    pub matching: usize,
    pub place: crate::components::PageView,
    /// The query string of the filter, to keep it on the page links.
    pub filter_query: String,
    /// True right after a response was deleted.
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRow {
    pub id: String,
    pub label: String,
    pub status: String,
    pub started_on: String,
    pub submitted_on: Option<String>,
    /// The furthest step reached, e.g. "5 of 9: Money".
    pub reached: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseView {
    pub slug: String,
    pub study_title: String,
    pub id: String,
    pub label: String,
    pub status: String,
    pub started_on: String,
    pub submitted_on: Option<String>,
    pub minutes_to_complete: Option<i64>,
    /// True for answers a workshop's participant gave to the research.
    pub from_workshop: bool,
    pub sections: Vec<AnswerSection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerSection {
    pub title: String,
    /// (question, answer); None when not answered.
    pub rows: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRow {
    pub participant: String,
    pub answer: String,
    /// The question's wording where the participant's version worded it otherwise than the
    /// newest: (that version's number, its wording).
    pub asked_as: Option<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikertView {
    pub slug: String,
    pub title: String,
    pub min_group_size: i64,
    pub items: Vec<LikertItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
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

/// The owner's page of accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub members: Vec<TeamMember>,
    /// The add-account form as typed, and its errors.
    pub email: String,
    pub role: String,
    pub errors: Vec<FieldError>,
    /// The link for an account just added, shown once.
    pub invitation: Option<Invitation>,
    pub notice: Option<String>,
}

/// Who reads one study, for the owner to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyMembersView {
    pub slug: String,
    pub title: String,
    pub researchers: Vec<MemberChoice>,
    /// True right after the members were saved.
    pub saved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub id: String,
    pub email: String,
    pub member: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: String,
    pub email: String,
    pub role: String,
    pub two_factor: bool,
    /// True until the invitation is used to set a password.
    pub invited: bool,
    pub added_on: String,
    pub is_you: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub email: String,
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteView {
    pub token: String,
    /// The invited account; None when the link is used, expired or unknown.
    pub email: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoveMemberView {
    pub id: String,
    pub email: String,
}

/// A member of staff's own account: their password and their sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub email: String,
    /// Sessions of this account other than the one reading the page.
    pub other_sessions: i64,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
}
