//! Broadcasts and the walk over their recipients.

use diesel::prelude::*;

use super::models::{Broadcast, BroadcastStatus, ListLabel};
use super::schema::{broadcasts, lists, subscribers, subscriptions};
use super::{DbConn, at_most_one};
use crate::domain::{BroadcastId, ListId, Status, SubscriptionId};

/// What an operator writes of a broadcast.
pub struct Written<'a> {
    pub list: ListId,
    pub subject: &'a str,
    pub body: &'a str,
    /// Shown in the public archive once sent.
    pub public: bool,
}

pub fn create(
    conn: &mut DbConn,
    written: &Written<'_>,
    created_by: &str,
    now: i64,
) -> QueryResult<BroadcastId> {
    on_backend!(conn, |c| diesel::insert_into(broadcasts::table)
        .values((
            broadcasts::list_id.eq(written.list),
            broadcasts::subject.eq(written.subject),
            broadcasts::body.eq(written.body),
            broadcasts::public.eq(written.public),
            broadcasts::status.eq(BroadcastStatus::Draft),
            broadcasts::created_by.eq(created_by),
            broadcasts::created_at.eq(now),
            broadcasts::updated_at.eq(now),
        ))
        .returning(broadcasts::id)
        .get_result(c))
}

/// Rewrites a draft; false when the broadcast is no longer one.
pub fn edit_draft(
    conn: &mut DbConn,
    id: BroadcastId,
    written: &Written<'_>,
    now: i64,
) -> QueryResult<bool> {
    diesel::update(
        broadcasts::table
            .find(id)
            .filter(broadcasts::status.eq(BroadcastStatus::Draft)),
    )
    .set((
        broadcasts::list_id.eq(written.list),
        broadcasts::subject.eq(written.subject),
        broadcasts::body.eq(written.body),
        broadcasts::public.eq(written.public),
        broadcasts::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Deletes a draft, with its test copies; false when the broadcast is no
/// longer one.
pub fn delete_draft(conn: &mut DbConn, id: BroadcastId) -> QueryResult<bool> {
    diesel::delete(
        broadcasts::table
            .find(id)
            .filter(broadcasts::status.eq(BroadcastStatus::Draft)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

pub fn by_id(conn: &mut DbConn, id: BroadcastId) -> QueryResult<Option<Broadcast>> {
    at_most_one(
        broadcasts::table
            .find(id)
            .select(Broadcast::as_select())
            .load(conn),
    )
}

/// The broadcast, locked until the transaction ends (PostgreSQL), so that
/// two processes never walk its recipients at once.
pub fn locked(conn: &mut DbConn, id: BroadcastId) -> QueryResult<Option<Broadcast>> {
    match conn {
        DbConn::Postgres(pg) => broadcasts::table
            .find(id)
            .select(Broadcast::as_select())
            .for_update()
            .first(pg)
            .optional(),
        DbConn::Sqlite(_) => by_id(conn, id),
    }
}

/// Every broadcast with its list's name, newest first.
pub fn all(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(Broadcast, String)>> {
    broadcasts::table
        .inner_join(lists::table)
        .order(broadcasts::id.desc())
        .limit(limit)
        .select((Broadcast::as_select(), lists::name))
        .load(conn)
}

/// The sent broadcasts of a list, newest first.
pub fn sent_of(conn: &mut DbConn, list: ListId, limit: i64) -> QueryResult<Vec<Broadcast>> {
    broadcasts::table
        .filter(broadcasts::list_id.eq(list))
        .filter(broadcasts::status.eq(BroadcastStatus::Sent))
        .order(broadcasts::id.desc())
        .limit(limit)
        .select(Broadcast::as_select())
        .load(conn)
}

/// The sent broadcasts marked public, of one list or of all, newest first.
pub fn archived(
    conn: &mut DbConn,
    list: Option<ListId>,
    limit: i64,
) -> QueryResult<Vec<(Broadcast, ListLabel)>> {
    let mut query = broadcasts::table
        .inner_join(lists::table)
        .filter(broadcasts::public.eq(true))
        .filter(broadcasts::status.eq(BroadcastStatus::Sent))
        .order((broadcasts::finished_at.desc(), broadcasts::id.desc()))
        .limit(limit)
        .select((
            Broadcast::as_select(),
            (
                lists::name,
                lists::slug,
                lists::description,
                lists::language,
            ),
        ))
        .into_boxed();
    if let Some(list) = list {
        query = query.filter(broadcasts::list_id.eq(list));
    }
    query.load(conn)
}

/// One sent broadcast marked public.
pub fn archived_one(
    conn: &mut DbConn,
    id: BroadcastId,
) -> QueryResult<Option<(Broadcast, ListLabel)>> {
    at_most_one(
        broadcasts::table
            .inner_join(lists::table)
            .filter(broadcasts::id.eq(id))
            .filter(broadcasts::public.eq(true))
            .filter(broadcasts::status.eq(BroadcastStatus::Sent))
            .select((
                Broadcast::as_select(),
                (
                    lists::name,
                    lists::slug,
                    lists::description,
                    lists::language,
                ),
            ))
            .load(conn),
    )
}

pub fn set_status(
    conn: &mut DbConn,
    id: BroadcastId,
    status: BroadcastStatus,
    now: i64,
) -> QueryResult<()> {
    let finished = matches!(status, BroadcastStatus::Sent | BroadcastStatus::Cancelled);
    diesel::update(broadcasts::table.find(id))
        .set((
            broadcasts::status.eq(status),
            broadcasts::updated_at.eq(now),
            broadcasts::finished_at.eq(finished.then_some(now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Waits for `at`.
pub fn schedule(conn: &mut DbConn, id: BroadcastId, at: i64, now: i64) -> QueryResult<()> {
    diesel::update(broadcasts::table.find(id))
        .set((
            broadcasts::status.eq(BroadcastStatus::Scheduled),
            broadcasts::send_at.eq(at),
            broadcasts::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Sending starts now, to `total` recipients.
pub fn start(conn: &mut DbConn, id: BroadcastId, total: i32, now: i64) -> QueryResult<()> {
    diesel::update(broadcasts::table.find(id))
        .set((
            broadcasts::status.eq(BroadcastStatus::Sending),
            broadcasts::total.eq(total),
            broadcasts::started_at.eq(now),
            broadcasts::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The copies up to subscription `cursor` are queued; `all` when the walk
/// is over.
pub fn advance(conn: &mut DbConn, id: BroadcastId, cursor: i64, all: bool) -> QueryResult<()> {
    diesel::update(broadcasts::table.find(id))
        .set((
            broadcasts::cursor.eq(cursor),
            broadcasts::queued_all.eq(all),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The recipients, as the walk found them.
pub fn set_total(conn: &mut DbConn, id: BroadcastId, total: i32) -> QueryResult<()> {
    diesel::update(broadcasts::table.find(id))
        .set(broadcasts::total.eq(total))
        .execute(conn)
        .map(|_| ())
}

/// A subscription that was confirmed when a broadcast started sending.
pub struct Recipient {
    pub subscription: SubscriptionId,
    pub email: String,
    /// Its state now: the copy goes only if it is still `Confirmed`.
    pub status: Status,
    pub bounced_at: Option<i64>,
}

/// The next `limit` subscriptions to `list` after `cursor` that were
/// confirmed at `started` (whatever became of them since), in id order.
pub fn recipients_after(
    conn: &mut DbConn,
    list: ListId,
    started: i64,
    cursor: i64,
    limit: i64,
) -> QueryResult<Vec<Recipient>> {
    let rows: Vec<(SubscriptionId, String, Status, Option<i64>)> = on_backend!(conn, |c| {
        subscriptions::table
            .inner_join(subscribers::table)
            .filter(subscriptions::list_id.eq(list))
            .filter(subscriptions::id.gt(SubscriptionId(cursor)))
            .filter(subscriptions::confirmed_at.le(started))
            .filter(
                subscriptions::status
                    .eq(Status::Confirmed)
                    .or(subscriptions::unsubscribed_at.gt(started)),
            )
            .order(subscriptions::id)
            .limit(limit)
            .select((
                subscriptions::id,
                subscribers::email,
                subscriptions::status,
                subscribers::bounced_at,
            ))
            .load(c)
    })?;
    Ok(rows
        .into_iter()
        .map(|(subscription, email, status, bounced_at)| Recipient {
            subscription,
            email,
            status,
            bounced_at,
        })
        .collect())
}

/// How many subscriptions to `list` are confirmed now.
pub fn confirmed_count(conn: &mut DbConn, list: ListId) -> QueryResult<i64> {
    subscriptions::table
        .filter(subscriptions::list_id.eq(list))
        .filter(subscriptions::status.eq(Status::Confirmed))
        .count()
        .get_result(conn)
}

/// Broadcasts whose copies are going out, with their list, for the copies
/// in a claim.
pub fn of_ids(conn: &mut DbConn, ids: &[BroadcastId]) -> QueryResult<Vec<(Broadcast, ListLabel)>> {
    broadcasts::table
        .inner_join(lists::table)
        .filter(broadcasts::id.eq_any(ids))
        .select((
            Broadcast::as_select(),
            (
                lists::name,
                lists::slug,
                lists::description,
                lists::language,
            ),
        ))
        .load(conn)
}
