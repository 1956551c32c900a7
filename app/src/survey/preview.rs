//! A researcher's preview of a study's draft: each page rendered exactly as a participant sees
//! it (the same page, fields and Markdown), in any variant, with nothing saved.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::data::QuestionsView;
use super::questions::QuestionsPage;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::when_loaded;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewView {
    pub study_slug: String,
    /// (id, label) of each variant, to preview the page in.
    pub variants: Vec<(String, String)>,
    pub variant: Option<String>,
    pub page: Result<QuestionsView, String>,
}

#[server]
pub async fn load_preview(
    study: String,
    page: String,
    variant: Option<String>,
) -> Result<PreviewView, ServerFnError> {
    load::preview(&study, &page, variant)
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use domain::study::{Dealt, Study};

    use super::PreviewView;
    use crate::auth::{Researcher, editable_draft, in_server_fn};
    use crate::error::AppError;

    pub async fn preview(
        slug: &str,
        page: &str,
        variant: Option<String>,
    ) -> Result<PreviewView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let (slug, draft) = editable_draft(&state, &staff, slug).await?;
        let text = match (draft, state.studies.get(&slug)) {
            (Some(draft), _) => draft.definition,
            (None, Some(published)) => published.source.clone(),
            (None, None) => return Err(AppError::UnknownStudy),
        };
        let study = match Study::parse(slug.as_str(), &text) {
            Ok(study) => study,
            Err(error) => {
                return Ok(PreviewView {
                    study_slug: slug.to_string(),
                    variants: Vec::new(),
                    variant: None,
                    page: Err(error.to_string()),
                });
            }
        };
        let variants = study
            .variants
            .iter()
            .map(|v| (v.id.clone(), v.label.clone()))
            .collect();
        let variant = variant.filter(|id| study.variant(id).is_some());
        let dealt = Dealt {
            scenario_order: None,
            variant: variant.clone(),
        };
        let study = study.as_dealt(&dealt).ok_or(AppError::UnknownStudy)?;
        let (index, _) = study.page(page).ok_or(AppError::UnknownStudy)?;
        let mut page = crate::survey::flow::preview_view(&study, index);
        if let Some(id) = &variant {
            // The next and previous pages are previewed in the same variant.
            let in_variant = |href: &mut String| {
                if href.starts_with("/preview/") {
                    href.push_str(&format!("?variant={id}"));
                }
            };
            for href in [&mut page.preview_next, &mut page.frame.back_href]
                .into_iter()
                .flatten()
            {
                in_variant(href);
            }
        }
        Ok(PreviewView {
            study_slug: slug.to_string(),
            variants,
            variant,
            page: Ok(page),
        })
    }
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("study").unwrap_or_default(),
                params.get("page").unwrap_or_default(),
                query.read().get("variant"),
            )
        },
        |(study, page, variant)| load_preview(study, page, variant),
    );
    when_loaded(data, |preview| {
        let draft = format!("/admin/studies/{}/draft", preview.study_slug);
        let banner = view! {
            <div class="notification notification--preview" role="region" aria-label="Preview">
                <p>"Preview of the draft, as participants see it. Nothing typed here is saved. "
                   <a href=draft.clone()>"Back to the draft"</a></p>
                {(!preview.variants.is_empty()).then(|| {
                    let page = preview.page.as_ref().map(|p| p.slug.clone()).unwrap_or_default();
                    let base = format!("/preview/{}/{page}", preview.study_slug);
                    view! {
                        <p>"See this page in the variant: "
                            {preview.variants.iter().map(|(id, label)| {
                                let current = preview.variant.as_deref() == Some(id.as_str());
                                view! {
                                    <a href=format!("{base}?variant={id}") aria-current=current.then_some("page")>{label.clone()}</a>" "
                                }
                            }).collect_view()}
                        </p>
                    }
                })}
            </div>
        };
        match preview.page {
            Ok(view) => view! { {banner} <QuestionsPage view/> }.into_any(),
            Err(problem) => view! {
                {banner}
                <h1>"The draft cannot be shown yet"</h1>
                <p>{problem}</p>
            }
            .into_any(),
        }
    })
}
