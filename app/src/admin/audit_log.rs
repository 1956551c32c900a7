//! The newest entries of the audit log, for owners.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

/// The newest 500 audit log entries; owners only. Nothing in the app edits the log.
#[server]
pub async fn load_audit_log() -> Result<AuditView, ServerFnError> {
    load::audit_log().await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    const AUDIT_ENTRIES_SHOWN: i64 = 500;

    use super::super::data::*;

    use crate::auth::{Owner, in_server_fn};
    use crate::error::AppError;

    pub async fn audit_log() -> Result<AuditView, AppError> {
        let (state, Owner(_)) = in_server_fn::<Owner>().await?;
        let entries = state
            .storage
            .audit_log()
            .newest(AUDIT_ENTRIES_SHOWN)
            .await?
            .into_iter()
            .map(|(at, actor, action, detail)| AuditEntry {
                at: domain::clock::moment_of(at),
                actor,
                action,
                detail,
            })
            .collect();
        Ok(AuditView { entries })
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_audit_log());
    when_loaded(data, |audit| {
        view! {
            <Title text="Audit log"/>
            <h1>"Audit log"</h1>
            <p>"Who did what, and when (UTC), newest first. Entries cannot be changed or deleted from the app."</p>
            <table class="table">
                <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Details"</th></tr></thead>
                <tbody>
                    {audit.entries.into_iter().map(|e| view! {
                        <tr><td>{e.at}</td><td>{e.actor}</td><td>{e.action}</td><td>{e.detail}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}
