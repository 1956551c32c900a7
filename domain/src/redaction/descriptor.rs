//! The bracketed words an accepted finding is replaced with in exports, such as "[colleague]".

const LONGEST: usize = 40;

/// A descriptor as researchers type it, checked: stored and exported with its brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DescriptorError {
    #[error("Enter a descriptor, such as colleague or place")]
    Empty,
    #[error("A descriptor can be {LONGEST} characters at most")]
    TooLong,
    #[error("A descriptor can use letters, digits, spaces, hyphens and apostrophes, not “{0}”")]
    NotAllowed(char),
}

impl Descriptor {
    /// Accepts "colleague" or "[colleague]"; the brackets are added when missing.
    pub fn parse(typed: &str) -> Result<Self, DescriptorError> {
        let trimmed = typed.trim();
        let inner = trimmed
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .unwrap_or(trimmed)
            .trim();
        if inner.is_empty() {
            return Err(DescriptorError::Empty);
        }
        if inner.chars().count() > LONGEST {
            return Err(DescriptorError::TooLong);
        }
        let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '’');
        if let Some(c) = inner.chars().find(|&c| !allowed(c)) {
            return Err(DescriptorError::NotAllowed(c));
        }
        Ok(Self(format!("[{inner}]")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::{Descriptor, DescriptorError};

    #[test]
    fn brackets_are_added_once() {
        assert_eq!(
            Descriptor::parse(" colleague ").unwrap().as_str(),
            "[colleague]"
        );
        assert_eq!(
            Descriptor::parse("[home town]").unwrap().as_str(),
            "[home town]"
        );
        assert_eq!(
            Descriptor::parse("[gweithiwr cefnogi]").unwrap().as_str(),
            "[gweithiwr cefnogi]"
        );
    }

    #[test]
    fn empty_long_or_odd_descriptors_are_refused() {
        assert_eq!(Descriptor::parse("  "), Err(DescriptorError::Empty));
        assert_eq!(Descriptor::parse("[ ]"), Err(DescriptorError::Empty));
        assert_eq!(
            Descriptor::parse(&"a".repeat(41)),
            Err(DescriptorError::TooLong)
        );
        assert_eq!(
            Descriptor::parse("name]"),
            Err(DescriptorError::NotAllowed(']'))
        );
        assert_eq!(
            Descriptor::parse("<b>x</b>"),
            Err(DescriptorError::NotAllowed('<'))
        );
    }
}
