//! Delivery: sends what the outbox holds, retrying with backoff.
//!
//! Messages are claimed by this process, so several processes on one
//! PostgreSQL database never send the same message twice, and a claim left
//! by a process that died is given back by the heartbeat's reaper. Each
//! message is recorded as sent the moment the SMTP server accepts it, so a
//! process killed mid-round resends only the transactions open at that
//! instant.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;

use super::Ctx;
use crate::db::models::{Broadcast, BroadcastStatus, ListLabel, OutboxRow};
use crate::db::outbox::{self, Claimed};
use crate::db::pacing::Pace;
use crate::db::sequences::{self, Place, Step};
use crate::db::{DbError, broadcasts, deferrals};
use crate::domain::message::Of;
use crate::domain::{
    BounceKind, BroadcastId, Draft, Evidence, MessageId, MessageKind, MessageStatus,
    SequenceStepId, Status, SubscriberEmail,
};
use crate::mail::{BroadcastCopy, CONCURRENCY, ListInfo, OutgoingMessage, Recipient, SendError};
use crate::services::{ServiceError, bounces};
use crate::telemetry::redacted;

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
                idle(&ctx, round.paced_until).await;
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

/// Waits for a wake-up, the next due message, the next paced slot or the
/// next poll.
async fn idle(ctx: &Ctx, paced_until: Option<i64>) {
    let clock = ctx.services.clock.clone();
    let next = ctx
        .services
        .db
        .read(|c| outbox::next_due(c).map_err(DbError::from))
        .await;
    let now = clock.now().ms();
    let until = |at: i64| Duration::from_millis(at.saturating_sub(now).max(0) as u64);
    let wait = match (paced_until, next) {
        // Copies wait for their pace; anything else wakes the loop.
        (Some(paced), _) => until(paced).max(Duration::from_millis(1)),
        (None, Ok(Some(due))) => until(due),
        (None, _) => IDLE_POLL,
    }
    .min(IDLE_POLL);
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
    paced_until: Option<i64>,
}

impl Round {
    /// Everything claimed failed: the relay is probably down.
    fn all_failed(&self) -> bool {
        self.claimed > 0 && self.sent == 0
    }
}

/// What the copies in a round are copies of: their broadcasts and
/// sequence steps, read afresh each round so that a pause or a cancel
/// stops copies not yet handed over, and an edited step is sent as it
/// reads now.
#[derive(Default)]
struct Originals {
    broadcasts: HashMap<BroadcastId, (Broadcast, ListLabel, BroadcastCopy)>,
    /// Each step, whether its sequence is active, its copy, and its
    /// place in the sequence.
    steps: HashMap<SequenceStepId, (Step, bool, BroadcastCopy, Place)>,
}

