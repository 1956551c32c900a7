//! Narrowing responses down by who gave them, by the study's demographic questions (a choice by
//! its answer, a duration by its experience band), and by whether they were submitted. The same
//! filter serves the responses table and the answers side by side.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use super::data::{FilterChoices, FilterSelect};
use crate::components::RadioOption;
use crate::error::AppError;
use domain::ids::QuestionId;
use domain::participants::ExperienceBand;
use domain::study::{Dealt, Question, QuestionKind, Study};

/// The form field of the experience band: of the study's first duration demographic.
const BAND_FIELD: &str = "band";
const STATUS_FIELD: &str = "status";
const ORDER_FIELD: &str = "order";
const VARIANT_FIELD: &str = "variant";
/// Above this many orders (all orders of 5 or 6 pages) a list to choose from is no help.
const MOST_ORDERS_OFFERED: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Submitted,
    InProgress,
}

impl Status {
    const ALL: [Self; 2] = [Self::Submitted, Self::InProgress];

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
    /// Chosen answers to choice demographics, e.g. ("setting", "inpatient").
    pub answers: Vec<(QuestionId, String)>,
    /// The experience band of the duration demographic.
    pub band: Option<(QuestionId, ExperienceBand)>,
    pub status: Option<Status>,
    /// The scenario order dealt, as stored ("scenario-social scenario-money …").
    pub order: Option<String>,
    /// The id of the vignette variant dealt.
    pub variant: Option<String>,
}

/// What the filter form sent: its fields by name ("setting=inpatient&band=…"); an empty value
/// means any, and fields that are not filters (the page number) are passed over.
pub type FilterQuery = Vec<(String, String)>;

/// The choice questions among the study's demographics.
fn choice_demographics(study: &Study) -> impl Iterator<Item = &Question> {
    study
        .demographics
        .iter()
        .filter_map(|id| study.question(id))
        .filter(|q| matches!(q.kind, QuestionKind::Choice { .. }))
}

/// The duration demographic whose experience band can be filtered by.
fn duration_demographic(study: &Study) -> Option<&Question> {
    study
        .demographics
        .iter()
        .filter_map(|id| study.question(id))
        .find(|q| matches!(q.kind, QuestionKind::Duration))
}

impl ResponseFilter {
    pub fn parse(study: &Study, query: &[(String, String)]) -> Result<Self, AppError> {
        let mut filter = Self::default();
        for (name, value) in query.iter().filter(|(_, value)| !value.is_empty()) {
            match name.as_str() {
                STATUS_FIELD => {
                    let status = Status::ALL.into_iter().find(|s| s.slug() == value);
                    filter.status = Some(status.ok_or_else(|| unknown(STATUS_FIELD, value))?);
                }
                VARIANT_FIELD => {
                    if study.variant(value).is_none() {
                        return Err(unknown("vignette variant", value));
                    }
                    filter.variant = Some(value.clone());
                }
                ORDER_FIELD => {
                    if !offered_orders(study).contains(value) {
                        return Err(unknown("scenario order", value));
                    }
                    filter.order = Some(value.clone());
                }
                BAND_FIELD => {
                    let question = duration_demographic(study);
                    let band = ExperienceBand::from_slug(value);
                    let (Some(question), Some(band)) = (question, band) else {
                        return Err(unknown("experience", value));
                    };
                    filter.band = Some((question.id.clone(), band));
                }
                _ => {
                    let Some(question) = choice_demographics(study).find(|q| q.id == name.as_str())
                    else {
                        continue;
                    };
                    if !choice_options(question).iter().any(|o| o.value == *value) {
                        return Err(unknown(name, value));
                    }
                    filter.answers.push((question.id.clone(), value.clone()));
                }
            }
        }
        Ok(filter)
    }

    /// Whether a response with these answers, this status and what it was dealt passes the
    /// filter.
    pub fn admits<K: Borrow<str> + Ord>(
        &self,
        answers: &BTreeMap<K, String>,
        submitted: bool,
        dealt: &Dealt,
    ) -> bool {
        let answers_match = self
            .answers
            .iter()
            .all(|(question, wanted)| answers.get(question.as_str()) == Some(wanted));
        let band_matches = self.band.as_ref().is_none_or(|(question, band)| {
            answers
                .get(question.as_str())
                .and_then(|months| ExperienceBand::of_answer(months))
                == Some(*band)
        });
        let status_matches = self
            .status
            .is_none_or(|status| (status == Status::Submitted) == submitted);
        let order_matches = self
            .order
            .as_deref()
            .is_none_or(|order| dealt.scenario_order.as_deref() == Some(order));
        let variant_matches = self.variant.is_none() || self.variant == dealt.variant;
        answers_match && band_matches && status_matches && order_matches && variant_matches
    }

