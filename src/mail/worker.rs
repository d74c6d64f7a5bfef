//! The delivery worker: sends what the outbox holds, retrying with backoff.
//!
//! Messages are claimed for a lease, so several processes on one PostgreSQL
//! database never send the same message twice, and a claim left by a process
//! that died is taken over once its lease runs out. Each message is marked
//! sent as soon as the SMTP server accepts it, so a restart resends at most
//! what was in flight.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;
use tokio::sync::Notify;

use super::transport::{Mailer, SendError};
use crate::db::models::OutboxRow;
use crate::db::{Database, DbError, now_ms, outbox};
use crate::domain::Token;

/// How many messages one round claims and sends at once.
const BATCH: i64 = 16;
/// Long enough for a round of sends bounded by the SMTP timeout.
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
}

impl DeliveryWorker {
    pub fn new(db: Database, mailer: Arc<Mailer>, wake: Arc<Notify>) -> Self {
        Self { db, mailer, wake }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Runs until the task is dropped.
    pub async fn run(self) {
        loop {
            match self.round().await {
                Ok(0) => self.idle().await,
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "delivery round failed");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }

    /// Sends what is due until nothing is; returns how many were sent.
    pub async fn drain(&self) -> Result<usize, DbError> {
        let mut total = 0;
        loop {
            match self.round().await? {
                0 => return Ok(total),
                n => total += n,
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

    /// Claims one batch and delivers it; returns how many were claimed.
    async fn round(&self) -> Result<usize, DbError> {
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
        let claimed = rows.len();
        stream::iter(rows)
            .for_each_concurrent(None, |row| self.deliver(row, &claim))
            .await;
        Ok(claimed)
    }

    async fn deliver(&self, row: OutboxRow, claim: &str) {
        let result = self
            .mailer
            .send(&row.sender, &row.recipient, &row.message)
            .await;
        let claim = claim.to_owned();
        let id = row.id;
        let attempts = u32::try_from(row.attempts)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let now = now_ms();
        let recorded = match &result {
            Ok(()) => {
                tracing::debug!(id, kind = %row.kind, "message accepted");
                self.db
                    .write(move |c| outbox::mark_sent(c, id, &claim, now).map_err(DbError::from))
                    .await
            }
            Err(SendError::Permanent(error)) => {
                tracing::warn!(id, kind = %row.kind, %error, "message refused for good");
                let error = error.clone();
                self.db
                    .write(move |c| {
                        outbox::mark_failed(c, id, &claim, &error).map_err(DbError::from)
                    })
                    .await
            }
            Err(SendError::Transient(error)) => {
                let age = Duration::from_millis(now.saturating_sub(row.created_at).max(0) as u64);
                let error = error.clone();
                if age > GIVE_UP_AFTER {
                    tracing::warn!(id, kind = %row.kind, %error, "message given up after repeated failures");
                    let error = format!("gave up after {attempts} attempts: {error}");
                    self.db
                        .write(move |c| {
                            outbox::mark_failed(c, id, &claim, &error).map_err(DbError::from)
                        })
                        .await
                } else {
                    let wait = backoff(attempts);
                    tracing::warn!(id, kind = %row.kind, %error, retry_in = ?wait, "message not sent, will retry");
                    let next = now + wait.as_millis() as i64;
                    self.db
                        .write(move |c| {
                            outbox::mark_retry(c, id, &claim, next, &error).map_err(DbError::from)
                        })
                        .await
                }
            }
        };
        if let Err(e) = recorded {
            // The claim lapses and the message is tried again.
            tracing::error!(id, error = %e, "could not record a delivery result");
        }
    }
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
