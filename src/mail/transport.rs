//! Where messages go: an SMTP relay, or `.eml` files for a laptop.
//!
//! One [`Mailer`] is built at start and shared by every delivery: lettre's
//! SMTP pool keeps connections open only if the transport is reused.

use std::path::PathBuf;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::{Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// Enough connections for the worker's concurrent sends (see
/// `worker::CONCURRENCY`): lettre opens and closes an extra connection for
/// every send beyond the pool. Many connections also hide the wait that
/// lettre's separate write of the end-of-data marker costs on each message
/// (Nagle's algorithm meets the server's delayed ACK).
const SMTP_POOL_SIZE: u32 = 32;
/// Bounds one SMTP command; well inside the outbox claim's lease.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// Why a message was not handed over, and whether trying again may help.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("{0}")]
    Transient(String),
    #[error("{0}")]
    Permanent(String),
}

/// Checks an `ASSENT_SMTP_URL` without connecting.
pub fn validate_smtp_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| {
            format!("expected smtp://[user:pass@]host[:port][?tls=required] or smtps://… ({e})")
        })
}

impl Mailer {
    pub fn smtp(url: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| e.to_string())?
            .pool_config(PoolConfig::new().max_size(SMTP_POOL_SIZE))
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self::Smtp(transport))
    }

    pub fn files(dir: PathBuf) -> Result<Self, std::io::Error> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self::Files {
            transport: AsyncFileTransport::new(&dir),
            dir,
        })
    }

    /// One line for the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "mail goes to the SMTP server of ASSENT_SMTP_URL".into(),
            Mailer::Files { dir, .. } => format!(
                "ASSENT_SMTP_URL is unset: mail is written as .eml files into {}",
                dir.display()
            ),
        }
    }

    /// Hands one stored message to the transport.
    pub async fn send(
        &self,
        sender: &str,
        recipient: &str,
        message: &[u8],
    ) -> Result<(), SendError> {
        let envelope = envelope(sender, recipient)?;
        match self {
            Mailer::Smtp(smtp) => {
                smtp.send_raw(&envelope, message)
                    .await
                    .map(|_| ())
                    .map_err(|e| {
                        if e.is_permanent() {
                            SendError::Permanent(e.to_string())
                        } else {
                            SendError::Transient(e.to_string())
                        }
                    })
            }
            Mailer::Files { transport, .. } => transport
                .send_raw(&envelope, message)
                .await
                .map(|_| ())
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
}

fn envelope(sender: &str, recipient: &str) -> Result<Envelope, SendError> {
    let parse = |a: &str| {
        a.parse::<Address>()
            .map_err(|e| SendError::Permanent(format!("bad address {a:?}: {e}")))
    };
    Envelope::new(Some(parse(sender)?), vec![parse(recipient)?])
        .map_err(|e| SendError::Permanent(e.to_string()))
}
