//! Two-factor sign-in: time-based one-time passwords (RFC 6238 with HMAC-SHA1, 6 digits,
//! 30-second steps, as every authenticator app reads them), the QR code that carries the secret to
//! the app, and one-time recovery codes for a lost phone.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

use crate::secret_token::{HandCode, SecretToken};

const SECRET_BYTES: usize = 20;
const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
/// Codes from the step before and after are accepted too: phone clocks drift.
const ALLOWED_DRIFT_STEPS: i64 = 1;
pub const RECOVERY_CODES: usize = 10;
const ISSUER: &str = "Vignette studies";

/// The secret an authenticator app and the server share.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// The secret offered while someone sets up two-factor, derived from their session token so
    /// the setup page shows the same one on every load without storing anything.
    pub fn offered_during(session: &SecretToken) -> Self {
        Self(session.derive("totp-setup")[..SECRET_BYTES].to_vec())
    }

    pub fn from_base32(text: &str) -> Option<Self> {
        BASE32_NOPAD
            .decode(text.as_bytes())
            .ok()
            .filter(|bytes| bytes.len() == SECRET_BYTES)
            .map(Self)
    }

    /// The secret as people type it into an app: base32, in groups of four.
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    pub fn grouped_for_typing(&self) -> String {
        let plain = self.to_base32();
        plain
            .as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The code an app shows during time step `step` (Unix time / 30 s).
    pub fn code_at_step(&self, step: i64) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let truncated = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        format!(
            "{:0width$}",
            truncated % 10u32.pow(DIGITS),
            width = DIGITS as usize
        )
    }

    /// The time step a typed code belongs to, if it is valid at `unix_seconds`.
    pub fn step_of(&self, code: &TotpCode, unix_seconds: i64) -> Option<i64> {
        let now = unix_seconds.div_euclid(STEP_SECONDS);
        (now - ALLOWED_DRIFT_STEPS..=now + ALLOWED_DRIFT_STEPS)
            .find(|step| constant_time_eq(self.code_at_step(*step).as_bytes(), code.0.as_bytes()))
    }

    /// The otpauth:// address an authenticator app reads from the QR code.
    pub fn provisioning_uri(&self, account: &str) -> String {
        let encode = |text: &str| {
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            encode(ISSUER),
            encode(account),
            self.to_base32(),
            encode(ISSUER),
        )
    }
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

pub fn step_now(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What someone typed in the code box: a 6-digit code or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    Totp(TotpCode),
    Recovery(HandCode),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpCode(String);

/// Older releases stored recovery codes as the SHA-256 of this purpose and the code.
pub const RECOVERY_PURPOSE: &str = "recovery";

/// Recovery codes as stored: an argon2id hash each, with its own salt, so that a copy of the
/// database does not give the 60-bit codes away to a fast search. Made off the async workers.
pub async fn hash_recovery_codes(codes: &[HandCode]) -> Vec<String> {
    let texts: Vec<String> = codes.iter().map(|c| c.normalized().to_owned()).collect();
    super::off_the_async_workers(move || {
        texts
            .iter()
            .map(|text| super::argon2_hash(text))
            .collect()
    })
    .await
}

/// Which of an account's unused recovery-code hashes `code` matches, if any: an argon2id hash,
/// or the SHA-256 an older release stored.
pub async fn matching_recovery_code(code: &HandCode, stored: Vec<String>) -> Option<String> {
    let legacy = code.storage_hash(RECOVERY_PURPOSE);
    let text = code.normalized().to_owned();
    super::off_the_async_workers(move || {
        stored.into_iter().find(|hash| {
            if hash.starts_with("$argon2") {
                super::password_matches(hash, &text)
            } else {
                *hash == legacy
            }
        })
    })
    .await
}

impl SecondFactor {
    /// Spaces are ignored, as apps show codes in groups.
    pub fn parse(typed: &str) -> Option<Self> {
        let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == DIGITS as usize && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Self::Totp(TotpCode(compact)));
        }
        HandCode::parse(typed).map(Self::Recovery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the reference secret is "12345678901234567890"),
    /// cut to the 6 digits apps use.
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (unix_seconds, eight_digits) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                secret.code_at_step(step_now(unix_seconds)),
                eight_digits[2..],
                "at {unix_seconds}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_000;
        let code_at =
            |seconds: i64| match SecondFactor::parse(&secret.code_at_step(step_now(seconds))) {
                Some(SecondFactor::Totp(code)) => code,
                other => panic!("{other:?}"),
            };
        assert_eq!(secret.step_of(&code_at(now), now), Some(step_now(now)));
        assert!(secret.step_of(&code_at(now - 30), now).is_some());
        assert!(secret.step_of(&code_at(now + 30), now).is_some());
        assert_eq!(secret.step_of(&code_at(now - 90), now), None);
    }

    #[test]
    fn secrets_round_trip_through_base32_and_setup_secrets_are_stable() {
        let secret = TotpSecret::generate();
        assert_eq!(
            TotpSecret::from_base32(&secret.to_base32()),
            Some(secret.clone())
        );
        assert_eq!(TotpSecret::from_base32("NOT BASE32"), None);
        let session = SecretToken::generate();
        assert_eq!(
            TotpSecret::offered_during(&session),
            TotpSecret::offered_during(&session)
        );
        assert_ne!(
            TotpSecret::offered_during(&session),
            TotpSecret::offered_during(&SecretToken::generate())
        );
        let uri = secret.provisioning_uri("ana@example.org");
        assert!(uri.starts_with("otpauth://totp/Vignette%20studies:ana%40example%2Eorg?secret="));
        assert!(crate::qr::qr_code_svg(&uri).starts_with("<?xml"));
    }

    #[test]
    fn typed_codes_are_read_generously_and_nothing_else_is_a_code() {
        assert!(matches!(
            SecondFactor::parse(" 123 456 "),
            Some(SecondFactor::Totp(_))
        ));
        let recovery = HandCode::generate();
        assert_eq!(
            SecondFactor::parse(&recovery.for_display()),
            Some(SecondFactor::Recovery(recovery.clone()))
        );
        assert_eq!(
            SecondFactor::parse(&recovery.for_display().to_uppercase()),
            Some(SecondFactor::Recovery(recovery))
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "12345a",
            "abcd-efgh-ijk1",
            "<script>",
        ] {
            assert_eq!(SecondFactor::parse(bad), None, "{bad}");
        }
    }
}
