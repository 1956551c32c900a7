//! Replacing accepted findings in an answer by their descriptors. Positions count Unicode code
//! points, as the detectors and REFI-QDA do.

/// A stretch of an answer and the descriptor that stands in for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub start: usize,
    pub end: usize,
    pub descriptor: String,
}

/// The byte offset of every code point of `text`, and of its end.
fn byte_offsets(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(offset, _)| offset)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// The replacements that fit `text`, in order, each after the one before it. One that does not fit
/// (it overlaps an earlier one or runs past the end) is left out rather than cutting text wrongly.
fn fitting(text_length: usize, replacements: &[Replacement]) -> Vec<&Replacement> {
    let mut sorted: Vec<&Replacement> = replacements.iter().collect();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut kept: Vec<&Replacement> = Vec::with_capacity(sorted.len());
    for replacement in sorted {
        let after_previous = kept.last().is_none_or(|last| last.end <= replacement.start);
        if after_previous && replacement.start < replacement.end && replacement.end <= text_length {
            kept.push(replacement);
        }
    }
    kept
}

/// `text` with each replacement's stretch replaced by its descriptor.
pub fn redact(text: &str, replacements: &[Replacement]) -> String {
    if replacements.is_empty() {
        return text.to_owned();
    }
    let offsets = byte_offsets(text);
    let mut redacted = String::with_capacity(text.len());
    let mut copied = 0;
    for replacement in fitting(offsets.len() - 1, replacements) {
        redacted.push_str(&text[offsets[copied]..offsets[replacement.start]]);
        redacted.push_str(&replacement.descriptor);
        copied = replacement.end;
    }
    redacted.push_str(&text[offsets[copied]..]);
    redacted
}

/// `text` with `replacements` made, and where its stretch `span` (code points) lies then: a
/// replaced stretch that the span starts or ends inside is wholly in it.
pub fn redact_around(
    text: &str,
    span: (usize, usize),
    replacements: &[Replacement],
) -> (String, (usize, usize)) {
    (
        redact(text, replacements),
        span_after_redaction(text, span, replacements),
    )
}

/// Where the stretch `span` of `text` lies once `replacements` are made, as `redact_around`
/// says, without making them.
pub fn span_after_redaction(
    text: &str,
    span: (usize, usize),
    replacements: &[Replacement],
) -> (usize, usize) {
    if replacements.is_empty() {
        return span;
    }
    let kept: Vec<Replacement> = fitting(text.chars().count(), replacements)
        .into_iter()
        .cloned()
        .collect();
    shifted_span(span.0, span.1, &kept)
}

/// Where the stretch `span` of `text` redacted lay in `text` before `replacements` were made: the
/// inverse of `span_after_redaction`. A position inside a descriptor moves to the start of the
/// stretch it replaced (for the span's start) or to its end (for the span's end).
pub fn span_before_redaction(
    text: &str,
    span: (usize, usize),
    replacements: &[Replacement],
) -> (usize, usize) {
    if replacements.is_empty() {
        return span;
    }
    let kept = fitting(text.chars().count(), replacements);
    (unshifted(span.0, &kept, false), unshifted(span.1, &kept, true))
}

fn unshifted(position: usize, kept: &[&Replacement], is_end: bool) -> usize {
    // How far the original text runs ahead of the redacted text so far.
    let mut shift: isize = 0;
    for replacement in kept {
        let descriptor_start = replacement.start.saturating_add_signed(-shift);
        let descriptor_end = descriptor_start + replacement.descriptor.chars().count();
        if position <= descriptor_start {
            break;
        }
        if position < descriptor_end {
            return if is_end { replacement.end } else { replacement.start };
        }
        shift += (replacement.end - replacement.start) as isize
            - replacement.descriptor.chars().count() as isize;
    }
    position.saturating_add_signed(shift)
}

fn shifted_span(start: usize, end: usize, replacements: &[Replacement]) -> (usize, usize) {
    let cut_at_end = replacements
        .iter()
        .find(|replacement| replacement.start < end && end < replacement.end);
    let end = match cut_at_end {
        Some(replacement) => {
            shifted(replacement.start, replacements) + replacement.descriptor.chars().count()
        }
        None => shifted(end, replacements),
    };
    (shifted(start, replacements), end)
}

/// Where `position` of the original text lies once `replacements` are made; a position inside a
/// replaced stretch moves to that descriptor's start.
pub fn shifted(position: usize, replacements: &[Replacement]) -> usize {
    let mut shift: isize = 0;
    for replacement in replacements {
        if replacement.end <= position {
            shift += replacement.descriptor.chars().count() as isize
                - (replacement.end - replacement.start) as isize;
        } else if replacement.start <= position {
            return position.saturating_add_signed(shift) - (position - replacement.start);
        }
    }
    position.saturating_add_signed(shift)
}

/// Where a replacement's descriptor stands in the redacted text.
pub fn descriptor_span(replacement: &Replacement, replacements: &[Replacement]) -> (usize, usize) {
    let start = shifted(replacement.start, replacements);
    (start, start + replacement.descriptor.chars().count())
}

