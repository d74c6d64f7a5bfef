//! The mail outbox: messages are written here in the same transaction as the
//! change that causes them, and the delivery worker sends them from here.

use diesel::prelude::*;

use super::models::{ListLabel, OutboxRow};
use super::schema::{lists, outbox, subscriptions};
use super::{DbConn, backend};
use crate::domain::SubscriberEmail;
use crate::mail::Draft;

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

/// Queues a message for a subscription. Only its [`Draft`] is stored, which
/// always holds an unsubscribe link; the worker composes the message with
/// its List-* headers when it sends it.
pub fn enqueue(conn: &mut DbConn, draft: &Draft, to: &Recipient<'_>, now: i64) -> QueryResult<()> {
    enqueue_at(conn, draft, to, now, now)
}

/// Who a message goes to.
pub struct Recipient<'a> {
    pub subscription_id: i64,
    pub email: &'a SubscriberEmail,
    /// The envelope sender, as configured when the message is queued.
    pub sender: &'a str,
}

/// Queues a message that is not to be sent before `send_at`.
pub fn enqueue_at(
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
            outbox::status.eq(QUEUED),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(send_at),
            outbox::created_at.eq(now),
        ))
        .execute(c))
    .map(|_| ())
}

/// Times at which messages of `kind` were queued for a subscription since
/// `since`, newest first; the resend caps are counted from these.
pub fn queued_times(
    conn: &mut DbConn,
    subscription_id: i64,
    kind: &str,
    since: i64,
) -> QueryResult<Vec<i64>> {
    outbox::table
        .filter(outbox::subscription_id.eq(subscription_id))
        .filter(outbox::kind.eq(kind))
        .filter(outbox::created_at.ge(since))
        .order(outbox::created_at.desc())
        .select(outbox::created_at)
        .load(conn)
}

/// Drops what is still waiting for a subscription that just ended.
pub fn cancel_for_subscription(conn: &mut DbConn, subscription_id: i64) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::subscription_id.eq(subscription_id))
            .filter(outbox::status.eq(QUEUED)),
    )
    .set((
        outbox::status.eq(CANCELLED),
        outbox::message.eq(Vec::<u8>::new()),
        outbox::confirm_link.eq(None::<String>),
        outbox::unsubscribe_link.eq(None::<String>),
    ))
    .execute(conn)
}

/// Claims due messages for one delivery round and loads them, each with
/// the list its subscription is to, which its message names.
pub fn claim_due(
    conn: &mut DbConn,
    claim: &str,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> QueryResult<Vec<(OutboxRow, Option<ListLabel>)>> {
    let ids = backend::claim_due_messages(conn, claim, now, now + lease_ms, limit)?;
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

/// Records the SMTP server's acceptance. The links (or the body of a message
/// queued whole) are dropped: they are live link tokens, which the database
/// otherwise keeps only as hashes.
pub fn mark_sent(conn: &mut DbConn, id: i64, claim: &str, now: i64) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claim)),
    )
    .set((
        outbox::status.eq(SENT),
        outbox::sent_at.eq(now),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::message.eq(Vec::<u8>::new()),
        outbox::confirm_link.eq(None::<String>),
        outbox::unsubscribe_link.eq(None::<String>),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_until.eq(None::<i64>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Records a failed attempt and when to try again.
pub fn mark_retry(
    conn: &mut DbConn,
    id: i64,
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
        outbox::claimed_until.eq(None::<i64>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Records a failure that retrying cannot fix.
pub fn mark_failed(conn: &mut DbConn, id: i64, claim: &str, error: &str) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claim)),
    )
    .set((
        outbox::status.eq(FAILED),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_error.eq(error),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_until.eq(None::<i64>),
    ))
    .execute(conn)
    .map(|_| ())
}

/// When the next queued message falls due, if any.
pub fn next_due(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    outbox::table
        .filter(outbox::status.eq(QUEUED))
        .select(diesel::dsl::min(outbox::next_attempt_at))
        .first(conn)
}

/// Releases every claim. Only for a database that no other process uses
/// (SQLite), where claims left over can only be from a process that died.
pub fn release_all_claims(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::update(outbox::table.filter(outbox::claimed_by.is_not_null()))
        .set((
            outbox::claimed_by.eq(None::<String>),
            outbox::claimed_until.eq(None::<i64>),
        ))
        .execute(conn)
}

pub fn by_status_count(conn: &mut DbConn, status: &str) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::status.eq(status))
        .count()
        .get_result(conn)
}
