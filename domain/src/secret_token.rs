use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 32;
const TOKEN_CHARS: usize = 43;

/// A secret handed to one person: a participant's private resume link, a staff session cookie, a
/// setup link. 256 random bits, base64url. Only its SHA-256 is stored, so a copy of the database
/// cannot be used to open anyone's answers or account.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only the exact shape `generate` makes; anything else is not a token.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == TOKEN_CHARS
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && URL_SAFE_NO_PAD
                .decode(text)
                .is_ok_and(|bytes| bytes.len() == TOKEN_BYTES);
        well_formed.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn storage_hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// 32 bytes only the holder of this token can reproduce, one set per `purpose`.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        Sha256::digest(format!("{purpose}:{}", self.0)).into()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const HAND_CODE_CHARS: usize = 12;

/// A code people copy by hand (a recovery code, a withdrawal code): 12 base32 characters, 60 bits,
/// shown as xxxx-xxxx-xxxx. Only a hash of it is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct HandCode(String);

impl HandCode {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 8];
        rand::rng().fill_bytes(&mut bytes);
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8; 8]) -> Self {
        Self(data_encoding::BASE32_NOPAD.encode(bytes)[..HAND_CODE_CHARS].to_owned())
    }

    /// Case, spaces and hyphens do not matter: people copy codes in groups.
    pub fn parse(typed: &str) -> Option<Self> {
        let compact: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let well_formed = compact.len() == HAND_CODE_CHARS
            && compact
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
        well_formed.then_some(Self(compact))
    }

    pub fn for_display(&self) -> String {
        let lower = self.0.to_ascii_lowercase();
        format!("{}-{}-{}", &lower[0..4], &lower[4..8], &lower[8..12])
    }

    /// The code as typed once case, spaces and hyphens are set aside: what a hash is made of.
    pub(crate) fn normalized(&self) -> &str {
        &self.0
    }

    /// The hash stored for this code; `purpose` keeps codes of different kinds apart.
    pub fn storage_hash(&self, purpose: &str) -> String {
        hex(&Sha256::digest(format!("{purpose}:{}", self.0)))
    }
}

impl std::fmt::Debug for HandCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HandCode(…)")
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::{HandCode, SecretToken};

    #[test]
    fn hand_codes_are_read_however_they_are_copied() {
        let code = HandCode::generate();
        let shown = code.for_display();
        assert_eq!(shown.len(), 14);
        for typed in [shown.clone(), shown.to_uppercase(), shown.replace('-', " ")] {
            assert_eq!(HandCode::parse(&typed), Some(code.clone()), "{typed}");
        }
        for bad in [
            "",
            "abcd-efgh-ijk1",
            "abcd-efgh-ijkl-m",
            "<script>",
            "abcd-efgh-ijk",
        ] {
            assert_eq!(HandCode::parse(bad), None, "{bad}");
        }
        assert_ne!(code.storage_hash("a"), code.storage_hash("b"));
    }

    #[test]
    fn generated_tokens_parse_and_differ() {
        let a = SecretToken::generate();
        let b = SecretToken::generate();
        assert_ne!(a, b);
        assert_eq!(SecretToken::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.storage_hash().len(), 64);
    }

    #[test]
    fn malformed_tokens_are_rejected() {
        let good = SecretToken::generate();
        for bad in [
            "",
            "abc",
            &good.as_str()[1..],
            &format!("{}=", &good.as_str()[1..]),
            &"é".repeat(43),
        ] {
            assert!(SecretToken::parse(bad).is_none(), "{bad:?}");
        }
    }
}
