//! Parsing a participant's raw input into an answer the study accepts.

use crate::study::{Question, QuestionKind};
use crate::text::{describe_months, with_thousands};

/// The longest experience accepted, in months (50 years).
pub const MAX_EXPERIENCE_MONTHS: u32 = 600;

/// Why an input is not an acceptable answer. The messages are shown to participants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("Answer must be {} characters or fewer (this one has {})", with_thousands(*max), with_thousands(*actual))]
    TooLong { max: usize, actual: usize },
    #[error("Choose one of the options shown")]
    NotOnScale,
    #[error("Choose one of the options shown")]
    NotAnOption,
    #[error("Years must be a whole number, like 2")]
    YearsNotANumber,
    #[error("Months must be a whole number from 0 to 11")]
    MonthsOutOfRange,
    #[error("Experience must be 50 years or less")]
    DurationTooLong,
    #[error("Answer contains characters that cannot be saved")]
    ControlCharacters,
}

impl AnswerError {
    /// True when a participant could have typed this by mistake (so the page shows it next to the
    /// field); false when the page could not have sent it (so the request is simply refused).
    pub fn is_typing_mistake(&self) -> bool {
        matches!(
            self,
            Self::YearsNotANumber | Self::MonthsOutOfRange | Self::DurationTooLong
        )
    }
}

/// A value the study accepts for one question, ready to store. `None` means the answer is cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAnswer(Option<String>);

impl ValidAnswer {
    pub fn into_stored(self) -> Option<String> {
        self.0
    }

    /// Parses the single form value of a text, likert or choice question, or the
    /// total months of a duration question.
    pub fn parse(question: &Question, raw: &str) -> Result<Self, AnswerError> {
        match &question.kind {
            QuestionKind::Text { max_chars } => parse_text(raw, *max_chars),
            QuestionKind::Likert { labels } => parse_scale_point(raw, labels.len()),
            QuestionKind::Choice { options } => {
                if raw.is_empty() {
                    Ok(Self(None))
                } else if options.iter().any(|o| o.value == raw) {
                    Ok(Self(Some(raw.to_owned())))
                } else {
                    Err(AnswerError::NotAnOption)
                }
            }
            QuestionKind::Duration => parse_total_months(raw),
        }
    }

    /// Parses a duration given as separate years and months boxes.
    pub fn parse_years_months(years: &str, months: &str) -> Result<Self, AnswerError> {
        let (years, months) = (years.trim(), months.trim());
        if years.is_empty() && months.is_empty() {
            return Ok(Self(None));
        }
        let years: u32 = if years.is_empty() {
            0
        } else {
            years.parse().map_err(|_| AnswerError::YearsNotANumber)?
        };
        let months: u32 = if months.is_empty() {
            0
        } else {
            months.parse().map_err(|_| AnswerError::MonthsOutOfRange)?
        };
        if months > 11 {
            return Err(AnswerError::MonthsOutOfRange);
        }
        let total = years
            .checked_mul(12)
            .and_then(|y| y.checked_add(months))
            .ok_or(AnswerError::DurationTooLong)?;
        months_within_limit(total)
    }
}

fn parse_text(raw: &str, max_chars: usize) -> Result<ValidAnswer, AnswerError> {
    // Browsers send line breaks as CRLF; store one form so counts match what the person typed.
    let text = raw.replace("\r\n", "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(AnswerError::ControlCharacters);
    }
    let actual = text.chars().count();
    if actual > max_chars {
        return Err(AnswerError::TooLong {
            max: max_chars,
            actual,
        });
    }
    Ok(ValidAnswer((!text.trim().is_empty()).then_some(text)))
}

fn parse_scale_point(raw: &str, points: usize) -> Result<ValidAnswer, AnswerError> {
    if raw.is_empty() {
        return Ok(ValidAnswer(None));
    }
    match raw.parse::<usize>() {
        Ok(point) if (1..=points).contains(&point) && raw == point.to_string() => {
            Ok(ValidAnswer(Some(raw.to_owned())))
        }
        _ => Err(AnswerError::NotOnScale),
    }
}

fn parse_total_months(raw: &str) -> Result<ValidAnswer, AnswerError> {
    if raw.is_empty() {
        return Ok(ValidAnswer(None));
    }
    let total: u32 = raw.parse().map_err(|_| AnswerError::YearsNotANumber)?;
    months_within_limit(total)
}

