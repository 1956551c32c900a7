//! The warning every export needs when someone could be singled out: combinations of answers to
//! the study's demographic questions (experience in bands) that fewer than the minimum group size
//! of people share.

use std::collections::BTreeMap;

use crate::participants::ExperienceBand;
use crate::storage::{DemographicCount, Storage, StorageError};
use crate::study::{QuestionKind, Study};

/// One combination shared by too few people, e.g. "inpatient, senior_support_worker, 5-years-or-more".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmallGroup {
    pub combination: String,
    pub people: i64,
}

/// Merges counts by exact answers into counts by group (a duration by its experience band);
/// keeps those under `minimum`. `study` says which of its demographics each answer answers.
pub fn small_groups(study: &Study, counts: &[DemographicCount], minimum: i64) -> Vec<SmallGroup> {
    let mut by_combination: BTreeMap<String, i64> = BTreeMap::new();
    for count in counts {
        let combination: Vec<&str> = study
            .demographics
            .iter()
            .zip(&count.answers)
            .map(|(question, answer)| group_of(study, question.as_str(), answer.as_deref()))
            .collect();
        *by_combination.entry(combination.join(", ")).or_default() += count.people;
    }
    by_combination
        .into_iter()
        .filter(|(_, people)| *people < minimum)
        .map(|(combination, people)| SmallGroup {
            combination,
            people,
        })
        .collect()
}

/// The group an answer puts a participant in: a choice as stored, a duration by its band.
fn group_of<'a>(study: &Study, question: &str, answer: Option<&'a str>) -> &'a str {
    let is_duration = study
        .question(question)
        .is_some_and(|q| matches!(q.kind, QuestionKind::Duration));
    match answer {
        None => "not answered",
        Some(months) if is_duration => {
            ExperienceBand::of_answer(months).map_or("not answered", ExperienceBand::slug)
        }
        Some(value) => value,
    }
}

/// The study's small groups, straight from the database.
pub async fn small_groups_of(
    storage: &Storage,
    study: &Study,
    minimum: i64,
) -> Result<Vec<SmallGroup>, StorageError> {
    let counts = storage
        .exports()
        .demographic_counts(&study.slug, &study.demographics)
        .await?;
    Ok(small_groups(study, &counts, minimum))
}

/// One sentence for a terminal or a page; None when no group is small.
pub fn warning(study: &Study, groups: &[SmallGroup], minimum: i64) -> Option<String> {
    if groups.is_empty() {
        return None;
    }
    let listed: Vec<String> = groups
        .iter()
        .map(|g| format!("{} ({})", g.combination, g.people))
        .collect();
    let questions: Vec<&str> = study.demographics.iter().map(|q| q.as_str()).collect();
    Some(format!(
        "{} combination(s) of answers to {} have fewer than {minimum} people, \
         so those participants could be recognised: {}",
        groups.len(),
        questions.join(", "),
        listed.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::{small_groups, warning};
    use crate::storage::DemographicCount;
    use crate::study::Study;

    fn sam() -> Study {
        Study::parse("sam.toml", include_str!("../../../studies/sam.toml")).unwrap()
    }

    fn count(setting: &str, months: &str, people: i64) -> DemographicCount {
        DemographicCount {
            answers: vec![
                Some(setting.into()),
                Some("support_worker".into()),
                Some(months.into()),
            ],
            people,
        }
    }

    #[test]
    fn months_merge_into_bands_before_counting() {
        let study = sam();
        let counts = [
            count("inpatient", "13", 6),
            count("inpatient", "20", 6),
            count("community", "70", 3),
        ];
        let small = small_groups(&study, &counts, 10);
        assert_eq!(small.len(), 1);
        assert_eq!(
            small[0].combination,
            "community, support_worker, 5-years-or-more"
        );
        assert_eq!(small[0].people, 3);
        let text = warning(&study, &small, 10).unwrap();
        assert!(text.contains("fewer than 10 people"), "{text}");
        assert!(text.contains("setting, role, experience"), "{text}");
        assert_eq!(warning(&study, &[], 10), None);
    }
}