impl Originals {
    async fn of(ctx: &Ctx, messages: &[Claimed]) -> Result<Self, DbError> {
        let mut ids: Vec<BroadcastId> =
            messages.iter().filter_map(|m| m.row.broadcast_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut steps: Vec<SequenceStepId> = messages
            .iter()
            .filter_map(|m| m.row.sequence_step_id)
            .collect();
        steps.sort_unstable();
        steps.dedup();
        if ids.is_empty() && steps.is_empty() {
            return Ok(Self::default());
        }
        let (broadcasts, steps) = ctx
            .services
            .db
            .read(move |c| {
                let broadcasts = if ids.is_empty() {
                    Vec::new()
                } else {
                    broadcasts::of_ids(c, &ids)?
                };
                let steps = if steps.is_empty() {
                    Vec::new()
                } else {
                    sequences::steps_of(c, &steps)?
                };
                Ok::<_, DbError>((broadcasts, steps))
            })
            .await?;
        Ok(Self {
            broadcasts: broadcasts
                .into_iter()
                .map(|(b, list)| {
                    let copy = BroadcastCopy::new(&b.subject, &b.body);
                    (b.id, (b, list, copy))
                })
                .collect(),
            steps: steps
                .into_iter()
                .map(|(step, active, place)| {
                    let copy = BroadcastCopy::new(&step.subject, &step.body);
                    (step.id, (step, active, copy, place))
                })
                .collect(),
        })
    }
}

/// Claims one batch and sends it, [`CONCURRENCY`] at a time, recording each
/// result as soon as it is known.
async fn round(ctx: &Arc<Ctx>) -> Result<Round, DbError> {
    let clock = ctx.services.clock.clone();
    // The rate in force, which the settings may change between two claims.
    let pace = Pace(std::num::NonZeroU32::new(ctx.services.policy().send_rate));
    let claim = ctx.process.clone();
    let claimed = ctx
        .services
        .db
        .write(move |c| {
            outbox::claim_due(c, &claim, clock.now().ms(), BATCH, pace).map_err(DbError::from)
        })
        .await?;
    let originals = Originals::of(ctx, &claimed.messages).await?;
    // The domains held after a 4xx, read each round: another process may
    // have held or freed one.
    let held: Held = ctx
        .services
        .db
        .read(|c| deferrals::all(c).map_err(DbError::from))
        .await?
        .into_iter()
        .collect();
    let count = claimed.messages.len();
    let sent = stream::iter(claimed.messages)
        .map(|message| deliver(ctx, message, &originals, &held))
        .buffer_unordered(CONCURRENCY)
        .filter(|sent| std::future::ready(*sent))
        .count()
        .await;
    Ok(Round {
        claimed: count,
        sent,
        paced_until: claimed.paced_until,
    })
}

/// Recipient domains held after a 4xx, and until when.
type Held = HashMap<String, i64>;

/// The domain of an address, as deferrals name it.
fn domain_of(recipient: &str) -> String {
    recipient
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain)
        .to_ascii_lowercase()
}

/// The first hold of a domain: 1 to 10 seconds, spread over the messages
/// so that the domains held at once are not all tried at the same moment.
fn first_hold_ms(id: MessageId) -> i64 {
    1000 + id.0.wrapping_mul(7919).rem_euclid(9001)
}

