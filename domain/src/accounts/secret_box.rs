//! Secrets the app must read back (two-factor secrets), sealed at rest with AES-256-GCM under a
//! key kept outside the database, so a copy of the database or of a backup alone does not let
//! anyone make sign-in codes. Each sealed value is bound to its account (associated data): moving
//! it to another account's row does not open.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use data_encoding::HEXLOWER;
use rand::RngCore;

/// Written before every sealed value, so plain values left from before can be told apart.
const SEALED_PREFIX: &str = "aes256gcm:";
const NONCE_BYTES: usize = 12;

/// The 256-bit key. Never printed: its Debug says only that it is one.
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealingKeyError {
    #[error("the key must be 64 hexadecimal digits (32 bytes)")]
    Malformed,
    #[error("cannot read or create the key file {path}: {problem}")]
    File { path: String, problem: std::io::Error },
}

impl SealingKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_hex(text: &str) -> Result<Self, SealingKeyError> {
        let bytes = HEXLOWER
            .decode(text.trim().to_ascii_lowercase().as_bytes())
            .map_err(|_| SealingKeyError::Malformed)?;
        bytes
            .try_into()
            .map(Self)
            .map_err(|_| SealingKeyError::Malformed)
    }

    pub fn to_hex(&self) -> String {
        HEXLOWER.encode(&self.0)
    }

    /// Reads the key from `path`, or creates the file (readable by its owner only) with a new
    /// key when there is none.
    pub fn load_or_create(path: &Path) -> Result<Self, SealingKeyError> {
        let failed = |problem| SealingKeyError::File {
            path: path.display().to_string(),
            problem,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(failed)?;
                }
                let key = Self::generate();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(failed)?;
                writeln!(file, "{}", key.to_hex()).map_err(failed)?;
                file.sync_all().map_err(failed)?;
                Ok(key)
            }
            Err(e) => Err(failed(e)),
        }
    }

    /// Seals `plain` for the account `bound_to`.
    pub fn seal(&self, bound_to: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: bound_to.as_bytes(),
        };
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), payload)
            .expect("AES-GCM seals any message this size");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{SEALED_PREFIX}{}", HEXLOWER.encode(&bytes))
    }

    /// Opens a value sealed for `bound_to`; `None` when it was sealed under another key or for
    /// another account, or was altered.
    pub fn open(&self, bound_to: &str, stored: &str) -> Option<String> {
        let bytes = HEXLOWER
            .decode(stored.strip_prefix(SEALED_PREFIX)?.as_bytes())
            .ok()?;
        if bytes.len() <= NONCE_BYTES {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: sealed,
            aad: bound_to.as_bytes(),
        };
        let plain = self
            .cipher()
            .decrypt(Nonce::from_slice(nonce), payload)
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// Whether a stored value is sealed (rather than left plain by an older release).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED_PREFIX)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new_from_slice(&self.0).expect("the key is 32 bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::SealingKey;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_account() {
        let key = SealingKey::generate();
        let sealed = key.seal("staff-1", "JBSWY3DPEHPK3PXP");
        assert!(SealingKey::is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(sealed, key.seal("staff-1", "JBSWY3DPEHPK3PXP"), "a fresh nonce each time");
        assert_eq!(key.open("staff-1", &sealed).as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open("staff-2", &sealed), None, "bound to its account");
        assert_eq!(SealingKey::generate().open("staff-1", &sealed), None, "another key");
        // One hex digit changed (to another digit: a 1-in-16 chance it was already '0').
        let mut altered = sealed.clone();
        let last = altered.pop().unwrap();
        altered.push(if last == '0' { '1' } else { '0' });
        assert_eq!(key.open("staff-1", &altered), None);
        assert_eq!(key.open("staff-1", "JBSWY3DPEHPK3PXP"), None, "plain text is not sealed");
        assert_eq!(format!("{key:?}"), "SealingKey(…)");
    }

    #[test]
    fn the_key_file_is_made_once_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("two-factor.key");
        let made = SealingKey::load_or_create(&path).unwrap();
        let read = SealingKey::load_or_create(&path).unwrap();
        assert_eq!(made.to_hex(), read.to_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(SealingKey::from_hex(&made.to_hex()).unwrap().to_hex(), made.to_hex());
        assert!(SealingKey::from_hex("abc").is_err());
    }
}
