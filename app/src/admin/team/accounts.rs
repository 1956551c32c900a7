//! The owner's page of accounts: who may sign in, adding an account by invitation, resetting
//! an account's two-factor sign-in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::admin::data::{Invitation, TeamMember, TeamView};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

/// The accounts, for owners to manage.
#[server]
pub async fn load_team(done: Option<String>) -> Result<TeamView, ServerFnError> {
    load::team(done.as_deref())
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::*;
    use leptos::prelude::use_context;

    use crate::auth::{Owner, in_server_fn};

    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use domain::clock::day_of;

    pub async fn team(done: Option<&str>) -> Result<TeamView, AppError> {
        let (state, Owner(staff)) = in_server_fn::<Owner>().await?;
        let members = state
            .storage
            .staff()
            .list()
            .await?
            .into_iter()
            .map(|m| TeamMember {
                is_you: m.id == staff.record.id,
                added_on: day_of(m.created_at),
                invited: !m.has_password,
                id: m.id,
                email: m.email,
                role: m.role,
                two_factor: m.two_factor,
            })
            .collect();
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let typed = |name: &str| rejected.values.get(name).cloned().unwrap_or_default();
        let notice = match done {
            Some("reset") => Some(
                "Two-factor sign-in was reset. The account sets it up again at its next sign-in."
                    .to_owned(),
            ),
            Some("removed") => Some("The account was removed.".to_owned()),
            Some("sessions-ended") => {
                Some("The account's sessions ended: it must sign in again everywhere.".to_owned())
            }
            _ => None,
        };
        Ok(TeamView {
            members,
            email: typed("email"),
            role: typed("role"),
            errors: rejected.summary(),
            invitation: use_context::<Invitation>(),
            notice,
        })
    }
}

const ROLES: [(&str, &str); 3] = [
    ("researcher", "Researcher: responses, analysis and exports"),
    ("trainer", "Trainer: workshops only, never research data"),
    (
        "owner",
        "Owner: everything, including accounts and the audit log",
    ),
];

#[component]
pub fn TeamPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new_blocking(move || query.read().get("done"), load_team);
    when_loaded(data, |team| {
        let email_error = field_error(&team.errors, "email");
        let role_error = field_error(&team.errors, "role");
        let has_errors = !team.errors.is_empty();
        view! {
            <Title text=if has_errors { "Error: Accounts" } else { "Accounts" }/>
            <ErrorSummary errors=team.errors/>
            {team.notice.map(|notice| view! { <div class="notification" role="status"><p>{notice}</p></div> })}
            {team.invitation.map(|invitation| view! { <InvitationPanel invitation/> })}
            <h1>"Accounts"</h1>
            <table class="table">
                <caption class="visually-hidden">"Accounts of this platform"</caption>
                <thead><tr>
                    <th scope="col">"Email address"</th><th scope="col">"Role"</th>
                    <th scope="col">"Two-factor"</th><th scope="col">"Added"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    {team.members.into_iter().map(|member| view! { <MemberRow member/> }).collect_view()}
                </tbody>
            </table>
            <h2 class="heading-m">"Add an account"</h2>
            <p>"The person gets a link that lets them set their password, once, within 7 days. Send it to them yourself."</p>
            <form method="post" action="/admin/team" novalidate>
                <TextInput id="email" label="Email address" kind="email" autocomplete="off" value=team.email error=email_error/>
                <RoleChoice chosen=team.role error=role_error/>
                <button type="submit" class="button">"Add account"</button>
            </form>
        }
    })
}

#[component]
fn InvitationPanel(invitation: Invitation) -> impl IntoView {
    view! {
        <div class="notification" role="status">
            <p>{format!("Account added for {}. Send them this link; it is shown only now:", invitation.email)}</p>
            <p class="resume-link__url"><code>{invitation.link}</code></p>
        </div>
    }
}

#[component]
fn MemberRow(member: TeamMember) -> impl IntoView {
    let reset = format!("/admin/team/{}/reset-two-factor", member.id);
    let remove = format!("/admin/team/{}/remove", member.id);
    let end_sessions = format!("/admin/team/{}/end-sessions", member.id);
    let who = format!(" of {}", member.email);
    view! {
        <tr>
            <td>{member.email}{member.is_you.then_some(" (you)")}</td>
            <td>{member.role}</td>
            <td>{if member.invited { "Invited, no password yet" } else if member.two_factor { "On" } else { "Off" }}</td>
            <td>{member.added_on}</td>
            <td><div class="row-actions">
                {member.two_factor.then(|| view! {
                    <form method="post" action=reset class="inline-form">
                        <button type="submit" class="link-button">"Reset two-factor"<span class="visually-hidden">{who.clone()}</span></button>
                    </form>
                })}
                {(!member.invited).then(|| view! {
                    <form method="post" action=end_sessions class="inline-form">
                        <button type="submit" class="link-button">"End sessions"<span class="visually-hidden">{who.clone()}</span></button>
                    </form>
                })}
                {(!member.is_you).then(|| view! {
                    <a href=remove>"Remove"<span class="visually-hidden">{who.clone()}</span></a>
                })}
            </div>
            </td>
        </tr>
    }
}

#[component]
fn RoleChoice(chosen: String, error: Option<String>) -> impl IntoView {
    let has_error = error.is_some();
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <fieldset class="fieldset" aria-describedby=has_error.then_some("role-error")>
                <legend class="fieldset__legend">"What may the account do?"</legend>
                {error.map(|message| view! {
                    <p id="role-error" class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
                })}
                {ROLES.into_iter().enumerate().map(|(i, (value, label))| {
                    let id = if i == 0 { "role".to_owned() } else { format!("role-{value}") };
                    view! {
                        <div class="radios__item">
                            <input class="radios__input" type="radio" id=id.clone() name="role" value=value checked=chosen == value/>
                            <label class="radios__label" for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        </div>
    }
}

/// The form posts, plain ones: they work without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::audit::AuditAction;

    use super::super::{TEAM_PATH, member, rejected};
    use crate::admin::data::Invitation;

    use crate::auth::Owner;

    use crate::error::AppError;
    use crate::form_posts::{fields_named, render_rejected, render_with_context};
    use crate::state::AppState;
    use domain::accounts::{Email, Role};
    use domain::secret_token::SecretToken;
    use domain::storage::StorageError;

    const INVITE_DAYS: i64 = 7;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(TEAM_PATH, post(invite_member))
            .route(
                "/admin/team/{id}/reset-two-factor",
                post(reset_member_two_factor),
            )
            .route("/admin/team/{id}/end-sessions", post(end_member_sessions))
    }

    /// For a lost laptop or a colleague who left a browser signed in: every session of the
    /// account ends (the owner's own, too, if it is theirs).
    async fn end_member_sessions(
        State(state): State<AppState>,
        Owner(owner): Owner,
        Path(id): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        fields_named(&headers, &body, &[])?;
        let member = member(&state, &id).await?;
        let ended = state.storage.sessions().end_all_but(&member.id, "").await?;
        let detail = format!("{}: {ended}", member.email);
        state
            .audit(owner.actor(), AuditAction::SessionsEnded, &detail)
            .await?;
        Ok(Redirect::to(&format!("{TEAM_PATH}?done=sessions-ended")).into_response())
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
}
