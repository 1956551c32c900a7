//! The owner's account management as plain form posts: invite an account, reset its two-factor
//! sign-in, remove it; and the invited person setting their password.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::audit::{Actor, AuditAction};

use super::data::Invitation;
use super::posts::start_session;
use crate::auth::Owner;
use crate::auth::session::stage_after_password;
use crate::error::AppError;
use crate::form_posts::{RejectedForm, fields_named, render_rejected, render_with_context};
use crate::state::AppState;
use domain::accounts::{AccountError, Email, NewPassword, Role, hash_password};
use domain::secret_token::SecretToken;
use domain::storage::{StaffRecord, StorageError};

pub const TEAM_PATH: &str = "/admin/team";
const INVITE_DAYS: i64 = 7;
const SMALL_FORM_LIMIT: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(TEAM_PATH, post(invite_member))
        .route(
            "/admin/team/{id}/reset-two-factor",
            post(reset_member_two_factor),
        )
        .route("/admin/team/{id}/remove", post(remove_member))
        .route("/admin/invite/{token}", post(accept_invitation))
        .layer(DefaultBodyLimit::max(SMALL_FORM_LIMIT))
}

fn rejected(field: &str, message: &str, values: &[(&str, &str)]) -> RejectedForm {
    let mut form = RejectedForm::with_error(field, message);
    for (name, value) in values {
        form.values.insert((*name).to_owned(), (*value).to_owned());
    }
    form
}

async fn invite_member(
    State(state): State<AppState>,
    Owner(owner): Owner,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = fields_named(&headers, &body, &["email", "role"])?;
    let typed = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
    let values = [("email", typed("email")), ("role", typed("role"))];
    let email = match Email::parse(typed("email")) {
        Ok(email) => email,
        Err(problem) => {
            let form = rejected("email", &problem.to_string(), &values);
            return Ok(render_rejected(&state, TEAM_PATH, &headers, form).await);
        }
    };
    let Some(role) = Role::parse(typed("role")) else {
        let form = rejected("role", "Choose what the account may do", &values);
        return Ok(render_rejected(&state, TEAM_PATH, &headers, form).await);
    };
    let token = SecretToken::generate();
    let now = state.clock.now();
    let invited = state
        .storage
        .staff()
        .invite(
            email.as_str(),
            role.as_str(),
            &token.storage_hash(),
            now,
            now + INVITE_DAYS * 24 * 60 * 60,
        )
        .await;
    match invited {
        Ok(_) => {}
        Err(StorageError::Duplicate) => {
            let message = "There is already an account for this email address";
            let form = rejected("email", message, &values);
            return Ok(render_rejected(&state, TEAM_PATH, &headers, form).await);
        }
        Err(other) => return Err(other.into()),
    }
    let detail = format!("{} as {}", email.as_str(), role.as_str());
    state
        .audit(owner.actor(), AuditAction::AccountInvited, &detail)
        .await?;
    let site = crate::context::site_url(&state, &headers);
    let invitation = Invitation {
        email: email.as_str().to_owned(),
        link: format!("{site}/admin/invite/{}", token.as_str()),
    };
    Ok(render_with_context(&state, TEAM_PATH, &headers, invitation).await)
}

/// The account a team page acts on.
async fn member(state: &AppState, id: &str) -> Result<StaffRecord, AppError> {
    state
        .storage
        .staff()
        .by_id(id)
        .await?
        .ok_or(AppError::UnknownAccount)
}

async fn reset_member_two_factor(
    State(state): State<AppState>,
    Owner(owner): Owner,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    fields_named(&headers, &body, &[])?;
    let member = member(&state, &id).await?;
    state.storage.staff().reset_two_factor(&member.id).await?;
    state
        .audit(owner.actor(), AuditAction::TwoFactorReset, &member.email)
        .await?;
    Ok(Redirect::to(&format!("{TEAM_PATH}?done=reset")).into_response())
}

async fn remove_member(
    State(state): State<AppState>,
    Owner(owner): Owner,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    fields_named(&headers, &body, &[])?;
    if owner.record.id == id {
        return Err(AppError::BadForm(
            "You cannot remove your own account. Ask another owner.".into(),
        ));
    }
    let member = member(&state, &id).await?;
    state.storage.staff().delete(&member.id).await?;
    state
        .audit(owner.actor(), AuditAction::AccountRemoved, &member.email)
        .await?;
    Ok(Redirect::to(&format!("{TEAM_PATH}?done=removed")).into_response())
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
    let checked = NewPassword::parse(field("password"))
        .map_err(|e| ("password", e))
        .and_then(|password| {
            if field("password") == field("confirm") {
                Ok(password)
            } else {
                Err(("confirm", AccountError::PasswordsDiffer))
            }
        });
    let password = match checked {
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
