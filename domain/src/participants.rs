//! Participant labels as the study's paper writes them: "P17: Inpatient SW, 14 months experience".

use std::borrow::Borrow;
use std::collections::BTreeMap;

use crate::study::ParticipantLabel;


/// Experience in bands wide enough not to single anyone out: for filters, and for exports unless
/// exact months are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExperienceBand {
    UnderOneYear,
    OneToTwoYears,
    TwoToFiveYears,
    FiveYearsOrMore,
}

impl ExperienceBand {
    pub const ALL: [Self; 4] = [
        Self::UnderOneYear,
        Self::OneToTwoYears,
        Self::TwoToFiveYears,
        Self::FiveYearsOrMore,
    ];

    pub fn of_months(months: u32) -> Self {
        match months {
            0..12 => Self::UnderOneYear,
            12..24 => Self::OneToTwoYears,
            24..60 => Self::TwoToFiveYears,
            _ => Self::FiveYearsOrMore,
        }
    }

    /// The band of a stored experience answer (whole months), if it is one.
    pub fn of_answer(stored: &str) -> Option<Self> {
        stored.parse().ok().map(Self::of_months)
    }

    /// A short name for addresses and files.
    pub fn slug(self) -> &'static str {
        match self {
            Self::UnderOneYear => "under-1-year",
            Self::OneToTwoYears => "1-2-years",
            Self::TwoToFiveYears => "2-5-years",
            Self::FiveYearsOrMore => "5-years-or-more",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::UnderOneYear => "Less than 1 year",
            Self::OneToTwoYears => "1 year to less than 2 years",
            Self::TwoToFiveYears => "2 years to less than 5 years",
            Self::FiveYearsOrMore => "5 years or more",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|band| band.slug() == slug)
    }
}

/// "P17: Inpatient SW, 14 months experience", in the words the study declares; answers are keyed
/// by question id (a `QuestionId` from storage, or plain text).
pub fn participant_label<K: Borrow<str> + Ord>(
    label: &ParticipantLabel,
    number: i64,
    answers: &BTreeMap<K, String>,
) -> String {
    with_description(format!("P{number}"), label, answers)
}

/// A response not yet submitted has no participant number: "Not submitted: Inpatient SW, …".
pub fn unsubmitted_label<K: Borrow<str> + Ord>(
    label: &ParticipantLabel,
    answers: &BTreeMap<K, String>,
) -> String {
    with_description("Not submitted".to_owned(), label, answers)
}

fn with_description<K: Borrow<str> + Ord>(
    name: String,
    label: &ParticipantLabel,
    answers: &BTreeMap<K, String>,
) -> String {
    match label.describe(answers) {
        description if description.is_empty() => name,
        description => format!("{name}: {description}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{ExperienceBand, participant_label, unsubmitted_label};
    use crate::study::{ParticipantLabel, Study};

    fn sam_label() -> ParticipantLabel {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../studies/sam.toml");
        let study = Study::parse("sam.toml", &std::fs::read_to_string(path).unwrap()).unwrap();
        study.participant_label
    }

    #[test]
    fn experience_falls_into_bands_at_whole_years() {
        let band = |months| ExperienceBand::of_months(months);
        assert_eq!(band(0), ExperienceBand::UnderOneYear);
        assert_eq!(band(11), ExperienceBand::UnderOneYear);
        assert_eq!(band(12), ExperienceBand::OneToTwoYears);
        assert_eq!(band(23), ExperienceBand::OneToTwoYears);
        assert_eq!(band(24), ExperienceBand::TwoToFiveYears);
        assert_eq!(band(59), ExperienceBand::TwoToFiveYears);
        assert_eq!(band(60), ExperienceBand::FiveYearsOrMore);
        assert_eq!(
            ExperienceBand::of_answer("14"),
            Some(ExperienceBand::OneToTwoYears)
        );
        assert_eq!(ExperienceBand::of_answer("x"), None);
        for band in ExperienceBand::ALL {
            assert_eq!(ExperienceBand::from_slug(band.slug()), Some(band));
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn labels_read_like_the_paper() {
        let inpatient = answers(&[
            ("setting", "inpatient"),
            ("role", "support_worker"),
            ("experience", "14"),
        ]);
        assert_eq!(
            participant_label(&sam_label(), 17, &inpatient),
            "P17: Inpatient SW, 14 months experience"
        );
        let senior = answers(&[
            ("setting", "community"),
            ("role", "senior_support_worker"),
            ("experience", "24"),
        ]);
        assert_eq!(
            participant_label(&sam_label(), 25, &senior),
            "P25: Senior Community SW, 2 years' experience"
        );
        assert_eq!(
            participant_label(&sam_label(), 3, &answers(&[])),
            "P3: Other setting staff"
        );
    }

    #[test]
    fn labels_follow_the_words_the_study_declares() {
        let label = sam_label();
        let other = answers(&[("setting", "other"), ("role", "other"), ("experience", "1")]);
        assert_eq!(
            unsubmitted_label(&label, &other),
            "Not submitted: Other setting staff, 1 month experience"
        );
        let whole_years = answers(&[("role", "support_worker"), ("experience", "60")]);
        assert_eq!(
            participant_label(&label, 4, &whole_years),
            "P4: Other setting SW, 5 years' experience"
        );
        assert_eq!(participant_label(&ParticipantLabel::default(), 4, &whole_years), "P4");
    }
}
