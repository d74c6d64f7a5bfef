//! Subscribers as operators see them: search, detail, erasure.

use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::DbConn;
use super::models::{Subscriber, Subscription};
use super::schema::{consent_events, lists, subscribers, subscriptions};
use super::segments::{Chosen, like_pattern};
use crate::domain::segment::Criteria;
use crate::domain::{EventId, Status, SubscriberId, SubscriptionId};

/// Which subscribers an operator is looking at.
#[derive(Clone, Copy)]
pub struct Filter<'a> {
    /// A part of the address, the name or a text field's value; empty for
    /// all.
    pub q: &'a str,
    pub list_slug: Option<&'a str>,
    pub status: Option<Status>,
    pub criteria: Option<&'a Criteria>,
}

impl Filter<'_> {
    /// Nothing could match: PostgreSQL refuses a NUL in text, and no
    /// address, name or slug holds one.
    fn impossible(&self) -> bool {
        self.q.contains('\0') || self.list_slug.is_some_and(|s| s.contains('\0'))
    }
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// The newest.
    First,
    /// Subscribers with a smaller id than this one.
    Older(SubscriberId),
    /// Subscribers with a larger id than this one.
    Newer(SubscriberId),
}

type Boxed<'a> = subscribers::BoxedQuery<'a, <DbConn as Connection>::Backend>;

/// The subscribers `filter` selects, order and page left to the caller;
/// `page` lets the SQLite index give the page itself.
fn filtered<'a>(conn: &DbConn, filter: &Filter<'a>, page: Option<(Cursor, i64)>) -> Boxed<'a> {
    let mut query = subscribers::table.into_boxed();
    let postgres = matches!(conn, DbConn::Postgres(_));
    let alone = filter.list_slug.is_none() && filter.status.is_none() && filter.criteria.is_none();
    if !filter.q.is_empty() {
        query = query.filter(text_contains(postgres, filter.q, page.filter(|_| alone)));
    }
    // A correlated EXISTS lets the database walk subscribers by id and stop
    // after one page, instead of collecting every match first. Each case is
    // its own subquery: a boxed one cannot be nested here.
    let theirs = subscriptions::table
        .inner_join(lists::table)
        .filter(subscriptions::subscriber_id.eq(subscribers::id));
    query = match (filter.list_slug, filter.status) {
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
    if let Some(criteria) = filter.criteria {
        query = query.filter(super::segments::chosen_by(criteria, postgres));
    }
    query
}

/// One page, newest first. Paging by id keeps every page as cheap as the
/// first, in either direction.
pub fn page(
    conn: &mut DbConn,
    filter: &Filter<'_>,
    cursor: Cursor,
    limit: i64,
) -> QueryResult<Vec<Subscriber>> {
    if filter.impossible() {
        return Ok(Vec::new());
    }
    let query = filtered(conn, filter, Some((cursor, limit)))
        .limit(limit)
        .select(Subscriber::as_select());
    let mut found = match cursor {
        Cursor::First => query.order(subscribers::id.desc()).load(conn)?,
        Cursor::Older(id) => query
            .filter(subscribers::id.lt(id))
            .order(subscribers::id.desc())
            .load(conn)?,
        Cursor::Newer(id) => query
            .filter(subscribers::id.gt(id))
            .order(subscribers::id.asc())
            .load(conn)?,
    };
    if matches!(cursor, Cursor::Newer(_)) {
        found.reverse();
    }
    Ok(found)
}

/// How many subscribers the filter selects, counting no further than
/// `cap`.
pub fn count_upto(conn: &mut DbConn, filter: &Filter<'_>, cap: i64) -> QueryResult<i64> {
    if filter.impossible() {
        return Ok(0);
    }
    // Alone, the text search's index gives no more than the cap itself.
    let ids: Vec<SubscriberId> = filtered(conn, filter, Some((Cursor::First, cap)))
        .select(subscribers::id)
        .limit(cap)
        .load(conn)?;
    Ok(ids.len() as i64)
}

/// The ids the filter selects after `after`, in id order: for work that
/// walks every match.
pub fn ids_after(
    conn: &mut DbConn,
    filter: &Filter<'_>,
    after: SubscriberId,
    limit: i64,
) -> QueryResult<Vec<SubscriberId>> {
    if filter.impossible() {
        return Ok(Vec::new());
    }
    filtered(conn, filter, None)
        .filter(subscribers::id.gt(after))
        .order(subscribers::id.asc())
        .limit(limit)
        .select(subscribers::id)
        .load(conn)
}

