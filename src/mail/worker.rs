//! The delivery worker: sends what the outbox holds, retrying with backoff.
//!
//! Messages are claimed for a lease, so several processes on one PostgreSQL
//! database never send the same message twice, and a claim left by a process
//! that died is taken over once its lease runs out. Each message is marked
//! sent as soon as the SMTP server accepts it (grouped with the other
//! results of that moment in one transaction), so a restart resends at most
//! what was in flight.

use std::sync::Arc;
use std::time::Duration;

use diesel::Connection;
use futures_util::StreamExt;
use futures_util::stream;
use tokio::sync::Notify;

use super::compose::ListInfo;
use super::transport::{Mailer, SendError};
use super::{Composer, Draft, OutgoingMessage};
use crate::db::models::{ListLabel, OutboxRow};
use crate::db::{Database, DbError, now_ms, outbox};
use crate::domain::{SubscriberEmail, Token};

/// How many messages one round claims.
const BATCH: i64 = 128;
/// How many of them are handed to the transport at once; as many SMTP
/// connections are kept open for the next round.
pub(super) const CONCURRENCY: usize = 32;
/// The pause after a round in which every message failed.
const OUTAGE_PAUSE: Duration = Duration::from_secs(1);
/// Long enough for a round: 128 messages, 32 at a time, each bounded by the
/// SMTP client's 25 s.
const LEASE: Duration = Duration::from_secs(120);
/// How often an idle worker looks for work queued by other processes.
const IDLE_POLL: Duration = Duration::from_secs(1);
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);
/// Past this age a message that still cannot be handed over is given up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 86_400);

/// The wait before attempt `attempts + 1`, after `attempts` failures:
/// 5 s, 10 s, 20 s, … never over 5 minutes.
pub fn backoff(attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1));
    FIRST_RETRY.saturating_mul(factor).min(MAX_RETRY)
}

pub struct DeliveryWorker {
    db: Database,
    mailer: Arc<Mailer>,
    wake: Arc<Notify>,
    composer: Composer,
}

