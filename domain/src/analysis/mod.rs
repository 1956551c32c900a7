//! Reflexive thematic analysis: codings are spans of answers in code points (span.rs), made by
//! researchers with their study's codes; themes (theme.rs) gather codes; in independent mode
//! each coder sees others' codings only once both have released theirs (blind.rs). No machine codes anything here, by design.

mod blind;
mod compare;
pub mod crosstab;
mod filter;
pub mod map;
mod span;
mod theme;

pub use blind::Blinding;
pub use compare::{Agreement, CoderMark, PairTally, agreement_of};
pub use filter::{FilterQuestion, GridFilter, filter_questions};
pub use span::{Span, SpanError, answer_hash};
pub use theme::ThemeStatus;

/// The answer cut where any coding starts or ends: each piece with whether a coding covers it,
/// to mark the coded words when the answer is shown.
pub fn coded_pieces(text: &str, spans: &[Span]) -> Vec<(String, bool)> {
    let length = text.chars().count();
    let mut cuts: Vec<usize> = spans
        .iter()
        .flat_map(|span| [span.start.min(length), span.end.min(length)])
        .chain([0, length])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let characters: Vec<char> = text.chars().collect();
    cuts.windows(2)
        .map(|pair| {
            let (from, to) = (pair[0], pair[1]);
            let coded = spans.iter().any(|span| span.start <= from && to <= span.end);
            (characters[from..to].iter().collect(), coded)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_codings_mark_the_words_any_of_them_covers() {
        let text = "Sam 😀 cooks well";
        let spans = [Span { start: 0, end: 5 }, Span { start: 4, end: 11 }];
        assert_eq!(
            coded_pieces(text, &spans),
            [
                ("Sam ".to_owned(), true),
                ("😀".to_owned(), true),
                (" cooks".to_owned(), true),
                (" well".to_owned(), false),
            ]
        );
        assert_eq!(coded_pieces("No codes", &[]), [("No codes".to_owned(), false)]);
    }
}
