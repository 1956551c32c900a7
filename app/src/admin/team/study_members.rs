//! Who reads a study: the owner ticks the researchers who are its members. Owners read every
//! study; trainers never read research data.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::data::StudyMembersView;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{study_and_query, when_loaded};

#[server]
pub async fn load_study_members(
    study: String,
    done: Option<String>,
) -> Result<StudyMembersView, ServerFnError> {
    load::study_members(&study, done.as_deref())
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use std::collections::HashSet;

    use crate::admin::data::*;
    use crate::auth::{Owner, in_server_fn};
    use crate::error::AppError;

    pub async fn study_members(
        slug: &str,
        done: Option<&str>,
    ) -> Result<StudyMembersView, AppError> {
        let (state, Owner(_)) = in_server_fn::<Owner>().await?;
        let study = state.study(slug)?;
        let members: HashSet<String> = state
            .storage
            .study_members()
            .of_study(&study.slug)
            .await?
            .into_iter()
            .collect();
        let researchers = super::researchers(&state)
            .await?
            .into_iter()
            .map(|account| MemberChoice {
                member: members.contains(&account.id),
                id: account.id,
                email: account.email,
            })
            .collect();
        Ok(StudyMembersView {
            slug: study.slug.to_string(),
            title: study.title.clone(),
            researchers,
            saved: done == Some("saved"),
        })
    }
}

#[component]
pub fn StudyMembersPage() -> impl IntoView {
    let data = Resource::new_blocking(study_and_query("done"), |(study, done)| {
        load_study_members(study, done)
    });
    when_loaded(data, |view_data| {
        let action = format!("/admin/studies/{}/members", view_data.slug);
        view! {
            <Title text=format!("Members: {}", view_data.title)/>
            {view_data.saved.then(|| view! { <div class="notification" role="status"><p>"The members are saved."</p></div> })}
            <h1>{format!("Members of {}", view_data.title)}</h1>
            <p>"A researcher reads a study's responses, answers and exports, and publishes its new versions, "
               "only as its member. Owners read every study; trainers never read research data."</p>
            {if view_data.researchers.is_empty() {
                view! { <p>"There are no researcher accounts yet. Add one on the "<a href="/admin/team">"Accounts"</a>" page."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=action novalidate>
                        <fieldset class="fieldset">
                            <legend class="fieldset__legend">"Researchers who are members"</legend>
                            {view_data.researchers.into_iter().enumerate().map(|(i, choice)| {
                                let id = format!("member-{i}");
                                view! {
                                    <div class="checkboxes__item">
                                        <input class="checkboxes__input" type="checkbox" id=id.clone() name="member" value=choice.id checked=choice.member/>
                                        <label class="checkboxes__label" for=id>{choice.email}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class="button">"Save members"</button>
                    </form>
                }.into_any()
            }}
            <p><a href="/admin/team">"Back to accounts"</a></p>
        }
    })
}

/// The researchers' accounts: the people a study's members are chosen from.
#[cfg(feature = "ssr")]
async fn researchers(
    state: &crate::state::AppState,
) -> Result<Vec<domain::storage::StaffSummary>, crate::error::AppError> {
    let accounts = state.storage.staff().list().await?;
    Ok(accounts
        .into_iter()
        .filter(|account| account.role == domain::accounts::Role::Researcher.as_str())
        .collect())
}

/// The form post, a plain one: it works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use std::collections::HashSet;

    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::audit::AuditAction;

    use crate::auth::Owner;
    use crate::error::AppError;
    use crate::form_posts::repeated_fields;
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/studies/{study}/members", post(save_members))
    }

    async fn save_members(
        State(state): State<AppState>,
        Owner(owner): Owner,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = state.study(&slug)?;
        let chosen: HashSet<String> = repeated_fields(&headers, &body, &["member"])?
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        let researchers = super::researchers(&state).await?;
        if let Some(unknown) = chosen
            .iter()
            .find(|id| !researchers.iter().any(|r| &r.id == *id))
        {
            return Err(AppError::BadForm(format!(
                "\"{unknown}\" is not a researcher's account. Open the page again and choose from its list."
            )));
        }
        let members = state.storage.study_members();
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for researcher in &researchers {
            if chosen.contains(&researcher.id) {
                if members
                    .add(&study.slug, &researcher.id, state.clock.today())
                    .await?
                {
                    added.push(researcher.email.as_str());
                }
            } else if members.remove(&study.slug, &researcher.id).await? {
                removed.push(researcher.email.as_str());
            }
        }
        if !added.is_empty() || !removed.is_empty() {
            let detail = format!(
                "{}: added {}; removed {}",
                study.slug,
                listed(&added),
                listed(&removed)
            );
            state
                .audit(owner.actor(), AuditAction::StudyMembersChanged, &detail)
                .await?;
        }
        Ok(
            Redirect::to(&format!("/admin/studies/{}/members?done=saved", study.slug))
                .into_response(),
        )
    }

    fn listed(emails: &[&str]) -> String {
        if emails.is_empty() {
            "no one".into()
        } else {
            emails.join(", ")
        }
    }
}
