//! A participant's way through a study: information and consent first, then the study's pages in
//! order, then "check your answers". Steps are numbered from 1 in that order.

use crate::study::Study;

/// The step number of the consent page; the study's pages follow it, then the check page.
pub const CONSENT_STEP: usize = 1;
pub const CHECK_STEP_SLUG: &str = "check";
pub const THANKS_STEP_SLUG: &str = "thanks";

pub fn total_steps(study: &Study) -> usize {
    study.pages.len() + 2
}

pub fn page_step(page_index: usize) -> usize {
    page_index + 2
}

/// The slug of the page a participant should continue at.
pub fn slug_for_step(study: &Study, step: usize) -> &str {
    let index = step.saturating_sub(2);
    study
        .pages
        .get(index)
        .map_or(CHECK_STEP_SLUG, |page| page.slug.as_str())
}
