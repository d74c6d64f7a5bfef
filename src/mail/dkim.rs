//! DKIM (RFC 6376, contract §8): every message is signed, relaxed/relaxed,
//! with one signature per configured key (RSA or Ed25519, RFC 8463).
//!
//! mail-auth signs the exact bytes that go to the relay, so the folding and
//! encoding lettre chose are what is signed. Every signed header is named
//! once more than the message holds it (over-signing, RFC 6376 §8.15), so
//! that a second `Subject` or `List-Unsubscribe` added on the way breaks
//! the signature; Auto-Submitted, which most messages lack, is named once
//! for them, so that it cannot be added either.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use mail_auth::common::crypto::{DkimKey, Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{Canonicalization, DkimSigner, Done};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

use crate::config::DkimSettings;

/// What every signature covers; Auto-Submitted last, where only some
/// messages have it.
pub const SIGNED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Language",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
];

/// The shortest RSA key accepted, in bits.
const MIN_RSA_BITS: usize = 2048;

/// The signers of `ASSENT_DKIM_*`, built once at start: per key, one for
/// messages without Auto-Submitted and one for those with it, since the
/// header list a signer names is fixed when it is built.
pub struct Dkim {
    signers: Vec<KeySigners>,
}

struct KeySigners {
    plain: DkimSigner<DkimKey, Done>,
    auto_submitted: DkimSigner<DkimKey, Done>,
}

/// The `h=` list of a signature: each header twice (once for the copy the
/// message holds, once for any copy added later), Auto-Submitted once when
/// the message has none.
fn oversigned(auto_submitted: bool) -> Vec<&'static str> {
    SIGNED_HEADERS
        .iter()
        .flat_map(|&name| {
            let twice = auto_submitted || name != "Auto-Submitted";
            std::iter::repeat_n(name, if twice { 2 } else { 1 })
        })
        .collect()
}

impl std::fmt::Debug for Dkim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dkim({} keys)", self.signers.len())
    }
}

