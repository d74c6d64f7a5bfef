//! Subscribers as operators see them: search, detail, erasure.

use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::DbConn;
use super::models::{Subscriber, Subscription};
use super::schema::{consent_events, lists, subscribers, subscriptions};
use crate::domain::{EventId, Status, SubscriberId, SubscriptionId};

pub struct Search<'a> {
    /// A substring of the address; empty for all.
    pub q: &'a str,
    pub list_slug: Option<&'a str>,
    pub status: Option<Status>,
    /// Keyset pagination: only subscribers with a smaller id.
    pub before: Option<SubscriberId>,
    pub limit: i64,
}

/// Newest first. Paging by id keeps every page as cheap as the first.
pub fn search(conn: &mut DbConn, search: &Search<'_>) -> QueryResult<Vec<Subscriber>> {
    // No address or slug holds a NUL, and PostgreSQL refuses one in text.
    if search.q.contains('\0') || search.list_slug.is_some_and(|s| s.contains('\0')) {
        return Ok(Vec::new());
    }
    let mut query = subscribers::table
        .order(subscribers::id.desc())
        .limit(search.limit)
        .select(Subscriber::as_select())
        .into_boxed();
    if let Some(before) = search.before {
        query = query.filter(subscribers::id.lt(before));
    }
    if !search.q.is_empty() {
        query = query.filter(address_contains(conn, search));
    }
    // A correlated EXISTS lets the database walk subscribers newest first
    // and stop after one page, instead of collecting every match first. Each
    // case is its own subquery: a boxed one cannot be nested here.
    let theirs = subscriptions::table
        .inner_join(lists::table)
        .filter(subscriptions::subscriber_id.eq(subscribers::id));
    query = match (search.list_slug, search.status) {
        (Some(slug), Some(status)) => query.filter(exists(
            theirs
                .filter(lists::slug.eq(slug.to_owned()))
                .filter(subscriptions::status.eq(status)),
        )),
        (Some(slug), None) => query.filter(exists(theirs.filter(lists::slug.eq(slug.to_owned())))),
        (None, Some(status)) => {
            query.filter(exists(theirs.filter(subscriptions::status.eq(status))))
        }
        (None, None) => query,
    };
    query.load(conn)
}

/// Addresses that hold `search.q`, in any case, through each database's
/// trigram index: a LIKE on the table itself would read every row.
fn address_contains(
    conn: &DbConn,
    search: &Search<'_>,
) -> diesel::expression::SqlLiteral<
    Bool,
    impl diesel::query_builder::QueryFragment<<DbConn as Connection>::Backend> + Send + 'static,
> {
    let q = search.q;
    let (filter, pattern, rest) = match conn {
        // FTS5 answers LIKE on its trigram table, case-insensitive, but
        // without ESCAPE: text with wildcards is matched against the table.
        // Without other filters, the index gives the page itself, newest
        // first: a common part such as a domain matches a hundred thousand
        // addresses in ten million, which are not all to be read and sorted.
        DbConn::Sqlite(_) if !q.contains(['%', '_', '\\']) => {
            let page = match (search.list_slug, search.status) {
                (None, None) => format!(
                    " AND rowid < {} ORDER BY rowid DESC LIMIT {}",
                    search.before.map_or(i64::MAX, |id| id.0),
                    search.limit
                ),
                _ => String::new(),
            };
            (
                "subscribers.id IN (SELECT rowid FROM subscribers_search WHERE email LIKE ",
                format!("%{q}%"),
                format!("{page})"),
            )
        }
        DbConn::Sqlite(_) => (
            "subscribers.email LIKE ",
            like_pattern(q),
            " ESCAPE '\\'".to_owned(),
        ),
        // pg_trgm's index serves ILIKE, which matches as SQLite's LIKE does.
        DbConn::Postgres(_) => (
            "subscribers.email ILIKE ",
            like_pattern(q),
            " ESCAPE '\\'".to_owned(),
        ),
    };
    sql::<Bool>(filter).bind::<Text, _>(pattern).sql(&rest)
}

