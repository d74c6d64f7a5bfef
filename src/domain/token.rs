//! Secret tokens: in confirmation and unsubscribe links, and in operators'
//! session cookies.
//!
//! A token is 256 bits from the operating system's random source, written as
//! URL-safe base64. Only its SHA-256 hash is stored, so a copy of the database
//! cannot confirm or unsubscribe anyone.
//!
//! A link carries [`LinkToken`], `ID.SECRET`: the id of the token's row,
//! which makes the lookup a primary-key read and lets new rows be appended
//! rather than inserted into an index on random hashes, and the secret, whose
//! hash the row must hold. The id is no secret; without the secret it opens
//! nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRng;
use rand::rngs::SysRng;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::TokenId;
use super::sql::text_enum;

text_enum!(
    /// What a link token does.
    TokenPurpose {
        /// Confirms a pending subscription; expires.
        Confirm => "confirm",
        /// Ends a subscription; works for as long as the subscription exists.
        Unsubscribe => "unsubscribe",
        /// Confirms again a subscription the person left, when they asked
        /// from their own page; expires.
        Rejoin => "rejoin",
        /// Opens the person's consent record, for an hour.
        Record => "record",
        /// Opens the page that erases the person, for an hour.
        Erase => "erase",
    }
);

const TOKEN_BYTES: usize = 32;
/// Length of 32 bytes in unpadded base64.
const TOKEN_CHARS: usize = 43;

/// A secret whose `Debug` prints nothing, so that it cannot reach a log.
#[derive(Clone)]
pub struct Token(SecretString);

impl Token {
    /// A fresh token. Fails only if the operating system has no entropy to give.
    pub fn generate() -> Result<Self, rand::rngs::SysError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        SysRng.try_fill_bytes(&mut bytes)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes).into()))
    }

    /// A token as it arrives in a URL; `None` when it cannot be one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == TOKEN_CHARS
            && URL_SAFE_NO_PAD
                .decode(text)
                .is_ok_and(|b| b.len() == TOKEN_BYTES);
        well_formed.then(|| Self(text.into()))
    }

    /// The secret itself, for the one place it belongs: a link or a cookie.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.expose().as_bytes()).into())
    }
}

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.hash() == other.hash()
    }
}

impl Eq for Token {}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// What a confirmation or unsubscribe link carries: `ID.SECRET`.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken {
    id: TokenId,
    secret: Token,
}

impl LinkToken {
    /// The token of row `id`, whose stored hash is `secret`'s.
    pub fn new(id: TokenId, secret: Token) -> Self {
        Self { id, secret }
    }

    pub fn id(&self) -> TokenId {
        self.id
    }

    pub fn secret(&self) -> &Token {
        &self.secret
    }
}

impl std::fmt::Display for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.id, self.secret.expose())
    }
}

impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LinkToken({}, …)", self.id)
    }
}

/// A link's token as it arrives in a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRef {
    Named(LinkToken),
    /// The secret alone, as links were written before they named their row.
    Bare(Token),
}

impl LinkRef {
    /// `None` when the text cannot be one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        let Some((id, secret)) = text.split_once('.') else {
            return Token::parse(text).map(LinkRef::Bare);
        };
        // Digits only: `i64::from_str` would also take a sign.
        if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id = id.parse().ok().filter(|id| *id > 0)?;
        Some(LinkRef::Named(LinkToken::new(
            TokenId(id),
            Token::parse(secret)?,
        )))
    }

    /// The secret whose hash the token's row holds.
    pub fn secret(&self) -> &Token {
        match self {
            LinkRef::Named(token) => token.secret(),
            LinkRef::Bare(secret) => secret,
        }
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
        assert_eq!(a.expose().len(), TOKEN_CHARS);
        assert!(
            a.expose()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(Token::parse(a.expose()), Some(a.clone()));
        assert_eq!(
            a.hash(),
            Token::parse(a.expose()).map(|t| t.hash()).expect("parses")
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
        assert!(!format!("{t:?}").contains(t.expose()));
        let link = LinkToken::new(TokenId(7), t.clone());
        assert!(!format!("{link:?}").contains(t.expose()));
    }

    #[test]
    fn a_link_token_names_its_row_and_parses_back() {
        let secret = Token::generate().expect("entropy");
        let link = LinkToken::new(TokenId(1234), secret.clone());
        let text = link.to_string();
        assert_eq!(text, format!("1234.{}", secret.expose()));
        assert_eq!(LinkRef::parse(&text), Some(LinkRef::Named(link)));
        assert_eq!(
            LinkRef::parse(&text).map(|l| l.secret().hash()),
            Some(secret.hash())
        );
    }

    #[test]
    fn a_bare_secret_is_an_old_link() {
        let secret = Token::generate().expect("entropy");
        assert_eq!(
            LinkRef::parse(secret.expose()),
            Some(LinkRef::Bare(secret.clone()))
        );
    }

    #[test]
    fn malformed_link_tokens_are_refused() {
        let secret = Token::generate().expect("entropy");
        let s = secret.expose();
        for bad in [
            format!("1.{s}."),
            format!(".{s}"),
            format!("0.{s}"),
            format!("-1.{s}"),
            format!("+1.{s}"),
            format!(" 1.{s}"),
            format!("1e3.{s}"),
            format!("{}.{s}", "9".repeat(19)),
            format!("1.{}", &s[1..]),
            "1.".to_owned(),
            "1".to_owned(),
        ] {
            assert_eq!(LinkRef::parse(&bad), None, "{bad:?}");
        }
    }
}
