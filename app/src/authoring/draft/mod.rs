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

/// (started from, newest) when a version newer than the one a draft started from was published:
/// publishing the draft would undo that version's changes.
pub fn behind(based_on: Option<i64>, newest: Option<i64>) -> Option<(i64, i64)> {
    match (based_on, newest) {
        (Some(based_on), Some(newest)) if newest > based_on => Some((based_on, newest)),
        _ => None,
    }
}

/// What the draft pages say when a newer version was published after the draft was started.
pub fn behind_warning((based_on, newest): (i64, i64)) -> String {
    format!(
        "This draft was started from version {based_on}, and version {newest} has been published since. \
         The changes below are against version {newest}: publishing the draft undoes what version {newest} \
         changed unless the draft makes the same change. To keep both, discard this draft and start a new one \
         from version {newest}."
    )
}

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
