//! The review queue's form posts: decide a finding (accept, edit, reject, undo), scan all answers
//! again, erase the originals of accepted findings. Each is audit-logged without the found words.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::audit::AuditAction;

use crate::auth::Researcher;
use crate::error::AppError;
use crate::form_posts::{RejectedForm, fields_named, render_rejected};
use crate::state::AppState;
use domain::export::participant_name;
use domain::redaction::apply::locate;
use domain::redaction::descriptor::Descriptor;
use domain::redaction::detect::Detector;
use domain::redaction::review::{erase_accepted, scan_all_again};
use domain::storage::{RedactionDecision, RedactionRecord, RedactionStatus};
use domain::study::Study;

const SMALL_FORM_LIMIT: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/studies/{study}/redactions/scan", post(scan_again))
        .route("/admin/studies/{study}/redactions/erase", post(erase))
        .route("/admin/studies/{study}/redactions/{id}", post(decide))
        .layer(DefaultBodyLimit::max(SMALL_FORM_LIMIT))
}

fn queue_path(slug: &str) -> String {
    format!("/admin/studies/{slug}/redactions")
}

fn back_to_queue(slug: &str, done: &str) -> Response {
    Redirect::to(&format!("{}?done={done}#queue", queue_path(slug))).into_response()
}

async fn scan_again(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let study = state.study(&slug)?;
    fields_named(&headers, &body, &[])?;
    let added = scan_all_again(&state.storage, &study, state.clock.now()).await?;
    let detail = format!("study {slug}, new findings: {added}");
    state
        .audit(staff.actor(), AuditAction::AnswersScanned, &detail)
        .await?;
    Ok(back_to_queue(&slug, "scanned"))
}

async fn erase(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let study = state.study(&slug)?;
    fields_named(&headers, &body, &[])?;
    let changed = erase_accepted(
        &state.storage,
        &state.events,
        &study.slug,
        &staff.record.email,
        state.clock.now(),
    )
    .await?;
    let detail = format!("study {slug}, answers changed: {changed}");
    state
        .audit(staff.actor(), AuditAction::IdentifiersErased, &detail)
        .await?;
    Ok(back_to_queue(&slug, "erased"))
}

async fn decide(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let study = state.study(&slug)?;
    let fields = fields_named(&headers, &body, &["decision", "descriptor", "text"])?;
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
    let finding = state
        .storage
        .redactions()
        .find(&study.slug, &id)
        .await?
        .ok_or_else(|| AppError::BadForm("There is no such finding in this study.".into()))?;
    let decision = match field("decision") {
        "accept" => Decided::new(
            RedactionStatus::Accepted,
            &finding,
            "accepted",
            AuditAction::IdentifierAccepted,
        ),
        "reject" => Decided::new(
            RedactionStatus::Rejected,
            &finding,
            "rejected",
            AuditAction::IdentifierRejected,
        ),
        "reopen" => Decided::new(
            RedactionStatus::Pending,
            &finding,
            "reopened",
            AuditAction::IdentifierReopened,
        ),
        "edit" => match edited(&state, &finding, field("text"), field("descriptor")).await? {
            Ok(decided) => decided,
            Err(form) => {
                return Ok(render_rejected(&state, &queue_path(&slug), &headers, form).await);
            }
        },
        other => {
            return Err(AppError::BadForm(format!(
                "\"{other}\" is not a decision: accept, edit, reject or reopen."
            )));
        }
    };
    let record = RedactionDecision {
        status: decision.status,
        start: decision.start,
        end: decision.end,
        found_text: &decision.found_text,
        descriptor: &decision.descriptor,
        decided_by: &staff.record.email,
        decided_at: state.clock.now(),
    };
    if !state.storage.redactions().decide(&id, record).await? {
        return Err(AppError::BadForm(
            "This finding was erased from its answer and cannot be decided again.".into(),
        ));
    }
    let detail = audit_detail(&study, &finding, &decision.descriptor);
    state.audit(staff.actor(), decision.action, &detail).await?;
    Ok(back_to_queue(&slug, decision.done))
}

/// A decision about to be stored.
struct Decided {
    status: RedactionStatus,
    start: i64,
    end: i64,
    found_text: String,
    descriptor: String,
    done: &'static str,
    action: AuditAction,
}

impl Decided {
    fn new(
        status: RedactionStatus,
        finding: &RedactionRecord,
        done: &'static str,
        action: AuditAction,
    ) -> Self {
        Self {
            status,
            start: finding.start,
            end: finding.end,
            found_text: finding.found_text.clone().unwrap_or_default(),
            descriptor: finding.descriptor.clone(),
            done,
            action,
        }
    }
}

/// An edit, checked: the descriptor, and text that is in the answer and overlaps no other finding.
async fn edited(
    state: &AppState,
    finding: &RedactionRecord,
    text: &str,
    descriptor: &str,
) -> Result<Result<Decided, RejectedForm>, AppError> {
    let mut form = RejectedForm::default();
    for (name, value) in [
        ("finding", finding.id.as_str()),
        ("text", text),
        ("descriptor", descriptor),
    ] {
        form.values.insert(name.to_owned(), value.to_owned());
    }
    let text_field = format!("text-{}", finding.id);
    let descriptor_field = format!("descriptor-{}", finding.id);
    let span = match locate(&finding.answer, text, finding.span()) {
        Some(span) => Some(span),
        None if text.is_empty() => {
            form.errors.push((
                text_field.clone(),
                "Enter the text to hide, as it is written in the answer".into(),
            ));
            None
        }
        None => {
            let message = format!("“{text}” is not in this answer; copy it as it is written");
            form.errors.push((text_field.clone(), message));
            None
        }
    };
    if let Some((start, end)) = span
        && overlaps_another(state, finding, start, end).await?
    {
        let message = "That text overlaps another finding in this answer; decide that one first";
        form.errors.push((text_field, message.into()));
    }
    let descriptor = Descriptor::parse(descriptor)
        .map_err(|problem| form.errors.push((descriptor_field, problem.to_string())))
        .ok();
    match (span, descriptor) {
        (Some((start, end)), Some(descriptor)) if form.errors.is_empty() => Ok(Ok(Decided {
            status: RedactionStatus::Accepted,
            start: start as i64,
            end: end as i64,
            found_text: text.to_owned(),
            descriptor: descriptor.as_str().to_owned(),
            done: "edited",
            action: AuditAction::IdentifierEdited,
        })),
        _ => Ok(Err(form)),
    }
}

async fn overlaps_another(
    state: &AppState,
    finding: &RedactionRecord,
    start: usize,
    end: usize,
) -> Result<bool, AppError> {
    let others = state
        .storage
        .redactions()
        .in_answer(&finding.response_id, &finding.question_id)
        .await?;
    Ok(others.iter().any(|other| {
        other.id != finding.id && (start as i64) < other.end && other.start < end as i64
    }))
}

/// Which answer and what kind of identifier, never the identifier itself.
fn audit_detail(study: &Study, finding: &RedactionRecord, descriptor: &str) -> String {
    let looks_like =
        Detector::from_slug(&finding.detector).map_or("an identifier", Detector::looks_like);
    format!(
        "study {}, {} {}, {looks_like}, as {descriptor}",
        study.slug,
        participant_name(finding.participant_number),
        finding.question_id
    )
}
