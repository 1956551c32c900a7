//! A study's published versions: which wording new participants see, how many responses started
//! on each, and each version's study file exactly as published.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, load_by_study, when_loaded};

#[server]
pub async fn load_versions(study: String) -> Result<VersionsView, ServerFnError> {
    load::versions(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::data::*;

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn versions(slug: &str) -> Result<VersionsView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let versions = state
            .storage
            .study_definitions()
            .summaries(&study.slug)
            .await?
            .into_iter()
            .map(|v| VersionRow {
                current: v.number == study.version_number,
                number: v.number,
                label: v.label,
                published_on: domain::text::long_day(v.published_on),
                responses: v.responses,
            })
            .collect();
        let rejected = leptos::prelude::use_context::<RejectedForm>().unwrap_or_default();
        let typed = |key: &str| rejected.values.get(key).cloned().unwrap_or_default();
        Ok(VersionsView {
            slug: study.slug.to_string(),
            title: study.title.clone(),
            versions,
            has_draft: state
                .storage
                .study_drafts()
                .get(&study.slug)
                .await?
                .is_some(),
            copy_slug: typed("copy_slug"),
            copy_title: typed("copy_title"),
            errors: rejected.summary(),
        })
    }
}

/// The study file of one version, as a download.
#[cfg(feature = "ssr")]
pub mod file {
    use axum::Router;
    use axum::extract::{Path, State};
    use axum::response::Response;
    use axum::routing::get;

    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/studies/{study}/versions/{number}", get(download))
    }

    async fn download(
        State(state): State<AppState>,
        Path((slug, number)): Path<(String, String)>,
        Researcher(staff): Researcher,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let version = number
            .strip_suffix(".toml")
            .and_then(|n| n.parse::<i64>().ok())
            .and_then(|n| state.studies.version(&study.slug, n))
            .ok_or(AppError::UnknownStudy)?;
        let file_name = format!("{}-version-{}.toml", version.slug, version.version_number);
        Ok(crate::downloads::attachment(
            "application/toml; charset=utf-8",
            &file_name,
            version.source.clone(),
        ))
    }
}

/// What the publish form did, as it says in the address it returns to.
fn publish_notice(query: &leptos_router::params::ParamsMap) -> Option<String> {
    let number = |key: &str| query.get(key).filter(|n| n.parse::<i64>().is_ok());
    if let Some(n) = number("new-study") {
        Some(format!(
            "The study is published as version {n}. It takes participants at its own address, and the start page lists it while it is open."
        ))
    } else if let Some(n) = number("published") {
        Some(format!(
            "Version {n} is published. New participants are shown it; responses started before keep their version."
        ))
    } else {
        number("unchanged")
            .map(|n| format!("Nothing was published: version {n} already has exactly that text."))
    }
}

#[component]
pub fn VersionsPage() -> impl IntoView {
    let notice = StoredValue::new(publish_notice(&use_query_map().read_untracked()));
    let data = load_by_study(load_versions);
    when_loaded(data, move |v| {
        let slug = v.slug.clone();
        view! {
            <Title text=if v.errors.is_empty() { format!("Versions: {}", v.title) } else { format!("Error: Versions: {}", v.title) }/>
            <ErrorSummary errors=v.errors.clone()/>
            {notice.get_value().map(|notice| view! { <div class="notification" role="status"><p>{notice}</p></div> })}
            <h1>{format!("Versions of {}", v.title)}</h1>
            <p>"A changed study file is published as a new version; the versions before it are kept. "
               "Each response is shown, checked and kept with the version its participant started on."</p>
            <table class="table">
                <caption class="visually-hidden">"Published versions, newest first"</caption>
                <thead><tr>
                    <th scope="col">"Version"</th><th scope="col">"File's version"</th>
                    <th scope="col">"Published"</th><th scope="col">"Responses started on it"</th>
                    <th scope="col">"Study file"</th>
                </tr></thead>
                <tbody>
                    {v.versions.into_iter().map(|row| {
                        let href = format!("/admin/studies/{slug}/versions/{}.toml", row.number);
                        view! {
                            <tr>
                                <td>{if row.current {
                                    format!("{} (shown to new participants)", row.number)
                                } else {
                                    row.number.to_string()
                                }}</td>
                                <td>{row.label}</td>
                                <td>{row.published_on}</td>
                                <td>{row.responses}</td>
                                <td><a href=href download="">{format!("Download version {}", row.number)}</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h2>"Change the study"</h2>
            <ul class="link-list">
                <li><a href=format!("/admin/studies/{slug}/draft")>{if v.has_draft { "Go on editing the draft" } else { "Edit the study in the app" }}</a></li>
                <li><a href="/admin/publish">"Publish a study file"</a></li>
            </ul>
            <h2 id="copy">"Copy as a new study"</h2>
            <p>"A new study that starts as a copy of the newest version of this one, with its own address, "
               "participants and members. It is a draft until you publish it."</p>
            <form method="post" action=format!("/admin/studies/{slug}/copy") novalidate>
                <TextInput id="copy_title" label="Title of the new study" kind="text" autocomplete="off"
                    value=v.copy_title.clone() error=field_error(&v.errors, "copy_title")/>
                <TextInput id="copy_slug" label="Short name for its address" kind="text" autocomplete="off"
                    hint="Lower-case letters, digits, - or _, starting with a letter, for example sam-variants."
                    value=v.copy_slug.clone() error=field_error(&v.errors, "copy_slug")/>
                <button type="submit" class="button">"Copy the study"</button>
            </form>
            <p><a href=format!("/admin/studies/{slug}")>"Back to the study"</a></p>
        }
    })
}
