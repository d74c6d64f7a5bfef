//! Subscriptions as CSV rows, read in keyset pages so memory stays flat.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{lists, subscribers, subscriptions};
use crate::domain::{Status, SubscriberId, SubscriptionId};

/// One row of `assent export`.
#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub id: SubscriptionId,
    pub subscriber: i64,
    pub email: String,
    pub name: Option<String>,
    pub list: String,
    pub status: Status,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub unsubscribed_at: Option<i64>,
}

/// Up to `limit` rows after subscription id `after`, in id order.
pub fn page(
    conn: &mut DbConn,
    list_slug: Option<&str>,
    status: Option<Status>,
    after: SubscriptionId,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    load(conn, list_slug, status, Rows::After(after, limit))
}

/// The rows of the subscribers `ids`, in their order, each subscriber's
/// in subscription order.
pub fn rows_of(
    conn: &mut DbConn,
    ids: &[SubscriberId],
    list_slug: Option<&str>,
    status: Option<Status>,
) -> QueryResult<Vec<ExportRow>> {
    load(conn, list_slug, status, Rows::Of(ids))
}

enum Rows<'a> {
    After(SubscriptionId, i64),
    Of(&'a [SubscriberId]),
}

fn load(
    conn: &mut DbConn,
    list_slug: Option<&str>,
    status: Option<Status>,
    rows: Rows<'_>,
) -> QueryResult<Vec<ExportRow>> {
    let mut query = subscriptions::table
        .inner_join(subscribers::table)
        .inner_join(lists::table)
        .select((
            subscriptions::id,
            subscribers::id,
            subscribers::email,
            subscribers::name,
            lists::slug,
            subscriptions::status,
            subscriptions::created_at,
            subscriptions::confirmed_at,
            subscriptions::unsubscribed_at,
        ))
        .into_boxed();
    if let Some(slug) = list_slug {
        query = query.filter(lists::slug.eq(slug.to_owned()));
    }
    if let Some(status) = status {
        query = query.filter(subscriptions::status.eq(status));
    }
    query = match rows {
        Rows::After(after, limit) => query
            .filter(subscriptions::id.gt(after))
            .order(subscriptions::id)
            .limit(limit),
        Rows::Of(ids) => query
            .filter(subscriptions::subscriber_id.eq_any(ids.to_vec()))
            .order((subscriptions::subscriber_id, subscriptions::id)),
    };
    query.load(conn)
}

pub fn list_exists(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        lists::table.filter(lists::slug.eq(slug)),
    ))
    .get_result(conn)
}
