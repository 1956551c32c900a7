//! The page an invited person sets their password on.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::admin::data::InviteView;
use crate::admin::shared::NewPasswordInputs;
use crate::components::{ErrorSummary, field_error, when_loaded};

/// The page an invited person sets their password on.
#[server]
pub async fn load_invite(token: String) -> Result<InviteView, ServerFnError> {
    load::invite(token)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::*;

    use crate::admin::sign_in::rejected_account_form;

    use crate::context::app_state;
    use crate::error::AppError;

    pub async fn invite(token: String) -> Result<InviteView, AppError> {
        let state = app_state()?;
        let email = match domain::secret_token::SecretToken::parse(&token) {
            Some(link) => state
                .storage
                .staff()
                .invited(&link.storage_hash(), state.clock.now())
                .await?
                .map(|member| member.email),
            None => None,
        };
        Ok(InviteView {
            token,
            email,
            errors: rejected_account_form().1,
        })
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("token").unwrap_or_default(),
        load_invite,
    );
    when_loaded(data, |invite| {
        let Some(email) = invite.email else {
            return view! {
                <Title text="Invitation link not valid"/>
                <h1>"This invitation link cannot be used"</h1>
                <p>"Invitation links work once, within 7 days. Ask the owner who added you for a new one."</p>
            }
            .into_any();
        };
        let (password_error, confirm_error) = (
            field_error(&invite.errors, "password"),
            field_error(&invite.errors, "confirm"),
        );
        view! {
            <Title text=if invite.errors.is_empty() { "Set your password" } else { "Error: Set your password" }/>
            <ErrorSummary errors=invite.errors/>
            <h1>"Set your password"</h1>
            <p>{format!("For the account {email}. Use at least 12 characters; a long phrase is good.")}</p>
            <form method="post" action=format!("/admin/invite/{}", invite.token) novalidate>
                // For password managers: which account this password belongs to. Not sent.
                <input type="text" autocomplete="username" value=email hidden readonly/>
                <NewPasswordInputs password_error confirm_error/>
                <button type="submit" class="button">"Set password"</button>
            </form>
        }
        .into_any()
    })
}

/// The form posts, plain ones: they work without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::Response;
    use axum::routing::post;
    use domain::audit::{Actor, AuditAction};

    use crate::admin::sign_in::start_session;

    use crate::auth::session::stage_after_password;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, fields_named, render_rejected};
    use crate::state::AppState;
    use domain::accounts::{NewPassword, Role, hash_password};
    use domain::secret_token::SecretToken;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/invite/{token}", post(accept_invitation))
    }

    async fn accept_invitation(
        State(state): State<AppState>,
        Path(token): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let link = SecretToken::parse(&token).ok_or(AppError::UnknownLink)?;
        let member = state
            .storage
            .staff()
            .invited(&link.storage_hash(), state.clock.now())
            .await?
            .ok_or(AppError::UnknownLink)?;
        let fields = fields_named(&headers, &body, &["password", "confirm"])?;
        let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
        let password = match NewPassword::confirmed(field("password"), field("confirm")) {
            Ok(password) => password,
            Err((field_id, problem)) => {
                let form = RejectedForm::with_error(field_id, &problem.to_string());
                let here = format!("/admin/invite/{token}");
                return Ok(render_rejected(&state, &here, &headers, form).await);
            }
        };
        let hash = hash_password(password).await;
        state
            .storage
            .staff()
            .accept_invite(&link.storage_hash(), &member.id, &hash, state.clock.now())
            .await?;
        state
            .audit(
                Actor::Staff(&member.email),
                AuditAction::PasswordSetFromInvitation,
                "",
            )
            .await?;
        let role = Role::parse(&member.role)
            .ok_or_else(|| AppError::Internal("unknown role stored".into()))?;
        let stage = stage_after_password(&state, member.totp_secret.is_some(), role);
        start_session(&state, &member.id, stage, "/admin").await
    }
}
