//! Server functions of the review queue. Each checks the session and research access first.

use leptos::prelude::*;

use super::data::{EraseView, RedactionQueueView};

#[server]
pub async fn load_redaction_queue(
    study: String,
    done: Option<String>,
) -> Result<RedactionQueueView, ServerFnError> {
    load::queue(&study, done.as_deref())
        .await
        .map_err(crate::auth::signed_in_or_redirect)
}

#[server]
pub async fn load_erase_confirmation(study: String) -> Result<EraseView, ServerFnError> {
    load::erase_confirmation(&study)
        .await
        .map_err(crate::auth::signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
pub(crate) mod load {
    use leptos::prelude::use_context;

    use super::super::data::{
        EditedFinding, EraseView, FindingView, RedactionCounts, RedactionQueueView,
    };
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use domain::export::participant_name;
    use domain::ids::StudySlug;
    use domain::redaction::detect::Detector;
    use domain::storage::{RedactionRecord, RedactionStatus, Storage};
    use domain::study::Study;

    const SHOWN_AT_MOST: i64 = 200;
    const SCAN_WAITS: usize = 30;
    const SCAN_WAIT: std::time::Duration = std::time::Duration::from_millis(100);
    /// Code points of the answer shown either side of a finding.
    const CONTEXT: usize = 60;

    pub async fn queue(slug: &str, done: Option<&str>) -> Result<RedactionQueueView, AppError> {
        let (state, Researcher(_)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
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

    pub async fn erase_confirmation(slug: &str) -> Result<EraseView, AppError> {
        let (state, Researcher(_)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
        Ok(EraseView {
            slug: slug.to_owned(),
            title: study.title.clone(),
            accepted: counts(&state.storage, &study.slug).await?.accepted,
        })
    }

    async fn counts(storage: &Storage, slug: &StudySlug) -> Result<RedactionCounts, AppError> {
        let mut counts = RedactionCounts::default();
        for (status, n) in storage.redactions().counts(slug).await? {
            *match status {
                RedactionStatus::Pending => &mut counts.pending,
                RedactionStatus::Accepted => &mut counts.accepted,
                RedactionStatus::Rejected => &mut counts.rejected,
                RedactionStatus::Erased => &mut counts.erased,
            } = n;
        }
        Ok(counts)
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