fn months_within_limit(total: u32) -> Result<ValidAnswer, AnswerError> {
    if total > MAX_EXPERIENCE_MONTHS {
        return Err(AnswerError::DurationTooLong);
    }
    Ok(ValidAnswer(Some(total.to_string())))
}

/// How a saved answer reads on the check page.
pub fn describe_answer(question: &Question, stored: &str) -> String {
    match &question.kind {
        QuestionKind::Text { .. } => stored.to_owned(),
        QuestionKind::Likert { labels } => stored
            .parse::<usize>()
            .ok()
            .and_then(|point| labels.get(point.wrapping_sub(1)))
            .cloned()
            .unwrap_or_else(|| stored.to_owned()),
        QuestionKind::Choice { options } => options
            .iter()
            .find(|o| o.value == stored)
            .map_or_else(|| stored.to_owned(), |o| o.label.clone()),
        QuestionKind::Duration => stored
            .parse()
            .map_or_else(|_| stored.to_owned(), describe_months),
    }
}

/// The check-your-answers page; `show_missing` lists unanswered required questions as errors.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::QuestionId;
    use crate::study::ChoiceOption;

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: QuestionId::parse("q").unwrap(),
            label: "Q".into(),
            short_label: None,
            hint: None,
            required: true,
            from_instrument: false,
            adapted: false,
            theme: None,
            kind,
        }
    }

    #[test]
    fn text_within_limit_counts_characters_not_bytes() {
        let q = question(QuestionKind::Text { max_chars: 5 });
        assert_eq!(
            ValidAnswer::parse(&q, "Ŵŷŵ😀a")
                .unwrap()
                .into_stored()
                .as_deref(),
            Some("Ŵŷŵ😀a")
        );
        assert_eq!(
            ValidAnswer::parse(&q, "abcdef"),
            Err(AnswerError::TooLong { max: 5, actual: 6 })
        );
        assert_eq!(
            ValidAnswer::parse(&q, "a\r\nb")
                .unwrap()
                .into_stored()
                .as_deref(),
            Some("a\nb")
        );
        assert_eq!(ValidAnswer::parse(&q, "   ").unwrap().into_stored(), None);
        assert_eq!(
            ValidAnswer::parse(&q, "a\u{0}b"),
            Err(AnswerError::ControlCharacters)
        );
    }

    #[test]
    fn likert_accepts_only_points_on_the_scale() {
        let q = question(QuestionKind::Likert {
            labels: vec!["a".into(); 5],
        });
        assert!(ValidAnswer::parse(&q, "1").is_ok());
        assert!(ValidAnswer::parse(&q, "5").is_ok());
        for bad in ["0", "6", "-1", "03", "2.5", "x", "+3"] {
            assert_eq!(
                ValidAnswer::parse(&q, bad),
                Err(AnswerError::NotOnScale),
                "{bad}"
            );
        }
    }

    #[test]
    fn choice_accepts_only_listed_values() {
        let q = question(QuestionKind::Choice {
            options: vec![ChoiceOption {
                value: "community".into(),
                label: "C".into(),
            }],
        });
        assert!(ValidAnswer::parse(&q, "community").is_ok());
        assert_eq!(
            ValidAnswer::parse(&q, "Community"),
            Err(AnswerError::NotAnOption)
        );
    }

    #[test]
    fn years_and_months_become_total_months() {
        let total = |y, m| ValidAnswer::parse_years_months(y, m).map(ValidAnswer::into_stored);
        assert_eq!(total("1", "2"), Ok(Some("14".into())));
        assert_eq!(total("", "7"), Ok(Some("7".into())));
        assert_eq!(total(" 3 ", ""), Ok(Some("36".into())));
        assert_eq!(total("", ""), Ok(None));
        assert_eq!(total("two", ""), Err(AnswerError::YearsNotANumber));
        assert_eq!(total("1", "12"), Err(AnswerError::MonthsOutOfRange));
        assert_eq!(total("51", "0"), Err(AnswerError::DurationTooLong));
        assert_eq!(total("99999999999", "0"), Err(AnswerError::YearsNotANumber));
    }
}