    /// The chosen value of each field, as the form shows it again.
    fn chosen(&self, field: &str) -> String {
        match field {
            BAND_FIELD => self.band.as_ref().map(|(_, b)| b.slug().to_owned()),
            STATUS_FIELD => self.status.map(|s| s.slug().to_owned()),
            ORDER_FIELD => self.order.clone(),
            VARIANT_FIELD => self.variant.clone(),
            _ => self
                .answers
                .iter()
                .find(|(question, _)| question == field)
                .map(|(_, value)| value.clone()),
        }
        .unwrap_or_default()
    }

    /// The filter's fields, in the order the form has them.
    fn fields(&self) -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = self
            .answers
            .iter()
            .map(|(question, value)| (question.to_string(), value.clone()))
            .collect();
        fields.extend(
            self.band
                .iter()
                .map(|(_, b)| (BAND_FIELD.into(), b.slug().into())),
        );
        fields.extend(self.status.map(|s| (STATUS_FIELD.into(), s.slug().into())));
        fields.extend(self.order.iter().map(|o| (ORDER_FIELD.into(), o.clone())));
        fields.extend(
            self.variant
                .iter()
                .map(|v| (VARIANT_FIELD.into(), v.clone())),
        );
        fields
    }

    /// The filter as a query string, to keep it on page links ("setting=inpatient&band=…").
    pub fn query_string(&self) -> String {
        self.fields()
            .into_iter()
            .map(|(name, value)| {
                let value = percent_encoding::utf8_percent_encode(
                    &value,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                format!("{name}={value}")
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Words for the audit log: "setting inpatient, experience 1-2-years, submitted".
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .answers
            .iter()
            .map(|(question, value)| format!("{question} {value}"))
            .collect();
        parts.extend(
            self.band
                .iter()
                .map(|(_, band)| format!("experience {}", band.slug())),
        );
        parts.extend(self.status.map(|s| s.slug().to_owned()));
        parts.extend(self.order.iter().map(|o| format!("scenario order {o}")));
        parts.extend(self.variant.iter().map(|v| format!("variant {v}")));
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

/// The scenario orders a researcher may pick, as stored; none when the order is fixed or the
/// orders are too many to list.
fn offered_orders(study: &Study) -> Vec<String> {
    study
        .scenario_order
        .as_ref()
        .filter(|order| order.order_count() <= MOST_ORDERS_OFFERED)
        .map(|order| order.all_dealt())
        .unwrap_or_default()
}

/// An order as words: its pages' titles, first to last.
fn order_words(study: &Study, order: &str) -> String {
    order
        .split(' ')
        .map(|slug| {
            study
                .page(slug)
                .map_or(slug, |(_, page)| page.title.as_str())
        })
        .collect::<Vec<_>>()
        .join(", then ")
}

/// The options of a choice question, e.g. the settings.
pub fn choice_options(question: &Question) -> Vec<RadioOption> {
    match &question.kind {
        QuestionKind::Choice { options } => options
            .iter()
            .map(|o| RadioOption {
                value: o.value.clone(),
                label: o.label.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Everything the filter form offers, with what is chosen now: a select per choice demographic,
/// one for the experience band, and (`with_status`) one for submitted or not.
pub fn filter_choices(study: &Study, filter: &ResponseFilter, with_status: bool) -> FilterChoices {
    let option = |value: &str, label: &str| RadioOption {
        value: value.to_owned(),
        label: label.to_owned(),
    };
    let select = |name: &str, label: &str, options: Vec<RadioOption>| FilterSelect {
        name: name.to_owned(),
        label: label.to_owned(),
        any: format!("Any {}", label.to_lowercase()),
        options,
        chosen: filter.chosen(name),
    };
    let mut selects: Vec<FilterSelect> = choice_demographics(study)
        .map(|q| select(q.id.as_str(), q.short_name(), choice_options(q)))
        .collect();
    if let Some(question) = duration_demographic(study) {
        let bands = ExperienceBand::ALL
            .iter()
            .map(|b| option(b.slug(), b.label()))
            .collect();
        selects.push(select(BAND_FIELD, question.short_name(), bands));
    }
    let orders = offered_orders(study);
    if !orders.is_empty() {
        let options = orders
            .iter()
            .map(|order| option(order, &order_words(study, order)))
            .collect();
        selects.push(select(ORDER_FIELD, "Scenario order", options));
    }
    if !study.variants.is_empty() {
        let options = study
            .variants
            .iter()
            .map(|v| option(&v.id, &v.label))
            .collect();
        selects.push(select(VARIANT_FIELD, "Vignette variant", options));
    }
    if with_status {
        let statuses = Status::ALL
            .iter()
            .map(|s| option(s.slug(), s.label()))
            .collect();
        selects.push(FilterSelect {
            any: "Submitted or not".into(),
            ..select(STATUS_FIELD, "Status", statuses)
        });
    }
    FilterChoices { selects }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sam() -> Study {
        Study::parse("sam.toml", include_str!("../../../studies/sam.toml")).unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        fields(pairs).into_iter().collect()
    }

    #[test]
    fn a_filter_admits_only_matching_responses() {
        let query = fields(&[
            ("setting", "inpatient"),
            ("band", "1-2-years"),
            ("status", "submitted"),
            ("page", "2"),
        ]);
        let filter = ResponseFilter::parse(&sam(), &query).unwrap();
        let inpatient = labels(&[("setting", "inpatient"), ("experience", "14")]);
        assert!(filter.admits(&inpatient, true, &Dealt::default()));
        assert!(
            !filter.admits(&inpatient, false, &Dealt::default()),
            "not submitted"
        );
        assert!(!filter.admits(
            &labels(&[("setting", "inpatient"), ("experience", "30")]),
            true,
            &Dealt::default()
        ));
        assert!(!filter.admits(
            &labels(&[("setting", "community"), ("experience", "14")]),
            true,
            &Dealt::default()
        ));
        assert!(
            !filter.admits(&labels(&[]), true, &Dealt::default()),
            "no answers yet"
        );
        assert!(ResponseFilter::default().admits(&labels(&[]), false, &Dealt::default()));
        assert_eq!(
            filter.describe(),
            "setting inpatient, experience 1-2-years, submitted"
        );
        assert_eq!(
            filter.query_string(),
            "setting=inpatient&band=1%2D2%2Dyears&status=submitted"
        );
    }

    #[test]
    fn the_form_offers_the_studys_demographics_and_refuses_what_it_does_not_offer() {
        let study = sam();
        let form = filter_choices(&study, &ResponseFilter::default(), true);
        let names: Vec<&str> = form.selects.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["setting", "role", "band", "status"]);
        assert_eq!(form.selects[0].label, "Work setting");
        for refused in [("setting", "moon"), ("band", "ages"), ("status", "lost")] {
            assert!(
                ResponseFilter::parse(&study, &fields(&[refused])).is_err(),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn a_balanced_study_is_filtered_by_the_order_dealt() {
        let source = include_str!("../../../studies/sam.toml").replacen(
            "design = \"fixed\"",
            "design = \"all-orders\"",
            1,
        );
        let study = Study::parse("sam.toml", &source).unwrap();
        let form = filter_choices(&study, &ResponseFilter::default(), false);
        let order = form.selects.iter().find(|s| s.name == "order").unwrap();
        assert_eq!(order.options.len(), 6);
        assert_eq!(
            order.options[0].label,
            "Situation 1 of 3: Sam's money, then Situation 2 of 3: Sam's medication, then Situation 3 of 3: a night at the pub"
        );
        let dealt = "scenario-social scenario-money scenario-medication";
        let filter = ResponseFilter::parse(&study, &fields(&[("order", dealt)])).unwrap();
        let dealt_order = |order: &str| Dealt {
            scenario_order: Some(order.to_owned()),
            variant: Some("they".to_owned()),
        };
        assert!(filter.admits(&labels(&[]), true, &dealt_order(dealt)));
        let other = "scenario-money scenario-social scenario-medication";
        assert!(!filter.admits(&labels(&[]), true, &dealt_order(other)));
        assert!(!filter.admits(&labels(&[]), true, &Dealt::default()));
        assert_eq!(filter.describe(), format!("scenario order {dealt}"));
        let refused = fields(&[("order", "scenario-money scenario-money scenario-social")]);
        assert!(ResponseFilter::parse(&study, &refused).is_err());
        assert!(
            ResponseFilter::parse(&sam(), &fields(&[("order", dealt)])).is_err(),
            "fixed order"
        );
        let fixed = filter_choices(&sam(), &ResponseFilter::default(), false);
        assert!(fixed.selects.iter().all(|s| s.name != "order"));
    }

    #[test]
    fn a_study_with_variants_is_filtered_by_the_variant_dealt() {
        let source = format!(
            "{}{}",
            include_str!("../../../studies/sam.toml"),
            "\n[[variants]]\nid = \"she\"\nlabel = \"Sam as she\"\n\n[[variants]]\nid = \"they\"\nlabel = \"Sam as they\"\n"
        );
        let study = Study::parse("sam.toml", &source).unwrap();
        let form = filter_choices(&study, &ResponseFilter::default(), false);
        let variant = form.selects.iter().find(|s| s.name == "variant").unwrap();
        let offered: Vec<&str> = variant.options.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(offered, ["Sam as she", "Sam as they"]);
        let filter = ResponseFilter::parse(&study, &fields(&[("variant", "they")])).unwrap();
        let dealt = |variant: &str| Dealt {
            scenario_order: None,
            variant: Some(variant.to_owned()),
        };
        assert!(filter.admits(&labels(&[]), true, &dealt("they")));
        assert!(!filter.admits(&labels(&[]), true, &dealt("she")));
        assert_eq!(filter.query_string(), "variant=they");
        assert!(ResponseFilter::parse(&study, &fields(&[("variant", "he")])).is_err());
    }
}
