//! Likert items summarised: counts, percentages, n and median, overall and by group.

use serde::{Deserialize, Serialize};

/// How the answers to one item fall on its scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// One count per scale point, lowest first.
    pub counts: Vec<i64>,
    pub n: i64,
    /// The median scale point, e.g. "4" or "3.5"; None without answers.
    pub median: Option<String>,
}

impl Distribution {
    pub fn of(points: usize, answers: impl IntoIterator<Item = usize>) -> Self {
        let mut counts = vec![0i64; points];
        let mut values: Vec<usize> = answers
            .into_iter()
            .filter(|p| (1..=points).contains(p))
            .collect();
        for value in &values {
            counts[value - 1] += 1;
        }
        values.sort_unstable();
        let n = values.len();
        let median = (n > 0).then(|| {
            let twice = values[(n - 1) / 2] + values[n / 2];
            if twice.is_multiple_of(2) {
                (twice / 2).to_string()
            } else {
                format!("{}.5", twice / 2)
            }
        });
        Self {
            counts,
            n: n as i64,
            median,
        }
    }

    /// Whole per cent of n for each point.
    pub fn percentages(&self) -> Vec<i64> {
        self.counts
            .iter()
            .map(|c| {
                if self.n == 0 {
                    0
                } else {
                    (c * 100 + self.n / 2) / self.n
                }
            })
            .collect()
    }
}

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

#[cfg(test)]
mod tests {
    use super::Distribution;

    #[test]
    fn counts_percentages_and_median() {
        let d = Distribution::of(5, [1, 4, 4, 5]);
        assert_eq!(d.counts, vec![1, 0, 0, 2, 1]);
        assert_eq!(d.n, 4);
        assert_eq!(d.median.as_deref(), Some("4"));
        assert_eq!(d.percentages(), vec![25, 0, 0, 50, 25]);
        assert_eq!(Distribution::of(5, [2, 3]).median.as_deref(), Some("2.5"));
        assert_eq!(Distribution::of(5, []).median, None);
        assert_eq!(
            Distribution::of(5, [9]).n,
            0,
            "off-scale values are ignored"
        );
    }
}
