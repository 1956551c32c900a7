//! The review queue: findings of identifiers in submitted answers, each to accept, edit, reject
//! or undo, and scanning every answer again.

use super::data::{EditedFinding, FindingView, RedactionQueueView};
use crate::components::FieldError;
use crate::components::{ErrorSummary, field_error, study_and_query, when_loaded};
use leptos::prelude::*;
use leptos_meta::Title;

#[server]
pub async fn load_redaction_queue(
    study: String,
    done: Option<String>,
) -> Result<RedactionQueueView, ServerFnError> {
    load::queue(&study, done.as_deref())
        .await
        .map_err(crate::auth::signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::counts;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use crate::redaction::data::{EditedFinding, FindingView, RedactionQueueView};
    use domain::export::participant_name;
    use domain::ids::StudySlug;
    use domain::redaction::detect::Detector;
    use domain::storage::{RedactionRecord, RedactionStatus, Storage};
    use domain::study::Study;
    use leptos::prelude::use_context;

    const SHOWN_AT_MOST: i64 = 200;

    const SCAN_WAITS: usize = 30;

    const SCAN_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

    /// Code points of the answer shown either side of a finding.
    const CONTEXT: usize = 60;

    pub async fn queue(slug: &str, done: Option<&str>) -> Result<RedactionQueueView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let still_scanning = wait_for_scans(&state.storage, &study.slug).await?;
        let pending = findings(&state.storage, &study, &[RedactionStatus::Pending]).await?;
        let decided_statuses = [
            RedactionStatus::Accepted,
            RedactionStatus::Rejected,
            RedactionStatus::Erased,
        ];
        let decided = findings(&state.storage, &study, &decided_statuses).await?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let editing = rejected.values.get("finding").map(|id| EditedFinding {
            id: id.clone(),
            descriptor: rejected
                .values
                .get("descriptor")
                .cloned()
                .unwrap_or_default(),
            text: rejected.values.get("text").cloned().unwrap_or_default(),
        });
        Ok(RedactionQueueView {
            slug: slug.to_owned(),
            title: study.title.clone(),
            counts: counts(&state.storage, &study.slug).await?,
            pending,
            decided,
            shown_at_most: SHOWN_AT_MOST,
            notice: done.and_then(notice),
            errors: rejected.summary(),
            editing,
            still_scanning,
        })
    }

    /// Responses are scanned as they are submitted; one submitted a moment ago may still be in its
    /// scan. Waits a little for it (reading only), then says how many are still waiting.
    async fn wait_for_scans(storage: &Storage, slug: &StudySlug) -> Result<usize, AppError> {
        for _ in 0..SCAN_WAITS {
            if storage.redactions().count_unscanned(slug).await? == 0 {
                return Ok(0);
            }
            tokio::time::sleep(SCAN_WAIT).await;
        }
        let waiting = storage.redactions().count_unscanned(slug).await?;
        Ok(usize::try_from(waiting).unwrap_or(0))
    }

    fn notice(done: &str) -> Option<String> {
        let words = match done {
            "accepted" => "Accepted: exports show the descriptor instead.",
            "edited" => "Saved and accepted: exports show your descriptor instead.",
            "rejected" => "Rejected: exports keep the text as written.",
            "reopened" => "The finding is back in the queue.",
            "scanned" => {
                "Every submitted answer was scanned again; decisions already made are kept."
            }
            "erased" => "The originals of accepted findings were erased from the stored answers.",
            _ => return None,
        };
        Some(words.to_owned())
    }

    async fn findings(
        storage: &Storage,
        study: &Study,
        statuses: &[RedactionStatus],
    ) -> Result<Vec<FindingView>, AppError> {
        let records = storage
            .redactions()
            .list(&study.slug, statuses, SHOWN_AT_MOST)
            .await?;
        Ok(records
            .into_iter()
            .map(|record| finding_view(study, record))
            .collect())
    }

    fn finding_view(study: &Study, record: RedactionRecord) -> FindingView {
        let chars: Vec<char> = record.answer.chars().collect();
        let (start, end) = record.span();
        let end = end.min(chars.len());
        let start = start.min(end);
        let from = start.saturating_sub(CONTEXT);
        let to = (end + CONTEXT).min(chars.len());
        let ellipsis = |cut: bool| if cut { "…" } else { "" };
        let question = study
            .question(&record.question_id)
            .map_or_else(|| record.question_id.to_string(), |q| q.label.clone());
        FindingView {
            participant: participant_name(record.participant_number),
            question,
            looks_like: Detector::from_slug(&record.detector)
                .map_or("an identifier", Detector::looks_like)
                .to_owned(),
            before: format!(
                "{}{}",
                ellipsis(from > 0),
                chars[from..start].iter().collect::<String>()
            ),
            found: chars[start..end].iter().collect(),
            after: format!(
                "{}{}",
                chars[end..to].iter().collect::<String>(),
                ellipsis(to < chars.len())
            ),
            descriptor: record.descriptor,
            status: record.status.as_str().to_owned(),
            decided_by: record.decided_by,
            can_reopen: matches!(
                record.status,
                RedactionStatus::Accepted | RedactionStatus::Rejected
            ),
            id: record.id,
        }
    }
}

