//! The identifier scan, run as soon as a response is submitted rather than when a researcher opens
//! the review queue. Every instance runs one; claiming a response's scan is atomic in the
//! database, so two instances never scan one response twice.

use super::review::scan_new_responses;
use crate::clock::Clock;
use crate::events::{Delivery, Event, Subscription};
use crate::storage::Storage;
use crate::catalogue::Catalogue;
use crate::study::Study;

/// Scans each study's unscanned responses first (submitted while no instance was listening), then
/// each study as its responses are submitted, and all of them again after a resync. Ends with
/// the event bus.
pub async fn scan_on_submission(
    storage: Storage,
    studies: Catalogue,
    clock: Clock,
    mut events: Subscription,
) {
    scan_every_study(&storage, &studies, &clock).await;
    while let Some(delivery) = events.next().await {
        match delivery {
            Delivery::Event(Event::ResponseSubmitted { study, .. }) => {
                if let Some(study) = studies.get(study.as_str()) {
                    scan(&storage, &study, &clock).await;
                }
            }
            Delivery::Event(
                Event::AnswerTextChanged { .. }
                | Event::StudyPublished { .. }
                | Event::WorkshopChanged { .. }
                | Event::WorkshopAnswered { .. }
                | Event::AnalysisChanged { .. },
            ) => {}
            Delivery::Resync => scan_every_study(&storage, &studies, &clock).await,
        }
    }
}

async fn scan_every_study(storage: &Storage, studies: &Catalogue, clock: &Clock) {
    for study in studies.all() {
        scan(storage, &study, clock).await;
    }
}

async fn scan(storage: &Storage, study: &Study, clock: &Clock) {
    if let Err(error) = scan_new_responses(storage, study, clock.now()).await {
        tracing::error!(%error, study = %study.slug, "the identifier scan failed; it runs again at the next submission");
    }
}
