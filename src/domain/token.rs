//! Secret tokens carried in confirmation and unsubscribe links.
//!
//! A token is 256 bits from the operating system's random source, written as
//! URL-safe base64. Only its SHA-256 hash is stored, so a copy of the database
//! cannot confirm or unsubscribe anyone. Lookups go through a unique index on
//! the hash: an attacker cannot steer the hash of a guess, so the index's
//! timing tells nothing about stored tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRng;
use rand::rngs::SysRng;
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 32;
/// Length of 32 bytes in unpadded base64.
const TOKEN_CHARS: usize = 43;

#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A fresh token. Fails only if the operating system has no entropy to give.
    pub fn generate() -> Result<Self, rand::rngs::SysError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        SysRng.try_fill_bytes(&mut bytes)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A token as it arrives in a URL; `None` when it cannot be one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == TOKEN_CHARS
            && URL_SAFE_NO_PAD
                .decode(text)
                .is_ok_and(|b| b.len() == TOKEN_BYTES);
        well_formed.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

// Never print a live token into a log.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// What the database keeps of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_url_safe_unique_and_parse_back() {
        let a = Token::generate().expect("entropy");
        let b = Token::generate().expect("entropy");
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), TOKEN_CHARS);
        assert!(
            a.as_str()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(Token::parse(a.as_str()), Some(a.clone()));
        assert_eq!(
            a.hash(),
            Token::parse(a.as_str()).map(|t| t.hash()).expect("parses")
        );
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "abc",
            &"A".repeat(42),
            &"A".repeat(44),
            &format!("{}=", "A".repeat(42)),
            &"é".repeat(43),
        ] {
            assert_eq!(Token::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let t = Token::generate().expect("entropy");
        assert!(!format!("{t:?}").contains(t.as_str()));
    }
}
