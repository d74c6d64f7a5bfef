//! The mail outbox: messages are written here in the same transaction as the
//! change that causes them, and the delivery job sends them from here.
//!
//! A message is claimed by the process that sends it; the claim is given
//! back when that process's heartbeat stops (see [`super::processes`]).

use diesel::prelude::*;

use super::models::{ListLabel, OutboxRow};
use super::pacing::{self, Pace};
use super::schema::{lists, outbox, subscribers, subscriptions};
use super::{DbConn, backend};
use crate::domain::message::Of;
use crate::domain::{
    BroadcastId, Draft, Lane, ListId, MessageId, MessageKind, MessageStatus, Status,
    SubscriberEmail, SubscriberId, SubscriptionId,
};

/// Who a message goes to.
pub struct Recipient<'a> {
    /// `None` only for a test copy sent to an operator's address.
    pub subscription_id: Option<SubscriptionId>,
    pub email: &'a SubscriberEmail,
    /// The envelope sender, as configured when the message is queued.
    pub sender: &'a str,
}

/// Queues a message to go out in `lane`. Only its [`Draft`] is stored,
/// which always holds an unsubscribe link; the delivery job composes the
/// message with its List-* headers when it sends it.
pub fn enqueue(
    conn: &mut DbConn,
    draft: &Draft,
    to: &Recipient<'_>,
    lane: Lane,
    now: i64,
) -> QueryResult<()> {
    let confirm_link = draft.action_link().map(ToString::to_string);
    let unsubscribe_link = draft.unsubscribe().to_string();
    let kind = draft.kind();
    on_backend!(conn, |c| diesel::insert_into(outbox::table)
        .values((
            outbox::subscription_id.eq(to.subscription_id),
            outbox::kind.eq(kind),
            outbox::sender.eq(to.sender),
            outbox::recipient.eq(to.email.as_str()),
            outbox::message.eq(&[] as &[u8]),
            outbox::confirm_link.eq(&confirm_link),
            outbox::unsubscribe_link.eq(&unsubscribe_link),
            outbox::status.eq(MessageStatus::Queued),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
            outbox::priority.eq(lane.priority()),
            outbox::broadcast_id.eq(draft.broadcast()),
            outbox::sequence_step_id.eq(draft.step()),
        ))
        .execute(c))
    .map(|_| ())
}

