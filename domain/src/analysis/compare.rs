//! Comparing coders on one answer: each coding either matches another coder's (same code, same
//! words), shares its code with another coder's on different words, or is one only its coder
//! made. Interpretation is left to the coders' discussion; nothing here scores agreement.

/// One coding on an answer: who made it, with which code, over which code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoderMark<'a> {
    pub coder: &'a str,
    pub code: &'a str,
    pub start: usize,
    pub end: usize,
}

/// How one coding compares with the other coders' codings of the same answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Another coder coded the same words with the same code.
    Matched,
    /// Another coder used the same code on this answer, on other words.
    OtherWords,
    /// No other coder used this code on this answer.
    OnlyThisCoder,
}

impl Agreement {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Matched => "matched",
            Self::OtherWords => "differs: the same code on other words",
            Self::OnlyThisCoder => "differs: only this coder used this code here",
        }
    }
}

/// How `mark` compares with the other coders' marks among `all` (its own coder's are ignored).
pub fn agreement_of(mark: &CoderMark<'_>, all: &[CoderMark<'_>]) -> Agreement {
    let others = all
        .iter()
        .filter(|other| other.coder != mark.coder && other.code == mark.code);
    let mut same_code = false;
    for other in others {
        if (other.start, other.end) == (mark.start, mark.end) {
            return Agreement::Matched;
        }
        same_code = true;
    }
    if same_code {
        Agreement::OtherWords
    } else {
        Agreement::OnlyThisCoder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark<'a>(coder: &'a str, code: &'a str, start: usize, end: usize) -> CoderMark<'a> {
        CoderMark {
            coder,
            code,
            start,
            end,
        }
    }

    #[test]
    fn a_coding_matches_differs_in_words_or_is_one_coders_alone() {
        let all = [
            mark("a", "skills", 0, 4),
            mark("b", "skills", 0, 4),
            mark("a", "family", 10, 16),
            mark("b", "family", 8, 16),
            mark("a", "hope", 20, 24),
            mark("a", "hope", 0, 4),
        ];
        assert_eq!(agreement_of(&all[0], &all), Agreement::Matched);
        assert_eq!(agreement_of(&all[3], &all), Agreement::OtherWords);
        assert_eq!(
            agreement_of(&all[4], &all),
            Agreement::OnlyThisCoder,
            "the coder's own other codings do not count"
        );
    }
}
