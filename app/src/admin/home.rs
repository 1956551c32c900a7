//! The researcher area's first page: the studies an account may open.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

#[server]
pub async fn load_admin_home() -> Result<AdminHome, ServerFnError> {
    load::home().await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use super::super::data::*;

    use crate::auth::{SignedIn, in_server_fn};
    use crate::error::AppError;

    pub async fn home() -> Result<AdminHome, AppError> {
        let (state, SignedIn(staff)) = in_server_fn::<SignedIn>().await?;
        let mut studies = Vec::new();
        let mut studies_hidden = false;
        if staff.role.reads_research_data() {
            for study in state.studies.all() {
                if !crate::auth::reads_study(&state, &staff, &study.slug).await? {
                    studies_hidden = true;
                    continue;
                }
                let progress = state.storage.responses().progress(&study.slug).await?;
                studies.push(StudySummary {
                    slug: study.slug.to_string(),
                    title: study.title.clone(),
                    started: progress.started,
                    submitted: progress.submitted,
                });
            }
        }
        Ok(AdminHome {
            research_access: staff.role.reads_research_data(),
            is_owner: staff.role == domain::accounts::Role::Owner,
            studies,
            studies_hidden,
        })
    }
}

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_admin_home());
    when_loaded(data, |home| {
        view! {
            <Title text="Studies"/>
            <h1>"Studies"</h1>
            {home.is_owner.then(|| view! {
                <ul class="owner-links">
                    <li><a href="/admin/team">"Accounts"</a></li>
                    <li><a href="/admin/audit">"Audit log"</a></li>
                </ul>
            })}
            {if home.research_access {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">"Studies with their responses"</caption>
                        <thead><tr>
                            <th scope="col">"Study"</th><th scope="col">"Started"</th><th scope="col">"Submitted"</th>
                            {home.is_owner.then(|| view! { <th scope="col">"Who reads it"</th> })}
                        </tr></thead>
                        <tbody>
                            {home.studies.into_iter().map(|s| {
                                let members = format!("/admin/studies/{}/members", s.slug);
                                let of = format!(" of {}", s.title);
                                view! {
                                    <tr>
                                        <td><a href=format!("/admin/studies/{}", s.slug)>{s.title}</a></td>
                                        <td>{s.started}</td>
                                        <td>{s.submitted}</td>
                                        {home.is_owner.then(|| view! {
                                            <td><a href=members>"Members"<span class="visually-hidden">{of}</span></a></td>
                                        })}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {home.studies_hidden.then(|| view! {
                        <p>"Only the studies you are a member of are listed. An owner can add you to others."</p>
                    })}
                    <p><a href="/admin/publish">"Publish a study file"</a>" (a new study, or a new version of one)"</p>
                }.into_any()
            } else {
                view! {
                    <p>"Your account is for workshops. Research data is not shown to trainers."</p>
                    <p><a href="/admin/workshops">"Your workshops"</a></p>
                }.into_any()
            }}
        }
    })
}