/// Records a recipient of a broadcast or sequence step who was confirmed
/// when it was addressed to them but is no longer: no copy goes, and the
/// counts say so.
pub fn enqueue_skipped(
    conn: &mut DbConn,
    of: Of,
    subscription: SubscriptionId,
    recipient: &str,
    now: i64,
) -> QueryResult<()> {
    let (kind, broadcast, step) = match of {
        Of::Broadcast(broadcast) => (MessageKind::Broadcast, Some(broadcast), None),
        Of::Step(step) => (MessageKind::Sequence, None, Some(step)),
        Of::Nothing => return Ok(()),
    };
    diesel::insert_into(outbox::table)
        .values((
            outbox::subscription_id.eq(subscription),
            outbox::kind.eq(kind),
            outbox::sender.eq(""),
            outbox::recipient.eq(recipient),
            outbox::message.eq(&[] as &[u8]),
            outbox::status.eq(MessageStatus::Skipped),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::last_error.eq("no longer subscribed"),
            outbox::created_at.eq(now),
            outbox::priority.eq(Lane::Newsletters.priority()),
            outbox::broadcast_id.eq(broadcast),
            outbox::sequence_step_id.eq(step),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Times at which messages of `kind` were queued since `since`, newest
/// first, for the subscriptions to `list` of every address with the mailbox
/// key `key` (`SubscriberEmail::key`); the resend caps are counted from these.
pub fn queued_times_for_mailbox(
    conn: &mut DbConn,
    key: &str,
    list: ListId,
    kind: MessageKind,
    since: i64,
) -> QueryResult<Vec<i64>> {
    // Three lookups, each on its own index, rather than one join: on every
    // signup, and PostgreSQL with stale statistics would hash the whole
    // list's subscriptions to join them (2 ms a signup at a few thousand).
    let addresses: Vec<SubscriberId> = subscribers::table
        .filter(subscribers::email_key.eq(key))
        .select(subscribers::id)
        .load(conn)?;
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    let subscriptions: Vec<Option<SubscriptionId>> = subscriptions::table
        .filter(subscriptions::subscriber_id.eq_any(&addresses))
        .filter(subscriptions::list_id.eq(list))
        .select(subscriptions::id.nullable())
        .load(conn)?;
    if subscriptions.is_empty() {
        return Ok(Vec::new());
    }
    outbox::table
        .filter(outbox::subscription_id.eq_any(&subscriptions))
        .filter(outbox::kind.eq(kind))
        .filter(outbox::created_at.ge(since))
        .order(outbox::created_at.desc())
        .select(outbox::created_at)
        .load(conn)
}

/// Drops what is still waiting for a subscription that just ended, and the
/// live links it held.
pub fn cancel_for_subscription(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::subscription_id.eq(subscription_id))
            .filter(outbox::status.eq(MessageStatus::Queued)),
    )
    .set((
        outbox::status.eq(MessageStatus::Cancelled),
        outbox::message.eq(Vec::<u8>::new()),
        outbox::confirm_link.eq(None::<String>),
        outbox::unsubscribe_link.eq(None::<String>),
    ))
    .execute(conn)
}

/// A message claimed for sending, with what composing and checking it
/// needs: the list its subscription is to (which its message names), and
/// the subscription's status and the address's suppression, which a
/// broadcast copy is checked against as it goes out.
pub struct Claimed {
    pub row: OutboxRow,
    pub list: Option<ListLabel>,
    pub status: Option<Status>,
    pub bounced_at: Option<i64>,
    /// The name the subscriber gave, which a message may show.
    pub name: Option<String>,
    /// The subscriber's values of the operators' fields, (field id, value).
    pub fields: Vec<(i64, String)>,
}

/// A claimed row as the join reads it.
type ClaimedRow = (
    OutboxRow,
    Option<ListLabel>,
    Option<Status>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

/// What one claim took.
pub struct Claim {
    pub messages: Vec<Claimed>,
    /// Broadcast copies are due but the pace allows none before this time.
    pub paced_until: Option<i64>,
}

/// Claims up to `limit` due messages for the process `claim` and loads
/// them: transactional mail first, then as much paced mail as the pace
/// allows in the room left, requests before newsletters.
pub fn claim_due(
    conn: &mut DbConn,
    claim: &str,
    now: i64,
    limit: i64,
    pace: Pace,
) -> QueryResult<Claim> {
    let (ids, paced_until) = conn.transaction(|conn| {
        let mut ids = backend::due_messages(conn, Lane::Transactional.priority(), now, limit)?;
        let room = limit - ids.len() as i64;
        let mut paced_until = None;
        if room > 0 {
            let mut copies = Vec::new();
            for lane in Lane::PACED {
                let left = room - copies.len() as i64;
                if left > 0 {
                    copies.extend(backend::due_messages(conn, lane.priority(), now, left)?);
                }
            }
            if let Some(rate) = pace.0
                && !copies.is_empty()
            {
                let (allowed, next) = pacing::take_slots(conn, rate, copies.len(), now * 1000)?;
                copies.truncate(allowed);
                if allowed == 0 {
                    paced_until = Some(next / 1000 + 1);
                }
            }
            ids.extend(copies);
        }
        if !ids.is_empty() {
            diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
                .set(outbox::claimed_by.eq(claim))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>((ids, paced_until))
    })?;
    if ids.is_empty() {
        return Ok(Claim {
            messages: Vec::new(),
            paced_until,
        });
    }
    let list = (
        lists::name,
        lists::slug,
        lists::description,
        lists::language,
    );
    // Flat joins: SQLite would read the whole of a nested
    // `subscriptions JOIN lists` on the right of a LEFT JOIN first.
    let of_subscription = lists::id.nullable().eq(subscriptions::list_id.nullable());
    let subscriber = subscribers::id
        .nullable()
        .eq(subscriptions::subscriber_id.nullable());
    let rows: Vec<ClaimedRow> = on_backend!(conn, |c| outbox::table
        .left_join(subscriptions::table)
        .left_join(lists::table.on(of_subscription))
        .left_join(subscribers::table.on(subscriber))
        .filter(outbox::id.eq_any(&ids))
        .filter(outbox::claimed_by.eq(claim))
        .order(outbox::id)
        .select((
            OutboxRow::as_select(),
            list.nullable(),
            subscriptions::status.nullable(),
            subscribers::bounced_at.nullable(),
            subscribers::name.nullable(),
            subscribers::id.nullable(),
        ))
        .load(c))?;
    let subscribers: Vec<i64> = rows.iter().filter_map(|r| r.5).collect();
    let values = super::fields::values_of_many(conn, &subscribers)?;
    Ok(Claim {
        messages: rows
            .into_iter()
            .map(|(row, list, status, bounced_at, name, subscriber)| {
                let fields = match subscriber {
                    Some(id) => values
                        .iter()
                        .filter(|(s, _, _)| *s == id)
                        .map(|(_, field, value)| (*field, value.clone()))
                        .collect(),
                    None => Vec::new(),
                };
                Claimed {
                    row,
                    list,
                    status,
                    bounced_at,
                    name,
                    fields,
                }
            })
            .collect(),
        paced_until,
    })
}

/// Records the SMTP server's acceptance, whoever holds the claim now: the
/// message has gone. The links (or the body of a message queued whole) are
/// dropped: they are live link tokens, which the database otherwise keeps
/// only as hashes.
pub fn mark_sent(conn: &mut DbConn, id: MessageId, relay: &str, now: i64) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(MessageStatus::Queued)),
    )
    .set((
        outbox::status.eq(MessageStatus::Sent),
        outbox::sent_at.eq(now),
        outbox::relay.eq((!relay.is_empty()).then_some(relay)),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::message.eq(Vec::<u8>::new()),
        outbox::confirm_link.eq(None::<String>),
        outbox::unsubscribe_link.eq(None::<String>),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(c))
    .map(|_| ())
}

/// Records a failed attempt and when to try again, if `claim` still holds
/// the message.
pub fn mark_retry(
    conn: &mut DbConn,
    id: MessageId,
    claim: &str,
    relay: &str,
    next_attempt_at: i64,
    error: &str,
) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claim)),
    )
    .set((
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::next_attempt_at.eq(next_attempt_at),
        outbox::last_error.eq(error),
        outbox::relay.eq((!relay.is_empty()).then_some(relay)),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Puts a claimed message off until `until` without trying it: its
/// recipient's domain is held. No attempt is counted.
pub fn put_off(conn: &mut DbConn, id: MessageId, claim: &str, until: i64) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claim)),
    )
    .set((
        outbox::next_attempt_at.eq(until),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Records that a broadcast copy was not sent: its recipient was no longer
/// confirmed, or the address was suppressed.
pub fn mark_skipped(conn: &mut DbConn, id: MessageId, why: &str) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(MessageStatus::Queued)),
    )
    .set((
        outbox::status.eq(MessageStatus::Skipped),
        outbox::last_error.eq(why),
        outbox::unsubscribe_link.eq(None::<String>),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Gives a claimed copy back unsent, as `held` (its broadcast was paused)
/// or `cancelled`, if `claim` still holds it.
pub fn put_back(
    conn: &mut DbConn,
    id: MessageId,
    claim: &str,
    status: MessageStatus,
) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claim)),
    )
    .set((
        outbox::status.eq(status),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Holds the waiting copies of a paused broadcast; copies being sent right
/// now are left to finish.
pub fn hold_broadcast(conn: &mut DbConn, broadcast: BroadcastId) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::broadcast_id.eq(broadcast))
            .filter(outbox::status.eq(MessageStatus::Queued))
            .filter(outbox::claimed_by.is_null()),
    )
    .set(outbox::status.eq(MessageStatus::Held))
    .execute(conn)
}

