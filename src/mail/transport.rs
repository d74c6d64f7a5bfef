//! Where messages go: an SMTP relay, or `.eml` files for a laptop.
//!
//! One [`Mailer`] is built at start and shared by every delivery, so that
//! SMTP connections stay open from one message to the next.

use std::path::{Path, PathBuf};

use lettre::Address;
use lettre::address::Envelope;
use rand::TryRng;
use rand::rngs::SysRng;

use super::relays::{Handed, Relays};
use crate::config::SmtpUrl;
use crate::domain::Clock;

pub enum Mailer {
    Smtp(Relays),
    Files { dir: PathBuf },
}

/// Why a message was not handed over, and whether trying again may help.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The connection failed midway, or the server closed it (421): try
    /// again.
    #[error("{0}")]
    Transient(String),
    /// The relay refused the connection or did not greet in time: it
    /// rests, and the message is tried through another.
    #[error("{0}")]
    Unreachable(String),
    /// The server answered 4xx to this message: try again later, and hold
    /// the other messages to its recipient's domain meanwhile.
    #[error("{0}")]
    Deferred(String),
    #[error("{0}")]
    Permanent(String),
    /// The server refused the recipient for good (550, 551, 553): the
    /// address counts as a hard bounce.
    #[error("{0}")]
    RecipientRefused(String),
}

impl Mailer {
    /// The relays of `ASSENT_SMTP_URL`, in their order.
    pub fn smtp(urls: &[SmtpUrl], clock: Clock) -> Result<Self, String> {
        Relays::new(urls, clock).map(Self::Smtp)
    }

    pub fn files(dir: PathBuf) -> Result<Self, std::io::Error> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self::Files { dir })
    }

    /// One line for the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(relays) => format!(
                "mail goes to the SMTP relays of ASSENT_SMTP_URL: {}",
                relays.names().join(", ")
            ),
            Mailer::Files { dir, .. } => format!(
                "ASSENT_SMTP_URL is unset: mail is written as .eml files into {}",
                dir.display()
            ),
        }
    }

    /// Hands one stored message to the transport; says which relay took
    /// it (`host:port`, or `files`).
    pub async fn send(&self, sender: &str, recipient: &str, message: &[u8]) -> Handed {
        let envelope = match envelope(sender, recipient) {
            Ok(envelope) => envelope,
            Err(e) => {
                return Handed {
                    relay: String::new(),
                    result: Err(e),
                };
            }
        };
        match self {
            Mailer::Smtp(relays) => relays.send(&envelope, message).await,
            Mailer::Files { dir } => Handed {
                relay: "files".to_owned(),
                result: write_eml(dir, message).await.map_err(|e| {
                    SendError::Transient(format!("writing into {}: {e}", dir.display()))
                }),
            },
        }
    }
}

/// Writes the message as `RANDOM.eml`: first under a name that does not end
/// in `.eml`, then renamed, so that a process killed midway leaves no
/// empty or partial message where a reader looks for them.
async fn write_eml(dir: &Path, message: &[u8]) -> std::io::Result<()> {
    let mut bytes = [0u8; 16];
    SysRng
        .try_fill_bytes(&mut bytes)
        .map_err(std::io::Error::other)?;
    let name = hex::encode(bytes);
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, message).await?;
    tokio::fs::rename(&partial, dir.join(format!("{name}.eml"))).await
}

fn envelope(sender: &str, recipient: &str) -> Result<Envelope, SendError> {
    let parse = |a: &str| {
        a.parse::<Address>()
            .map_err(|e| SendError::Permanent(format!("bad address {a:?}: {e}")))
    };
    Envelope::new(Some(parse(sender)?), vec![parse(recipient)?])
        .map_err(|e| SendError::Permanent(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of the directory never finds a message half written.
    #[tokio::test]
    async fn an_eml_file_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("a directory");
        let mailer = Mailer::files(dir.path().to_owned()).expect("a mailer");
        let message = vec![b'x'; 4 * 1024 * 1024];
        let reader = {
            let dir = dir.path().to_owned();
            let size = message.len() as u64;
            tokio::spawn(async move {
                let mut seen = 0;
                while seen < 20 {
                    seen = 0;
                    for entry in std::fs::read_dir(&dir).expect("listed").flatten() {
                        let path = entry.path();
                        if path.extension().is_some_and(|e| e == "eml") {
                            let len = std::fs::metadata(&path).map_or(size, |m| m.len());
                            assert_eq!(len, size, "{} is partial", path.display());
                            seen += 1;
                        }
                    }
                    tokio::task::yield_now().await;
                }
            })
        };
        for _ in 0..20 {
            mailer
                .send("a@example.com", "b@example.com", &message)
                .await
                .result
                .expect("written");
        }
        reader.await.expect("the reader saw only whole messages");
    }
}
