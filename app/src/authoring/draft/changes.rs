//! What the draft changes in the published study file, line by line, and the form that publishes
//! it as a new version (or as a new study, for a copy).

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use super::{behind_warning, draft_path};
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, field_error, load_by_study, when_loaded};

#[server]
pub async fn load_draft_changes(study: String) -> Result<DraftChangesView, ServerFnError> {
    load::changes(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use leptos::prelude::use_context;

    use domain::study::{LineChange, Study, changes_between};

    use super::super::data::*;
    use crate::auth::{Researcher, editable_draft, in_server_fn};
    use crate::authoring::publishing::located_problem;
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn changes(slug: &str) -> Result<DraftChangesView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let (slug, stored) = editable_draft(&state, &staff, slug).await?;
        let stored = stored.ok_or(AppError::UnknownStudy)?;
        let published = state.studies.get(&slug);
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let checked = Study::parse(slug.as_str(), &stored.definition);
        let groups = changes_between(
            published.as_ref().map_or("", |study| study.source.as_str()),
            &stored.definition,
        )
        .into_iter()
        .map(|group| {
            group
                .into_iter()
                .map(|line| ChangedLine {
                    change: match line.change {
                        LineChange::Kept => "kept",
                        LineChange::Removed => "removed",
                        LineChange::Added => "added",
                    }
                    .to_owned(),
                    before: line.before,
                    after: line.after,
                    text: line.text,
                })
                .collect()
        })
        .collect();
        Ok(DraftChangesView {
            slug: slug.to_string(),
            title: match (&checked, &published) {
                (Ok(study), _) => study.title.clone(),
                (Err(_), Some(study)) => study.title.clone(),
                (Err(_), None) => slug.to_string(),
            },
            published: published.as_ref().map(|study| study.version_number),
            behind: super::super::behind(
                stored.based_on,
                published.as_ref().map(|study| study.version_number),
            ),
            groups,
            problem: checked.err().map(|error| located_problem(&error)),
            errors: rejected.summary(),
        })
    }
}

#[component]
pub fn DraftChangesPage() -> impl IntoView {
    let data = load_by_study(load_draft_changes);
    when_loaded(data, |view_data| {
        let title = format!("Changes in the draft of {}", view_data.title);
        let page_title = if view_data.errors.is_empty() {
            title.clone()
        } else {
            format!("Error: {title}")
        };
        let publish_error = field_error(&view_data.errors, "publish");
        let group_class = if publish_error.is_some() {
            "form-group form-group--error"
        } else {
            "form-group"
        };
        let slug = view_data.slug.clone();
        let against = match view_data.published {
            Some(version) => format!(
                "Lines of the study file that the draft changes, against version {version}. Removed lines are marked −, added lines +."
            ),
            None => "The study is not published yet: every line is new.".to_owned(),
        };
        let publish_label = if view_data.published.is_some() {
            "Publish as a new version"
        } else {
            "Publish the new study"
        };
        view! {
            <Title text=page_title/>
            <ErrorSummary errors=view_data.errors.clone()/>
            <p><a href=draft_path(&slug)>"Back to the draft"</a></p>
            <h1>{title}</h1>
            <p>{against}</p>
            {view_data.behind.map(|behind| view! { <div class="warning"><p>{behind_warning(behind)}</p></div> })}
            {if view_data.groups.is_empty() {
                view! { <p>"The draft is the same as the published version: there is nothing to publish."</p> }.into_any()
            } else {
                view! { <ChangedLines groups=view_data.groups.clone()/> }.into_any()
            }}
            <h2>"Publish"</h2>
            {match view_data.problem.clone() {
                Some(problem) => view! {
                    <p>{format!("The draft cannot be published yet. {problem}.")}</p>
                    <p><a href=draft_path(&slug)>"Correct it in the draft"</a></p>
                }.into_any(),
                None => view! {
                    <p>"New participants will be shown the published version. Responses already started keep the version they started on."</p>
                    <form method="post" action=format!("{}/publish", draft_path(&slug)) novalidate>
                        <div class=group_class>
                            {publish_error.map(|message| view! {
                                <p id="publish-error" class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
                            })}
                            <button type="submit" id="publish" class="button">{publish_label}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        }
    })
}

#[component]
fn ChangedLines(groups: Vec<Vec<ChangedLine>>) -> impl IntoView {
    view! {
        {groups.into_iter().enumerate().map(|(index, lines)| {
            let first = lines.iter().find_map(|line| line.after.or(line.before)).unwrap_or_default();
            view! {
                <table class="table diff">
                    <caption>{format!("Change {} (near line {first})", index + 1)}</caption>
                    <thead><tr>
                        <th scope="col">"Published line"</th>
                        <th scope="col">"Draft line"</th>
                        <th scope="col">"Text"</th>
                    </tr></thead>
                    <tbody>
                        {lines.into_iter().map(|line| {
                            let (mark, said) = match line.change.as_str() {
                                "removed" => ("−", "Removed: "),
                                "added" => ("+", "Added: "),
                                _ => (" ", ""),
                            };
                            view! {
                                <tr class=format!("diff__line diff__line--{}", line.change)>
                                    <td>{line.before.map(|n| n.to_string()).unwrap_or_default()}</td>
                                    <td>{line.after.map(|n| n.to_string()).unwrap_or_default()}</td>
                                    <td><code><span aria-hidden="true">{mark}" "</span><span class="visually-hidden">{said}</span>{line.text}</code></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
        }).collect_view()}
    }
    .into_any()
}
