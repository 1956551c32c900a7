//! Live workshops: what the facilitator changes reaches the phones and the projector as it
//! happens. The server sends a workshop's whole live state as a server-sent event whose id is its
//! revision, first on connecting and then after each change (heard through the event bus, so any
//! instance serves any phone); a page fetches its view afresh when the revision has moved on. A
//! dropped connection is reopened by the browser and starts with the state again, so a missed
//! event costs nothing. The facilitator's feed also says when answers came in. Without
//! JavaScript, pages keep their "check for the next question" link.

/// The feed a phone follows.
pub fn room_feed(code: &str) -> String {
    format!("/w/{code}/live")
}

/// The feed the projector and console follow: state and answer counts.
pub fn facilitator_feed(id: &str) -> String {
    format!("/admin/workshops/{id}/live")
}

#[cfg(feature = "ssr")]
pub use feed::{announce_answers, announce_change, routes};

#[cfg(feature = "ssr")]
mod feed {
    use std::convert::Infallible;
    use std::time::Duration;

    use axum::Router;
    use axum::extract::{Path, State};
    use axum::http::header::{CACHE_CONTROL, HeaderName};
    use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use domain::events::{Delivery, Event, Subscription};
    use domain::storage::Storage;
    use domain::workshop::LiveState;
    use futures_util::Stream;

    use crate::auth::Trainer;
    use crate::error::AppError;
    use crate::state::{AppState, Stopping};
    use crate::workshop::console::load::facilitated;
    use crate::workshop::room::workshop_of;

    /// How soon a browser reconnects after losing the feed.
    const RECONNECT: Duration = Duration::from_millis(1000);
    /// Proxies such as nginx hold a response back unless told not to.
    const ACCEL_BUFFERING: HeaderName = HeaderName::from_static("x-accel-buffering");

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/w/{code}/live", get(room))
            .route("/admin/workshops/{id}/live", get(facilitator))
    }

    /// Tells every phone and screen of the workshop its new state.
    pub async fn announce_change(state: &AppState, workshop: &str, live: LiveState) {
        let workshop = workshop.to_owned();
        let event = Event::WorkshopChanged {
            workshop,
            state: live,
        };
        state.events.publish(event).await;
    }

    /// Tells the facilitator's screens that someone joined or answered.
    pub async fn announce_answers(state: &AppState, workshop: &str) {
        let workshop = workshop.to_owned();
        state
            .events
            .publish(Event::WorkshopAnswered { workshop })
            .await;
    }

    async fn room(
        State(state): State<AppState>,
        Path(code): Path<String>,
    ) -> Result<Response, AppError> {
        // Listening starts before the state is read, so no change falls between the two.
        let subscription = state.events.subscribe();
        let record = workshop_of(&state, &code).await?;
        Ok(respond(Feed::new(
            &state,
            subscription,
            record.id,
            record.state,
            false,
        ))
        .await)
    }

    async fn facilitator(
        State(state): State<AppState>,
        Path(id): Path<String>,
        Trainer(staff): Trainer,
    ) -> Result<Response, AppError> {
        let subscription = state.events.subscribe();
        let record = facilitated(&state, &staff, &id).await?;
        Ok(respond(Feed::new(
            &state,
            subscription,
            record.id,
            record.state,
            true,
        ))
        .await)
    }

    async fn respond(feed: Feed) -> Response {
        let events = Sse::new(feed.into_stream()).keep_alive(KeepAlive::default());
        (
            [(ACCEL_BUFFERING, "no"), (CACHE_CONTROL, "no-store")],
            events,
        )
            .into_response()
    }

    /// One open feed.
    struct Feed {
        workshop: String,
        subscription: Subscription,
        storage: Storage,
        stopping: Stopping,
        with_answers: bool,
        /// The state to send first.
        opening: Option<LiveState>,
    }

    impl Feed {
        fn new(
            state: &AppState,
            subscription: Subscription,
            workshop: String,
            live: LiveState,
            with_answers: bool,
        ) -> Self {
            Self {
                workshop,
                subscription,
                storage: state.storage.clone(),
                stopping: state.stopping.clone(),
                with_answers,
                opening: Some(live),
            }
        }

        fn into_stream(self) -> impl Stream<Item = Result<SseEvent, Infallible>> + Send {
            futures_util::stream::unfold(self, |mut feed| async move {
                let event = feed.next().await?;
                Some((Ok(event), feed))
            })
        }

        /// The next event to send; `None` ends the feed (the server is stopping, or the
        /// workshop is gone).
        async fn next(&mut self) -> Option<SseEvent> {
            if let Some(live) = self.opening.take() {
                return Some(state_event(&live).retry(RECONNECT));
            }
            loop {
                let delivery = tokio::select! {
                    delivery = self.subscription.next() => delivery?,
                    () = self.stopping.wait() => return None,
                };
                match delivery {
                    Delivery::Event(Event::WorkshopChanged { workshop, state })
                        if workshop == self.workshop =>
                    {
                        return Some(state_event(&state));
                    }
                    Delivery::Event(Event::WorkshopAnswered { workshop })
                        if self.with_answers && workshop == self.workshop =>
                    {
                        return Some(SseEvent::default().event("answers").data("changed"));
                    }
                    Delivery::Resync => {
                        let record = self.storage.workshops().get(&self.workshop).await;
                        return match record {
                            Ok(Some(record)) => Some(state_event(&record.state)),
                            Ok(None) => None,
                            Err(error) => {
                                tracing::warn!(%error, "cannot read a workshop to resync its feed");
                                None
                            }
                        };
                    }
                    Delivery::Event(_) => {}
                }
            }
        }
    }

    fn state_event(live: &LiveState) -> SseEvent {
        SseEvent::default()
            .event("state")
            .id(live.revision.to_string())
            .data(serde_json::to_string(live).expect("a live state serialises"))
    }
}

