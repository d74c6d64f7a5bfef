//! Where messages go: an SMTP relay, or `.eml` files for a laptop.
//!
//! One [`Mailer`] is built at start and shared by every delivery, so that
//! SMTP connections stay open from one message to the next.

use std::path::PathBuf;

use lettre::address::Envelope;
use lettre::{Address, AsyncFileTransport, AsyncTransport, Tokio1Executor};

use super::smtp::SmtpRelay;
use crate::config::SmtpUrl;

pub enum Mailer {
    Smtp(SmtpRelay),
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
    /// The server refused the recipient for good (550, 551, 553): the
    /// address counts as a hard bounce.
    #[error("{0}")]
    RecipientRefused(String),
}

impl Mailer {
    pub fn smtp(url: &SmtpUrl) -> Result<Self, String> {
        SmtpRelay::new(url).map(Self::Smtp)
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
            Mailer::Smtp(relay) => relay.send(&envelope, message).await,
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
