//! Saving answers while the participant types, so a lost connection or a closed tab loses nothing.
//! Each field saves on a pause in typing and when it loses focus; saves of one field never overlap,
//! so an older answer can never overwrite a newer one.

use std::time::Duration;

use leptos::prelude::*;

use super::step::save_fields;

const PAUSE_BEFORE_SAVING: Duration = Duration::from_millis(700);

type Fields = Vec<(String, String)>;

#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved,
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct FieldSaver {
    study: StoredValue<String>,
    step: StoredValue<String>,
    state: RwSignal<SaveState>,
    /// Typed but not yet sent.
    pending: StoredValue<Option<Fields>>,
    timer: StoredValue<Option<TimeoutHandle>>,
    in_flight: StoredValue<bool>,
    /// Waiting for the save in flight to finish.
    queued: StoredValue<Option<Fields>>,
}

impl FieldSaver {
    pub fn new(study: String, step: String) -> Self {
        Self {
            study: StoredValue::new(study),
            step: StoredValue::new(step),
            state: RwSignal::new(SaveState::Idle),
            pending: StoredValue::new(None),
            timer: StoredValue::new(None),
            in_flight: StoredValue::new(false),
            queued: StoredValue::new(None),
        }
    }

    /// Saves after a pause in typing; `on_pause` runs at that moment too.
    pub fn save_soon(self, fields: Fields, on_pause: impl FnOnce() + 'static) {
        self.pending.set_value(Some(fields));
        self.cancel_timer();
        let handle = set_timeout_with_handle(
            move || {
                on_pause();
                self.flush();
            },
            PAUSE_BEFORE_SAVING,
        );
        self.timer.set_value(handle.ok());
    }

    /// Sends whatever is waiting for a pause, now.
    pub fn flush(self) {
        self.cancel_timer();
        if let Some(fields) = self.pending.try_update_value(Option::take).flatten() {
            self.save_now(fields);
        }
    }

    pub fn save_now(self, fields: Fields) {
        // A researcher's preview of a draft: there is nothing to save to.
        if self.study.with_value(String::is_empty) {
            return;
        }
        if self.in_flight.get_value() {
            self.queued.set_value(Some(fields));
            return;
        }
        self.in_flight.set_value(true);
        self.state.set(SaveState::Saving);
        let (study, step) = (self.study.get_value(), self.step.get_value());
        leptos::task::spawn_local(async move {
            let result = save_fields(study, step, fields).await;
            self.in_flight.set_value(false);
            if let Some(next) = self.queued.try_update_value(Option::take).flatten() {
                self.save_now(next);
                return;
            }
            self.state.set(match result {
                Ok(()) => SaveState::Saved,
                Err(ServerFnError::ServerError(message)) => SaveState::Failed(message),
                Err(_) => SaveState::Failed(
                    "we could not reach the server. Your answer is still on this page; it will be saved when you continue.".into(),
                ),
            });
        });
    }

    fn cancel_timer(self) {
        if let Some(timer) = self.timer.try_update_value(Option::take).flatten() {
            timer.clear();
        }
    }
}

/// The visible, politely announced save state of one field.
#[component]
pub fn AutosaveStatus(saver: FieldSaver) -> impl IntoView {
    let state = saver.state;
    view! {
        <p class="save-status" class:save-status--failed=move || matches!(state.get(), SaveState::Failed(_)) role="status">
            {move || match state.get() {
                SaveState::Idle => String::new(),
                SaveState::Saving => "Saving…".to_owned(),
                SaveState::Saved => "Saved".to_owned(),
                SaveState::Failed(message) => format!("Not saved: {message}"),
            }}
        </p>
    }
}
