//! Broadcasts and the walk over their recipients.

use diesel::AggregateExpressionMethods;
use diesel::prelude::*;

use super::models::{Broadcast, BroadcastStatus, ListLabel};
use super::schema::{
    broadcast_lists, broadcasts, lists, segment_members, subscribers, subscriptions,
};
use super::{DbConn, at_most_one};
use crate::domain::{BroadcastId, ListId, SegmentId, Status, SubscriberId, SubscriptionId};

/// Who a broadcast is addressed to: the confirmed subscribers of its
/// lists, or only those of them in a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressed {
    /// At least one; the first gives the copies their language and name.
    pub lists: Vec<ListId>,
    pub segment: Option<SegmentId>,
}

/// What an operator writes of a broadcast.
pub struct Written<'a> {
    pub to: &'a Addressed,
    pub subject: &'a str,
    pub body: &'a str,
    /// Shown in the public archive once sent.
    pub public: bool,
}

impl Written<'_> {
    fn first_list(&self) -> ListId {
        self.to.lists.first().copied().unwrap_or(ListId(0))
    }
}

/// The lists of a broadcast, as `create` and `edit_draft` write them.
fn set_lists(conn: &mut DbConn, id: BroadcastId, lists: &[ListId]) -> QueryResult<()> {
    diesel::delete(broadcast_lists::table.filter(broadcast_lists::broadcast_id.eq(id)))
        .execute(conn)?;
    for list in lists {
        diesel::insert_into(broadcast_lists::table)
            .values((
                broadcast_lists::broadcast_id.eq(id),
                broadcast_lists::list_id.eq(*list),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Who a broadcast is addressed to.
pub fn addressed(conn: &mut DbConn, broadcast: &Broadcast) -> QueryResult<Addressed> {
    let mut lists: Vec<ListId> = broadcast_lists::table
        .filter(broadcast_lists::broadcast_id.eq(broadcast.id))
        .select(broadcast_lists::list_id)
        .load(conn)?;
    // The first list first, the others in the order they were made.
    lists.sort_by_key(|l| (*l != broadcast.list_id, *l));
    Ok(Addressed {
        lists,
        segment: broadcast.segment_id,
    })
}

pub fn create(
    conn: &mut DbConn,
    written: &Written<'_>,
    created_by: &str,
    now: i64,
) -> QueryResult<BroadcastId> {
    let id = on_backend!(conn, |c| diesel::insert_into(broadcasts::table)
        .values((
            broadcasts::list_id.eq(written.first_list()),
            broadcasts::segment_id.eq(written.to.segment),
            broadcasts::subject.eq(written.subject),
            broadcasts::body.eq(written.body),
            broadcasts::public.eq(written.public),
            broadcasts::status.eq(BroadcastStatus::Draft),
            broadcasts::created_by.eq(created_by),
            broadcasts::created_at.eq(now),
            broadcasts::updated_at.eq(now),
        ))
        .returning(broadcasts::id)
        .get_result(c))?;
    set_lists(conn, id, &written.to.lists)?;
    Ok(id)
}

/// Rewrites a draft; false when the broadcast is no longer one.
pub fn edit_draft(
    conn: &mut DbConn,
    id: BroadcastId,
    written: &Written<'_>,
    now: i64,
) -> QueryResult<bool> {
    let edited = diesel::update(
        broadcasts::table
            .find(id)
            .filter(broadcasts::status.eq(BroadcastStatus::Draft)),
    )
    .set((
        broadcasts::list_id.eq(written.first_list()),
        broadcasts::segment_id.eq(written.to.segment),
        broadcasts::subject.eq(written.subject),
        broadcasts::body.eq(written.body),
        broadcasts::public.eq(written.public),
        broadcasts::updated_at.eq(now),
    ))
    .execute(conn)?
        > 0;
    if edited {
        set_lists(conn, id, &written.to.lists)?;
    }
    Ok(edited)
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
        let addressed = broadcast_lists::table
            .filter(broadcast_lists::list_id.eq(list))
            .select(broadcast_lists::broadcast_id);
        query = query.filter(broadcasts::id.eq_any(addressed));
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

/// A person who was a confirmed subscriber of a broadcast's audience when
/// it started sending, through their first such subscription.
pub struct Recipient {
    pub subscription: SubscriptionId,
    pub email: String,
    /// That subscription's state now: the copy goes only if it is still
    /// `Confirmed`.
    pub status: Status,
    pub bounced_at: Option<i64>,
}

diesel::alias!(subscriptions as earlier: EarlierSubscription);

/// The next `limit` recipients after subscription `cursor`, in id order:
/// the subscriptions to the broadcast's lists that were confirmed at
/// `started` (whatever became of them since), of members of its segment,
/// each person once, through the first of their subscriptions.
pub fn recipients_after(
    conn: &mut DbConn,
    to: &Addressed,
    started: i64,
    cursor: i64,
    limit: i64,
) -> QueryResult<Vec<Recipient>> {
    let confirmed_then = subscriptions::confirmed_at.le(started).and(
        subscriptions::status
            .eq(Status::Confirmed)
            .or(subscriptions::unsubscribed_at.gt(started)),
    );
    let mut query = subscriptions::table
        .inner_join(subscribers::table)
        .filter(subscriptions::list_id.eq_any(to.lists.clone()))
        .filter(subscriptions::id.gt(SubscriptionId(cursor)))
        .filter(confirmed_then)
        .order(subscriptions::id)
        .limit(limit)
        .select((
            subscriptions::id,
            subscribers::email,
            subscriptions::status,
            subscribers::bounced_at,
        ))
        .into_boxed();
    if to.lists.len() > 1 {
        // One copy a person: not through this subscription when an earlier
        // one of theirs is also a way in.
        let other = earlier
            .filter(
                earlier
                    .field(subscriptions::subscriber_id)
                    .eq(subscriptions::subscriber_id),
            )
            .filter(
                earlier
                    .field(subscriptions::list_id)
                    .eq_any(to.lists.clone()),
            )
            .filter(earlier.field(subscriptions::id).lt(subscriptions::id))
            .filter(earlier.field(subscriptions::confirmed_at).le(started))
            .filter(
                earlier
                    .field(subscriptions::status)
                    .eq(Status::Confirmed)
                    .or(earlier.field(subscriptions::unsubscribed_at).gt(started)),
            );
        query = query.filter(diesel::dsl::not(diesel::dsl::exists(other)));
    }
    if let Some(segment) = to.segment {
        query = query.filter(subscriptions::subscriber_id.eq_any(members(segment)));
    }
    let rows: Vec<(SubscriptionId, String, Status, Option<i64>)> = query.load(conn)?;
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

fn members(
    segment: SegmentId,
) -> diesel::dsl::Select<
    diesel::dsl::Filter<
        segment_members::table,
        diesel::dsl::Eq<segment_members::segment_id, SegmentId>,
    >,
    segment_members::subscriber_id,
> {
    segment_members::table
        .filter(segment_members::segment_id.eq(segment))
        .select(segment_members::subscriber_id)
}

/// How many people the broadcast would go to now: confirmed subscribers of
/// its lists, in its segment, each counted once.
pub fn confirmed_count(conn: &mut DbConn, to: &Addressed) -> QueryResult<i64> {
    let mut query = subscriptions::table
        .filter(subscriptions::list_id.eq_any(to.lists.clone()))
        .filter(subscriptions::status.eq(Status::Confirmed))
        .select(diesel::dsl::count(subscriptions::subscriber_id).aggregate_distinct())
        .into_boxed();
    if let Some(segment) = to.segment {
        query = query.filter(subscriptions::subscriber_id.eq_any(members(segment)));
    }
    query.get_result(conn)
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

/// The other subscriptions of the person behind `subscription` to the
/// lists of `broadcast`: those that the copy it carried was also addressed
/// through.
pub fn also_addressed(
    conn: &mut DbConn,
    broadcast: BroadcastId,
    subscription: SubscriptionId,
) -> QueryResult<Vec<SubscriptionId>> {
    let person: SubscriberId = subscriptions::table
        .find(subscription)
        .select(subscriptions::subscriber_id)
        .first(conn)?;
    let lists = broadcast_lists::table
        .filter(broadcast_lists::broadcast_id.eq(broadcast))
        .select(broadcast_lists::list_id);
    subscriptions::table
        .filter(subscriptions::subscriber_id.eq(person))
        .filter(subscriptions::list_id.eq_any(lists))
        .filter(subscriptions::id.ne(subscription))
        .select(subscriptions::id)
        .order(subscriptions::id)
        .load(conn)
}