#[cfg(feature = "hydrate")]
pub use client::keep_fresh;

#[cfg(feature = "hydrate")]
mod client {
    use std::cell::Cell;
    use std::future::Future;
    use std::rc::Rc;

    use leptos::prelude::ServerFnError;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use web_sys::{EventSource, MessageEvent};

    /// Follows `feed`: when the state's revision differs from the page's (`revision`), or
    /// answers came in, fetches the view again and hands it to `apply`. Fetches never overlap;
    /// whatever arrives during one brings one more fetch after it.
    pub fn keep_fresh<T, Fetch, Fetched>(
        feed: &str,
        revision: impl Fn() -> i64 + 'static,
        fetch: Fetch,
        apply: impl Fn(T) + 'static,
    ) where
        T: 'static,
        Fetch: Fn() -> Fetched + 'static,
        Fetched: Future<Output = Result<T, ServerFnError>> + 'static,
    {
        let Ok(source) = EventSource::new(feed) else {
            return;
        };
        let refresh = Rc::new(Refresh {
            busy: Cell::new(false),
            again: Cell::new(false),
            fetch,
            apply,
        });
        let on_state = {
            let refresh = refresh.clone();
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                if event.last_event_id().parse::<i64>().ok() != Some(revision()) {
                    refresh.clone().start();
                }
            })
        };
        let on_answers = Closure::<dyn Fn(MessageEvent)>::new(move |_: MessageEvent| {
            refresh.clone().start();
        });
        for (name, listener) in [("state", on_state), ("answers", on_answers)] {
            let _ =
                source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            // The page keeps listening for as long as it is open.
            listener.forget();
        }
    }

    struct Refresh<Fetch, Apply> {
        busy: Cell<bool>,
        again: Cell<bool>,
        fetch: Fetch,
        apply: Apply,
    }

    impl<T, Fetch, Fetched, Apply> Refresh<Fetch, Apply>
    where
        T: 'static,
        Fetch: Fn() -> Fetched + 'static,
        Fetched: Future<Output = Result<T, ServerFnError>> + 'static,
        Apply: Fn(T) + 'static,
    {
        fn start(self: Rc<Self>) {
            if self.busy.replace(true) {
                self.again.set(true);
                return;
            }
            leptos::task::spawn_local(async move {
                loop {
                    // A failed fetch leaves the page as it was; the next event tries again.
                    if let Ok(view) = (self.fetch)().await {
                        (self.apply)(view);
                    }
                    if !self.again.replace(false) {
                        break;
                    }
                }
                self.busy.set(false);
            });
        }
    }
}
