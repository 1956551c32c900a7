//! Versions of the vignette: a study may word some pages in two or more ways (Sam as "she", "he"
//! or "they"; with or without the diagnosis named) and deal them out at consent, balanced like the
//! scenario order, to compare how the wording changes the answers.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::definition::{Invalid, Page, invalid};
use super::render_markdown;
use crate::ids::is_identifier;

const MOST_VARIANTS: usize = 8;

/// One `[[variants]]` entry of a study file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariant {
    id: String,
    label: String,
    /// The pages this variant words differently, by slug.
    #[serde(default)]
    pages: BTreeMap<String, RawPageText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPageText {
    title: Option<String>,
    body: Option<String>,
}

/// A version of the vignette: its id (stored with each response, exported), a label for
/// researchers, and the pages it words its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub id: String,
    pub label: String,
    pages: BTreeMap<String, PageText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PageText {
    title: Option<String>,
    body_html: Option<String>,
}

/// Checks a study's variants against its pages: none, or between 2 and [`MOST_VARIANTS`] with
/// distinct ids, each rewording only pages the study has.
pub(super) fn validate(raw: Vec<RawVariant>, pages: &[Page]) -> Result<Vec<Variant>, Invalid> {
    if raw.len() == 1 || raw.len() > MOST_VARIANTS {
        return Err(invalid(
            "variants",
            format!("a study has no variants or between 2 and {MOST_VARIANTS}"),
        ));
    }
    let mut variants: Vec<Variant> = Vec::with_capacity(raw.len());
    for (i, variant) in raw.into_iter().enumerate() {
        let field = format!("variants[{i}]");
        if !is_identifier(&variant.id) {
            let problem = crate::ids::IdError::NotAnIdentifier(variant.id.clone());
            return Err(invalid(format!("{field}.id"), problem.to_string()));
        }
        if variants.iter().any(|v| v.id == variant.id) {
            return Err(invalid(
                format!("{field}.id"),
                format!("\"{}\" is used twice", variant.id),
            ));
        }
        if variant.label.trim().is_empty() {
            return Err(invalid(format!("{field}.label"), "must not be empty"));
        }
        let mut texts = BTreeMap::new();
        for (slug, text) in variant.pages {
            let page_field = format!("{field}.pages.{slug}");
            if !pages.iter().any(|page| page.slug == slug) {
                return Err(invalid(&page_field, format!("the study has no page \"{slug}\"")));
            }
            if text.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
                return Err(invalid(format!("{page_field}.title"), "must not be empty"));
            }
            texts.insert(
                slug,
                PageText {
                    title: text.title,
                    body_html: text.body.as_deref().map(render_markdown),
                },
            );
        }
        variants.push(Variant {
            id: variant.id,
            label: variant.label,
            pages: texts,
        });
    }
    Ok(variants)
}

impl Variant {
    /// The pages as this variant words them.
    pub(super) fn reword(&self, pages: &mut [Page]) {
        for page in pages {
            if let Some(text) = self.pages.get(&page.slug) {
                if let Some(title) = &text.title {
                    page.title.clone_from(title);
                }
                if let Some(body) = &text.body_html {
                    page.body_html.clone_from(body);
                }
            }
        }
    }
}
