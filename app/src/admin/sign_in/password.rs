//! The sign-in form: email and password, and signing out.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::admin::data::*;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

#[server]
pub async fn load_sign_in(next: Option<String>) -> Result<SignInView, ServerFnError> {
    load::sign_in(next).await
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::*;

    use super::super::{rejected_account_form, way_back};
    use crate::auth::{AnySession, in_server_fn};
    use crate::error::AppError;
    use leptos::prelude::ServerFnError;

    /// The sign-in form; a session already past the password goes on to its next step. A session
    /// that could not be read is an error, not a reason to ask for the password again.
    pub async fn sign_in(next: Option<String>) -> Result<SignInView, ServerFnError> {
        match in_server_fn::<AnySession>().await {
            Ok((_, AnySession(staff))) => leptos_axum::redirect(staff.stage.landing_path()),
            Err(AppError::NotSignedIn) => {}
            Err(error) => return Err(error.into_server_fn_error()),
        }
        let (email, errors) = rejected_account_form();
        Ok(SignInView {
            email,
            errors,
            next: way_back(next),
        })
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|query| query.get("next"));
    let data = Resource::new_blocking(move || next.clone(), load_sign_in);
    when_loaded(data, |view| {
        let email_error = field_error(&view.errors, "email");
        view! {
            <Title text=if view.errors.is_empty() { "Sign in" } else { "Error: Sign in" }/>
            <ErrorSummary errors=view.errors/>
            <h1>"Sign in to the researcher area"</h1>
            <form method="post" action="/admin/sign-in" novalidate>
                {view.next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextInput id="email" label="Email address" kind="email" autocomplete="username" value=view.email error=email_error/>
                <TextInput id="password" label="Password" kind="password" autocomplete="current-password" value=String::new() error=None/>
                <button type="submit" class="button">"Sign in"</button>
            </form>
        }
    })
}

/// The form post, a plain one: it works without JavaScript.
#[cfg(feature = "ssr")]
pub(in crate::admin) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::audit::{Actor, AuditAction};

    use super::super::session_start::{set_cookie, start_session};
    use crate::auth::session::{SessionStage, clearing_cookie, stage_after_password};
    use crate::auth::{AnySession, AuthRejection, after_sign_in};
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;

    use domain::accounts::{Email, check_password};

    /// Failed sign-ins an account may have in an hour before it is refused outright.
    pub const MAX_FAILURES_PER_HOUR: i64 = 100;

    const SIGN_IN_PATH: &str = "/admin/sign-in";

    const WRONG_SIGN_IN: &str = "Enter a correct email address and password";

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(SIGN_IN_PATH, post(sign_in))
            .route("/admin/sign-out", post(sign_out))
    }

    async fn sign_in(
        State(state): State<AppState>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = fields_named(&headers, &body, &["email", "password", "next"])?;
        let next = after_sign_in(fields.get("next").map(String::as_str));
        let typed_email = fields.get("email").cloned().unwrap_or_default();
        let password = fields
            .get("password")
            .map(String::as_str)
            .unwrap_or_default();
        let staff = match Email::parse(&typed_email) {
            Ok(email) => state.storage.staff().by_email(email.as_str()).await?,
            Err(_) => None,
        };
        let Some(staff) = staff else {
            check_password(None, password).await;
            state
                .audit(Actor::UnknownAccount, AuditAction::SignInFailed, "")
                .await?;
            return Ok(refuse_sign_in(&state, &headers, typed_email, &next).await);
        };
        if too_many_failures(&state, &staff).await? {
            check_password(None, password).await;
            return Ok(refuse_sign_in(&state, &headers, typed_email, &next).await);
        }
        if !check_password(Some(staff.password_hash.clone()), password).await {
            record_failure(&state, &staff, "wrong password").await?;
            return Ok(refuse_sign_in(&state, &headers, typed_email, &next).await);
        }
        let role = domain::accounts::Role::parse(&staff.role)
            .ok_or_else(|| AppError::Internal("unknown role stored".into()))?;
        let stage = stage_after_password(&state, staff.totp_secret.is_some(), role);
        let action = if stage == SessionStage::Full {
            AuditAction::SignedIn
        } else {
            AuditAction::PasswordAccepted
        };
        state.audit(Actor::Staff(&staff.email), action, "").await?;
        crate::auth::session::end_held_session(&state, &headers).await?;
        start_session(&state, &staff.id, stage, &next).await
    }

    /// A wrong password or code: counted towards the hourly limit and written in the audit log.
    pub(in crate::admin) async fn record_failure(
        state: &AppState,
        staff: &domain::storage::StaffRecord,
        what: &str,
    ) -> Result<(), AppError> {
        state
            .storage
            .staff()
            .record_sign_in_failure(&staff.id, state.clock.now())
            .await?;
        state
            .audit(Actor::Staff(&staff.email), AuditAction::SignInFailed, what)
            .await
    }

    /// Failed passwords and codes count together: at most `MAX_FAILURES_PER_HOUR` an hour.
    pub(in crate::admin) async fn too_many_failures(
        state: &AppState,
        staff: &domain::storage::StaffRecord,
    ) -> Result<bool, AppError> {
        let now = state.clock.now();
        let recent = state
            .storage
            .staff()
            .sign_in_failures_since(
                &staff.id,
                now - crate::auth::session::FAILURE_WINDOW_SECONDS,
            )
            .await?;
        if recent < MAX_FAILURES_PER_HOUR {
            return Ok(false);
        }
        state
            .audit(
                Actor::Staff(&staff.email),
                AuditAction::SignInRefused,
                "too many failed attempts in the last hour",
            )
            .await?;
        Ok(true)
    }

    /// The same answer whether the account exists, the password is wrong or the account is throttled.
    async fn refuse_sign_in(
        state: &AppState,
        headers: &HeaderMap,
        typed_email: String,
        next: &str,
    ) -> Response {
        let mut rejected = RejectedForm::with_error("email", WRONG_SIGN_IN);
        rejected.values.insert("email".into(), typed_email);
        rejected.values.insert("next".into(), next.to_owned());
        render_rejected(state, SIGN_IN_PATH, headers, rejected).await
    }

    const CLEAR_SITE_DATA: &str = "\"cache\", \"cookies\", \"storage\"";

    async fn sign_out(
        State(state): State<AppState>,
        session: Result<AnySession, AuthRejection>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        fields_named(&headers, &body, &[])?;
        if let Ok(AnySession(staff)) = session {
            state
                .storage
                .sessions()
                .delete(&staff.token.storage_hash())
                .await?;
            state
                .audit(staff.actor(), AuditAction::SignedOut, "")
                .await?;
        }
        let mut response = Redirect::to(SIGN_IN_PATH).into_response();
        set_cookie(&mut response, &clearing_cookie(&state));
        // A shared computer keeps nothing of the session: no cached page, cookie or storage.
        response.headers_mut().insert(
            axum::http::HeaderName::from_static("clear-site-data"),
            axum::http::HeaderValue::from_static(CLEAR_SITE_DATA),
        );
        Ok(response)
    }
}
