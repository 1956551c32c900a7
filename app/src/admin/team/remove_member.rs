//! Removing an account, after the owner confirms.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::admin::data::RemoveMemberView;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

#[server]
pub async fn load_remove_member(id: String) -> Result<RemoveMemberView, ServerFnError> {
    load::remove_member(&id)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::*;

    use crate::auth::{Owner, in_server_fn};

    use crate::error::AppError;

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

    use super::super::{TEAM_PATH, member};

    use crate::auth::Owner;

    use crate::error::AppError;
    use crate::form_posts::fields_named;
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/team/{id}/remove", post(remove_member))
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
}
