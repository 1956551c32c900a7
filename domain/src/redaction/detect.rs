//! Finds what may identify someone in a participant's text. Positions count Unicode code points
//! from 0, as REFI-QDA selections do, so findings can become codings or redactions unchanged.

use std::sync::LazyLock;

use regex::Regex;

/// What kind of identifier a finding looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detector {
    Email,
    NhsNumber,
    Phone,
    Postcode,
    ListedName,
    CapitalisedName,
}

impl Detector {
    /// The bracketed descriptor an accepted finding is replaced with in exports.
    pub fn descriptor(self) -> &'static str {
        match self {
            Self::Email => "[email address]",
            Self::NhsNumber => "[NHS number]",
            Self::Phone => "[phone number]",
            Self::Postcode => "[place]",
            Self::ListedName | Self::CapitalisedName => "[name]",
        }
    }

    pub const ALL: [Self; 6] = [
        Self::Email,
        Self::NhsNumber,
        Self::Phone,
        Self::Postcode,
        Self::ListedName,
        Self::CapitalisedName,
    ];

    /// The name stored in the database and written in the redaction log.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::NhsNumber => "nhs_number",
            Self::Phone => "phone",
            Self::Postcode => "postcode",
            Self::ListedName => "listed_name",
            Self::CapitalisedName => "capitalised_name",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|detector| detector.slug() == slug)
    }

    /// What the finding looks like, for the review queue.
    pub fn looks_like(self) -> &'static str {
        match self {
            Self::Email => "an email address",
            Self::NhsNumber => "an NHS number",
            Self::Phone => "a UK phone number",
            Self::Postcode => "a UK postcode",
            Self::ListedName => "a name on the study's list",
            Self::CapitalisedName => "a name (a capitalised word)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub detector: Detector,
    /// Code points from the start of the text to the finding, and to just after it.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?-u:\b)")
        .expect("regex")
});
/// 0 or +44, then 9 or 10 more digits, spaces or hyphens between them.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+44\s?(?:\(0\)\s?)?|(?-u:\b)0)\d(?:[\s-]?\d){8,9}(?-u:\b)").expect("regex")
});
/// Ten digits, often written 3-3-4; only those passing the modulus 11 check count.
static NHS_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?-u:\b)").expect("regex"));
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)[a-z]{1,2}\d[a-z\d]?\s?\d[abd-hjlnp-uw-z]{2}(?-u:\b)").expect("regex")
});
static CAPITALISED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)?\b").expect("regex"));

/// Capitalised words that are not names, however often they start a clause.
const NOT_NAMES: &[&str] = &[
    "I",
    "NHS",
    "GP",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "English",
    "Welsh",
    "Scottish",
    "British",
    "England",
    "Wales",
    "Scotland",
    "Ireland",
    "Christmas",
    "God",
    "Mental",
    "Health",
];

/// The NHS number check: weights 10 down to 2 on the first nine digits; 11 minus the sum's
/// remainder by 11 is the tenth digit (11 counts as 0; 10 means the number is invalid).
pub fn nhs_number_is_valid(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| digit * weight)
        .sum();
    match 11 - sum % 11 {
        11 => digits[9] == 0,
        10 => false,
        check => digits[9] == check,
    }
}

/// The detectors set up for one study: its list of names to look for (one regex for them
/// all, built once, not per answer) and the capitalised words that are not identifiers in it
/// (e.g. "Sam", the vignette's person).
pub struct IdentifierFinder<'a> {
    names: Option<Regex>,
    allowed: &'a [String],
}

impl<'a> IdentifierFinder<'a> {
    pub fn new(names: &[String], allowed: &'a [String]) -> Self {
        let mut names: Vec<&str> = names
            .iter()
            .map(|name| name.trim())
            .filter(|name| !name.is_empty())
            .collect();
        // Longest first: the alternation takes the first name that matches at a position.
        names.sort_by_key(|name| std::cmp::Reverse(name.len()));
        let pattern = names
            .iter()
            .map(|name| regex::escape(name))
            .collect::<Vec<_>>()
            .join("|");
        Self {
            names: (!names.is_empty())
                .then(|| Regex::new(&format!(r"(?i)\b(?:{pattern})\b")).ok())
                .flatten(),
            allowed,
        }
    }

    /// Every candidate identifier in `text`, in order, overlaps resolved in favour of the more
    /// specific detector.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut found: Vec<(Detector, usize, usize)> = Vec::new();
        let mut add = |detector, regex: &Regex, keep: &dyn Fn(&str, usize) -> bool| {
            for m in regex.find_iter(text) {
                if keep(m.as_str(), m.start()) {
                    found.push((detector, m.start(), m.end()));
                }
            }
        };
        add(Detector::Email, &EMAIL, &|_, _| true);
        add(Detector::NhsNumber, &NHS_NUMBER, &|m, _| {
            nhs_number_is_valid(m)
        });
        add(Detector::Phone, &PHONE, &|_, _| true);
        add(Detector::Postcode, &POSTCODE, &|_, _| true);
        add(Detector::CapitalisedName, &CAPITALISED, &|word, start| {
            !starts_sentence(text, start)
                && !NOT_NAMES.contains(&word)
                && !self.allowed.iter().any(|a| a.eq_ignore_ascii_case(word))
        });
        if let Some(names) = &self.names {
            add(Detector::ListedName, names, &|_, _| true);
        }
        resolve_overlaps(text, found)
    }
}

/// The first word of the text or of a sentence is capitalised anyway.
fn starts_sentence(text: &str, byte_start: usize) -> bool {
    let before = text[..byte_start].trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n', '"', '“'])
}

