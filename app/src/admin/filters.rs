//! Narrowing responses down by who gave them: setting, role, experience band and whether they
//! were submitted. The same filter serves the responses table and the answers side by side.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use super::data::{FilterChoices, FilterChoicesSelected};
use crate::components::RadioOption;
use crate::error::AppError;
use domain::participants::ExperienceBand;
use domain::study::{QuestionKind, Study};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Submitted,
    InProgress,
}

impl Status {
    pub fn slug(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::InProgress => "in-progress",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "Submitted",
            Self::InProgress => "In progress",
        }
    }
}

/// A filter read from the query string; every value must be one the page offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseFilter {
    pub setting: Option<String>,
    pub role: Option<String>,
    pub band: Option<ExperienceBand>,
    pub status: Option<Status>,
}

/// What the filter form sent: empty values mean "any".
#[derive(Debug, Clone, Default)]
pub struct FilterQuery {
    pub setting: Option<String>,
    pub role: Option<String>,
    pub band: Option<String>,
    pub status: Option<String>,
}

fn chosen(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

impl ResponseFilter {
    pub fn parse(study: &Study, query: FilterQuery) -> Result<Self, AppError> {
        let option = |question: &str, value: Option<String>| match chosen(value) {
            None => Ok(None),
            Some(value) if choice_values(study, question).contains(&value) => Ok(Some(value)),
            Some(value) => Err(unknown(question, &value)),
        };
        let band = match chosen(query.band) {
            None => None,
            Some(slug) => {
                Some(ExperienceBand::from_slug(&slug).ok_or_else(|| unknown("experience", &slug))?)
            }
        };
        let status = match chosen(query.status).as_deref() {
            None => None,
            Some("submitted") => Some(Status::Submitted),
            Some("in-progress") => Some(Status::InProgress),
            Some(other) => return Err(unknown("status", other)),
        };
        Ok(Self {
            setting: option("setting", query.setting)?,
            role: option("role", query.role)?,
            band,
            status,
        })
    }

    /// Whether a response with these label answers and this status passes the filter.
    pub fn admits<K: Borrow<str> + Ord>(
        &self,
        labels: &BTreeMap<K, String>,
        submitted: bool,
    ) -> bool {
        let same = |wanted: &Option<String>, question: &str| {
            wanted.is_none() || labels.get(question) == wanted.as_ref()
        };
        let band_matches = self.band.is_none_or(|band| {
            labels
                .get("experience")
                .and_then(|v| ExperienceBand::of_answer(v))
                == Some(band)
        });
        let status_matches = self
            .status
            .is_none_or(|status| (status == Status::Submitted) == submitted);
        same(&self.setting, "setting") && same(&self.role, "role") && band_matches && status_matches
    }

    /// The filter as the form shows it again.
    pub fn as_query(&self) -> FilterChoicesSelected {
        FilterChoicesSelected {
            setting: self.setting.clone().unwrap_or_default(),
            role: self.role.clone().unwrap_or_default(),
            band: self.band.map(|b| b.slug().to_owned()).unwrap_or_default(),
            status: self.status.map(|s| s.slug().to_owned()).unwrap_or_default(),
        }
    }

    /// The filter as a query string, to keep it on page links ("setting=inpatient&band=…").
    pub fn query_string(&self) -> String {
        let chosen = self.as_query();
        [
            ("setting", chosen.setting),
            ("role", chosen.role),
            ("band", chosen.band),
            ("status", chosen.status),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| {
            let value =
                percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC);
            format!("{name}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
    }

    /// Words for the audit log.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            self.setting.as_ref().map(|s| format!("setting {s}")),
            self.role.as_ref().map(|r| format!("role {r}")),
            self.band.map(|b| format!("experience {}", b.slug())),
            self.status.map(|s| s.slug().to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "no filter".into()
        } else {
            parts.join(", ")
        }
    }
}

fn unknown(what: &str, value: &str) -> AppError {
    AppError::BadForm(format!("There is no {what} \"{value}\" to filter by."))
}

fn choice_values(study: &Study, question: &str) -> Vec<String> {
    choice_options(study, question)
        .into_iter()
        .map(|o| o.value)
        .collect()
}

/// The options of a choice question, e.g. the settings; empty when the study has no such question.
pub fn choice_options(study: &Study, question: &str) -> Vec<RadioOption> {
    match study.question(question).map(|q| &q.kind) {
        Some(QuestionKind::Choice { options }) => options
            .iter()
            .map(|o| RadioOption {
                value: o.value.clone(),
                label: o.label.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Everything the filter form offers, with what is chosen now.
pub fn filter_choices(study: &Study, filter: &ResponseFilter, with_status: bool) -> FilterChoices {
    let option = |value: &str, label: &str| RadioOption {
        value: value.to_owned(),
        label: label.to_owned(),
    };
    FilterChoices {
        settings: choice_options(study, "setting"),
        roles: choice_options(study, "role"),
        bands: ExperienceBand::ALL
            .iter()
            .map(|b| option(b.slug(), b.label()))
            .collect(),
        statuses: if with_status {
            [Status::Submitted, Status::InProgress]
                .iter()
                .map(|s| option(s.slug(), s.label()))
                .collect()
        } else {
            Vec::new()
        },
        selected: filter.as_query(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_filter_admits_only_matching_responses() {
        let filter = ResponseFilter {
            setting: Some("inpatient".into()),
            band: Some(ExperienceBand::OneToTwoYears),
            status: Some(Status::Submitted),
            ..ResponseFilter::default()
        };
        let inpatient = labels(&[("setting", "inpatient"), ("experience", "14")]);
        assert!(filter.admits(&inpatient, true));
        assert!(!filter.admits(&inpatient, false), "not submitted");
        assert!(!filter.admits(
            &labels(&[("setting", "inpatient"), ("experience", "30")]),
            true
        ));
        assert!(!filter.admits(
            &labels(&[("setting", "community"), ("experience", "14")]),
            true
        ));
        assert!(!filter.admits(&labels(&[]), true), "no answers yet");
        assert!(ResponseFilter::default().admits(&labels(&[]), false));
    }
}
