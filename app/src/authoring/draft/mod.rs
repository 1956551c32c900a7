//! Editing a study in the app: a draft of its file, changed one form at a time (texts, pages,
//! questions, order, variants, dates), previewed as participants see it, compared with the
//! published version and then published as a new version. Every form is a plain post.

pub mod changes;
pub mod data;
pub mod editor;
#[cfg(feature = "ssr")]
pub mod edits;
mod fields;
pub mod markdown_preview;
pub mod page_editor;
#[cfg(feature = "ssr")]
pub mod post;

/// The draft overview of the study at `slug`.
pub fn draft_path(slug: &str) -> String {
    format!("/admin/studies/{slug}/draft")
}

/// The editor of one page of the draft.
pub fn draft_page_path(slug: &str, page: &str) -> String {
    format!("/admin/studies/{slug}/draft/pages/{page}")
}

/// The preview of one page of the draft, as participants would see it.
pub fn preview_path(slug: &str, page: &str) -> String {
    format!("/preview/{slug}/{page}")
}
