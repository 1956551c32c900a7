//! Live updates between coders: every change to a study's analysis (what its log records) is
//! announced on the event bus, so any instance serves the feed; a researcher's open analysis
//! page follows the study's feed and says, in a polite live region, who changed what, with a
//! link to reload (it never reloads itself: a memo being typed is not lost). Without JavaScript
//! the page shows the changes when it is next loaded.

use leptos::prelude::*;

/// The feed of a study's analysis changes.
pub fn feed(slug: &str) -> String {
    format!("/admin/studies/{slug}/analysis/live")
}

/// The place on an analysis page where other coders' changes are announced: an island, as only
/// islands run in the browser.
#[island]
pub fn LiveChanges(slug: String) -> impl IntoView {
    let (said, set_said) = signal(String::new());
    #[cfg(feature = "hydrate")]
    {
        let feed = feed(&slug);
        Effect::new(move |started: Option<()>| {
            if started.is_none() {
                client::follow(&feed, set_said);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (&slug, set_said);
    view! {
        <div class="live-changes" role="status" aria-live="polite">
            {move || {
                let words = said.get();
                (!words.is_empty()).then(|| view! {
                    <p>{words}" " <a href="">"Reload the page to see it"</a></p>
                })
            }}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use web_sys::{EventSource, MessageEvent};

    pub fn follow(feed: &str, set_said: WriteSignal<String>) {
        let Ok(source) = EventSource::new(feed) else {
            return;
        };
        let on_change = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(words) = event.data().as_string() {
                set_said.set(words);
            }
        });
        let _ =
            source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // The page listens for as long as it is open.
        on_change.forget();
    }
}

#[cfg(feature = "ssr")]
pub use feed::{announce, routes};

#[cfg(feature = "ssr")]
mod feed {
    use std::convert::Infallible;

    use axum::Router;
    use axum::extract::{Path, State};
    use axum::http::header::{CACHE_CONTROL, HeaderName};
    use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use domain::events::{Delivery, Event, Subscription};
    use domain::ids::StudySlug;
    use futures_util::Stream;

    use crate::auth::Researcher;
    use crate::auth::session::Staff;
    use crate::error::AppError;
    use crate::state::{AppState, Stopping};

    /// Proxies such as nginx hold a response back unless told not to.
    const ACCEL_BUFFERING: HeaderName = HeaderName::from_static("x-accel-buffering");

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/studies/{study}/analysis/live", get(follow))
    }

    /// Tells every open analysis page of the study, on every instance, of a change.
    pub async fn announce(state: &AppState, study: &StudySlug, staff: &Staff, action: &str) {
        let event = Event::AnalysisChanged {
            study: study.clone(),
            by: staff.record.email.clone(),
            action: action.to_owned(),
        };
        state.events.publish(event).await;
    }

    async fn follow(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
    ) -> Result<Response, AppError> {
        let subscription = state.events.subscribe();
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let feed = Feed {
            study: study.slug.clone(),
            viewer: staff.record.email.clone(),
            subscription,
            stopping: state.stopping.clone(),
        };
        let events = Sse::new(feed.into_stream()).keep_alive(KeepAlive::default());
        Ok((
            [(ACCEL_BUFFERING, "no"), (CACHE_CONTROL, "no-store")],
            events,
        )
            .into_response())
    }

    struct Feed {
        study: StudySlug,
        viewer: String,
        subscription: Subscription,
        stopping: Stopping,
    }

    impl Feed {
        fn into_stream(self) -> impl Stream<Item = Result<SseEvent, Infallible>> + Send {
            futures_util::stream::unfold(self, |mut feed| async move {
                let event = feed.next().await?;
                Some((Ok(event), feed))
            })
        }

        /// The next change by another researcher; `None` ends the feed (the server stops).
        async fn next(&mut self) -> Option<SseEvent> {
            loop {
                let delivery = tokio::select! {
                    delivery = self.subscription.next() => delivery?,
                    () = self.stopping.wait() => return None,
                };
                match delivery {
                    Delivery::Event(Event::AnalysisChanged { study, by, action })
                        if study == self.study && by != self.viewer =>
                    {
                        let words = format!("{by} made a change: {action}.");
                        return Some(SseEvent::default().event("change").data(words));
                    }
                    Delivery::Resync => {
                        let words = "The analysis may have changed.";
                        return Some(SseEvent::default().event("change").data(words));
                    }
                    Delivery::Event(_) => {}
                }
            }
        }
    }
}