/// `%q%` with LIKE's own wildcards in `q` taken literally.
fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// (list name, status) of each subscription of each subscriber in `ids`.
pub fn statuses(
    conn: &mut DbConn,
    ids: &[SubscriberId],
) -> QueryResult<Vec<(SubscriberId, String, Status)>> {
    subscriptions::table
        .inner_join(lists::table)
        .filter(subscriptions::subscriber_id.eq_any(ids))
        .order(subscriptions::id)
        .select((
            subscriptions::subscriber_id,
            lists::name,
            subscriptions::status,
        ))
        .load(conn)
}

pub fn by_id(conn: &mut DbConn, id: SubscriberId) -> QueryResult<Option<Subscriber>> {
    subscribers::table
        .find(id)
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}

/// A subscriber's subscriptions with their list's name and slug.
pub fn subscriptions_of(
    conn: &mut DbConn,
    subscriber_id: SubscriberId,
) -> QueryResult<Vec<(Subscription, String, String)>> {
    subscriptions::table
        .inner_join(lists::table)
        .filter(subscriptions::subscriber_id.eq(subscriber_id))
        .order(subscriptions::id)
        .select((Subscription::as_select(), lists::name, lists::slug))
        .load(conn)
}

/// The subscriptions of each subscriber in `ids`, with their list's slug.
pub fn subscriptions_of_all(
    conn: &mut DbConn,
    ids: &[SubscriberId],
) -> QueryResult<Vec<(Subscription, String)>> {
    subscriptions::table
        .inner_join(lists::table)
        .filter(subscriptions::subscriber_id.eq_any(ids))
        .order(subscriptions::id)
        .select((Subscription::as_select(), lists::slug))
        .load(conn)
}

/// Deletes the person: their subscriptions, links, queued mail and consent
/// events go with them (the foreign keys cascade). Returns false when there
/// was no such subscriber.
pub fn erase(conn: &mut DbConn, id: SubscriberId, now: i64) -> QueryResult<bool> {
    let subscription_ids: Vec<SubscriptionId> = subscriptions::table
        .filter(subscriptions::subscriber_id.eq(id))
        .select(subscriptions::id)
        .load(conn)?;
    delete_events(conn, &subscription_ids, now)?;
    let deleted = diesel::delete(subscribers::table.find(id)).execute(conn)?;
    Ok(deleted > 0)
}

/// Deletes one subscription with its links, queued mail and events, and
/// its subscriber too when it was their last.
pub fn purge_subscription(
    conn: &mut DbConn,
    subscription: &Subscription,
    now: i64,
) -> QueryResult<()> {
    delete_events(conn, &[subscription.id], now)?;
    diesel::delete(subscriptions::table.find(subscription.id)).execute(conn)?;
    let others = subscriptions::table
        .filter(subscriptions::subscriber_id.eq(subscription.subscriber_id))
        .count()
        .get_result::<i64>(conn)?;
    if others == 0 {
        diesel::delete(subscribers::table.find(subscription.subscriber_id)).execute(conn)?;
    }
    Ok(())
}

/// Consent events are deleted explicitly: they are append-only for updates,
/// and erasure is the one case where the law asks for them to go. Their
/// links in the ledger stay, marked, so that the chain still verifies, and
/// an erasure that names their digests joins the chain.
fn delete_events(conn: &mut DbConn, subscriptions: &[SubscriptionId], now: i64) -> QueryResult<()> {
    let events: Vec<EventId> = consent_events::table
        .filter(consent_events::subscription_id.eq_any(subscriptions))
        .select(consent_events::id)
        .load(conn)?;
    super::ledger::record_erasure(conn, &events, now)?;
    for chunk in events.chunks(500) {
        diesel::delete(consent_events::table.filter(consent_events::id.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(())
}
