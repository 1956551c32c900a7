//! What the workshop pages show, as sent from the server to the page. Results are only in these
//! views once the facilitator shows them: hidden data never leaves the server.

use serde::{Deserialize, Serialize};

use super::co_facilitator::CoFacilitatorView;
use super::review::{ReviewView, WallView};
use crate::components::FieldError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopsView {
    pub workshops: Vec<WorkshopRow>,
    /// (slug, title) of the studies a workshop can be made from.
    pub studies: Vec<(String, String)>,
    pub title: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopRow {
    pub id: String,
    pub title: String,
    pub code: String,
    pub study_title: String,
}

/// The facilitator's console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleView {
    pub id: String,
    pub room: RoomView,
    /// Each step's title, in order.
    pub steps: Vec<String>,
    pub keep_days: i64,
    /// The step's written answers, for the facilitator to show or keep off the screen.
    pub review: ReviewView,
    pub co_facilitator: CoFacilitatorView,
    /// (label, phones dealt it) of each version of the vignette, when the room is split.
    pub versions: Vec<(String, i64)>,
}

/// What the room sees of the workshop now: on the projector and, with a form, on each phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomView {
    pub title: String,
    /// The join code as shown: "ACD EFG".
    pub code: String,
    pub join_url: String,
    /// The join address as a QR code (SVG), on the projector only while joining is open.
    pub join_qr_svg: Option<String>,
    pub joining_open: bool,
    pub joined: i64,
    pub step: usize,
    pub steps: usize,
    pub step_title: String,
    pub body_html: String,
    pub answering_open: bool,
    /// How many times this step has been asked (1, then 2 once asked again, …).
    pub round: i64,
    pub questions: Vec<RoomQuestion>,
    /// The results of this step's questions, only once shown.
    pub results: Option<Vec<QuestionResult>>,
    /// The written answers the facilitator showed, and the room beside the study; only once
    /// results are shown.
    pub wall: Option<WallView>,
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomQuestion {
    pub id: String,
    pub label: String,
    /// (value, label) of each option of a rating or a choice; empty for a written answer.
    pub options: Vec<(String, String)>,
    pub max_chars: usize,
    /// This phone's answer, on a phone.
    pub answer: Option<String>,
    /// How many phones have answered it.
    pub answered: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub label: String,
    /// True for a rating, drawn as a diverging bar.
    pub rating: bool,
    /// (option label, how many) for ratings and choices; empty for written answers.
    pub counts: Vec<(String, i64)>,
    pub answered: i64,
    /// For a rating asked again: how the same phones moved since the round before.
    pub shift: Option<Shift>,
    /// For a rating in a room split between versions of the vignette: its answers by version.
    pub by_version: Vec<VersionResult>,
    /// Breakdowns of fewer phones than this are not shown.
    pub min_group: i64,
}

/// A rating's answers from the phones that read one version of the vignette.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionResult {
    pub label: String,
    /// How many of these phones answered.
    pub phones: i64,
    /// False when too few did to show how they answered.
    pub shown: bool,
    /// (option label, how many).
    pub counts: Vec<(String, i64)>,
}

/// How the phones that rated a question both in the round before and in this one moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    /// How many phones answered both times.
    pub phones: i64,
    /// False when too few did to show anything more.
    pub shown: bool,
    pub up: i64,
    pub same: i64,
    pub down: i64,
    /// (option label, how many of these phones gave it the round before).
    pub before: Vec<(String, i64)>,
}

/// A phone's page: the room, the form's problems, and whether this phone has joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneView {
    pub code: String,
    pub room: RoomView,
    pub errors: Vec<FieldError>,
    pub saved: bool,
    /// (question, text) written for a step the room has since left.
    pub unsaved: Vec<(String, String)>,
    /// The offer to give this phone's answers to the study's research, or that they were given.
    pub research: Option<ResearchOffer>,
}

/// Giving a workshop's answers to the research: opt-in, with the study's consent statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResearchOffer {
    pub study_title: String,
    pub consent_statement: String,
    /// The code that takes the answers out again, once given.
    pub withdrawal_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinView {
    pub code: String,
    /// The workshop's title, when the address named a code that has one.
    pub title: Option<String>,
    pub errors: Vec<FieldError>,
}
