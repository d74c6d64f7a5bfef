//! Delivery: sends what the outbox holds, retrying with backoff.
//!
//! Messages are claimed by this process, so several processes on one
//! PostgreSQL database never send the same message twice, and a claim left
//! by a process that died is given back by the heartbeat's reaper. Each
//! message is recorded as sent the moment the SMTP server accepts it, so a
//! process killed mid-round resends only the transactions open at that
//! instant.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;

use super::Ctx;
use crate::db::models::{ListLabel, OutboxRow};
use crate::db::outbox::{self, Claimed};
use crate::db::{DbError, now_ms};
use crate::domain::{Draft, MessageId, SubscriberEmail};
use crate::mail::{CONCURRENCY, ListInfo, OutgoingMessage, SendError};

/// How many messages one round claims.
pub const BATCH: i64 = 128;
/// The pause after a round in which every message failed.
const OUTAGE_PAUSE: Duration = Duration::from_secs(1);
/// How often an idle process looks for work queued by other processes.
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

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    loop {
        match round(&ctx).await {
            Ok(round) if round.claimed == 0 => {
                ctx.delivery_idle();
                idle(&ctx).await;
            }
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

/// Waits for a wake-up, the next due message or the next poll.
async fn idle(ctx: &Ctx) {
    let next = ctx
        .services
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
        _ = ctx.services.wake.delivery_called() => {}
        _ = tokio::time::sleep(wait) => {}
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

/// Claims one batch and sends it, [`CONCURRENCY`] at a time, recording each
/// result as soon as it is known.
async fn round(ctx: &Arc<Ctx>) -> Result<Round, DbError> {
    let claim = ctx.process.clone();
    let rows = ctx
        .services
        .db
        .write(move |c| outbox::claim_due(c, &claim, now_ms(), BATCH).map_err(DbError::from))
        .await?;
    let claimed = rows.len();
    let sent = stream::iter(rows)
        .map(|row| deliver(ctx, row))
        .buffer_unordered(CONCURRENCY)
        .filter(|sent| std::future::ready(*sent))
        .count()
        .await;
    Ok(Round { claimed, sent })
}

/// Sends one message and records what became of it; true if it was sent.
async fn deliver(ctx: &Arc<Ctx>, (row, list): Claimed) -> bool {
    let outcome = send(ctx, row, list).await;
    let sent = matches!(outcome, Outcome::Sent { .. });
    let claim = ctx.process.clone();
    let recorded = ctx
        .services
        .db
        .write(move |c| {
            let now = now_ms();
            match &outcome {
                Outcome::Sent { id } => outbox::mark_sent(c, *id, now),
                Outcome::Retry { id, at, error } => outbox::mark_retry(c, *id, &claim, *at, error),
                Outcome::Failed { id, error } => outbox::mark_failed(c, *id, &claim, error),
            }
            .map_err(DbError::from)
        })
        .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "recording a delivery");
    }
    ctx.worked();
    sent
}

/// The result of one message.
enum Outcome {
    Sent {
        id: MessageId,
    },
    Retry {
        id: MessageId,
        at: i64,
        error: String,
    },
    Failed {
        id: MessageId,
        error: String,
    },
}

/// Composes one message, hands it to the transport and decides what to
/// record.
async fn send(ctx: &Ctx, row: OutboxRow, list: Option<ListLabel>) -> Outcome {
    let id = row.id;
    let composed = match compose(ctx, &row, list.as_ref()) {
        Ok(composed) => composed,
        Err(error) => {
            tracing::error!(%id, kind = %row.kind, %error, "message cannot be composed");
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
    let result = ctx.mailer.send(sender, recipient, bytes).await;
    let attempts = u32::try_from(row.attempts)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let now = now_ms();
    match result {
        Ok(()) => {
            tracing::debug!(%id, kind = %row.kind, "message accepted");
            Outcome::Sent { id }
        }
        Err(SendError::Permanent(error)) => {
            tracing::warn!(%id, kind = %row.kind, %error, "message refused for good");
            Outcome::Failed { id, error }
        }
        Err(SendError::Transient(error)) => {
            let age = Duration::from_millis(now.saturating_sub(row.created_at).max(0) as u64);
            if age > GIVE_UP_AFTER {
                tracing::warn!(%id, kind = %row.kind, %error, "message given up after repeated failures");
                let error = format!("gave up after {attempts} attempts: {error}");
                Outcome::Failed { id, error }
            } else {
                let wait = backoff(attempts);
                tracing::warn!(%id, kind = %row.kind, %error, retry_in = ?wait, "message not sent, will retry");
                Outcome::Retry {
                    id,
                    at: now + wait.as_millis() as i64,
                    error,
                }
            }
        }
    }
}

/// The message a row stands for, composed from its draft; `None` for a row
/// queued before drafts, which holds its message whole.
fn compose(
    ctx: &Ctx,
    row: &OutboxRow,
    list: Option<&ListLabel>,
) -> Result<Option<OutgoingMessage>, String> {
    let Some(unsubscribe) = &row.unsubscribe_link else {
        return Ok(None);
    };
    let draft = Draft::from_stored(row.kind, row.confirm_link.as_deref(), unsubscribe)
        .ok_or("its stored links do not make a message")?;
    let list = list.ok_or("it belongs to no subscription")?;
    let to = SubscriberEmail::parse(&row.recipient).map_err(|e| e.to_string())?;
    let list = ListInfo {
        name: &list.name,
        slug: &list.slug,
        description: &list.description,
    };
    ctx.services
        .composer
        .compose_draft(&draft, &to, &list)
        .map(Some)
        .map_err(|e| e.to_string())
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
