//! Narrowing the question grid: to participants who gave certain answers to closed questions
//! (setting, role, a Likert answer), who were dealt a vignette variant or a scenario order, and
//! the codes offered while coding to those whose name holds the words searched for.

use std::collections::BTreeMap;

use crate::ids::QuestionId;
use crate::study::{Dealt, QuestionKind, Study};

/// A closed question the grid can be narrowed by, with its answers' values and labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterQuestion {
    pub id: QuestionId,
    pub label: String,
    pub values: Vec<(String, String)>,
}

/// The study's choice and Likert questions, in the study's order.
pub fn filter_questions(study: &Study) -> Vec<FilterQuestion> {
    study
        .questions()
        .filter_map(|(_, question)| {
            let values = match &question.kind {
                QuestionKind::Choice { options } => options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect(),
                QuestionKind::Likert { labels } => labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| ((i + 1).to_string(), label.clone()))
                    .collect(),
                QuestionKind::Text { .. } | QuestionKind::Duration => return None,
            };
            Some(FilterQuestion {
                id: question.id.clone(),
                label: question.label.clone(),
                values,
            })
        })
        .collect()
}

/// What the grid is narrowed to. Empty: every answer, every code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridFilter {
    pub answers: Vec<(QuestionId, String)>,
    pub variant: Option<String>,
    pub order: Option<String>,
    /// Words a code's name must hold to be offered (any case).
    pub code_search: String,
}

impl GridFilter {
    /// The filter from a query's pairs: a closed question's id with one of its values, `variant`,
    /// `order` and `code`; empty values mean "any". Anything else is refused, saying what.
    pub fn parse(pairs: &[(String, String)], study: &Study) -> Result<Self, String> {
        let questions = filter_questions(study);
        let mut filter = Self::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "code" => filter.code_search = value.to_owned(),
                "variant" if study.variants.iter().any(|v| v.id == value) => {
                    filter.variant = Some(value.to_owned());
                }
                "order"
                    if study
                        .scenario_order
                        .as_ref()
                        .is_some_and(|order| order.all_dealt().iter().any(|o| o == value)) =>
                {
                    filter.order = Some(value.to_owned());
                }
                "variant" | "order" => return Err(format!("The study has no {key} \"{value}\".")),
                _ => {
                    let question = questions
                        .iter()
                        .find(|q| q.id.as_str() == key)
                        .ok_or_else(|| format!("There is no closed question \"{key}\" to filter by."))?;
                    if !question.values.iter().any(|(v, _)| v == value) {
                        return Err(format!("\"{value}\" is not an answer to \"{}\".", question.label));
                    }
                    filter.answers.push((question.id.clone(), value.to_owned()));
                }
            }
        }
        Ok(filter)
    }

    /// Whether the filter narrows the participants at all.
    pub fn narrows_participants(&self) -> bool {
        !self.answers.is_empty() || self.variant.is_some() || self.order.is_some()
    }

    /// Whether a participant with these answers, dealt this, is shown.
    pub fn admits(&self, answers: &BTreeMap<QuestionId, String>, dealt: &Dealt) -> bool {
        self.answers
            .iter()
            .all(|(question, value)| answers.get(question) == Some(value))
            && self.variant.as_ref().is_none_or(|v| dealt.variant.as_ref() == Some(v))
            && self
                .order
                .as_ref()
                .is_none_or(|o| dealt.scenario_order.as_ref() == Some(o))
    }

    /// Whether a code of this name is offered.
    pub fn offers_code(&self, name: &str) -> bool {
        name.to_lowercase()
            .contains(&self.code_search.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sam() -> Study {
        Study::parse("sam.toml", include_str!("../../../studies/sam.toml")).unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_closed_questions_are_offered_with_their_answers() {
        let offered = filter_questions(&sam());
        let setting = offered.iter().find(|q| q.id.as_str() == "setting").unwrap();
        assert!(setting.values.iter().any(|(value, _)| value == "inpatient"));
        let likert = offered.iter().find(|q| q.id.as_str() == "money_support").unwrap();
        assert_eq!(likert.values.first().map(|(v, _)| v.as_str()), Some("1"));
        assert!(!offered.iter().any(|q| q.id.as_str() == "r2"), "free text is not a filter");
    }

    #[test]
    fn a_filter_admits_only_participants_with_every_answer_asked_for() {
        let study = sam();
        let filter = GridFilter::parse(
            &pairs(&[("setting", "inpatient"), ("money_support", "4"), ("role", ""), ("code", "Fam")]),
            &study,
        )
        .unwrap();
        assert!(filter.narrows_participants());
        let dealt = Dealt::default();
        let answers = |setting: &str| {
            BTreeMap::from([
                (QuestionId::parse("setting").unwrap(), setting.to_owned()),
                (QuestionId::parse("money_support").unwrap(), "4".to_owned()),
            ])
        };
        assert!(filter.admits(&answers("inpatient"), &dealt));
        assert!(!filter.admits(&answers("community"), &dealt));
        assert!(!filter.admits(&BTreeMap::new(), &dealt));
        assert!(filter.offers_code("Family contact") && !filter.offers_code("Hope"));
        let empty = GridFilter::parse(&pairs(&[("setting", "")]), &study).unwrap();
        assert!(!empty.narrows_participants() && empty.offers_code("Hope"));
    }

    #[test]
    fn a_filter_by_an_unknown_question_or_answer_is_refused_saying_which() {
        let study = sam();
        let unknown = GridFilter::parse(&pairs(&[("shoe_size", "9")]), &study).unwrap_err();
        assert!(unknown.contains("shoe_size"), "{unknown}");
        let wrong = GridFilter::parse(&pairs(&[("setting", "moon")]), &study).unwrap_err();
        assert!(wrong.contains("moon"), "{wrong}");
        let text = GridFilter::parse(&pairs(&[("r2", "x")]), &study).unwrap_err();
        assert!(text.contains("r2"), "{text}");
        let variant = GridFilter::parse(&pairs(&[("variant", "nope")]), &study).unwrap_err();
        assert!(variant.contains("variant"), "{variant}");
    }
}
