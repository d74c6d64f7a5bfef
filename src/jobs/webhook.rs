//! The webhook job: posts one event to `ASSENT_WEBHOOK_URL`, signed
//! (contract §13). Any answer but a 2xx is a failure the runner retries,
//! with a growing pause, for about a day; these jobs run beside mail, never
//! in its way.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::ExposeSecret;
use serde_json::value::RawValue;
use sha2::Sha256;

use super::Ctx;
use super::job::{Finish, Job, Retry};
use crate::db::models::JobKind;

/// A receiver that takes longer is counted as down, so that a slow one
/// cannot hold the job runner.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Its payload is the event's body, fixed when it was queued and read as
/// it is stored, so that every delivery is the same event byte for byte.
pub struct Deliver;

impl Job for Deliver {
    const KIND: JobKind = JobKind::Webhook;
    type Payload = Box<RawValue>;
    /// A receiver may be down for hours; the events wait for it: 30
    /// attempts with [`backoff`], about a day.
    const RETRY: Retry = Retry {
        attempts: 30,
        backoff,
    };
    const FAILS_ELSEWHERE: bool = true;

    async fn run(ctx: &Arc<Ctx>, stored: Box<RawValue>) -> Result<Finish, String> {
        let Some(target) = ctx.services.webhooks.target() else {
            tracing::warn!("ASSENT_WEBHOOK_URL is no longer set: the event is dropped");
            return Ok(Finish::Done);
        };
        let body = stored.get().to_owned();
        let event = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("type")?.as_str().map(str::to_owned))
            .unwrap_or_default();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let signed = signature(target.secret.expose_secret().as_bytes(), now, &body);
        let answer = client()?
            .post(target.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Assent-Signature", signed)
            .header("Assent-Event", &event)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("posting to the webhook: {}", without_url(&e)))?;
        let status = answer.status();
        if status.is_success() {
            tracing::info!(%event, status = status.as_u16(), "webhook delivered");
            Ok(Finish::Done)
        } else {
            Err(format!("the webhook answered {status}"))
        }
    }
}

/// The wait before attempt `attempts + 1`: 5 s, 10 s, 20 s, … up to an hour.
pub fn backoff(attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
    Duration::from_secs(5)
        .saturating_mul(factor)
        .min(Duration::from_secs(3600))
}

/// One client for every event, so that its connections are reused.
fn client() -> Result<&'static reqwest::Client, String> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let roots = tokio_rustls::rustls::RootCertStore::from_iter(
        webpki_roots::TLS_SERVER_ROOTS.iter().cloned(),
    );
    let tls = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(TIMEOUT)
        .user_agent(concat!("assent/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    Ok(CLIENT.get_or_init(|| client))
}

/// `t=UNIX,v1=HEX`: the HMAC-SHA256 of `UNIX.BODY` keyed with the secret.
pub fn signature(secret: &[u8], unix: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(unix.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={unix},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The error without the URL, which may carry a secret in its query.
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "the receiver");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_time_dot_body() {
        // HMAC built by hand from SHA-256 (RFC 2104), as a receiver might.
        let expected = {
            use sha2::Digest;
            let mut key = [0u8; 64];
            key[..6].copy_from_slice(b"secret");
            let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
            let inner = Sha256::new()
                .chain_update(pad(0x36))
                .chain_update(b"1700000000.{}")
                .finalize();
            let outer = Sha256::new()
                .chain_update(pad(0x5c))
                .chain_update(inner)
                .finalize();
            hex::encode(outer)
        };
        assert_eq!(
            signature(b"secret", 1_700_000_000, "{}"),
            format!("t=1700000000,v1={expected}")
        );
    }

    #[test]
    fn retries_slow_down_to_an_hour_and_last_about_a_day() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(3), Duration::from_secs(20));
        assert_eq!(backoff(29), Duration::from_secs(3600));
        let total: Duration = (1..Deliver::RETRY.attempts as u32).map(backoff).sum();
        assert!(total > Duration::from_secs(18 * 3600), "{total:?}");
        assert!(total < Duration::from_secs(30 * 3600), "{total:?}");
    }
}
