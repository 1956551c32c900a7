//! Erasing the originals of accepted findings from the stored answers, after the researcher
//! confirms.

use super::data::EraseView;
use crate::components::{load_by_study, when_loaded};
use leptos::prelude::*;
use leptos_meta::Title;

#[server]
pub async fn load_erase_confirmation(study: String) -> Result<EraseView, ServerFnError> {
    load::erase_confirmation(&study)
        .await
        .map_err(crate::auth::signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::redaction::data::EraseView;

    use super::super::counts;

    pub async fn erase_confirmation(slug: &str) -> Result<EraseView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        Ok(EraseView {
            slug: slug.to_owned(),
            title: study.title.clone(),
            accepted: counts(&state.storage, &study.slug).await?.accepted,
        })
    }
}

#[component]
pub fn EraseRedactionsPage() -> impl IntoView {
    let data = load_by_study(load_erase_confirmation);
    when_loaded(data, |erase| {
        let base = format!("/admin/studies/{}/redactions", erase.slug);
        view! {
            <Title text="Erase the originals?"/>
            <h1>"Erase the originals of accepted findings?"</h1>
            <p>{format!(
                "The stored answers of {} will have the {} accepted findings replaced by their descriptors. \
                 This cannot be undone: not even the review queue keeps the original words. \
                 Backups made before now still hold them.",
                erase.title, erase.accepted
            )}</p>
            <form method="post" action=format!("{base}/erase")>
                <button type="submit" class="button button--warning">"Yes, erase the originals"</button>
            </form>
            <p><a href=base>"No, go back to the queue"</a></p>
        }
    })
}

/// The form posts, plain ones: they work without JavaScript. Each is audit-logged without the
/// found words.
#[cfg(feature = "ssr")]
pub(super) mod post {

    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::form_posts::fields_named;
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::Response;
    use axum::routing::post;
    use domain::audit::AuditAction;

    use domain::redaction::review::erase_accepted;

    use super::super::back_to_queue;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/studies/{study}/redactions/erase", post(erase))
    }

    async fn erase(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        fields_named(&headers, &body, &[])?;
        let changed = erase_accepted(
            &state.storage,
            &state.events,
            &study.slug,
            &staff.record.email,
            state.clock.now(),
        )
        .await?;
        let detail = format!("study {slug}, answers changed: {changed}");
        state
            .audit(staff.actor(), AuditAction::IdentifiersErased, &detail)
            .await?;
        Ok(back_to_queue(&slug, "erased"))
    }
}
