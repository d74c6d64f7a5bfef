//! Operators' credentials and the secrets that protect their sessions.
//!
//! Password hashing is deliberately slow (argon2id): callers run it on the
//! blocking pool, never on an actix worker.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

/// The secret key (`ASSENT_SECRET_KEY`, or the one kept in the database):
/// keys cookies, the suppression list's hashes and signatures. Its `Debug`
/// prints nothing.
#[derive(Clone)]
pub struct SecretKey(SecretSlice<u8>);

impl SecretKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }

    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// OWASP's minimum for argon2id: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;
const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_BYTES: usize = 1024;

/// A password an operator may choose.
pub struct NewPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters long")]
    TooShort,
    #[error("the password must be at most {MAX_PASSWORD_BYTES} bytes long")]
    TooLong,
}

impl NewPassword {
    pub fn parse(text: &str) -> Result<Self, PasswordError> {
        if text.chars().count() < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort);
        }
        if text.len() > MAX_PASSWORD_BYTES {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(text.to_owned()))
    }
}

fn argon2() -> Argon2<'static> {
    // The parameters are constants within argon2's documented bounds.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string to store, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…`.
pub fn hash_password(password: &NewPassword) -> Result<String, String> {
    argon2()
        .hash_password(password.0.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `candidate` matches `stored`. With `stored = None` (no such
/// account) a hash is still checked, so the answer takes as long either way.
pub fn verify_password(stored: Option<&str>, candidate: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        NewPassword::parse("a password nobody has")
            .ok()
            .and_then(|p| hash_password(&p).ok())
            .unwrap_or_default()
    });
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = argon2()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok();
    real && matches
}

/// The keyed hash of an address kept on the suppression list: without the
/// secret key it cannot be reversed by hashing guesses.
pub fn suppression_hash(secret_key: &SecretKey, email: &str) -> String {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(secret_key.expose())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(b"suppression\0");
    mac.update(email.to_ascii_lowercase().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Compares secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            NewPassword::parse("elevenchars").err(),
            Some(PasswordError::TooShort)
        );
        assert!(NewPassword::parse("twelve chars").is_ok());
        assert_eq!(
            NewPassword::parse(&"x".repeat(2000)).err(),
            Some(PasswordError::TooLong)
        );
    }

    #[test]
    fn hashes_are_argon2id_with_the_required_cost_and_verify() {
        let password = NewPassword::parse("correct horse battery").expect("long enough");
        let hash = hash_password(&password).expect("hashes");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(Some(&hash), "correct horse battery"));
        assert!(!verify_password(Some(&hash), "correct horse battery!"));
        assert!(!verify_password(None, "correct horse battery"));
        assert!(!verify_password(Some("not a hash"), "anything"));
    }

    #[test]
    fn suppression_hashes_are_keyed_and_ignore_case() {
        let key = |k: &[u8]| SecretKey::new(k.to_vec());
        let one = key(b"key one, at least thirty-two bytes");
        let a = suppression_hash(&one, "Ada@Example.com");
        assert_eq!(a, suppression_hash(&one, "ada@example.com"));
        assert_ne!(
            a,
            suppression_hash(
                &key(b"key two, at least thirty-two bytes"),
                "ada@example.com"
            )
        );
        assert!(!format!("{one:?}").contains("key one"));
        assert!(!a.contains("ada"));
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
