//! Themes by group (setting, role, experience band): how many participants in each group have
//! answers coded into each theme. A group of fewer participants than the small-group threshold is
//! not broken down: its counts could single people out.

use std::collections::{BTreeMap, BTreeSet};

/// One column: a group, how many submitted participants are in it, and whether it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub label: String,
    pub people: usize,
    pub shown: bool,
}

/// Themes (rows) by groups (columns); a cell is None where its group is too small to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossTab {
    pub groups: Vec<Group>,
    pub rows: Vec<(String, Vec<Option<usize>>)>,
}

/// `themes` are (name, the participant numbers whose answers it touches); `group_of` is each
/// submitted participant's group value; `groups` are (value, label) in the order shown.
pub fn themes_by_group(
    themes: &[(String, BTreeSet<i64>)],
    group_of: &BTreeMap<i64, String>,
    groups: &[(String, String)],
    minimum: usize,
) -> CrossTab {
    let people_in = |value: &str| group_of.values().filter(|v| *v == value).count();
    let columns: Vec<Group> = groups
        .iter()
        .map(|(value, label)| {
            let people = people_in(value);
            Group {
                label: label.clone(),
                people,
                shown: people >= minimum,
            }
        })
        .collect();
    let rows = themes
        .iter()
        .map(|(name, participants)| {
            let cells = groups
                .iter()
                .zip(&columns)
                .map(|((value, _), column)| {
                    column.shown.then(|| {
                        participants
                            .iter()
                            .filter(|p| group_of.get(p) == Some(value))
                            .count()
                    })
                })
                .collect();
            (name.clone(), cells)
        })
        .collect();
    CrossTab {
        groups: columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_under_the_threshold_shows_no_counts() {
        let group_of: BTreeMap<i64, String> = (1..=7)
            .map(|p| (p, if p <= 5 { "inpatient" } else { "community" }.to_owned()))
            .collect();
        let groups = [
            ("inpatient".to_owned(), "Inpatient".to_owned()),
            ("community".to_owned(), "Community".to_owned()),
            ("forensic".to_owned(), "Forensic".to_owned()),
        ];
        let themes = [
            ("Connection".to_owned(), BTreeSet::from([1, 2, 6])),
            ("Hope".to_owned(), BTreeSet::new()),
        ];
        let table = themes_by_group(&themes, &group_of, &groups, 5);
        assert_eq!(
            table.groups.iter().map(|g| (g.people, g.shown)).collect::<Vec<_>>(),
            [(5, true), (2, false), (0, false)]
        );
        assert_eq!(table.rows[0], ("Connection".to_owned(), vec![Some(2), None, None]));
        assert_eq!(table.rows[1], ("Hope".to_owned(), vec![Some(0), None, None]));
    }
}