/// Keeps, among overlapping findings, the one of the earliest detector in `Detector`'s order.
fn resolve_overlaps(text: &str, mut found: Vec<(Detector, usize, usize)>) -> Vec<Finding> {
    found.sort_by_key(|(detector, start, _)| (*detector, *start));
    let mut kept: Vec<(Detector, usize, usize)> = Vec::new();
    for candidate in found {
        let overlaps = kept
            .iter()
            .any(|(_, start, end)| candidate.1 < *end && *start < candidate.2);
        if !overlaps {
            kept.push(candidate);
        }
    }
    kept.sort_by_key(|(_, start, _)| *start);
    kept.into_iter()
        .map(|(detector, start, end)| Finding {
            detector,
            start: text[..start].chars().count(),
            end: text[..end].chars().count(),
            text: text[start..end].to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Detector, IdentifierFinder, nhs_number_is_valid};

    fn detected(text: &str) -> Vec<(Detector, String)> {
        let names = vec!["Bronwen".to_owned()];
        let allowed = vec!["Sam".to_owned()];
        IdentifierFinder::new(&names, &allowed)
            .find(text)
            .into_iter()
            .map(|f| (f.detector, f.text))
            .collect()
    }

    fn only(text: &str, detector: Detector) -> Vec<String> {
        detected(text)
            .into_iter()
            .filter(|(d, _)| *d == detector)
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn emails() {
        assert_eq!(
            only("write to ana.b+x@nhs.wales.uk today", Detector::Email),
            ["ana.b+x@nhs.wales.uk"]
        );
        assert!(only("the @ sign and a.b@c", Detector::Email).is_empty());
    }

    #[test]
    fn uk_phone_numbers() {
        for phone in [
            "07700 900123",
            "+44 7700 900123",
            "020-7946-0958",
            "01632 960 001",
            "+44 (0)20 7946 0958",
        ] {
            assert_eq!(
                only(&format!("ring {phone} now"), Detector::Phone),
                [phone],
                "{phone}"
            );
        }
        for not_phone in ["12345", "in 2023", "7700 900123", "0123"] {
            assert!(
                only(&format!("see {not_phone} x"), Detector::Phone).is_empty(),
                "{not_phone}"
            );
        }
    }

    #[test]
    fn nhs_numbers_need_a_valid_check_digit() {
        assert!(nhs_number_is_valid("943 476 5919"));
        assert!(nhs_number_is_valid("4010232137"));
        assert!(!nhs_number_is_valid("943 476 5918"), "wrong check digit");
        assert!(
            !nhs_number_is_valid("1234567890"),
            "check digit would be 10"
        );
        assert!(!nhs_number_is_valid("94347659"), "too short");
        assert_eq!(
            only("number 943 476 5919 on file", Detector::NhsNumber),
            ["943 476 5919"]
        );
        assert_eq!(
            only("number 943-476-5919", Detector::NhsNumber),
            ["943-476-5919"]
        );
        assert!(only("number 943 476 5918 on file", Detector::NhsNumber).is_empty());
    }

    #[test]
    fn uk_postcodes() {
        for postcode in ["CF10 3AT", "SW1A 1AA", "m1 1ae", "B338TH", "EC1A 1BB"] {
            assert_eq!(
                only(&format!("lives near {postcode} now"), Detector::Postcode),
                [postcode],
                "{postcode}"
            );
        }
        for not_postcode in ["10 AM", "A1", "CF10", "ward 3B"] {
            assert!(
                only(
                    &format!("lives near {not_postcode} now"),
                    Detector::Postcode
                )
                .is_empty(),
                "{not_postcode}"
            );
        }
    }

    #[test]
    fn names_from_the_study_list_in_any_case() {
        assert_eq!(
            only("ask bronwen about it", Detector::ListedName),
            ["bronwen"]
        );
        assert!(only("ask Bronwyn about it", Detector::ListedName).is_empty());
        let names = ["Ann".to_owned(), "Ann Jones".to_owned(), "Siân".to_owned()];
        let found: Vec<String> = IdentifierFinder::new(&names, &[])
            .find("asked ann jones, then ann and siân")
            .into_iter()
            .filter(|f| f.detector == Detector::ListedName)
            .map(|f| f.text)
            .collect();
        assert_eq!(found, ["ann jones", "ann", "siân"], "the longest name wins");
    }

    #[test]
    fn capitalised_words_inside_a_sentence_look_like_names() {
        assert_eq!(
            only("I asked Dafydd and Siân-Haf.", Detector::CapitalisedName),
            ["Dafydd", "Siân-Haf"]
        );
        assert!(
            only(
                "Talk to Sam on Monday. Then plan. I agree",
                Detector::CapitalisedName
            )
            .is_empty()
        );
    }

    #[test]
    fn positions_count_code_points_through_emoji_welsh_and_arabic() {
        let text = "😀 ŵŷ سام call 07700 900123";
        let findings = IdentifierFinder::new(&[], &[]).find(text);
        assert_eq!(findings.len(), 1);
        let phone = &findings[0];
        assert_eq!(phone.start, 14);
        assert_eq!(phone.end, 14 + "07700 900123".chars().count());
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(
            chars[phone.start..phone.end].iter().collect::<String>(),
            "07700 900123"
        );
    }

    #[test]
    fn one_finding_where_detectors_overlap() {
        assert_eq!(
            detected("mail Dai.Jones@example.org"),
            [(Detector::Email, "Dai.Jones@example.org".to_owned())]
        );
    }
}