impl Dkim {
    /// Reads and parses every key; the error names the file and why.
    pub fn load(settings: &DkimSettings) -> Result<Self, String> {
        let signers = settings
            .keys
            .iter()
            .zip(&settings.selectors)
            .map(|(path, selector)| {
                let signer = |auto_submitted| {
                    let key = read_key(path).map_err(|e| format!("{}: {e}", path.display()))?;
                    Ok::<_, String>(
                        DkimSigner::from_key(key)
                            .domain(settings.domain.as_str())
                            .selector(selector.as_str())
                            .headers(oversigned(auto_submitted))
                            .header_canonicalization(Canonicalization::Relaxed)
                            .body_canonicalization(Canonicalization::Relaxed),
                    )
                };
                Ok(KeySigners {
                    plain: signer(false)?,
                    auto_submitted: signer(true)?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { signers })
    }

    /// The message with a DKIM-Signature header per key in front of it.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let auto_submitted = has_header(message, "auto-submitted");
        let mut headers = String::new();
        for signers in &self.signers {
            let signer = match auto_submitted {
                true => &signers.auto_submitted,
                false => &signers.plain,
            };
            let signature = signer.sign(message).map_err(|e| e.to_string())?;
            headers.push_str(&signature.to_header());
        }
        let mut signed = Vec::with_capacity(headers.len() + message.len());
        signed.extend_from_slice(headers.as_bytes());
        signed.extend_from_slice(message);
        Ok(signed)
    }
}

/// Whether the header section of `message` holds the header `name` (in
/// lowercase).
fn has_header(message: &[u8], name: &str) -> bool {
    let end = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(message.len());
    message[..end].split(|&b| b == b'\n').any(|line| {
        line.len() > name.len()
            && line[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && line[name.len()] == b':'
    })
}

/// A PEM private key: RSA (PKCS#1 or PKCS#8, at least 2048 bits) or
/// Ed25519 (PKCS#8).
fn read_key(path: &Path) -> Result<DkimKey, String> {
    let pem = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    let der =
        PrivateKeyDer::from_pem_slice(&pem).map_err(|_| "is not a PEM private key".to_owned())?;
    if let PrivateKeyDer::Pkcs8(pkcs8) = &der
        && let Ok(key) = Ed25519Key::from_pkcs8_maybe_unchecked_der(pkcs8.secret_pkcs8_der())
    {
        return Ok(key.into());
    }
    let bits = rsa_bits(&der).ok_or("is neither an RSA nor an Ed25519 private key")?;
    if bits < MIN_RSA_BITS {
        return Err(format!(
            "is an RSA key of {bits} bits; DKIM needs at least {MIN_RSA_BITS}"
        ));
    }
    RsaKey::<Sha256>::from_key_der(der)
        .map(Into::into)
        .map_err(|e| format!("is not a usable RSA key ({e})"))
}

/// The `p=` of the DNS record that publishes the public half of the key
/// in `path`, base64, as `assent dkim keygen` prints it.
pub fn public_key(path: &Path) -> Result<String, String> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let pem = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    let der =
        PrivateKeyDer::from_pem_slice(&pem).map_err(|_| "is not a PEM private key".to_owned())?;
    if let PrivateKeyDer::Pkcs8(pkcs8) = &der
        && let Ok(key) = Ed25519Key::from_pkcs8_maybe_unchecked_der(pkcs8.secret_pkcs8_der())
    {
        return Ok(STANDARD.encode(key.public_key()));
    }
    let key = match &der {
        PrivateKeyDer::Pkcs1(k) => rsa::RsaPrivateKey::from_pkcs1_der(k.secret_pkcs1_der()),
        PrivateKeyDer::Pkcs8(k) => rsa::RsaPrivateKey::from_pkcs8_der(k.secret_pkcs8_der())
            .map_err(|_| rsa::pkcs1::Error::Version),
        _ => return Err("is neither an RSA nor an Ed25519 private key".into()),
    }
    .map_err(|_| "is neither an RSA nor an Ed25519 private key".to_owned())?;
    let public = rsa::RsaPublicKey::from(&key)
        .to_public_key_der()
        .map_err(|e| e.to_string())?;
    Ok(STANDARD.encode(public.as_bytes()))
}

fn rsa_bits(der: &PrivateKeyDer<'_>) -> Option<usize> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::PublicKeyParts;
    let key = match der {
        PrivateKeyDer::Pkcs1(k) => rsa::RsaPrivateKey::from_pkcs1_der(k.secret_pkcs1_der()).ok()?,
        PrivateKeyDer::Pkcs8(k) => rsa::RsaPrivateKey::from_pkcs8_der(k.secret_pkcs8_der()).ok()?,
        _ => return None,
    };
    Some(key.size() * 8)
}

/// The kinds of key `assent dkim keygen` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Rsa,
    Ed25519,
}

/// A new key: its PKCS#8 PEM, and the value of the DNS TXT record that
/// publishes its public half.
pub struct NewKey {
    pub pem: String,
    pub record: String,
}

pub fn keygen(algorithm: Algorithm) -> Result<NewKey, String> {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    match algorithm {
        Algorithm::Rsa => {
            let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, MIN_RSA_BITS)
                .map_err(|e| e.to_string())?;
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| e.to_string())?
                .to_string();
            let public = rsa::RsaPublicKey::from(&key)
                .to_public_key_der()
                .map_err(|e| e.to_string())?;
            Ok(NewKey {
                pem,
                record: format!("v=DKIM1; k=rsa; p={}", STANDARD.encode(public.as_bytes())),
            })
        }
        Algorithm::Ed25519 => {
            // Written as PKCS#8 v1 (RFC 8410), the form OpenSSL reads too.
            let v2 = Ed25519Key::generate_pkcs8().map_err(|e| e.to_string())?;
            let seed = v2
                .get(16..48)
                .filter(|_| v2.get(12..16) == Some(&[0x04, 0x22, 0x04, 0x20]))
                .ok_or("unexpected Ed25519 key encoding")?;
            let mut v1 = ED25519_PKCS8_V1_PREFIX.to_vec();
            v1.extend_from_slice(seed);
            let public = Ed25519Key::from_pkcs8_maybe_unchecked_der(&v1)
                .map_err(|e| e.to_string())?
                .public_key();
            let pem = rsa::pkcs8::der::pem::encode_string("PRIVATE KEY", LineEnding::LF, &v1)
                .map_err(|e| e.to_string())?;
            Ok(NewKey {
                pem,
                record: format!("v=DKIM1; k=ed25519; p={}", STANDARD.encode(public)),
            })
        }
    }
}

/// `SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING {
/// OCTET STRING (32 bytes) } }`, before the seed.
const ED25519_PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// A TXT record's value as quoted strings of at most 255 bytes, as DNS
/// zone files and most providers' forms take a long RSA record.
pub fn quoted_strings(record: &str) -> String {
    record
        .as_bytes()
        .chunks(255)
        .map(|chunk| format!("\"{}\"", String::from_utf8_lossy(chunk)))
        .collect::<Vec<_>>()
        .join(" ")
}