/// Lets a resumed broadcast's copies go again.
pub fn release_broadcast(conn: &mut DbConn, broadcast: BroadcastId) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::broadcast_id.eq(broadcast))
            .filter(outbox::status.eq(MessageStatus::Held)),
    )
    .set(outbox::status.eq(MessageStatus::Queued))
    .execute(conn)
}

/// Drops every copy of a cancelled broadcast that has not gone, and its
/// live links; copies being sent right now are left to finish.
pub fn cancel_broadcast(conn: &mut DbConn, broadcast: BroadcastId) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::broadcast_id.eq(broadcast))
            .filter(outbox::status.eq_any([MessageStatus::Queued, MessageStatus::Held]))
            .filter(outbox::claimed_by.is_null()),
    )
    .set((
        outbox::status.eq(MessageStatus::Cancelled),
        outbox::unsubscribe_link.eq(None::<String>),
    ))
    .execute(conn)
}

/// The failed copies of a broadcast that may be sent once more: failed for
/// a reason other than their recipient, and not retried before.
#[diesel::dsl::auto_type]
fn retryable(broadcast: BroadcastId) -> _ {
    let kind: MessageKind = MessageKind::Broadcast;
    let failed: MessageStatus = MessageStatus::Failed;
    outbox::table
        .filter(outbox::broadcast_id.eq(broadcast))
        .filter(outbox::kind.eq(kind))
        .filter(outbox::status.eq(failed))
        .filter(outbox::refused.eq(false))
        .filter(outbox::retried_at.is_null())
}

