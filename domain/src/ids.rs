//! The ids that storage takes and returns. Each is parsed once where it enters (a study file, an
//! address, a form field), so a query never receives a string that nobody has checked, and a
//! response id cannot be passed where a study slug belongs.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a piece of text is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error(
        "\"{0}\" must start with a lowercase letter and use only a-z, 0-9, - and _ (64 at most)"
    )]
    NotAnIdentifier(String),
    #[error("\"{0}\" is not a response id")]
    NotAResponseId(String),
}

/// Slugs and ids appear in addresses and form field names, so they are kept to a safe alphabet.
pub fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $check:expr, $error:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: impl Into<String>) -> Result<Self, IdError> {
                let text = text.into();
                if $check(text.as_str()) {
                    Ok(Self(text))
                } else {
                    Err($error(text))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(text: String) -> Result<Self, IdError> {
                Self::parse(text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Lets maps keyed by this id be looked up with a plain `&str`.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

text_id!(
    /// A study's short name, as in `/s/sam/…`.
    StudySlug,
    is_identifier,
    IdError::NotAnIdentifier
);

text_id!(
    /// A question's id within its study, as in the `[[pages.questions]]` table of the study file.
    QuestionId,
    is_identifier,
    IdError::NotAnIdentifier
);

text_id!(
    /// A participant's response: a random UUID, never shown to the participant.
    ResponseId,
    is_response_id,
    IdError::NotAResponseId
);

impl ResponseId {
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }
}

/// Only the lowercase hyphenated form that `random` writes, so one response has one spelling.
fn is_response_id(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok_and(|id| id.hyphenated().to_string() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_to_the_safe_alphabet() {
        assert!(StudySlug::parse("sam").is_ok());
        assert!(QuestionId::parse("scenario_1-why").is_ok());
        for bad in ["", "Sam", "1st", "a b", "a/b", &"a".repeat(65)] {
            assert_eq!(
                StudySlug::parse(bad),
                Err(IdError::NotAnIdentifier(bad.to_owned())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_response_id_is_a_lowercase_hyphenated_uuid() {
        let id = ResponseId::random();
        assert_eq!(ResponseId::parse(id.as_str()), Ok(id.clone()));
        let upper = id.as_str().to_uppercase();
        assert!(ResponseId::parse(upper).is_err());
        assert!(ResponseId::parse("p17").is_err());
        assert!(ResponseId::parse("").is_err());
    }

    #[test]
    fn ids_read_from_text_are_checked() {
        let parsed: Result<StudySlug, _> = serde_json::from_str("\"Not A Slug\"");
        assert!(parsed.is_err());
        let slug: StudySlug = serde_json::from_str("\"sam\"").unwrap();
        assert_eq!(slug, "sam");
        assert_eq!(serde_json::to_string(&slug).unwrap(), "\"sam\"");
    }
}
