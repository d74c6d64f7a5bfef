//! The mail outbox: messages are written here in the same transaction as the
//! change that causes them, and the delivery job sends them from here.
//!
//! A message is claimed by the process that sends it; the claim is given
//! back when that process's heartbeat stops (see [`super::processes`]).

use diesel::prelude::*;

use super::models::{ListLabel, OutboxRow};
use super::schema::{lists, outbox, subscribers, subscriptions};
use super::{DbConn, backend};
use crate::domain::{
    Draft, ListId, MessageId, MessageKind, MessageStatus, SubscriberEmail, SubscriptionId,
};

/// Who a message goes to.
pub struct Recipient<'a> {
    pub subscription_id: SubscriptionId,
    pub email: &'a SubscriberEmail,
    /// The envelope sender, as configured when the message is queued.
    pub sender: &'a str,
}

/// Queues a message that is not to be sent before `send_at`. Only its
/// [`Draft`] is stored, which always holds an unsubscribe link; the delivery
/// job composes the message with its List-* headers when it sends it.
pub fn enqueue(
    conn: &mut DbConn,
    draft: &Draft,
    to: &Recipient<'_>,
    now: i64,
    send_at: i64,
) -> QueryResult<()> {
    let confirm_link = draft.confirm_link().map(ToString::to_string);
    let unsubscribe_link = draft.unsubscribe_link().to_string();
    on_backend!(conn, |c| diesel::insert_into(outbox::table)
        .values((
            outbox::subscription_id.eq(to.subscription_id),
            outbox::kind.eq(draft.kind()),
            outbox::sender.eq(to.sender),
            outbox::recipient.eq(to.email.as_str()),
            outbox::message.eq(&[] as &[u8]),
            outbox::confirm_link.eq(&confirm_link),
            outbox::unsubscribe_link.eq(&unsubscribe_link),
            outbox::status.eq(MessageStatus::Queued),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(send_at),
            outbox::created_at.eq(now),
        ))
        .execute(c))
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
    on_backend!(conn, |c| outbox::table
        .inner_join(subscriptions::table.inner_join(subscribers::table))
        .filter(subscribers::email_key.eq(key))
        .filter(subscriptions::list_id.eq(list))
        .filter(outbox::kind.eq(kind))
        .filter(outbox::created_at.ge(since))
        .order(outbox::created_at.desc())
        .select(outbox::created_at)
        .load(c))
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

/// A message claimed for sending, with the list its subscription is to,
/// which its message names.
pub type Claimed = (OutboxRow, Option<ListLabel>);

/// Claims up to `limit` due messages for the process `claim` and loads them.
pub fn claim_due(
    conn: &mut DbConn,
    claim: &str,
    now: i64,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    let ids = backend::claim_due_messages(conn, claim, now, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = (lists::name, lists::slug, lists::description);
    // Two flat joins: SQLite would read the whole of a nested
    // `subscriptions JOIN lists` on the right of a LEFT JOIN first.
    let of_subscription = lists::id.nullable().eq(subscriptions::list_id.nullable());
    on_backend!(conn, |c| outbox::table
        .left_join(subscriptions::table)
        .left_join(lists::table.on(of_subscription))
        .filter(outbox::id.eq_any(&ids))
        .filter(outbox::claimed_by.eq(claim))
        .order(outbox::id)
        .select((OutboxRow::as_select(), list.nullable()))
        .load(c))
}

/// Records the SMTP server's acceptance, whoever holds the claim now: the
/// message has gone. The links (or the body of a message queued whole) are
/// dropped: they are live link tokens, which the database otherwise keeps
/// only as hashes.
pub fn mark_sent(conn: &mut DbConn, id: MessageId, now: i64) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(MessageStatus::Queued)),
    )
    .set((
        outbox::status.eq(MessageStatus::Sent),
        outbox::sent_at.eq(now),
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
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Records a failure that retrying cannot fix, if `claim` still holds the
/// message.
pub fn mark_failed(conn: &mut DbConn, id: MessageId, claim: &str, error: &str) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claim)),
    )
    .set((
        outbox::status.eq(MessageStatus::Failed),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_error.eq(error),
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

/// Deletes finished messages queued before `before`.
pub fn delete_finished_before(conn: &mut DbConn, before: i64) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::status.ne(MessageStatus::Queued))
            .filter(outbox::created_at.lt(before)),
    )
    .execute(conn)
}
