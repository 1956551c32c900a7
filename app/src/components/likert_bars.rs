//! Likert answers as diverging stacked bars, with their counts in a table beneath: for
//! researchers' charts and for a workshop's results alike.

use leptos::prelude::*;
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
        let values: Vec<usize> = answers
            .into_iter()
            .filter(|p| (1..=points).contains(p))
            .collect();
        for value in &values {
            counts[value - 1] += 1;
        }
        Self::of_counts(counts)
    }

    /// The distribution of these counts, one per scale point, lowest first.
    pub fn of_counts(counts: Vec<i64>) -> Self {
        let n: i64 = counts.iter().sum();
        // The scale point (from 1) of the answer at `place` (from 0) in order.
        let point_at = |place: i64| {
            let mut seen = 0;
            counts
                .iter()
                .position(|count| {
                    seen += count;
                    seen > place
                })
                .map_or(0, |index| index + 1)
        };
        let median = (n > 0).then(|| {
            let twice = point_at((n - 1) / 2) + point_at(n / 2);
            if twice.is_multiple_of(2) {
                (twice / 2).to_string()
            } else {
                format!("{}.5", twice / 2)
            }
        });
        Self { counts, n, median }
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

/// Fill colours from "most negative" to "most positive", around a grey middle.
fn point_colour(index: usize, points: usize) -> &'static str {
    const NEGATIVE: [&str; 5] = ["#b2182b", "#d6604d", "#f4a582", "#fbd0b9", "#fde6da"];
    const POSITIVE: [&str; 5] = ["#2166ac", "#4393c3", "#92c5de", "#c2ddec", "#deedf6"];
    let middle = (points - 1) as f64 / 2.0;
    let distance = (index as f64 - middle).abs();
    let shade = (middle - distance).round() as usize;
    if (index as f64) < middle {
        NEGATIVE[shade.min(4)]
    } else if (index as f64) > middle {
        POSITIVE[shade.min(4)]
    } else {
        "#bfc1c3"
    }
}

#[component]
pub fn Legend(scale: Vec<String>) -> impl IntoView {
    let points = scale.len();
    view! {
        <ul class="legend" aria-hidden="true">
            {scale.into_iter().enumerate().map(|(i, label)| view! {
                <li><span class="legend__swatch" style=format!("background:{}", point_colour(i, points))></span>{label}</li>
            }).collect_view()}
        </ul>
    }
}

/// A diverging stacked bar: disagreement to the left of the centre line, agreement to the right,
/// the middle point split across it. The numbers are in the table below it.
#[component]
pub fn DivergingBar(name: String, distribution: Distribution, scale: Vec<String>) -> impl IntoView {
    let points = scale.len();
    let n = distribution.n.max(1) as f64;
    let share = |count: i64| count as f64 / n * 50.0;
    let middle = (points - 1) as f64 / 2.0;
    let left: f64 = distribution
        .counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if (i as f64) < middle {
                share(*c)
            } else if (i as f64) == middle {
                share(*c) / 2.0
            } else {
                0.0
            }
        })
        .sum();
    let mut x = 50.0 - left;
    let segments = distribution
        .counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let width = share(*c);
            let segment = view! { <rect x=format!("{x:.2}") y="0" width=format!("{width:.2}") height="10" fill=point_colour(i, points)/> };
            x += width;
            segment
        })
        .collect_view();
    let percentages = distribution.percentages();
    let summary = format!(
        "{name}: n = {}, median {}",
        distribution.n,
        distribution.median.clone().unwrap_or_else(|| "–".into())
    );
    view! {
        <figure class="likert__bar">
            <figcaption>{summary}</figcaption>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="likert__svg" aria-hidden="true" focusable="false">
                {segments}
                <line x1="50" y1="0" x2="50" y2="10" class="likert__centre"/>
            </svg>
            <table class="table table--compact likert__table">
                <caption class="visually-hidden">{format!("{name}: counts and percentages")}</caption>
                <thead><tr><th scope="col">"Answer"</th><th scope="col">"Count"</th><th scope="col">"Per cent"</th></tr></thead>
                <tbody>
                    {scale.into_iter().zip(distribution.counts.iter().zip(percentages)).map(|(label, (count, pct))| view! {
                        <tr><td>{label}</td><td>{*count}</td><td>{format!("{pct}%")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::Distribution;

    #[test]
    fn counts_give_the_same_distribution_as_answers() {
        assert_eq!(
            Distribution::of_counts(vec![1, 0, 0, 2, 1]),
            Distribution::of(5, [1, 4, 4, 5])
        );
        assert_eq!(
            Distribution::of_counts(vec![0, 1, 1, 0, 0])
                .median
                .as_deref(),
            Some("2.5")
        );
        assert_eq!(Distribution::of_counts(vec![0; 5]).median, None);
    }

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
