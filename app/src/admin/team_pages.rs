//! The owner's page of accounts, and the page an invited person sets their password on.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::{Invitation, InviteView, RemoveMemberView, TeamMember, TeamView};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

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
    let who = format!(" of {}", member.email);
    view! {
        <tr>
            <td>{member.email}{member.is_you.then_some(" (you)")}</td>
            <td>{member.role}</td>
            <td>{if member.invited { "Invited, no password yet" } else if member.two_factor { "On" } else { "Off" }}</td>
            <td>{member.added_on}</td>
            <td>
                {member.two_factor.then(|| view! {
                    <form method="post" action=reset class="inline-form">
                        <button type="submit" class="link-button">"Reset two-factor"<span class="visually-hidden">{who.clone()}</span></button>
                    </form>
                })}
                {(!member.is_you).then(|| view! {
                    <a href=remove>"Remove"<span class="visually-hidden">{who.clone()}</span></a>
                })}
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

#[component]
pub fn RemoveMemberPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_remove_member,
    );
    when_loaded(data, |member| {
        let action = format!("/admin/team/{}/remove", member.id);
        view! {
            <Title text=format!("Remove {}?", member.email)/>
            <h1>{format!("Remove the account of {}?", member.email)}</h1>
            <p>"They can no longer sign in, and their sessions end now. The audit log keeps what they did."</p>
            <form method="post" action=action>
                <button type="submit" class="button button--warning">"Yes, remove this account"</button>
            </form>
            <p><a href="/admin/team">"No, keep it"</a></p>
        }
    })
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
                <TextInput id="password" label="Password" kind="password" autocomplete="new-password" value=String::new() error=password_error/>
                <TextInput id="confirm" label="Password again" kind="password" autocomplete="new-password" value=String::new() error=confirm_error/>
                <button type="submit" class="button">"Set password"</button>
            </form>
        }
        .into_any()
    })
}

/// The accounts, for owners to manage.
#[server]
pub async fn load_team(done: Option<String>) -> Result<TeamView, ServerFnError> {
    load::team(done.as_deref())
        .await
        .map_err(signed_in_or_redirect)
}
#[server]
pub async fn load_remove_member(id: String) -> Result<RemoveMemberView, ServerFnError> {
    load::remove_member(&id)
        .await
        .map_err(signed_in_or_redirect)
}
/// The page an invited person sets their password on.
#[server]
pub async fn load_invite(token: String) -> Result<InviteView, ServerFnError> {
    load::invite(token)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::data::*;
    use leptos::prelude::use_context;

    use crate::auth::{Owner, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    use domain::clock::day_of;

    use crate::context::app_state;

    use super::super::sign_in::load::rejected_account_form;

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

    pub async fn remove_member(id: &str) -> Result<RemoveMemberView, AppError> {
        let (state, Owner(_)) = in_server_fn::<Owner>().await?;
        let member = state
            .storage
            .staff()
            .by_id(id)
            .await?
            .ok_or(AppError::UnknownAccount)?;
        Ok(RemoveMemberView {
            id: member.id,
            email: member.email,
        })
    }

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
