//! Operators' credentials and the secrets that protect their sessions.
//!
//! Password hashing is deliberately slow (argon2id): callers run it on the
//! blocking pool, never on an actix worker.

use std::sync::{Mutex, OnceLock};

use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    real && matches_hash(hash, candidate).unwrap_or(false)
}

/// Whether `candidate` hashes to the PHC string `hash`, computed in one
/// of the kept buffers; `None` when the string cannot be read.
fn matches_hash(hash: &str, candidate: &str) -> Option<bool> {
    let parsed = PasswordHash::new(hash).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).ok()?;
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
        .ok()?;
    let params = Params::try_from(&parsed).ok()?;
    let (salt, expected) = (parsed.salt?, parsed.hash?);
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    with_blocks(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(candidate.as_bytes(), salt.as_ref(), &mut out, blocks)
    })
    .ok()?;
    Some(constant_time_eq(&out, expected.as_bytes()))
}

/// Buffers of argon2's memory (19 MiB each) kept from one check to the
/// next: freed, each would stay with the allocator of the thread that ran
/// the check, and a burst of attempts would leave one per thread. With at
/// most [`KEPT_BUFFERS`] checks at once (`Services::password_checks`),
/// sign-in holds no more than that many, however many attempts come.
static BUFFERS: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());
pub const KEPT_BUFFERS: usize = 2;

fn with_blocks<T>(count: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    let kept = BUFFERS.lock().ok().and_then(|mut kept| {
        let at = kept.iter().position(|b| b.len() == count)?;
        Some(kept.swap_remove(at))
    });
    let mut blocks = kept.unwrap_or_else(|| vec![Block::default(); count]);
    let result = work(&mut blocks);
    if let Ok(mut kept) = BUFFERS.lock()
        && kept.len() < KEPT_BUFFERS
    {
        kept.push(blocks);
    }
    result
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
    fn checks_reuse_at_most_two_buffers() {
        let password = NewPassword::parse("a long enough password").expect("long enough");
        let hash = hash_password(&password).expect("hashed");
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    assert!(verify_password(Some(&hash), "a long enough password"));
                    assert!(!verify_password(Some(&hash), "another password"));
                });
            }
        });
        let kept = BUFFERS.lock().expect("the buffers");
        assert!((1..=KEPT_BUFFERS).contains(&kept.len()), "{}", kept.len());
        assert!(kept.iter().all(|b| b.len() == MEMORY_KIB as usize));
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
