//! Bounces and complaints reported for an address, and its suppression.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{bounces, subscribers};
use crate::domain::{BounceKind, SubscriberId};

pub fn record(
    conn: &mut DbConn,
    subscriber: SubscriberId,
    kind: BounceKind,
    source: &str,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(bounces::table)
        .values((
            bounces::subscriber_id.eq(subscriber),
            bounces::kind.eq(kind),
            bounces::source.eq(source),
            bounces::occurred_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Soft bounces of the address since `since`.
pub fn soft_since(conn: &mut DbConn, subscriber: SubscriberId, since: i64) -> QueryResult<i64> {
    bounces::table
        .filter(bounces::subscriber_id.eq(subscriber))
        .filter(bounces::kind.eq(BounceKind::Soft))
        .filter(bounces::occurred_at.ge(since))
        .count()
        .get_result(conn)
}

/// No broadcast goes to the address until it is confirmed again.
pub fn suppress(conn: &mut DbConn, subscriber: SubscriberId, now: i64) -> QueryResult<()> {
    diesel::update(subscribers::table.find(subscriber))
        .set(subscribers::bounced_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// A confirmation: the person has shown the address works.
pub fn lift(conn: &mut DbConn, subscriber: SubscriberId) -> QueryResult<()> {
    diesel::update(
        subscribers::table
            .find(subscriber)
            .filter(subscribers::bounced_at.is_not_null()),
    )
    .set(subscribers::bounced_at.eq(None::<i64>))
    .execute(conn)
    .map(|_| ())
}

/// (kind, source, time) of every report for the address, oldest first.
pub fn of(
    conn: &mut DbConn,
    subscriber: SubscriberId,
) -> QueryResult<Vec<(BounceKind, String, i64)>> {
    bounces::table
        .filter(bounces::subscriber_id.eq(subscriber))
        .order(bounces::id)
        .select((bounces::kind, bounces::source, bounces::occurred_at))
        .load(conn)
}
