//! The code a room types to join a workshop: six characters from an alphabet without look-alikes
//! (no 0 or O, 1, I or L, 2 or Z, 5 or S, 8 or B), read aloud or from a projector.

use rand::Rng;

const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
pub const CODE_LENGTH: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinCode(String);

impl JoinCode {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let code = (0..CODE_LENGTH)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        Self(code)
    }

    /// A code as typed: case, spaces and hyphens do not matter.
    pub fn parse(typed: &str) -> Option<Self> {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let well_formed =
            code.len() == CODE_LENGTH && code.bytes().all(|b| ALPHABET.contains(&b));
        well_formed.then_some(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As a projector shows it: two groups of three, easier to read across a room.
    pub fn spaced(&self) -> String {
        format!("{} {}", &self.0[..3], &self.0[3..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_characters_nobody_confuses() {
        for _ in 0..1_000 {
            let code = JoinCode::generate();
            assert_eq!(code.as_str().len(), CODE_LENGTH);
            assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L', '2', 'Z', '5', 'S', '8', 'B']));
            assert_eq!(JoinCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn a_typed_code_may_have_spaces_hyphens_and_small_letters() {
        let code = JoinCode::parse(" acd-efg ").unwrap();
        assert_eq!(code.as_str(), "ACDEFG");
        assert_eq!(code.spaced(), "ACD EFG");
        assert_eq!(JoinCode::parse("ACDEF"), None, "too short");
        assert_eq!(JoinCode::parse("ACDEF0"), None, "a zero is never in a code");
    }
}
