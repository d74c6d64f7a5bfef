//! Providers' own signatures on bounce notifications (contract §19). With
//! `ASSENT_BOUNCE_SIGNING_KEY` set, a Mailgun or SendGrid notification is
//! taken only with that provider's valid signature: the shared secret of
//! §9 travels in a URL or a header that a log or a proxy may keep, the
//! provider's key does not.

use hmac::{Hmac, KeyInit, Mac};
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::Sha256;

/// The DER of a P-256 public key (SubjectPublicKeyInfo) before its point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The provider's key, as `ASSENT_BOUNCE_SIGNING_KEY` gives it.
#[derive(Clone)]
pub enum BounceSigningKey {
    /// Mailgun's HTTP webhook signing key: an HMAC-SHA256 secret.
    Mailgun(SecretString),
    /// SendGrid's signed event webhook verification key: an ECDSA P-256
    /// public key, kept as its uncompressed point.
    SendGrid(Vec<u8>),
}

impl std::fmt::Debug for BounceSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BounceSigningKey::Mailgun(_) => f.write_str("Mailgun(…)"),
            BounceSigningKey::SendGrid(_) => f.write_str("SendGrid(public key)"),
        }
    }
}

impl BounceSigningKey {
    /// A base64 P-256 public key (what SendGrid shows) is SendGrid's; any
    /// other text is Mailgun's signing key.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        use base64::Engine;
        let text = text.trim();
        if text.is_empty() {
            return Err("is empty");
        }
        let der = base64::engine::general_purpose::STANDARD.decode(text);
        match der {
            Ok(der) if der.len() == 91 && der.starts_with(&P256_SPKI_PREFIX) => Ok(
                BounceSigningKey::SendGrid(der[P256_SPKI_PREFIX.len()..].to_vec()),
            ),
            _ if text.starts_with("MF") => Err("looks like a public key, but not a P-256 one"),
            _ => Ok(BounceSigningKey::Mailgun(SecretString::from(
                text.to_owned(),
            ))),
        }
    }

    /// Whether a notification of `format` carries this provider's valid
    /// signature. SendGrid's comes in the headers `X-Twilio-Email-Event-
    /// Webhook-Signature` and `-Timestamp` (`sendgrid`), Mailgun's in the
    /// body. Other formats carry none, and stand on the shared secret.
    pub fn accepts(&self, format: &str, body: &[u8], sendgrid: Option<(&str, &str)>) -> bool {
        match (self, format) {
            (BounceSigningKey::Mailgun(key), "mailgun") => mailgun_signed(key, body),
            (BounceSigningKey::SendGrid(point), "sendgrid") => {
                sendgrid.is_some_and(|(signature, timestamp)| {
                    sendgrid_signed(point, signature, timestamp, body)
                })
            }
            (_, "mailgun" | "sendgrid") => false,
            _ => true,
        }
    }
}

/// `signature.signature` is the hex HMAC-SHA256, keyed with the signing
/// key, of `signature.timestamp` followed by `signature.token`.
fn mailgun_signed(key: &SecretString, body: &[u8]) -> bool {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let field = |name: &str| value.get("signature")?.get(name)?.as_str();
    let (Some(timestamp), Some(token), Some(given)) =
        (field("timestamp"), field("token"), field("signature"))
    else {
        return false;
    };
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key.expose_secret().as_bytes())
    else {
        return false;
    };
    mac.update(timestamp.as_bytes());
    mac.update(token.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The base64 DER ECDSA signature of the timestamp followed by the body.
fn sendgrid_signed(point: &[u8], signature: &str, timestamp: &str, body: &[u8]) -> bool {
    use base64::Engine;
    let Ok(signature) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    let mut signed = timestamp.trim().as_bytes().to_vec();
    signed.extend_from_slice(body);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point)
        .verify(&signed, &signature)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

    use super::*;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn a_sendgrid_signature_is_checked_against_its_public_key() {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let mut spki = P256_SPKI_PREFIX.to_vec();
        spki.extend_from_slice(pair.public_key().as_ref());
        let key = BounceSigningKey::parse(&b64(&spki)).expect("a SendGrid key");
        assert!(matches!(key, BounceSigningKey::SendGrid(_)));
        let body = br#"[{"email":"a@example.com","event":"bounce"}]"#;
        let signature = pair
            .sign(&rng, &[b"1700000000".as_slice(), body].concat())
            .unwrap();
        let signature = b64(signature.as_ref());
        assert!(key.accepts("sendgrid", body, Some((&signature, "1700000000"))));
        assert!(!key.accepts("sendgrid", body, Some((&signature, "1700000001"))));
        assert!(!key.accepts("sendgrid", b"[]", Some((&signature, "1700000000"))));
        assert!(!key.accepts("sendgrid", body, None));
        assert!(
            !key.accepts("mailgun", body, None),
            "another provider's key"
        );
        assert!(
            key.accepts("postmark", body, None),
            "the shared secret stands"
        );
    }

    #[test]
    fn a_mailgun_signature_is_the_hmac_of_its_timestamp_and_token() {
        let key = BounceSigningKey::parse("key-0123456789abcdef").expect("a Mailgun key");
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"key-0123456789abcdef").unwrap();
        mac.update(b"1700000000abc123");
        let signature = hex::encode(mac.finalize().into_bytes());
        let body = |sig: &str| {
            serde_json::json!({
                "signature": {"timestamp": "1700000000", "token": "abc123", "signature": sig},
                "event-data": {"event": "complained", "recipient": "a@example.com"}
            })
            .to_string()
        };
        assert!(key.accepts("mailgun", body(&signature).as_bytes(), None));
        assert!(!key.accepts("mailgun", body(&"0".repeat(64)).as_bytes(), None));
        assert!(!key.accepts("sendgrid", body(&signature).as_bytes(), None));
        assert!(BounceSigningKey::parse("  ").is_err());
    }
}