/// Sends one message, or finds it must not go or must wait for its domain,
/// and records what became of it; true if it was sent.
async fn deliver(ctx: &Arc<Ctx>, message: Claimed, originals: &Originals, held: &Held) -> bool {
    let clock = ctx.services.clock.clone();
    let domain = domain_of(&message.row.recipient);
    let hold = held
        .get(&domain)
        .copied()
        .filter(|until| *until > clock.now().ms());
    // The relay it was handed to, when it was.
    let (relay, outcome) = match (hold, not_to_send(&message, originals)) {
        (_, Some(outcome)) => (String::new(), outcome),
        (Some(until), None) => (
            String::new(),
            Outcome::PutOff {
                id: message.row.id,
                until,
            },
        ),
        (None, None) => send(ctx, &message, originals).await,
    };
    let was_held = held.contains_key(&domain);
    let sent = matches!(outcome, Outcome::Sent { .. });
    let kind = message.row.kind.as_str();
    match &outcome {
        Outcome::Sent { .. } => ctx.services.metrics.sent(kind),
        Outcome::Failed { .. } => ctx.services.metrics.failed(kind),
        _ => {}
    }
    let (claim, recipient) = (ctx.process.clone(), message.row.recipient.clone());
    // A step's copy that went, or failed for good, moves its person on.
    let step = message
        .row
        .sequence_step_id
        .and_then(|s| originals.steps.get(&s))
        .map(|(.., place)| *place)
        .zip(message.row.subscription_id);
    let hooks = ctx.services.webhooks.clone();
    let recorded = ctx
        .services
        .db
        .write(move |c| {
            let now = clock.now().ms();
            match &outcome {
                Outcome::Sent { id } => {
                    outbox::mark_sent(c, *id, &relay, now)?;
                    if was_held {
                        deferrals::end(c, &domain)?;
                    }
                    if let Some((place, subscription)) = &step {
                        sequences::advance(c, place, *subscription, now)?;
                    }
                }
                Outcome::Deferred { id, error } => {
                    let until = deferrals::defer(c, &domain, now, first_hold_ms(*id))?;
                    outbox::mark_retry(c, *id, &claim, &relay, until, error)?;
                }
                Outcome::PutOff { id, until } => outbox::put_off(c, *id, &claim, *until)?,
                Outcome::Retry { id, at, error } => {
                    outbox::mark_retry(c, *id, &claim, &relay, *at, error)?
                }
                Outcome::Failed { id, error, refused } => {
                    outbox::mark_failed(c, *id, &claim, &relay, error, *refused)?;
                    if let Some((place, subscription)) = &step {
                        sequences::advance(c, place, *subscription, now)?;
                    }
                    if *refused {
                        // A 5xx refusal of the recipient is a hard bounce.
                        let report = bounces::Report {
                            email: recipient,
                            kind: BounceKind::Hard,
                        };
                        let source = format!("SMTP delivery: {error}");
                        bounces::record(c, &hooks, &report, &source, &Evidence::default(), now)?;
                    }
                }
                Outcome::Skipped { id, why } => outbox::mark_skipped(c, *id, why)?,
                Outcome::Stopped { id, status } => outbox::put_back(c, *id, &claim, *status)?,
            }
            Ok::<_, ServiceError>(())
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
    /// The recipient's server answered 4xx: the message, and the others
    /// to its domain, wait as the domain's hold says.
    Deferred {
        id: MessageId,
        error: String,
    },
    /// Not tried: its domain is held until then.
    PutOff {
        id: MessageId,
        until: i64,
    },
    Failed {
        id: MessageId,
        error: String,
        /// The server refused the recipient: a hard bounce.
        refused: bool,
    },
    /// A broadcast or sequence copy whose recipient is gone.
    Skipped {
        id: MessageId,
        why: &'static str,
    },
    /// A copy of a broadcast or sequence paused (`Held`), or of a broadcast
    /// cancelled, since it was claimed.
    Stopped {
        id: MessageId,
        status: MessageStatus,
    },
}

/// Why a broadcast or sequence copy must not go, checked as it goes out:
/// its broadcast was paused or cancelled, its sequence paused, its
/// subscription ended, the address bounced.
fn not_to_send(message: &Claimed, originals: &Originals) -> Option<Outcome> {
    let row = &message.row;
    let id = row.id;
    let stopped = |status| Some(Outcome::Stopped { id, status });
    match row.kind {
        MessageKind::Broadcast => match row.broadcast_id.and_then(|b| originals.broadcasts.get(&b))
        {
            Some((broadcast, ..)) if broadcast.status == BroadcastStatus::Paused => {
                return stopped(MessageStatus::Held);
            }
            Some((broadcast, ..)) if broadcast.status == BroadcastStatus::Cancelled => {
                return stopped(MessageStatus::Cancelled);
            }
            _ => {}
        },
        MessageKind::Sequence => {
            if let Some((_, false, ..)) = row.sequence_step_id.and_then(|s| originals.steps.get(&s))
            {
                return stopped(MessageStatus::Held);
            }
        }
        _ => return None,
    }
    if message.status != Some(Status::Confirmed) {
        return Some(Outcome::Skipped {
            id,
            why: "no longer subscribed",
        });
    }
    if message.bounced_at.is_some() {
        return Some(Outcome::Skipped {
            id,
            why: "the address bounced or complained",
        });
    }
    None
}

/// Composes one message, hands it to the transport and decides what to
/// record.
/// Composes and hands over one message; says which relay took it.
async fn send(ctx: &Ctx, message: &Claimed, originals: &Originals) -> (String, Outcome) {
    let clock = ctx.services.clock.clone();
    let row = &message.row;
    let id = row.id;
    let composed = match compose(ctx, message, originals) {
        Ok(composed) => composed,
        Err(error) => {
            tracing::error!(%id, kind = %row.kind, %error, "message cannot be composed");
            let failed = Outcome::Failed {
                id,
                error,
                refused: false,
            };
            return (String::new(), failed);
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
    let handed = ctx.mailer.send(sender, recipient, bytes).await;
    (
        handed.relay,
        outcome_of(row, handed.result, clock.now().ms()),
    )
}

/// What came of handing `row` over at `now`.
fn outcome_of(row: &OutboxRow, result: Result<(), SendError>, now: i64) -> Outcome {
    let id = row.id;
    let attempts = u32::try_from(row.attempts)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    match result {
        Ok(()) => {
            tracing::debug!(%id, kind = %row.kind, "message accepted");
            Outcome::Sent { id }
        }
        Err(e @ (SendError::Permanent(_) | SendError::RecipientRefused(_))) => {
            let refused = matches!(e, SendError::RecipientRefused(_));
            let error = e.to_string();
            tracing::warn!(%id, kind = %row.kind, error = %redacted(&error), "message refused for good");
            Outcome::Failed { id, error, refused }
        }
        Err(e @ (SendError::Transient(_) | SendError::Unreachable(_) | SendError::Deferred(_))) => {
            let deferred = matches!(e, SendError::Deferred(_));
            let error = e.to_string();
            // A copy sent once more on an operator's word gets its own days.
            let since = row.retried_at.unwrap_or(row.created_at);
            let age = Duration::from_millis(now.saturating_sub(since).max(0) as u64);
            if age > GIVE_UP_AFTER {
                tracing::warn!(%id, kind = %row.kind, error = %redacted(&error), "message given up after repeated failures");
                let error = format!("gave up after {attempts} attempts: {error}");
                Outcome::Failed {
                    id,
                    error,
                    refused: false,
                }
            } else if deferred {
                tracing::warn!(%id, kind = %row.kind, error = %redacted(&error), "message deferred with its domain");
                Outcome::Deferred { id, error }
            } else {
                let wait = backoff(attempts);
                tracing::warn!(%id, kind = %row.kind, error = %redacted(&error), retry_in = ?wait, "message not sent, will retry");
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
    message: &Claimed,
    originals: &Originals,
) -> Result<Option<OutgoingMessage>, String> {
    let row = &message.row;
    let Some(unsubscribe) = &row.unsubscribe_link else {
        return Ok(None);
    };
    let draft = Draft::from_stored(
        row.kind,
        row.confirm_link.as_deref(),
        unsubscribe,
        Of::stored(row.broadcast_id, row.sequence_step_id),
    )
    .ok_or("its stored links do not make a message")?;
    let broadcast = draft.broadcast().and_then(|b| originals.broadcasts.get(&b));
    let step = draft.step().and_then(|s| originals.steps.get(&s));
    // A copy names its broadcast's list; a test copy has no subscription.
    let list = match broadcast {
        Some((_, list, _)) => list,
        None => message
            .list
            .as_ref()
            .ok_or("it belongs to no subscription")?,
    };
    let to = SubscriberEmail::parse(&row.recipient).map_err(|e| e.to_string())?;
    let fields = crate::services::fields::by_key(&ctx.services.fields.get(), &message.fields);
    let list = ListInfo {
        lang: list.lang(),
        name: &list.name,
        slug: &list.slug,
        description: &list.description,
    };
    ctx.services
        .composer
        .compose_draft(
            &ctx.services.policy(),
            &draft,
            Recipient {
                email: &to,
                name: message.name.as_deref(),
                fields: &fields,
            },
            &list,
            broadcast
                .map(|(_, _, copy)| copy)
                .or(step.map(|(_, _, copy, _)| copy)),
        )
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
