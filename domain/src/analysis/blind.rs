//! Independent coding: while a study's analysis is in independent mode, each coder sees only
//! their own codings until they release theirs; then they see the codings of every other coder
//! who has released too. Nothing is hidden when the mode is off.

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
}