/// Subscribers whose address, name or text field holds `q`, in any case,
/// through each database's trigram index: a LIKE on the tables themselves
/// would read every row.
fn text_contains(postgres: bool, q: &str, page: Option<(Cursor, i64)>) -> Chosen {
    if let (true, Some(page)) = (postgres, page) {
        return postgres_page(q, page);
    }
    // pg_trgm's indexes serve ILIKE, which matches as SQLite's LIKE does.
    let like = if postgres { " ILIKE " } else { " LIKE " };
    if postgres || q.chars().count() < 3 {
        // On SQLite, text too short for a trigram reads every row.
        let pattern = like_pattern(q);
        return Box::new(
            sql::<Bool>("(subscribers.email")
                .sql(like)
                .bind::<Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR subscribers.name")
                .sql(like)
                .bind::<Text, _>(pattern.clone())
                .sql(
                    " ESCAPE '\\' OR subscribers.id IN (SELECT sf.subscriber_id \
                 FROM subscriber_fields sf JOIN fields f ON f.id = sf.field_id \
                 WHERE f.kind = 'text' AND sf.value",
                )
                .sql(like)
                .bind::<Text, _>(pattern)
                .sql(" ESCAPE '\\'))"),
        );
    }
    // FTS5's trigram index finds a phrase as a substring, in any case, in
    // any of its columns. Without other filters it gives the page itself:
    // a common part such as a domain matches a hundred thousand addresses
    // in ten million, which are not all to be read and sorted.
    let phrase = format!("\"{}\"", q.replace('"', "\"\""));
    let rest = match page {
        Some((Cursor::First, limit)) => format!(" ORDER BY rowid DESC LIMIT {limit})"),
        Some((Cursor::Older(id), limit)) => {
            format!(" AND rowid < {id} ORDER BY rowid DESC LIMIT {limit})")
        }
        Some((Cursor::Newer(id), limit)) => {
            format!(" AND rowid > {id} ORDER BY rowid ASC LIMIT {limit})")
        }
        None => ")".to_owned(),
    };
    Box::new(
        sql::<Bool>(
            "subscribers.id IN (SELECT rowid FROM subscribers_search \
             WHERE subscribers_search MATCH ",
        )
        .bind::<Text, _>(phrase)
        .sql(&rest),
    )
}

/// The page of a text search alone on PostgreSQL, one index at a time: the
/// newest matches of the address, of the name and of a text field, each
/// from its own trigram index, then the newest of those. One condition
/// over the three columns leaves the planner no plan that is fast both for
/// a rare text and for a common one.
fn postgres_page(q: &str, (cursor, limit): (Cursor, i64)) -> Chosen {
    let pattern = like_pattern(q);
    let (around, order) = match cursor {
        Cursor::First => (String::new(), "DESC"),
        Cursor::Older(id) => (format!(" AND {{id}} < {id}"), "DESC"),
        Cursor::Newer(id) => (format!(" AND {{id}} > {id}"), "ASC"),
    };
    let arm = |id: &str| {
        format!(
            "{} ORDER BY {id} {order} LIMIT {limit})",
            around.replace("{id}", id)
        )
    };
    Box::new(
        sql::<Bool>("subscribers.id IN ((SELECT id FROM subscribers WHERE email ILIKE ")
            .bind::<Text, _>(pattern.clone())
            .sql(" ESCAPE '\\'")
            .sql(&arm("id"))
            .sql(" UNION ALL (SELECT id FROM subscribers WHERE name ILIKE ")
            .bind::<Text, _>(pattern.clone())
            .sql(" ESCAPE '\\'")
            .sql(&arm("id"))
            .sql(
                " UNION ALL (SELECT sf.subscriber_id FROM subscriber_fields sf \
                 JOIN fields f ON f.id = sf.field_id WHERE f.kind = 'text' AND sf.value ILIKE ",
            )
            .bind::<Text, _>(pattern)
            .sql(" ESCAPE '\\'")
            .sql(&arm("sf.subscriber_id"))
            .sql(")"),
    )
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

/// Whether the address bounced for good or drew a complaint since it was
/// last confirmed.
pub fn bounced(conn: &mut DbConn, id: SubscriberId) -> QueryResult<bool> {
    let at: Option<Option<i64>> = subscribers::table
        .find(id)
        .select(subscribers::bounced_at)
        .first(conn)
        .optional()?;
    Ok(at.flatten().is_some())
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
