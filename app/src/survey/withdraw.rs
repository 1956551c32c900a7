//! Withdrawal: a participant gives their withdrawal code, confirms, and their answers are deleted.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::frame::page_title;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

/// The withdrawal page: the code form, or (after a right code) the confirmation.
#[server]
pub async fn load_withdrawal() -> Result<WithdrawalView, ServerFnError> {
    Ok(load::withdrawal())
}

#[cfg(feature = "ssr")]
pub(crate) mod load {
    use super::super::data::*;
    use leptos::prelude::use_context;

    use crate::form_posts::RejectedForm;

    pub fn withdrawal() -> WithdrawalView {
        use_context::<WithdrawalView>().unwrap_or_else(|| {
            let rejected = use_context::<RejectedForm>().unwrap_or_default();
            WithdrawalView::EnterCode {
                code: rejected.values.get("code").cloned().unwrap_or_default(),
                errors: rejected.summary(),
            }
        })
    }
}

#[component]
pub fn WithdrawPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_withdrawal());
    when_loaded(data, |view| {
        match view {
        WithdrawalView::EnterCode { code, errors } => {
            let code_error = field_error(&errors, "code");
            view! {
                <Title text=page_title("Withdraw your answers", !errors.is_empty())/>
                <ErrorSummary errors/>
                <h1>"Withdraw your answers"</h1>
                <p>"Enter the withdrawal code you were given when you submitted your answers. Your answers are then deleted for good, and are not used in the study."</p>
                <form method="post" action="/withdraw" novalidate>
                    <TextInput id="code" label="Withdrawal code" kind="text" autocomplete="off" value=code error=code_error
                        hint="12 letters and numbers, for example abcd-ef23-gh45"/>
                    <button type="submit" class="button">"Continue"</button>
                </form>
            }
            .into_any()
        }
        WithdrawalView::Confirm { code, study_title, submitted_on } => view! {
            <Title text="Are you sure you want to withdraw?"/>
            <h1>"Are you sure you want to withdraw your answers?"</h1>
            <p>{match submitted_on {
                Some(day) => format!("These are your answers to {study_title}, submitted on {day}."),
                None => format!("These are your answers to {study_title}, not yet submitted."),
            }}</p>
            <p>"They will be deleted for good. This cannot be undone."</p>
            <form method="post" action="/withdraw/confirm">
                <input type="hidden" name="code" value=code/>
                <button type="submit" class="button button--warning">"Yes, delete my answers"</button>
            </form>
            <p><a href="/">"No, keep my answers"</a></p>
        }
        .into_any(),
    }
    })
}

#[component]
pub fn WithdrawnPage() -> impl IntoView {
    view! {
        <Title text="Your answers have been deleted"/>
        <div class="panel">
            <h1 class="panel__title">"Your answers have been deleted"</h1>
        </div>
        <p>"They will not be used in the study. Thank you for the time you gave it."</p>
    }
}

/// The form posts, plain ones: how the survey works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {

    use super::super::data::WithdrawalView;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected, render_with_context};
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::audit::{Actor, AuditAction};
    use domain::private_link::WITHDRAWAL_PURPOSE;
    use domain::secret_token::HandCode;
    use domain::storage::ResponseRecord;

    pub const WITHDRAW_PATH: &str = "/withdraw";

    pub const WITHDRAWN_PATH: &str = "/withdraw/done";

    pub const CONFIRM_PATH: &str = "/withdraw/confirm";

    const NO_MATCH: &str =
        "No answers match this withdrawal code. Check that you copied all 12 letters and numbers";

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(WITHDRAW_PATH, post(find_answers))
            .route(CONFIRM_PATH, post(withdraw_answers))
    }

    enum Lookup {
        Found(HandCode, ResponseRecord),
        NoMatch(RejectedForm),
    }

    /// The answers a typed withdrawal code belongs to.
    async fn look_up(
        state: &AppState,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Lookup, AppError> {
        let fields = fields_named(headers, body, &["code"])?;
        let typed = fields.get("code").cloned().unwrap_or_default();
        if let Some(code) = HandCode::parse(&typed)
            && let Some(record) = state
                .storage
                .responses()
                .find_by_withdrawal_hash(&code.storage_hash(WITHDRAWAL_PURPOSE))
                .await?
        {
            return Ok(Lookup::Found(code, record));
        }
        let mut rejected = RejectedForm::with_error("code", NO_MATCH);
        rejected.values.insert("code".into(), typed);
        Ok(Lookup::NoMatch(rejected))
    }

    /// First post: the code is right; ask to confirm before anything is deleted.
    async fn find_answers(
        State(state): State<AppState>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        match look_up(&state, &headers, &body).await? {
            Lookup::NoMatch(rejected) => {
                Ok(render_rejected(&state, WITHDRAW_PATH, &headers, rejected).await)
            }
            Lookup::Found(code, record) => {
                let confirm = WithdrawalView::Confirm {
                    code: code.for_display(),
                    study_title: state
                        .studies
                        .get(&record.study_slug)
                        .map(|study| study.title.clone())
                        .unwrap_or_default(),
                    submitted_on: record.submitted_on.map(domain::text::long_day),
                };
                Ok(render_with_context(&state, WITHDRAW_PATH, &headers, confirm).await)
            }
        }
    }

    /// Second post: delete the answers, and say so on a page of its own.
    async fn withdraw_answers(
        State(state): State<AppState>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let record = match look_up(&state, &headers, &body).await? {
            Lookup::NoMatch(rejected) => {
                return Ok(render_rejected(&state, CONFIRM_PATH, &headers, rejected).await);
            }
            Lookup::Found(_, record) => record,
        };
        state.storage.responses().delete(&record.id).await?;
        let who = record
            .participant_number
            .map_or_else(|| "not submitted".to_owned(), |n| format!("P{n}"));
        state
            .audit(
                Actor::Participant,
                AuditAction::ResponseWithdrawn,
                &format!("study {}, {who}", record.study_slug),
            )
            .await?;
        Ok(Redirect::to(WITHDRAWN_PATH).into_response())
    }
}
