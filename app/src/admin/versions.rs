//! A study's published versions: which wording new participants see, how many responses started
//! on each, and each version's study file exactly as published.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

#[server]
pub async fn load_versions(study: String) -> Result<VersionsView, ServerFnError> {
    load::versions(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::data::*;

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    pub async fn versions(slug: &str) -> Result<VersionsView, AppError> {
        let (state, Researcher(_)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
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
        Ok(VersionsView {
            slug: study.slug.to_string(),
            title: study.title.clone(),
            versions,
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
        Researcher(_): Researcher,
    ) -> Result<Response, AppError> {
        let study = state.study(&slug)?;
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

#[component]
pub fn VersionsPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("study").unwrap_or_default(),
        load_versions,
    );
    when_loaded(data, |v| {
        let slug = v.slug.clone();
        view! {
            <Title text=format!("Versions: {}", v.title)/>
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
            <p><a href=format!("/admin/studies/{slug}")>"Back to the study"</a></p>
        }
    })
}
