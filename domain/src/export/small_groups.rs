//! The warning every export needs when someone could be singled out: combinations of setting,
//! role and experience band that fewer than the minimum group size of people share.

use std::collections::BTreeMap;

use crate::participants::ExperienceBand;
use crate::storage::{DemographicCount, Storage, StorageError};

/// One combination shared by too few people, e.g. "inpatient, senior_support_worker, 5-years-or-more".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmallGroup {
    pub combination: String,
    pub people: i64,
}

/// Merges counts by exact months into counts by experience band; keeps those under `minimum`.
pub fn small_groups(counts: &[DemographicCount], minimum: i64) -> Vec<SmallGroup> {
    let mut by_combination: BTreeMap<String, i64> = BTreeMap::new();
    for count in counts {
        let band = count
            .experience_months
            .as_deref()
            .and_then(ExperienceBand::of_answer)
            .map_or("no experience given", ExperienceBand::slug);
        let combination = format!(
            "{}, {}, {band}",
            count.setting.as_deref().unwrap_or("no setting given"),
            count.role.as_deref().unwrap_or("no role given"),
        );
        *by_combination.entry(combination).or_default() += count.people;
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

/// The study's small groups, straight from the database.
pub async fn small_groups_of(
    storage: &Storage,
    study_slug: &str,
    minimum: i64,
) -> Result<Vec<SmallGroup>, StorageError> {
    Ok(small_groups(
        &storage.exports().demographic_counts(study_slug).await?,
        minimum,
    ))
}

/// One sentence for a terminal or a page; None when no group is small.
pub fn warning(groups: &[SmallGroup], minimum: i64) -> Option<String> {
    if groups.is_empty() {
        return None;
    }
    let listed: Vec<String> = groups
        .iter()
        .map(|g| format!("{} ({})", g.combination, g.people))
        .collect();
    Some(format!(
        "{} combination(s) of setting, role and experience band have fewer than {minimum} people, \
         so those participants could be recognised: {}",
        groups.len(),
        listed.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::{small_groups, warning};
    use crate::storage::DemographicCount;

    fn count(setting: &str, months: &str, people: i64) -> DemographicCount {
        DemographicCount {
            setting: Some(setting.into()),
            role: Some("support_worker".into()),
            experience_months: Some(months.into()),
            people,
        }
    }

    #[test]
    fn months_merge_into_bands_before_counting() {
        let counts = [
            count("inpatient", "13", 6),
            count("inpatient", "20", 6),
            count("community", "70", 3),
        ];
        let small = small_groups(&counts, 10);
        assert_eq!(small.len(), 1);
        assert_eq!(
            small[0].combination,
            "community, support_worker, 5-years-or-more"
        );
        assert_eq!(small[0].people, 3);
        let text = warning(&small, 10).unwrap();
        assert!(text.contains("fewer than 10 people"), "{text}");
        assert_eq!(warning(&[], 10), None);
    }
}
