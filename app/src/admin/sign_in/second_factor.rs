//! The second step of signing in: the code from the authenticator app, or a recovery code.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::admin::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

#[server]
pub async fn load_second_factor(next: Option<String>) -> Result<SecondFactorView, ServerFnError> {
    load::second_factor(next)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::*;

    use super::super::{rejected_account_form, way_back};
    use crate::auth::{PendingSecondFactor, in_server_fn};

    use crate::error::AppError;

    pub async fn second_factor(next: Option<String>) -> Result<SecondFactorView, AppError> {
        in_server_fn::<PendingSecondFactor>().await?;
        Ok(SecondFactorView {
            errors: rejected_account_form().1,
            next: way_back(next),
        })
    }
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|query| query.get("next"));
    let data = Resource::new_blocking(move || next.clone(), load_second_factor);
    when_loaded(data, |view| {
        let code_error = field_error(&view.errors, "code");
        view! {
            <Title text=if view.errors.is_empty() { "Enter your code" } else { "Error: Enter your code" }/>
            <ErrorSummary errors=view.errors/>
            <h1>"Enter the code from your authenticator app"</h1>
            <form method="post" action="/admin/sign-in/code" novalidate>
                {view.next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextInput id="code" label="Code" kind="text" autocomplete="one-time-code" value=String::new() error=code_error
                    hint="The 6-digit code your app shows now. Lost your phone? Enter one of your recovery codes instead."/>
                <button type="submit" class="button">"Continue"</button>
            </form>
            <form method="post" action="/admin/sign-out">
                <button type="submit" class="link-button">"Cancel and sign out"</button>
            </form>
        }
    })
}

/// The form post, a plain one: it works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::audit::AuditAction;

    use super::super::password::post::{record_failure, too_many_failures};
    use super::super::session_start::{advance_session, set_cookie, wrong_code};
    use crate::auth::session::{SessionStage, Staff};
    use crate::auth::{PendingSecondFactor, after_sign_in};
    use crate::error::AppError;
    use crate::form_posts::fields_named;
    use crate::state::AppState;
    use domain::accounts::two_factor::{SecondFactor, TotpSecret, matching_recovery_code};

    const WRONG_CODE: &str =
        "Enter the 6-digit code your authenticator app shows now, or one of your recovery codes";

    pub fn routes() -> Router<AppState> {
        Router::new().route(
            SessionStage::SecondFactor.landing_path(),
            post(check_second_factor),
        )
    }

    async fn check_second_factor(
        State(state): State<AppState>,
        PendingSecondFactor(staff): PendingSecondFactor,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = fields_named(&headers, &body, &["code", "next"])?;
        let typed = fields.get("code").map(String::as_str).unwrap_or_default();
        let next = after_sign_in(fields.get("next").map(String::as_str));
        let here = SessionStage::SecondFactor.landing_path();
        if too_many_failures(&state, &staff.record).await? {
            return Ok(wrong_code(&state, &headers, here, WRONG_CODE, &next).await);
        }
        let Some(how) = second_factor_accepted(&state, &staff, typed).await? else {
            record_failure(&state, &staff.record, "wrong code").await?;
            return Ok(wrong_code(&state, &headers, here, WRONG_CODE, &next).await);
        };
        state
            .audit(staff.actor(), AuditAction::SignedIn, &how)
            .await?;
        let cookie = advance_session(&state, &staff, SessionStage::Full).await?;
        let mut response = Redirect::to(&next).into_response();
        set_cookie(&mut response, &cookie);
        Ok(response)
    }

    /// How the second factor was given, if it was right: a code is used once, a recovery code too.
    async fn second_factor_accepted(
        state: &AppState,
        staff: &Staff,
        typed: &str,
    ) -> Result<Option<String>, AppError> {
        let id = &staff.record.id;
        let secret = staff
            .record
            .totp_secret
            .as_deref()
            .and_then(|sealed| state.sealing_key.open(id, sealed))
            .as_deref()
            .and_then(TotpSecret::from_base32)
            .ok_or_else(|| {
                AppError::Internal(
                    "two-factor secret missing, malformed or sealed under another key".into(),
                )
            })?;
        match SecondFactor::parse(typed) {
            Some(SecondFactor::Totp(code)) => match secret.step_of(&code, state.clock.now()) {
                Some(step) if state.storage.staff().accept_totp_step(id, step).await? => {
                    Ok(Some("with an authenticator code".into()))
                }
                _ => Ok(None),
            },
            Some(SecondFactor::Recovery(code)) => {
                let stored = state
                    .storage
                    .staff()
                    .unused_recovery_code_hashes(id)
                    .await?;
                let Some(hash) = matching_recovery_code(&code, stored).await else {
                    return Ok(None);
                };
                if !state
                    .storage
                    .staff()
                    .use_recovery_code(id, &hash, state.clock.now())
                    .await?
                {
                    return Ok(None);
                }
                let left = state.storage.staff().unused_recovery_codes(id).await?;
                Ok(Some(format!("with a recovery code, {left} left")))
            }
            None => Ok(None),
        }
    }
}
