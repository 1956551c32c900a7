//! Independent coding: while a study's analysis is in independent mode, each coder sees only
//! their own codings until they release theirs; then they see the codings of every other coder
//! who has released too. Memos on answers, participants and codings are interpretation as
//! codings are, so they are kept back alike; notes on the data, codes and themes and the
//! journal are the team's. Nothing is hidden when the mode is off.

use std::collections::BTreeSet;

/// Whose codings one researcher may see. Coders are named by their email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blinding {
    pub independent: bool,
    pub viewer: String,
    /// The coders who have released their codings.
    pub released: BTreeSet<String>,
}

impl Blinding {
    /// Everything shows: the mode is off.
    pub fn open(viewer: &str) -> Self {
        Self {
            independent: false,
            viewer: viewer.to_owned(),
            released: BTreeSet::new(),
        }
    }

    /// Whether the viewer has released their codings (always, with the mode off).
    pub fn viewer_released(&self) -> bool {
        !self.independent || self.released.contains(&self.viewer)
    }

    /// Whether the viewer sees a coding made by `coder` (None: an account since removed, which
    /// can no longer release, so its codings show once the viewer has released).
    pub fn shows(&self, coder: Option<&str>) -> bool {
        match coder {
            _ if !self.independent => true,
            Some(coder) if coder == self.viewer => true,
            Some(coder) => self.viewer_released() && self.released.contains(coder),
            None => self.viewer_released(),
        }
    }

    /// Whether a memo on `subject` ("answer:3:r2", "code:…") written by `author` shows.
    pub fn shows_memo(&self, subject: &str, author: Option<&str>) -> bool {
        let kind = subject.split(':').next().unwrap_or_default();
        !matches!(kind, "answer" | "participant" | "coding") || self.shows(author)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blinding(released: &[&str]) -> Blinding {
        Blinding {
            independent: true,
            viewer: "a@example.org".into(),
            released: released.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn with_the_mode_off_every_coding_shows() {
        let open = Blinding::open("a@example.org");
        assert!(open.shows(Some("b@example.org")) && open.shows(None));
        assert!(open.viewer_released());
    }

    #[test]
    fn a_coder_sees_only_their_own_until_both_have_released() {
        let none = blinding(&[]);
        assert!(none.shows(Some("a@example.org")));
        assert!(!none.shows(Some("b@example.org")));
        assert!(!none.shows(None));
        let only_other = blinding(&["b@example.org"]);
        assert!(!only_other.shows(Some("b@example.org")), "the viewer has not released");
        let only_viewer = blinding(&["a@example.org"]);
        assert!(!only_viewer.shows(Some("b@example.org")), "the other has not released");
        assert!(only_viewer.shows(None));
        let both = blinding(&["a@example.org", "b@example.org"]);
        assert!(both.shows(Some("b@example.org")));
        assert!(!both.shows(Some("c@example.org")), "a third coder has not released");
    }

    #[test]
    fn memos_on_answers_participants_and_codings_wait_like_codings_and_the_rest_is_shared() {
        let none = blinding(&[]);
        let other = Some("b@example.org");
        for held_back in ["answer:3:r2", "participant:3", "coding:x"] {
            assert!(!none.shows_memo(held_back, other), "{held_back}");
            assert!(none.shows_memo(held_back, Some("a@example.org")), "{held_back}");
            let both = blinding(&["a@example.org", "b@example.org"]);
            assert!(both.shows_memo(held_back, other), "{held_back}");
        }
        for shared in ["journal", "dataset", "question:r2", "code:x", "theme:y", "pair:y:z"] {
            assert!(none.shows_memo(shared, other), "{shared}");
        }
    }
}
