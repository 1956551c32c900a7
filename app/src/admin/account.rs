//! A member of staff's own account: changing the password (which ends their other sessions) and
//! ending their other sessions, for a browser left signed in elsewhere.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::admin::data::AccountView;
use crate::admin::shared::NewPasswordInputs;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

pub const ACCOUNT_PATH: &str = "/admin/account";

#[server]
pub async fn load_account(done: Option<String>) -> Result<AccountView, ServerFnError> {
    load::account(done.as_deref())
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::AccountView;
    use crate::auth::{SignedIn, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn account(done: Option<&str>) -> Result<AccountView, AppError> {
        let (state, SignedIn(staff)) = in_server_fn::<SignedIn>().await?;
        let other_sessions = state
            .storage
            .sessions()
            .count_others(&staff.record.id, &staff.token.storage_hash())
            .await?;
        let notice = match done {
            Some("password") => Some("Your password was changed, and your other sessions ended."),
            Some("sessions") => Some("Your other sessions ended."),
            _ => None,
        };
        let errors = leptos::prelude::use_context::<RejectedForm>()
            .map(|rejected| rejected.summary())
            .unwrap_or_default();
        Ok(AccountView {
            email: staff.record.email,
            other_sessions,
            errors,
            notice: notice.map(str::to_owned),
        })
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new_blocking(move || query.read().get("done"), load_account);
    when_loaded(data, |account| {
        let current_error = field_error(&account.errors, "current");
        let password_error = field_error(&account.errors, "password");
        let confirm_error = field_error(&account.errors, "confirm");
        let title = if account.errors.is_empty() {
            "Your account"
        } else {
            "Error: Your account"
        };
        let others = match account.other_sessions {
            0 => "You are not signed in anywhere else.".to_owned(),
            1 => "You are signed in on 1 other browser or device.".to_owned(),
            n => format!("You are signed in on {n} other browsers or devices."),
        };
        view! {
            <Title text=title/>
            <ErrorSummary errors=account.errors/>
            {account.notice.map(|notice| view! { <div class="notification" role="status"><p>{notice}</p></div> })}
            <h1>"Your account"</h1>
            <p>{format!("Signed in as {}.", account.email)}</p>
            <h2 class="heading-m">"Change your password"</h2>
            <p>"Changing it signs you out everywhere else."</p>
            <form method="post" action=format!("{ACCOUNT_PATH}/password") novalidate>
                <TextInput id="current" label="Current password" kind="password" autocomplete="current-password" value=String::new() error=current_error/>
                <NewPasswordInputs password_error confirm_error replacing=true/>
                <button type="submit" class="button">"Change password"</button>
            </form>
            <h2 class="heading-m">"Your sessions"</h2>
            <p>{others}</p>
            {(account.other_sessions > 0).then(|| view! {
                <form method="post" action=format!("{ACCOUNT_PATH}/sessions")>
                    <button type="submit" class="button button--secondary">"Sign out everywhere else"</button>
                </form>
            })}
        }
    })
}

/// The form posts, plain ones: they work without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::accounts::{NewPassword, check_password, hash_password};
    use domain::audit::AuditAction;

    use super::ACCOUNT_PATH;
    use crate::admin::sign_in::password::post::{record_failure, too_many_failures};
    use crate::auth::SignedIn;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;

    const WRONG_CURRENT: &str = "Enter your current password correctly";

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(&format!("{ACCOUNT_PATH}/password"), post(change_password))
            .route(
                &format!("{ACCOUNT_PATH}/sessions"),
                post(end_other_sessions),
            )
    }

    async fn change_password(
        State(state): State<AppState>,
        SignedIn(staff): SignedIn,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = fields_named(&headers, &body, &["current", "password", "confirm"])?;
        let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
        // Someone at a browser left signed in must not be able to guess the password from here.
        let current_ok = !too_many_failures(&state, &staff.record).await?
            && check_password(Some(staff.record.password_hash.clone()), field("current")).await;
        if !current_ok {
            record_failure(&state, &staff.record, "wrong current password").await?;
            let rejected = RejectedForm::with_error("current", WRONG_CURRENT);
            return Ok(render_rejected(&state, ACCOUNT_PATH, &headers, rejected).await);
        }
        let password = match NewPassword::confirmed(field("password"), field("confirm")) {
            Ok(password) => password,
            Err((field_id, problem)) => {
                let rejected = RejectedForm::with_error(field_id, &problem.to_string());
                return Ok(render_rejected(&state, ACCOUNT_PATH, &headers, rejected).await);
            }
        };
        let hash = hash_password(password).await;
        let this_session = staff.token.storage_hash();
        if !state
            .storage
            .staff()
            .change_password(&staff.record.id, &hash, &this_session)
            .await?
        {
            return Err(AppError::UnknownAccount);
        }
        state
            .audit(
                staff.actor(),
                AuditAction::PasswordChanged,
                "other sessions ended",
            )
            .await?;
        Ok(Redirect::to(&format!("{ACCOUNT_PATH}?done=password")).into_response())
    }

    async fn end_other_sessions(
        State(state): State<AppState>,
        SignedIn(staff): SignedIn,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        fields_named(&headers, &body, &[])?;
        let ended = state
            .storage
            .sessions()
            .end_all_but(&staff.record.id, &staff.token.storage_hash())
            .await?;
        let detail = format!("own other sessions: {ended}");
        state
            .audit(staff.actor(), AuditAction::SessionsEnded, &detail)
            .await?;
        Ok(Redirect::to(&format!("{ACCOUNT_PATH}?done=sessions")).into_response())
    }
}