/// How many of a broadcast's copies a retry would send.
pub fn retryable_count(conn: &mut DbConn, broadcast: BroadcastId) -> QueryResult<i64> {
    retryable(broadcast).count().get_result(conn)
}

/// Queues those copies again, once; returns how many.
pub fn retry_broadcast(conn: &mut DbConn, broadcast: BroadcastId, now: i64) -> QueryResult<usize> {
    diesel::update(retryable(broadcast))
        .set((
            outbox::status.eq(MessageStatus::Queued),
            outbox::retried_at.eq(now),
            outbox::next_attempt_at.eq(now),
            outbox::claimed_by.eq(None::<String>),
        ))
        .execute(conn)
}

/// How many copies of a broadcast are in each state (test copies aside).
pub fn broadcast_counts(
    conn: &mut DbConn,
    broadcast: BroadcastId,
) -> QueryResult<Vec<(MessageStatus, i64)>> {
    outbox::table
        .filter(outbox::broadcast_id.eq(broadcast))
        .filter(outbox::kind.eq(MessageKind::Broadcast))
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)
}

/// Records a failure that retrying cannot fix, if `claim` still holds the
/// message; `refused` when the recipient's server refused the recipient.
pub fn mark_failed(
    conn: &mut DbConn,
    id: MessageId,
    claim: &str,
    relay: &str,
    error: &str,
    refused: bool,
) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claim)),
    )
    .set((
        outbox::status.eq(MessageStatus::Failed),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_error.eq(error),
        outbox::refused.eq(refused),
        outbox::relay.eq((!relay.is_empty()).then_some(relay)),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// When the next queued message that no process holds falls due, if any.
pub fn next_due(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    outbox::table
        .filter(outbox::status.eq(MessageStatus::Queued))
        .filter(outbox::claimed_by.is_null())
        .select(diesel::dsl::min(outbox::next_attempt_at))
        .first(conn)
}

/// Queued messages by kind, and when the oldest of them was queued.
pub type Depth = (Vec<(String, i64)>, Option<i64>);

pub fn depth(conn: &mut DbConn) -> QueryResult<Depth> {
    let by_kind: Vec<(String, i64)> = outbox::table
        .filter(outbox::status.eq(MessageStatus::Queued))
        .group_by(outbox::kind)
        .select((outbox::kind, diesel::dsl::count_star()))
        .load(conn)?;
    let oldest = outbox::table
        .filter(outbox::status.eq(MessageStatus::Queued))
        .select(diesel::dsl::min(outbox::created_at))
        .first(conn)?;
    Ok((by_kind, oldest))
}

/// Deletes finished messages queued before `before`.
pub fn delete_finished_before(conn: &mut DbConn, before: i64) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::status.ne(MessageStatus::Queued))
            .filter(outbox::created_at.lt(before)),
    )
    .execute(conn)
}
