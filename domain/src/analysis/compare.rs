//! Comparing coders on one answer: each coding either matches another coder's (same code, same
//! words), shares its code with another coder's on different words, or is one only its coder
//! made. Interpretation is left to the coders' discussion. Only in the coding-reliability mode,
//! switched on for a study, is agreement scored: Cohen's kappa per code over answers (PairTally).

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

/// How two coders applied one code over the same answers: how many answers each combination
/// of "coded with it" and "not" covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairTally {
    pub both: usize,
    pub only_first: usize,
    pub only_second: usize,
    pub neither: usize,
}

impl PairTally {
    /// Counts one answer: whether each coder coded it with the code.
    pub fn add(&mut self, first: bool, second: bool) {
        match (first, second) {
            (true, true) => self.both += 1,
            (true, false) => self.only_first += 1,
            (false, true) => self.only_second += 1,
            (false, false) => self.neither += 1,
        }
    }

    /// Cohen's kappa over the answers; None when chance agreement is certain (both coders used
    /// the code on every answer, or on none), where kappa is undefined.
    pub fn cohens_kappa(&self) -> Option<f64> {
        let total = self.both + self.only_first + self.only_second + self.neither;
        if total == 0 {
            return None;
        }
        let n = total as f64;
        let observed = (self.both + self.neither) as f64 / n;
        let first_yes = (self.both + self.only_first) as f64 / n;
        let second_yes = (self.both + self.only_second) as f64 / n;
        let chance = first_yes * second_yes + (1.0 - first_yes) * (1.0 - second_yes);
        if (1.0 - chance).abs() < f64::EPSILON {
            return None;
        }
        Some((observed - chance) / (1.0 - chance))
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

    fn tally(both: usize, only_first: usize, only_second: usize, neither: usize) -> PairTally {
        PairTally {
            both,
            only_first,
            only_second,
            neither,
        }
    }

    #[test]
    fn kappa_is_one_for_full_agreement_zero_for_chance_and_undefined_without_variation() {
        assert_eq!(tally(3, 0, 0, 7).cohens_kappa(), Some(1.0));
        // Each coder says yes to half, independently: agreement no better than chance.
        assert_eq!(tally(1, 1, 1, 1).cohens_kappa(), Some(0.0));
        // A textbook case: po = 0.7, pe = 0.5, kappa = 0.4.
        let kappa = tally(20, 5, 10, 15).cohens_kappa().unwrap();
        assert!((kappa - 0.4).abs() < 1e-12, "{kappa}");
        assert_eq!(tally(0, 0, 0, 5).cohens_kappa(), None);
        assert_eq!(tally(4, 0, 0, 0).cohens_kappa(), None);
        assert_eq!(PairTally::default().cohens_kappa(), None);
    }

    #[test]
    fn a_tally_counts_each_answer_in_its_cell() {
        let mut counted = PairTally::default();
        for (first, second) in [(true, true), (true, false), (false, true), (false, false), (true, true)] {
            counted.add(first, second);
        }
        assert_eq!(counted, tally(2, 1, 1, 1));
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
