//! Themes: patterns of shared meaning built from codes, each around a central organising concept.
//! Their status follows the review (Braun and Clarke's phases): a candidate is reviewed, then
//! final, or discarded (kept, so the history of the analysis shows it).

/// Where a theme stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeStatus {
    Candidate,
    Reviewing,
    Final,
    Discarded,
}

impl ThemeStatus {
    pub const ALL: [Self; 4] = [
        Self::Candidate,
        Self::Reviewing,
        Self::Final,
        Self::Discarded,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Candidate => "candidate",
            Self::Reviewing => "reviewing",
            Self::Final => "final",
            Self::Discarded => "discarded",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == word)
    }

    /// In words, for a page.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Candidate => "Candidate",
            Self::Reviewing => "Being reviewed",
            Self::Final => "Final",
            Self::Discarded => "Discarded",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ThemeStatus;

    #[test]
    fn a_status_is_read_back_from_its_stored_word_and_nothing_else() {
        for status in ThemeStatus::ALL {
            assert_eq!(ThemeStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ThemeStatus::parse("Final"), None);
        assert_eq!(ThemeStatus::parse(""), None);
    }
}
