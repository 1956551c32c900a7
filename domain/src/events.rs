//! Things that happened, for whoever wants to act on them: the identifier scan, the study
//! catalogue and workshops' live pages. Within a process a `tokio::sync::broadcast` channel carries
//! them; on PostgreSQL every instance publishes through NOTIFY and receives through one LISTEN
//! connection per process, so a page served by one instance hears what happened on another.
//! A subscriber that may have missed events (its queue overflowed, or the listening connection
//! was lost) receives `Delivery::Resync` and must read the state afresh.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::ids::{QuestionId, ResponseId, StudySlug};
use crate::storage::Storage;
use crate::workshop::LiveState;

/// The NOTIFY channel.
pub const CHANNEL: &str = "vignette_events";
/// Deliveries a slow subscriber may fall behind by before it is told to resync.
const QUEUE: usize = 1024;
/// How long to wait before listening again after the connection was lost.
const RECONNECT_AFTER: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A participant submitted their answers.
    ResponseSubmitted {
        study: StudySlug,
        response: ResponseId,
    },
    /// The stored text of a submitted answer changed (an erasure of identifiers).
    AnswerTextChanged {
        study: StudySlug,
        response: ResponseId,
        question: QuestionId,
    },
    /// A new version of a study was published (a new study, when it is version 1).
    StudyPublished { study: StudySlug, version: i64 },
    /// The facilitator changed what a workshop's room sees. The event holds the whole live
    /// state, so whoever missed the one before is right again after this one.
    WorkshopChanged { workshop: String, state: LiveState },
    /// A phone joined a workshop or answered in it: its counts changed.
    WorkshopAnswered { workshop: String },
    /// A researcher changed a study's analysis (a code, a coding, a theme, a memo): what the
    /// analysis log says of it, without its detail.
    AnalysisChanged {
        study: StudySlug,
        by: String,
        action: String,
    },
}

/// What a subscriber receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Event(Event),
    /// Events may have been missed: read the state afresh.
    Resync,
}

/// The bus. Cloning it gives another handle on the same one.
#[derive(Clone)]
pub struct Events {
    local: broadcast::Sender<Delivery>,
    storage: Storage,
}

impl Events {
    /// Starts the bus; on PostgreSQL also the task that relays other instances' events.
    pub fn start(storage: &Storage) -> Self {
        let (local, _) = broadcast::channel(QUEUE);
        let events = Self {
            local,
            storage: storage.clone(),
        };
        if storage.relays_notifications() {
            tokio::spawn(relay(storage.clone(), events.local.downgrade()));
        }
        events
    }

    /// Tells every subscriber, on every instance. A failure to reach other instances is logged
    /// and otherwise ignored: what happened is in the database, and listeners resync.
    pub async fn publish(&self, event: Event) {
        if !self.storage.relays_notifications() {
            let _ = self.local.send(Delivery::Event(event));
            return;
        }
        // This instance hears its own notification through the relay, like the others.
        let payload = serde_json::to_string(&event).expect("events serialise");
        if let Err(error) = self.storage.notify(CHANNEL, &payload).await {
            tracing::warn!(%error, "could not notify other instances of an event");
        }
    }

    pub fn subscribe(&self) -> Subscription {
        Subscription {
            receiver: self.local.subscribe(),
        }
    }
}

/// One subscriber's queue.
pub struct Subscription {
    receiver: broadcast::Receiver<Delivery>,
}

impl Subscription {
    /// The next delivery; `None` once the bus is gone.
    pub async fn next(&mut self) -> Option<Delivery> {
        match self.receiver.recv().await {
            Ok(delivery) => Some(delivery),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(Delivery::Resync),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

/// Listens for every instance's events and hands them to this process's subscribers; after a
/// lost connection, listens again and tells every subscriber to resync. Ends with the bus.
async fn relay(storage: Storage, bus: broadcast::WeakSender<Delivery>) {
    let mut listened_before = false;
    loop {
        match storage.listen(CHANNEL).await {
            Ok(Some(mut notifications)) => {
                if listened_before && !hand_on(&bus, Delivery::Resync) {
                    return;
                }
                listened_before = true;
                while let Some(payload) = notifications.next().await {
                    let delivery = match serde_json::from_str::<Event>(&payload) {
                        Ok(event) => Delivery::Event(event),
                        Err(error) => {
                            tracing::warn!(%error, "an event that could not be read");
                            Delivery::Resync
                        }
                    };
                    if !hand_on(&bus, delivery) {
                        return;
                    }
                }
                tracing::warn!("lost the connection that listens for events; listening again");
            }
            Ok(None) => return,
            Err(error) => tracing::warn!(%error, "cannot listen for events; trying again"),
        }
        if bus.upgrade().is_none() {
            return;
        }
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

/// Gives `delivery` to this process's subscribers; false once the bus is gone.
fn hand_on(bus: &broadcast::WeakSender<Delivery>, delivery: Delivery) -> bool {
    match bus.upgrade() {
        Some(sender) => {
            let _ = sender.send(delivery);
            true
        }
        None => false,
    }
}
