//! The first owner's account, created from the setup link printed at first start.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::admin::data::*;
use crate::admin::shared::NewPasswordInputs;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

#[server]
pub async fn load_setup(token: String) -> Result<SetupView, ServerFnError> {
    load::setup(token)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::*;

    use super::super::rejected_account_form;

    use crate::context::app_state;
    use crate::error::AppError;

    pub async fn setup(token: String) -> Result<SetupView, AppError> {
        let state = app_state()?;
        let usable = match domain::secret_token::SecretToken::parse(&token) {
            Some(parsed) => {
                state
                    .storage
                    .staff()
                    .setup_link_is_usable(&parsed.storage_hash(), state.clock.now())
                    .await?
            }
            None => false,
        };
        let (email, errors) = rejected_account_form();
        Ok(SetupView {
            token,
            usable,
            email,
            errors,
        })
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("token").unwrap_or_default(),
        load_setup,
    );
    when_loaded(data, |view| {
        if !view.usable {
            return view! {
                <Title text="Setup link not valid"/>
                <h1>"This setup link cannot be used"</h1>
                <p>"Setup links work once, for one hour. Restart the server for a new one while there is no account, or ask an owner to add you."</p>
            }
            .into_any();
        }
        let (email_error, password_error, confirm_error) = (
            field_error(&view.errors, "email"),
            field_error(&view.errors, "password"),
            field_error(&view.errors, "confirm"),
        );
        view! {
            <Title text="Create the owner account"/>
            <ErrorSummary errors=view.errors/>
            <h1>"Create the owner account"</h1>
            <p>"The owner manages accounts and studies and reads the audit log. Use a password of at least 12 characters; a long phrase is good."</p>
            <form method="post" action=format!("/admin/setup/{}", view.token) novalidate>
                <TextInput id="email" label="Email address" kind="email" autocomplete="username" value=view.email error=email_error/>
                <NewPasswordInputs password_error confirm_error/>
                <button type="submit" class="button">"Create account"</button>
            </form>
        }
        .into_any()
    })
}

/// The form post, a plain one: it works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::Response;
    use axum::routing::post;
    use domain::audit::{Actor, AuditAction};

    use super::super::session_start::start_session;
    use crate::auth::session::stage_after_password;

    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;

    use domain::accounts::{Email, NewPassword, hash_password};
    use domain::secret_token::SecretToken;
    use domain::storage::{NewStaff, StorageError};

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/setup/{token}", post(set_up_owner))
    }

    async fn set_up_owner(
        State(state): State<AppState>,
        Path(token): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let link = SecretToken::parse(&token).ok_or(AppError::UnknownLink)?;
        let fields = fields_named(&headers, &body, &["email", "password", "confirm"])?;
        let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
        let here = format!("/admin/setup/{token}");
        let checked = Email::parse(field("email"))
            .map_err(|e| ("email", e))
            .and_then(|email| {
                let password = NewPassword::confirmed(field("password"), field("confirm"))?;
                Ok((email, password))
            });
        let (email, password) = match checked {
            Ok(valid) => valid,
            Err((field_id, problem)) => {
                let mut rejected = RejectedForm::with_error(field_id, &problem.to_string());
                rejected
                    .values
                    .insert("email".into(), field("email").to_owned());
                return Ok(render_rejected(&state, &here, &headers, rejected).await);
            }
        };
        let hash = hash_password(password).await;
        let new = NewStaff {
            email: email.as_str(),
            password_hash: &hash,
            role: "owner",
            now: state.clock.now(),
        };
        let id = match state
            .storage
            .staff()
            .create_owner_with_setup_link(&link.storage_hash(), new)
            .await
        {
            Ok(id) => id,
            Err(StorageError::NotFound) => return Err(AppError::UnknownLink),
            Err(other) => return Err(other.into()),
        };
        state
            .audit(
                Actor::Staff(email.as_str()),
                AuditAction::AccountCreated,
                "first owner, from the setup link",
            )
            .await?;
        let stage = stage_after_password(&state, false, domain::accounts::Role::Owner);
        start_session(&state, &id, stage, "/admin").await
    }
}
