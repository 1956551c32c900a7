//! What a draft changes in a study file: the changed lines with a few lines around each, numbered
//! as in the published file and in the draft, the way a researcher reviews a change before
//! publishing it.

use similar::{ChangeTag, TextDiff};

/// Lines of context kept around each change.
const CONTEXT_LINES: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    Kept,
    Removed,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: LineChange,
    /// The line's number in the published file, where it is there.
    pub before: Option<usize>,
    /// The line's number in the draft, where it is there.
    pub after: Option<usize>,
    pub text: String,
}

/// The changes from `before` to `after`, in groups of nearby lines; empty when the texts are the
/// same.
pub fn changes_between(before: &str, after: &str) -> Vec<Vec<DiffLine>> {
    let diff = TextDiff::from_lines(before, after);
    diff.grouped_ops(CONTEXT_LINES)
        .iter()
        .map(|group| {
            group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|change| DiffLine {
                    change: match change.tag() {
                        ChangeTag::Equal => LineChange::Kept,
                        ChangeTag::Delete => LineChange::Removed,
                        ChangeTag::Insert => LineChange::Added,
                    },
                    before: change.old_index().map(|index| index + 1),
                    after: change.new_index().map(|index| index + 1),
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_shown_removed_and_added_with_its_neighbours() {
        let before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let after = "a\nb\nc\nD\ne\nf\ng\nh\n";
        let groups = changes_between(before, after);
        assert_eq!(groups.len(), 1);
        let lines = &groups[0];
        let texts: Vec<(&str, LineChange)> =
            lines.iter().map(|line| (line.text.as_str(), line.change)).collect();
        assert_eq!(
            texts,
            [
                ("b", LineChange::Kept),
                ("c", LineChange::Kept),
                ("d", LineChange::Removed),
                ("D", LineChange::Added),
                ("e", LineChange::Kept),
                ("f", LineChange::Kept),
            ]
        );
        assert_eq!((lines[2].before, lines[2].after), (Some(4), None));
        assert_eq!((lines[3].before, lines[3].after), (None, Some(4)));
    }

    #[test]
    fn the_same_text_has_no_changes() {
        assert!(changes_between("a\nb\n", "a\nb\n").is_empty());
    }
}