impl DeliveryWorker {
    pub fn new(db: Database, mailer: Arc<Mailer>, wake: Arc<Notify>, composer: Composer) -> Self {
        Self {
            db,
            mailer,
            wake,
            composer,
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Runs until the task is dropped.
    pub async fn run(self) {
        loop {
            match self.round().await {
                Ok(round) if round.claimed == 0 => self.idle().await,
                // While the relay refuses everything, pause between rounds
                // rather than churn through every due message at once; each
                // message keeps its own backoff.
                Ok(round) if round.all_failed() => tokio::time::sleep(OUTAGE_PAUSE).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "delivery round failed");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }

    async fn idle(&self) {
        let next = self
            .db
            .read(|c| outbox::next_due(c).map_err(DbError::from))
            .await;
        let wait = match next {
            Ok(Some(due)) => {
                Duration::from_millis(due.saturating_sub(now_ms()).max(0) as u64).min(IDLE_POLL)
            }
            _ => IDLE_POLL,
        };
        if wait.is_zero() {
            return;
        }
        tokio::select! {
            _ = self.wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }

    /// Claims one batch, sends it, and records the results as they come;
    /// returns what happened.
    async fn round(&self) -> Result<Round, DbError> {
        let claim = Token::generate()
            .map_err(|e| DbError::Task(e.to_string()))?
            .as_str()
            .to_owned();
        let lease_ms = LEASE.as_millis() as i64;
        let rows = {
            let claim = claim.clone();
            self.db
                .write(move |c| {
                    outbox::claim_due(c, &claim, now_ms(), lease_ms, BATCH).map_err(DbError::from)
                })
                .await?
        };
        // Each result is recorded in the first write after its send ends,
        // together with whatever else ended meanwhile.
        let mut results = stream::iter(rows)
            .map(|(row, list)| self.send(row, list))
            .buffer_unordered(CONCURRENCY)
            .ready_chunks(CONCURRENCY);
        let mut round = Round {
            claimed: 0,
            sent: 0,
        };
        while let Some(outcomes) = results.next().await {
            round.claimed += outcomes.len();
            round.sent += outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Sent { .. }))
                .count();
            let (claim, now) = (claim.clone(), now_ms());
            self.db
                .write(move |c| {
                    c.transaction(|c| {
                        for outcome in &outcomes {
                            match outcome {
                                Outcome::Sent { id } => outbox::mark_sent(c, *id, &claim, now)?,
                                Outcome::Retry { id, at, error } => {
                                    outbox::mark_retry(c, *id, &claim, *at, error)?
                                }
                                Outcome::Failed { id, error } => {
                                    outbox::mark_failed(c, *id, &claim, error)?
                                }
                            }
                        }
                        Ok::<_, diesel::result::Error>(())
                    })
                    .map_err(DbError::from)
                })
                .await?;
        }
        Ok(round)
    }

    /// Composes one message, hands it to the transport and decides what to
    /// record.
    async fn send(&self, row: OutboxRow, list: Option<ListLabel>) -> Outcome {
        let id = row.id;
        let composed = match self.compose(&row, list.as_ref()) {
            Ok(composed) => composed,
            Err(error) => {
                tracing::error!(id, kind = %row.kind, %error, "message cannot be composed");
                return Outcome::Failed { id, error };
            }
        };
        let (sender, recipient, bytes) = match &composed {
            Some(message) => (message.sender(), message.recipient(), message.bytes()),
            None => (
                row.sender.as_str(),
                row.recipient.as_str(),
                &row.message[..],
            ),
        };
        let result = self.mailer.send(sender, recipient, bytes).await;
        let attempts = u32::try_from(row.attempts)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let now = now_ms();
        match result {
            Ok(()) => {
                tracing::debug!(id, kind = %row.kind, "message accepted");
                Outcome::Sent { id }
            }
            Err(SendError::Permanent(error)) => {
                tracing::warn!(id, kind = %row.kind, %error, "message refused for good");
                Outcome::Failed { id, error }
            }
            Err(SendError::Transient(error)) => {
                let age = Duration::from_millis(now.saturating_sub(row.created_at).max(0) as u64);
                if age > GIVE_UP_AFTER {
                    tracing::warn!(id, kind = %row.kind, %error, "message given up after repeated failures");
                    let error = format!("gave up after {attempts} attempts: {error}");
                    Outcome::Failed { id, error }
                } else {
                    let wait = backoff(attempts);
                    tracing::warn!(id, kind = %row.kind, %error, retry_in = ?wait, "message not sent, will retry");
                    Outcome::Retry {
                        id,
                        at: now + wait.as_millis() as i64,
                        error,
                    }
                }
            }
        }
    }
}

impl DeliveryWorker {
    /// The message a row stands for, composed from its draft; `None` for a
    /// row queued before drafts, which holds its message whole.
    fn compose(
        &self,
        row: &OutboxRow,
        list: Option<&ListLabel>,
    ) -> Result<Option<OutgoingMessage>, String> {
        let Some(unsubscribe) = &row.unsubscribe_link else {
            return Ok(None);
        };
        let draft = Draft::from_stored(&row.kind, row.confirm_link.as_deref(), unsubscribe)
            .ok_or("its stored links do not make a message")?;
        let list = list.ok_or("it belongs to no subscription")?;
        let to = SubscriberEmail::parse(&row.recipient).map_err(|e| e.to_string())?;
        let list = ListInfo {
            name: &list.name,
            slug: &list.slug,
            description: &list.description,
        };
        self.composer
            .compose_draft(&draft, &to, &list)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

/// What one round did.
struct Round {
    claimed: usize,
    sent: usize,
}

impl Round {
    /// Everything claimed failed: the relay is probably down.
    fn all_failed(&self) -> bool {
        self.claimed > 0 && self.sent == 0
    }
}

/// The result of one message, recorded with the rest of its round.
enum Outcome {
    Sent { id: i64 },
    Retry { id: i64, at: i64, error: String },
    Failed { id: i64, error: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_within_ten_seconds_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(3), Duration::from_secs(20));
        assert_eq!(backoff(7), Duration::from_secs(300));
        assert_eq!(backoff(u32::MAX), Duration::from_secs(300));
    }
}
