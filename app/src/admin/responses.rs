//! The list of a study's responses, submitted and in progress, with filters and pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
use super::shared::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{Pagination, when_loaded};

/// `query` is the page's query string: the filter, `page` and `deleted`.
#[server]
pub async fn load_responses(
    study: String,
    query: Option<String>,
) -> Result<ResponsesView, ServerFnError> {
    let result = async {
        let query = query_fields(query.as_deref())?;
        let field = |name: &str| {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let (page, deleted) = (field("page"), field("deleted").is_some());
        load::responses(&study, &query, page, deleted).await
    };
    result.await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    const RESPONSES_PER_PAGE: usize = 50;
    pub use super::super::filters::FilterQuery;

    use super::super::data::*;
    use super::super::filters::{ResponseFilter, filter_choices};

    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    use domain::audit::AuditAction;
    use domain::paging::{PageNumber, page_of};

    use super::super::shared::load::*;

    pub async fn responses(
        slug: &str,
        query: &FilterQuery,
        page: Option<String>,
        deleted: bool,
    ) -> Result<ResponsesView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let filter = ResponseFilter::parse(&study, query)?;
        let page = PageNumber::parse(page.as_deref()).map_err(AppError::BadForm)?;
        let matching: Vec<_> = state
            .storage
            .responses()
            .overviews(&study.slug, &study.participant_questions())
            .await?
            .into_iter()
            .filter(|r| filter.admits(&r.labels, r.submitted_on.is_some(), &r.dealt))
            .collect();
        let (shown, place) = page_of(matching, page, RESPONSES_PER_PAGE);
        let steps = step_titles(&study);
        let rows = shown
            .iter()
            .map(|r| ResponseRow {
                id: r.id.to_string(),
                label: response_label(&study, r.participant_number, &r.labels),
                status: status_words(r.submitted_on.is_some()),
                started_on: r.started_on.format("%Y-%m-%d").to_string(),
                submitted_on: r.submitted_on.map(|d| d.format("%Y-%m-%d").to_string()),
                reached: reached_words(&steps, r.step_reached),
            })
            .collect();
        let detail = format!("study {slug}, {}, page {}", filter.describe(), place.number);
        state
            .audit(staff.actor(), AuditAction::ViewedResponses, &detail)
            .await?;
        Ok(ResponsesView {
            slug: slug.to_owned(),
            study_title: study.title.clone(),
            filter_query: filter.query_string(),
            filters: filter_choices(&study, &filter, true),
            matching: place.total,
            place: place.into(),
            rows,
            deleted,
        })
    }

    fn reached_words(steps: &[(usize, String)], reached: i64) -> String {
        let title = steps
            .iter()
            .find(|(step, _)| *step as i64 == reached)
            .map_or("", |(_, title)| title.as_str());
        format!("{reached} of {}: {title}", steps.len())
    }
}

#[component]
pub fn ResponsesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            (
                params.read().get("study").unwrap_or_default(),
                query.read().to_query_string(),
            )
        },
        |(study, query)| load_responses(study, Some(query)),
    );
    when_loaded(data, |r| {
        let slug = r.slug.clone();
        view! {
            <Title text=format!("Responses: {}", r.study_title)/>
            <a href=format!("/admin/studies/{slug}") class="back-link">"Back to the study"</a>
            {r.deleted.then(|| view! {
                <div class="notification" role="status"><p>"The response was deleted."</p></div>
            })}
            <h1>"Responses"</h1>
            <FilterForm filters=r.filters/>
            <p>{format!("{} matching, {}", r.matching, r.place.words())}</p>
            <table class="table">
                <caption class="visually-hidden">"Responses, submitted first"</caption>
                <thead><tr>
                    <th scope="col">"Participant"</th><th scope="col">"Status"</th><th scope="col">"Started"</th>
                    <th scope="col">"Submitted"</th><th scope="col">"Furthest step"</th>
                </tr></thead>
                <tbody>
                    {r.rows.into_iter().map(|row| view! {
                        <tr>
                            <td><a href=format!("/admin/studies/{slug}/responses/{}", row.id)>{row.label}</a></td>
                            <td>{row.status}</td>
                            <td>{row.started_on}</td>
                            <td>{row.submitted_on.unwrap_or_else(|| "–".into())}</td>
                            <td>{row.reached}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <Pagination label="Pages of responses" place=r.place path=format!("/admin/studies/{slug}/responses") filter=r.filter_query.clone()/>
        }
    })
}
