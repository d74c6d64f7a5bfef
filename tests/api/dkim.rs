//! DKIM (contract §8): every message the server sends carries one valid
//! signature per configured key, checked by viadkim, a verifier written
//! apart from the code that signs.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;

use assent::mail::dkim::{Algorithm, keygen};
use viadkim::header::HeaderFields;
use viadkim::signature::SigningAlgorithm;
use viadkim::verifier::{self, Config, LookupTxt, VerificationResult, VerificationStatus};

use crate::support::app::{TestApp, spawn_app_with};
use crate::support::smtp::ReceivedMail;

/// The DNS of `example.com` as the verifier sees it: the TXT records that
/// `assent dkim keygen` tells an operator to publish.
#[derive(Clone)]
struct Zone(Arc<HashMap<String, String>>);

impl LookupTxt for Zone {
    type Answer = Vec<io::Result<Vec<u8>>>;
    type Query<'a> = Pin<Box<dyn Future<Output = io::Result<Self::Answer>> + Send + 'a>>;

    fn lookup_txt(&self, domain: &str) -> Self::Query<'_> {
        let answer = self.0.get(domain).cloned();
        Box::pin(async move {
            answer
                .map(|record| vec![Ok(record.into_bytes())])
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "NXDOMAIN"))
        })
    }
}

/// A server signing with an RSA key under `rsa2026` and an Ed25519 key
/// under `ed2026`, and the zone publishing both.
async fn signing_app() -> (TestApp, Zone, tempfile::TempDir) {
    let keys = tempfile::tempdir().expect("temp dir");
    let mut zone = HashMap::new();
    let mut paths = Vec::new();
    for (selector, algorithm) in [("rsa2026", Algorithm::Rsa), ("ed2026", Algorithm::Ed25519)] {
        let key = keygen(algorithm).expect("a new key");
        let path = keys.path().join(format!("{selector}.pem"));
        std::fs::write(&path, &key.pem).expect("key written");
        zone.insert(format!("{selector}._domainkey.example.com."), key.record);
        paths.push(path.display().to_string());
    }
    let app = spawn_app_with(&[
        ("ASSENT_DKIM_DOMAIN", "example.com"),
        ("ASSENT_DKIM_SELECTOR", "rsa2026,ed2026"),
        ("ASSENT_DKIM_KEY", &paths.join(",")),
    ])
    .await;
    (app, Zone(Arc::new(zone)), keys)
}

/// The message as it arrived, split into its header section and body.
fn parts(data: &str) -> (HeaderFields, &[u8]) {
    let end = data.find("\r\n\r\n").expect("a header section");
    let headers = data[..end + 2].parse().expect("header fields");
    (headers, &data.as_bytes()[end + 4..])
}

async fn verify(zone: &Zone, data: &str) -> Vec<VerificationResult> {
    let (headers, body) = parts(data);
    verifier::verify(zone, &headers, body, &Config::default()).await
}

fn passed(results: &[VerificationResult]) -> Vec<SigningAlgorithm> {
    results
        .iter()
        .filter(|r| r.status == VerificationStatus::Success)
        .filter_map(|r| r.signature.as_ref().map(|s| s.algorithm))
        .collect()
}

#[tokio::test]
async fn every_message_carries_a_valid_rsa_and_ed25519_signature() {
    let (app, zone, _keys) = signing_app().await;
    let confirmation = app.signup_and_get_mail("ada@example.net").await;
    let confirm = crate::support::app::link(&confirmation, "confirm");
    assert_eq!(app.post(&confirm).await.status(), 200);
    let welcome = app.mails(2).await.swap_remove(1);

    for mail in [&confirmation, &welcome] {
        let results = verify(&zone, &mail.data).await;
        assert_eq!(results.len(), 2, "two signatures: {results:#?}");
        let mut algorithms = passed(&results);
        algorithms.sort_by_key(|a| format!("{a:?}"));
        assert_eq!(
            algorithms,
            [SigningAlgorithm::Ed25519Sha256, SigningAlgorithm::RsaSha256],
            "both verify: {results:#?}"
        );
        for result in &results {
            let signature = result.signature.as_ref().expect("a parsed signature");
            assert_eq!(signature.domain.as_ref(), "example.com");
            let signed: Vec<String> = signature
                .signed_headers
                .iter()
                .map(|h| h.as_ref().to_ascii_lowercase())
                .collect();
            for required in [
                "from",
                "to",
                "subject",
                "date",
                "message-id",
                "list-unsubscribe",
                "list-unsubscribe-post",
            ] {
                assert!(
                    signed.iter().any(|h| h == required),
                    "h= lacks {required}: {signed:?}"
                );
            }
        }
        assert_relaxed(mail);
    }
}

