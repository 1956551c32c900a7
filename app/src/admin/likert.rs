//! Likert items summarised: counts, percentages, n and median, overall and by group.

use serde::{Deserialize, Serialize};

pub use crate::components::Distribution;

/// A breakdown group, shown only when it has enough respondents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDistribution {
    pub group: String,
    /// None when the group is too small to show.
    pub distribution: Option<Distribution>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikertItem {
    pub id: String,
    pub label: String,
    pub page_title: String,
    pub scale: Vec<String>,
    pub overall: Distribution,
    /// One breakdown per choice question among the study's demographics.
    pub breakdowns: Vec<Breakdown>,
}

/// An item's answers split by the answer to one demographic question ("By setting").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// What the groups are, e.g. "setting".
    pub by: String,
    pub groups: Vec<GroupDistribution>,
}

/// Which group a participant is in (an answer's value, the variant they were dealt, …).
#[cfg(feature = "ssr")]
pub type GroupOf<'a> = dyn Fn(&domain::storage::SubmittedAnswers) -> Option<String> + 'a;

/// Splits participants' answers to one item by the group each is in; `groups` are the groups'
/// values with their labels, in the order shown.
#[cfg(feature = "ssr")]
pub fn grouped(
    points: usize,
    item: &domain::ids::QuestionId,
    participants: &[domain::storage::SubmittedAnswers],
    group_of: &GroupOf<'_>,
    groups: &[(String, String)],
    min_group_size: i64,
) -> Vec<GroupDistribution> {
    let mut by_group: std::collections::BTreeMap<String, Vec<usize>> =
        std::collections::BTreeMap::new();
    for participant in participants {
        let (Some(group), Some(point)) = (group_of(participant), participant.answers.get(item))
        else {
            continue;
        };
        if let Ok(point) = point.parse() {
            by_group.entry(group).or_default().push(point);
        }
    }
    groups
        .iter()
        .map(|(value, label)| {
            let distribution = Distribution::of(
                points,
                by_group.get(value.as_str()).cloned().unwrap_or_default(),
            );
            GroupDistribution {
                group: label.clone(),
                distribution: (distribution.n >= min_group_size).then_some(distribution),
            }
        })
        .collect()
}