/// The code-point stretch of `wanted` in `text`: the occurrence that overlaps `near`, else the one
/// starting closest to it.
pub fn locate(text: &str, wanted: &str, near: (usize, usize)) -> Option<(usize, usize)> {
    if wanted.is_empty() {
        return None;
    }
    let length = wanted.chars().count();
    let occurrences = text.match_indices(wanted).map(|(byte_start, _)| {
        let start = text[..byte_start].chars().count();
        (start, start + length)
    });
    occurrences.min_by_key(|&(start, end)| {
        let overlaps = start < near.1 && near.0 < end;
        (!overlaps, start.abs_diff(near.0))
    })
}

#[cfg(test)]
mod tests {
    use super::{
        Replacement, descriptor_span, locate, redact, redact_around, shifted,
        span_after_redaction, span_before_redaction,
    };

    fn replace(start: usize, end: usize, descriptor: &str) -> Replacement {
        Replacement {
            start,
            end,
            descriptor: descriptor.to_owned(),
        }
    }

    #[test]
    fn a_stretch_keeps_its_words_once_the_text_around_it_is_redacted() {
        let text = "Ask Dafydd 😀 on 07700 900123 daily.";
        let replacements = [replace(16, 28, "[phone number]"), replace(4, 10, "[colleague]")];
        let (redacted, (start, end)) = redact_around(text, (13, 34), &replacements);
        assert_eq!(redacted, "Ask [colleague] 😀 on [phone number] daily.");
        let extract: String = redacted.chars().skip(start).take(end - start).collect();
        assert_eq!(extract, "on [phone number] daily");
        // A stretch ending inside a replaced one takes all of its descriptor.
        let (redacted, (start, end)) = redact_around(text, (0, 7), &replacements);
        let extract: String = redacted.chars().skip(start).take(end - start).collect();
        assert_eq!(extract, "Ask [colleague]");
    }

    #[test]
    fn a_span_in_the_redacted_text_maps_back_to_the_stored_one() {
        let text = "Ask Dafydd 😀 on 07700 900123 daily.";
        let replacements = [replace(16, 28, "[phone number]"), replace(4, 10, "[colleague]")];
        for span in [(0, 3), (11, 15), (29, 34), (4, 10), (13, 34), (0, 36)] {
            let there = span_after_redaction(text, span, &replacements);
            assert_eq!(span_before_redaction(text, there, &replacements), span, "{span:?}");
        }
        // Inside a descriptor: the whole replaced stretch.
        let redacted_inside = (6, 8);
        assert_eq!(span_before_redaction(text, redacted_inside, &replacements), (4, 10));
        assert_eq!(span_before_redaction(text, (3, 9), &[]), (3, 9));
    }

    #[test]
    fn descriptors_stand_in_for_the_found_text() {
        let text = "Ask Dafydd on 07700 900123.";
        let replacements = [
            replace(14, 26, "[phone number]"),
            replace(4, 10, "[colleague]"),
        ];
        assert_eq!(
            redact(text, &replacements),
            "Ask [colleague] on [phone number]."
        );
        assert_eq!(redact(text, &[]), text);
    }

    #[test]
    fn positions_are_code_points_through_emoji_welsh_and_arabic() {
        let text = "😀 ŵŷ سام Bronwen 😀";
        let start = text.chars().position(|c| c == 'B').unwrap();
        let redacted = redact(text, &[replace(start, start + 7, "[name]")]);
        assert_eq!(redacted, "😀 ŵŷ سام [name] 😀");
    }

    #[test]
    fn replacements_that_do_not_fit_are_left_out() {
        let text = "one two three";
        let overlapping = [replace(0, 7, "[a]"), replace(4, 13, "[b]")];
        assert_eq!(redact(text, &overlapping), "[a] three");
        assert_eq!(redact(text, &[replace(8, 99, "[c]")]), text);
        assert_eq!(redact(text, &[replace(3, 3, "[d]")]), text);
    }

    #[test]
    fn later_positions_shift_by_the_difference_in_length() {
        let replacements = [replace(4, 10, "[colleague]"), replace(14, 26, "[phone]")];
        assert_eq!(shifted(0, &replacements), 0);
        assert_eq!(shifted(11, &replacements), 16);
        assert_eq!(shifted(27, &replacements), 27);
        assert_eq!(shifted(6, &replacements), 4, "inside a stretch: its start");
        assert_eq!(descriptor_span(&replacements[1], &replacements), (19, 26));
        let redacted = redact("Ask Dafydd on 07700 900123.", &replacements);
        let chars: Vec<char> = redacted.chars().collect();
        assert_eq!(chars[19..26].iter().collect::<String>(), "[phone]");
    }

    #[test]
    fn the_occurrence_nearest_the_finding_is_chosen() {
        let text = "Jo met Jo Bloggs and Jo";
        assert_eq!(locate(text, "Jo Bloggs", (7, 9)), Some((7, 16)));
        assert_eq!(locate(text, "Jo", (20, 23)), Some((21, 23)));
        assert_eq!(locate(text, "Jo", (5, 6)), Some((7, 9)));
        assert_eq!(locate(text, "Smith", (0, 2)), None);
        assert_eq!(locate(text, "", (0, 2)), None);
        assert_eq!(locate("ŵ Jo", "Jo", (0, 1)), Some((2, 4)));
    }
}