fn assert_relaxed(mail: &ReceivedMail) {
    for header in mail.headers("DKIM-Signature") {
        let compact: String = header.split_whitespace().collect();
        assert!(compact.contains("c=relaxed/relaxed"), "{header}");
    }
}

#[tokio::test]
async fn a_changed_body_or_subject_fails_verification() {
    let (app, zone, _keys) = signing_app().await;
    let mail = app.signup_and_get_mail("grace@example.net").await;
    assert_eq!(passed(&verify(&zone, &mail.data).await).len(), 2);

    let subject = mail.header("Subject").expect("a subject");
    let forged_subject = mail.data.replacen(&subject, "Your account is suspended", 1);
    assert_ne!(forged_subject, mail.data);
    assert!(passed(&verify(&zone, &forged_subject).await).is_empty());

    let (_, body) = mail.data.split_once("\r\n\r\n").expect("a body");
    let forged_body = mail.data.replacen(
        body,
        &format!("Click here: https://evil.test/\r\n{body}"),
        1,
    );
    assert!(passed(&verify(&zone, &forged_body).await).is_empty());
}

/// A header added on the way, above the signed one, breaks the signature:
/// every signed header is named once more than it occurs (over-signed).
#[tokio::test]
async fn a_header_added_in_transit_fails_verification() {
    let (app, zone, _keys) = signing_app().await;
    let mail = app.signup_and_get_mail("ada@example.net").await;
    assert_eq!(passed(&verify(&zone, &mail.data).await).len(), 2);
    let at = mail.data.find("\r\nFrom:").expect("a From header") + 2;
    for added in [
        "Subject: Your account is suspended\r\n",
        "List-Unsubscribe: <https://evil.test/u>\r\n",
        "Reply-To: thief@evil.test\r\n",
    ] {
        let forged = format!("{}{added}{}", &mail.data[..at], &mail.data[at..]);
        if added.starts_with("Reply-To") {
            // Not a signed header: adding one is allowed.
            assert_eq!(passed(&verify(&zone, &forged).await).len(), 2, "{added}");
        } else {
            assert!(passed(&verify(&zone, &forged).await).is_empty(), "{added}");
        }
    }
    for header in mail.headers("DKIM-Signature") {
        let compact: String = header.split_whitespace().collect();
        let signed = compact
            .split(';')
            .find_map(|tag| tag.strip_prefix("h="))
            .expect("an h= tag")
            .to_ascii_lowercase();
        let named = |name: &str| signed.split(':').filter(|h| *h == name).count();
        for name in ["from", "subject", "list-unsubscribe", "list-id", "date"] {
            assert_eq!(named(name), 2, "{name} in {signed}");
        }
        // The confirmation carries Auto-Submitted once: named twice.
        assert_eq!(named("auto-submitted"), 2, "{signed}");
    }
}

#[tokio::test]
async fn a_key_the_zone_does_not_publish_fails_verification() {
    let (app, _, _keys) = signing_app().await;
    let mail = app.signup_and_get_mail("alan@example.net").await;
    let other = keygen(Algorithm::Ed25519).expect("a new key");
    let rsa = keygen(Algorithm::Rsa).expect("a new key");
    let wrong = Zone(Arc::new(HashMap::from([
        ("ed2026._domainkey.example.com.".to_owned(), other.record),
        ("rsa2026._domainkey.example.com.".to_owned(), rsa.record),
    ])));
    assert!(passed(&verify(&wrong, &mail.data).await).is_empty());
}