#[component]
pub fn RedactionQueuePage() -> impl IntoView {
    let data = Resource::new_blocking(study_and_query("done"), |(study, done)| {
        load_redaction_queue(study, done)
    });
    when_loaded(data, queue_page)
}

fn queue_page(queue: RedactionQueueView) -> impl IntoView {
    let base = format!("/admin/studies/{}/redactions", queue.slug);
    let has_errors = !queue.errors.is_empty();
    let counts = queue.counts.clone();
    let editing = queue.editing.clone();
    let errors = queue.errors.clone();
    view! {
        <Title text=if has_errors { "Error: Identifiers to review" } else { "Identifiers to review" }/>
        <ErrorSummary errors=queue.errors/>
        {queue.notice.map(|notice| view! { <div class="notification" role="status"><p>{notice}</p></div> })}
        <p><a class="back-link" href=format!("/admin/studies/{}", queue.slug)>{queue.title}</a></p>
        <h1>"Identifiers to review"</h1>
        <p>"Support workers sometimes write a name, a place or a phone number into an answer. Each finding below "
           "was picked out by a detector. Accept it and every export shows the descriptor in its place; edit it "
           "to hide more or less text or to choose another descriptor, such as [colleague] or [place]; reject it "
           "and exports keep the words as written. The stored answer keeps the original until you erase it."</p>
        <dl class="figures">
            <div><dt>"To review"</dt><dd>{counts.pending}</dd></div>
            <div><dt>"Accepted"</dt><dd>{counts.accepted}</dd></div>
            <div><dt>"Rejected"</dt><dd>{counts.rejected}</dd></div>
            <div><dt>"Erased"</dt><dd>{counts.erased}</dd></div>
        </dl>
        <h2 id="queue">"To review"</h2>
        {(queue.still_scanning > 0).then(|| view! {
            <p class="notification" role="status">{format!(
                "{} submitted {} still being scanned for identifiers. Reload this page in a moment to see what was found.",
                queue.still_scanning,
                if queue.still_scanning == 1 { "response is" } else { "responses are" },
            )}</p>
        })}
        {if queue.pending.is_empty() {
            view! { <p>"Nothing to review. Each response is scanned as soon as it is submitted."</p> }.into_any()
        } else {
            view! {
                {(counts.pending > queue.shown_at_most).then(|| view! {
                    <p>{format!("The first {} of {} findings are shown; decide these to see the rest.", queue.shown_at_most, counts.pending)}</p>
                })}
                <ol class="question-list" id="pending-findings">
                    {queue.pending.into_iter().map(|finding| {
                        let edited = editing.clone().filter(|e| e.id == finding.id);
                        view! { <PendingFinding finding base=base.clone() edited errors=errors.clone()/> }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        <h2>"Decided"</h2>
        {if queue.decided.is_empty() {
            view! { <p>"No decisions yet."</p> }.into_any()
        } else {
            view! {
                <ol class="question-list">
                    {queue.decided.into_iter().map(|finding| view! { <DecidedFinding finding base=base.clone()/> }).collect_view()}
                </ol>
            }.into_any()
        }}
        <h2>"Scan again"</h2>
        <p>"After the study's list of names changes, scan every submitted answer again. Decisions already made are kept."</p>
        <form method="post" action=format!("{base}/scan")>
            <button type="submit" class="button button--secondary">"Scan all answers again"</button>
        </form>
        {(counts.accepted > 0).then(|| view! {
            <h2>"Erase originals"</h2>
            <p>"Exports already hide accepted findings. Erasing also removes the originals from the stored answers, for good."</p>
            <p><a href=format!("{base}/erase")>{format!("Erase the originals of {} accepted findings", counts.accepted)}</a></p>
        })}
    }
}

/// The answer's words around the finding, the finding marked.
#[component]
fn InContext(finding: FindingView) -> impl IntoView {
    view! {
        <p class="answers__text">{finding.before}<mark>{finding.found}</mark>{finding.after}</p>
    }
    .into_any()
}

#[component]
fn PendingFinding(
    finding: FindingView,
    base: String,
    edited: Option<EditedFinding>,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let action = format!("{base}/{}", finding.id);
    let heading = format!(
        "{}, {}: {}",
        finding.participant, finding.question, finding.looks_like
    );
    let descriptor_id = format!("descriptor-{}", finding.id);
    let text_id = format!("text-{}", finding.id);
    let descriptor_error = field_error(&errors, &descriptor_id);
    let text_error = field_error(&errors, &text_id);
    let typed = edited.clone().unwrap_or(EditedFinding {
        id: finding.id.clone(),
        descriptor: finding.descriptor.clone(),
        text: finding.found.clone(),
    });
    let descriptor = finding.descriptor.clone();
    view! {
        <li class="answers__item">
            <h3 class="answers__who">{heading}</h3>
            <InContext finding/>
            <form method="post" action=action.clone() class="inline-form">
                <button type="submit" name="decision" value="accept" class="button">
                    {format!("Accept as {descriptor}")}
                </button>
                " "
                <button type="submit" name="decision" value="reject" class="button button--secondary">"Reject"</button>
            </form>
            <details class="details" open=edited.is_some()>
                <summary>"Edit before accepting"</summary>
                <form method="post" action=action novalidate>
                    <input type="hidden" name="decision" value="edit"/>
                    <EditField id=text_id name="text" label="Text to hide, as written in the answer" value=typed.text error=text_error/>
                    <EditField id=descriptor_id name="descriptor" label="Descriptor shown instead, such as colleague or place" value=typed.descriptor error=descriptor_error/>
                    <button type="submit" class="button">"Save and accept"</button>
                </form>
            </details>
        </li>
    }
    .into_any()
}

#[component]
fn EditField(
    id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let has_error = error.is_some();
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label class="label" for=id.clone()>{label}</label>
            {error.map(|message| view! {
                <p id=error_id.clone() class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
            })}
            <input class="input" type="text" id=id name=name value=value autocomplete="off" spellcheck="false"
                aria-describedby=has_error.then_some(error_id)/>
        </div>
    }
    .into_any()
}

#[component]
fn DecidedFinding(finding: FindingView, base: String) -> impl IntoView {
    let action = format!("{base}/{}", finding.id);
    let outcome = match finding.status.as_str() {
        "accepted" => format!("Accepted as {}", finding.descriptor),
        "erased" => format!("Erased: the answer now says {}", finding.descriptor),
        _ => "Rejected: exports keep these words".to_owned(),
    };
    let by = finding.decided_by.clone().map(|who| format!(" by {who}"));
    let heading = format!("{}, {}", finding.participant, finding.question);
    let can_reopen = finding.can_reopen;
    view! {
        <li class="answers__item">
            <h3 class="answers__who">{heading}</h3>
            <InContext finding/>
            <p>{outcome}{by}</p>
            {can_reopen.then(|| view! {
                <form method="post" action=action class="inline-form">
                    <button type="submit" name="decision" value="reopen" class="link-button">"Undo this decision"</button>
                </form>
            })}
        </li>
    }
    .into_any()
}

/// The form posts, plain ones: they work without JavaScript. Each is audit-logged without the
/// found words.
#[cfg(feature = "ssr")]
pub(super) mod post {

    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::Response;
    use axum::routing::post;
    use domain::audit::AuditAction;
    use domain::export::participant_name;
    use domain::redaction::apply::locate;
    use domain::redaction::descriptor::Descriptor;
    use domain::redaction::detect::Detector;
    use domain::redaction::review::scan_all_again;
    use domain::storage::{RedactionDecision, RedactionRecord, RedactionStatus};
    use domain::study::Study;

    use super::super::{back_to_queue, queue_path};

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/admin/studies/{study}/redactions/scan", post(scan_again))
            .route("/admin/studies/{study}/redactions/{id}", post(decide))
    }

    async fn scan_again(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        fields_named(&headers, &body, &[])?;
        let added = scan_all_again(&state.storage, &study, state.clock.now()).await?;
        let detail = format!("study {slug}, new findings: {added}");
        state
            .audit(staff.actor(), AuditAction::AnswersScanned, &detail)
            .await?;
        Ok(back_to_queue(&slug, "scanned"))
    }

    async fn decide(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
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
            let message =
                "That text overlaps another finding in this answer; decide that one first";
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
}
