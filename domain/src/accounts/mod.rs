//! Staff accounts: roles, email addresses and passwords, parsed before anything is stored.

pub mod secret_box;
pub mod two_factor;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

/// What an account may do. Trainers never see research data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Researcher,
    Trainer,
}

impl Role {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "owner" => Some(Self::Owner),
            "researcher" => Some(Self::Researcher),
            "trainer" => Some(Self::Trainer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Researcher => "researcher",
            Self::Trainer => "trainer",
        }
    }

    pub fn reads_research_data(self) -> bool {
        matches!(self, Self::Owner | Self::Researcher)
    }

    pub fn runs_workshops(self) -> bool {
        matches!(self, Self::Owner | Self::Trainer)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("Enter an email address in the right format, like name@example.org")]
    EmailInvalid,
    #[error("Use a password of at least 12 characters")]
    PasswordTooShort,
    #[error("Use a password of at most 256 characters")]
    PasswordTooLong,
    #[error("This password is too common: choose one that is harder to guess")]
    PasswordCommon,
    #[error("The two passwords do not match")]
    PasswordsDiffer,
}

/// An email address, trimmed and lower-cased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, AccountError> {
        let email = text.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(AccountError::EmailInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 256;
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// A password fit to set: long enough, and not one people commonly choose.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(text: &str) -> Result<Self, AccountError> {
        let length = text.chars().count();
        if length < MIN_PASSWORD_CHARS {
            return Err(AccountError::PasswordTooShort);
        }
        if length > MAX_PASSWORD_CHARS {
            return Err(AccountError::PasswordTooLong);
        }
        if is_common(text) {
            return Err(AccountError::PasswordCommon);
        }
        Ok(Self(text.to_owned()))
    }

    /// A new password typed twice, as forms ask for it. A refusal names the field at fault:
    /// `password` when it is not a good password, `confirm` when the two differ.
    pub fn confirmed(password: &str, confirm: &str) -> Result<Self, (&'static str, AccountError)> {
        let parsed = Self::parse(password).map_err(|problem| ("password", problem))?;
        if password != confirm {
            return Err(("confirm", AccountError::PasswordsDiffer));
        }
        Ok(parsed)
    }

    /// An argon2id hash (m=19456 KiB, t=2, p=1) in PHC string form.
    pub fn hash(&self) -> String {
        argon2_hash(&self.0)
    }
}

/// An argon2id hash of `text` with a fresh salt, in the PHC string format.
fn argon2_hash(text: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    hasher()
        .hash_password(text.as_bytes(), &salt)
        .expect("argon2 with fixed parameters")
        .to_string()
}

fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let one_character = lower.chars().all(|c| lower.starts_with(c));
    one_character
        || COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .any(|common| common == lower)
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn password_matches(stored_hash: &str, candidate: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|hash| {
        hasher()
            .verify_password(candidate.as_bytes(), &hash)
            .is_ok()
    })
}

/// Spends the time a real check takes, so an unknown email cannot be told apart by timing.
pub fn spend_password_check_time(candidate: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| NewPassword("timing-equaliser-not-a-password".into()).hash());
    let _ = password_matches(hash, candidate);
}

/// Argon2 takes tens of milliseconds of a core by design: it runs on the blocking pool, two at a
/// time at most, so a burst of sign-ins never stalls the async workers that serve autosaves.
static PASSWORD_WORK: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

async fn off_the_async_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _turn = PASSWORD_WORK
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work)
        .await
        .expect("password hashing does not panic")
}

/// Checks a password against an account's stored hash; with no account, spends the same time and
/// answers no.
pub async fn check_password(stored_hash: Option<String>, candidate: &str) -> bool {
    let candidate = candidate.to_owned();
    off_the_async_workers(move || match stored_hash {
        Some(hash) => password_matches(&hash, &candidate),
        None => {
            spend_password_check_time(&candidate);
            false
        }
    })
    .await
}

/// The password's hash, made off the async workers.
pub async fn hash_password(password: NewPassword) -> String {
    off_the_async_workers(move || password.hash()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ana@Example.ORG ").unwrap().as_str(),
            "ana@example.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a na@example.org",
            "ana@.org",
        ] {
            assert_eq!(Email::parse(bad), Err(AccountError::EmailInvalid), "{bad}");
        }
    }

    #[test]
    fn passwords_must_be_long_and_uncommon() {
        assert!(matches!(
            NewPassword::parse("short"),
            Err(AccountError::PasswordTooShort)
        ));
        assert!(matches!(
            NewPassword::parse("Password1234"),
            Err(AccountError::PasswordCommon)
        ));
        assert!(matches!(
            NewPassword::parse("aaaaaaaaaaaaaa"),
            Err(AccountError::PasswordCommon)
        ));
        assert!(NewPassword::parse("kettle orbit lantern 42").is_ok());
    }

    #[test]
    fn a_password_typed_twice_names_the_field_at_fault() {
        let good = "kettle orbit lantern 42";
        assert!(NewPassword::confirmed(good, good).is_ok());
        assert!(matches!(
            NewPassword::confirmed("short", "short"),
            Err(("password", AccountError::PasswordTooShort))
        ));
        assert!(matches!(
            NewPassword::confirmed(good, "kettle orbit lantern 43"),
            Err(("confirm", AccountError::PasswordsDiffer))
        ));
    }

    #[test]
    fn hashes_are_argon2id_with_the_required_cost_and_verify() {
        let hash = NewPassword::parse("kettle orbit lantern 42")
            .unwrap()
            .hash();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(password_matches(&hash, "kettle orbit lantern 42"));
        assert!(!password_matches(&hash, "kettle orbit lantern 43"));
        assert!(!password_matches("not a hash", "x"));
    }
}
