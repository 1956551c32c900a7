//! Where an extract sits in an answer: a span in Unicode code points over the stored (redacted)
//! text, the unit REFI-QDA counts in. Browsers report selections in UTF-16 code units, and a
//! pasted extract is found in the text; both become a `Span` here, checked once.

use sha2::{Digest, Sha256};

/// `start..end` in code points; never empty, never past the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error("Select some of the answer's words to code")]
    Empty,
    #[error("The selection runs past the end of the answer; select it again")]
    OutOfRange,
    #[error("The selection starts or ends inside a character; select it again")]
    SplitsACharacter,
    #[error("\"{0}\" is not in this answer: paste words exactly as they stand in it")]
    NotInAnswer(String),
    #[error("This answer is empty, so there is nothing to code")]
    EmptyAnswer,
}

impl Span {
    /// The whole answer.
    pub fn whole(text: &str) -> Result<Self, SpanError> {
        let end = text.chars().count();
        if end == 0 {
            return Err(SpanError::EmptyAnswer);
        }
        Ok(Self { start: 0, end })
    }

    /// A browser's selection, `start..end` in UTF-16 code units of `text`.
    pub fn from_utf16(text: &str, start: usize, end: usize) -> Result<Self, SpanError> {
        if start >= end {
            return Err(SpanError::Empty);
        }
        let to_point = |units: usize| -> Result<usize, SpanError> {
            let mut seen = 0;
            for (point, character) in text.chars().enumerate() {
                if seen == units {
                    return Ok(point);
                }
                seen += character.len_utf16();
                if seen > units {
                    return Err(SpanError::SplitsACharacter);
                }
            }
            if seen == units {
                Ok(text.chars().count())
            } else {
                Err(SpanError::OutOfRange)
            }
        };
        Ok(Self {
            start: to_point(start)?,
            end: to_point(end)?,
        })
    }

    /// The first place `extract` (trimmed) stands in `text`.
    pub fn find(text: &str, extract: &str) -> Result<Self, SpanError> {
        let wanted = extract.trim();
        if wanted.is_empty() {
            return Err(SpanError::Empty);
        }
        let byte = text
            .find(wanted)
            .ok_or_else(|| SpanError::NotInAnswer(shortened(wanted)))?;
        let start = text[..byte].chars().count();
        Ok(Self {
            start,
            end: start + wanted.chars().count(),
        })
    }

    /// A stored span, checked against the text it was made on.
    pub fn stored(text: &str, start: usize, end: usize) -> Result<Self, SpanError> {
        if start >= end {
            return Err(SpanError::Empty);
        }
        if end > text.chars().count() {
            return Err(SpanError::OutOfRange);
        }
        Ok(Self { start, end })
    }

    /// The words the span covers.
    pub fn extract(self, text: &str) -> &str {
        let byte_at = |point: usize| {
            text.char_indices()
                .nth(point)
                .map_or(text.len(), |(byte, _)| byte)
        };
        &text[byte_at(self.start)..byte_at(self.end)]
    }
}

/// What an answer's text hashes to, kept with each coding so a changed answer shows.
pub fn answer_hash(text: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(text.as_bytes()))
}

fn shortened(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() <= SHOWN {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An emoji (two UTF-16 units, one code point), a letter with a combining accent (two code
    /// points), Welsh and Arabic.
    const ANSWER: &str = "Cook 😀 with e\u{301}clat, Cymraeg ŵ, سام يحب";

    #[test]
    fn a_browsers_selection_becomes_code_points() {
        // "with" starts after "Cook " (5 units), the emoji (2 units) and a space.
        let span = Span::from_utf16(ANSWER, 8, 12).unwrap();
        assert_eq!(span, Span { start: 7, end: 11 });
        assert_eq!(span.extract(ANSWER), "with");
        // The emoji alone: units 5..7, one code point.
        let emoji = Span::from_utf16(ANSWER, 5, 7).unwrap();
        assert_eq!((emoji.start, emoji.end, emoji.extract(ANSWER)), (5, 6, "😀"));
        // The accented e is two code points; a selection may hold both.
        let accented = Span::from_utf16(ANSWER, 13, 19).unwrap();
        assert_eq!(accented.extract(ANSWER), "e\u{301}clat");
        assert_eq!(accented.end - accented.start, 6);
        let arabic = Span::find(ANSWER, "سام").unwrap();
        let units_before: usize = ANSWER.chars().take(arabic.start).map(char::len_utf16).sum();
        assert_eq!(Span::from_utf16(ANSWER, units_before, units_before + 3).unwrap(), arabic);
    }

    #[test]
    fn a_bad_selection_is_refused_with_its_reason() {
        assert_eq!(Span::from_utf16(ANSWER, 6, 9), Err(SpanError::SplitsACharacter));
        assert_eq!(Span::from_utf16(ANSWER, 3, 3), Err(SpanError::Empty));
        assert_eq!(Span::from_utf16(ANSWER, 3, 400), Err(SpanError::OutOfRange));
        assert_eq!(Span::whole(""), Err(SpanError::EmptyAnswer));
        assert!(matches!(Span::find(ANSWER, "bake"), Err(SpanError::NotInAnswer(_))));
        assert_eq!(Span::stored(ANSWER, 0, 400), Err(SpanError::OutOfRange));
    }

    #[test]
    fn a_pasted_extract_is_found_and_the_whole_answer_is_one_span() {
        let found = Span::find(ANSWER, "  Cymraeg ŵ ").unwrap();
        assert_eq!(found.extract(ANSWER), "Cymraeg ŵ");
        let whole = Span::whole(ANSWER).unwrap();
        assert_eq!(whole.extract(ANSWER), ANSWER);
        assert_eq!(whole.end, ANSWER.chars().count());
    }
}
