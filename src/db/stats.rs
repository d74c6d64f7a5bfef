//! Figures for the operators' dashboard, computed by the database.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::DbConn;
use super::schema::{act_tallies, outbox, subscription_tallies};
use crate::domain::{Act, Channel, ListId, MessageKind, MessageStatus, Status};

pub const DAY_MS: i64 = 86_400_000;

/// A list's subscriptions by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCounts {
    pub pending: i64,
    pub confirmed: i64,
    pub unsubscribed: i64,
    /// Of all three, those that were ever confirmed.
    pub ever_confirmed: i64,
}

impl ListCounts {
    pub fn total(&self) -> i64 {
        self.pending + self.confirmed + self.unsubscribed
    }
}

/// Every list's counts, from the tallies the database's triggers keep: a
/// handful of rows at any list size. A list without subscriptions is absent.
pub fn list_counts(conn: &mut DbConn) -> QueryResult<HashMap<ListId, ListCounts>> {
    let rows: Vec<(ListId, Status, i32, i64)> = subscription_tallies::table
        .group_by((
            subscription_tallies::list_id,
            subscription_tallies::status,
            subscription_tallies::ever_confirmed,
        ))
        .select((
            subscription_tallies::list_id,
            subscription_tallies::status,
            subscription_tallies::ever_confirmed,
            total(),
        ))
        .load(conn)?;
    let mut counts: HashMap<ListId, ListCounts> = HashMap::new();
    for (list, status, ever_confirmed, n) in rows {
        let c = counts.entry(list).or_default();
        match status {
            Status::Pending => c.pending += n,
            Status::Confirmed => c.confirmed += n,
            Status::Unsubscribed => c.unsubscribed += n,
        }
        if ever_confirmed != 0 {
            c.ever_confirmed += n;
        }
    }
    Ok(counts)
}

/// Consent events per act in the days from `since` on, by day.
pub fn acts_since(conn: &mut DbConn, since: i64) -> QueryResult<Vec<(i64, Act, i64)>> {
    act_tallies::table
        .filter(act_tallies::day.ge(since))
        .group_by((act_tallies::day, act_tallies::act))
        .select((act_tallies::day, act_tallies::act, total()))
        .load(conn)
}

/// Consent events ever recorded through `channel`, less those erased.
pub fn events_through(conn: &mut DbConn, channel: Channel) -> QueryResult<i64> {
    // Grouped, so that no tally gives no row rather than a NULL sum.
    let totals: Vec<i64> = act_tallies::table
        .filter(act_tallies::channel.eq(channel))
        .group_by(act_tallies::channel)
        .select(total())
        .load(conn)?;
    Ok(totals.into_iter().sum())
}

/// `SUM(n)` as a BIGINT: PostgreSQL's own sum of BIGINTs is a NUMERIC.
fn total() -> diesel::expression::SqlLiteral<BigInt> {
    diesel::dsl::sql::<BigInt>("CAST(SUM(n) AS BIGINT)")
}

/// Folds the tallies' +1 and -1 rows into one row per key. Rows that
/// arrive meanwhile are left for the next fold, so nothing is counted
/// twice or lost.
pub fn fold_tallies(conn: &mut DbConn) -> QueryResult<()> {
    const TABLES: [(&str, &str); 2] = [
        ("subscription_tallies", "list_id, status, ever_confirmed"),
        ("act_tallies", "day, act, channel"),
    ];
    for (table, key) in TABLES {
        let repeated = |rows: &str| {
            format!("({key}) IN (SELECT {key} FROM {rows} GROUP BY {key} HAVING COUNT(*) > 1)")
        };
        match conn {
            // One statement: the rows it deletes are exactly those it sums,
            // whatever concurrent signups insert.
            DbConn::Postgres(c) => {
                diesel::sql_query(format!(
                    "WITH gone AS (DELETE FROM {table} WHERE {} RETURNING {key}, n) \
                     INSERT INTO {table} ({key}, n) SELECT {key}, SUM(n) FROM gone GROUP BY {key}",
                    repeated(table)
                ))
                .execute(c)?;
            }
            // SQLite has no DELETE in a WITH, and needs none: this runs in
            // the one writer's transaction, so nothing lands in between.
            DbConn::Sqlite(c) => {
                let last: Option<i64> =
                    diesel::select(diesel::dsl::sql::<diesel::sql_types::Nullable<BigInt>>(
                        &format!("(SELECT MAX(id) FROM {table})"),
                    ))
                    .get_result(c)?;
                let Some(last) = last else { continue };
                let old = format!("(SELECT * FROM {table} WHERE id <= {last})");
                let repeated = repeated(&old);
                diesel::sql_query(format!(
                    "INSERT INTO {table} ({key}, n) SELECT {key}, SUM(n) FROM {old} \
                     WHERE {repeated} GROUP BY {key}"
                ))
                .execute(c)?;
                diesel::sql_query(format!(
                    "DELETE FROM {table} WHERE id <= {last} AND {repeated}"
                ))
                .execute(c)?;
            }
        }
    }
    Ok(())
}

pub struct Delivery {
    pub queued: i64,
    pub retrying: i64,
    pub failed: i64,
    pub sent_since: i64,
    /// (kind, attempts, last error, next attempt) of retrying messages, newest first.
    pub errors: Vec<(MessageKind, i32, Option<String>, i64)>,
}

pub fn delivery(conn: &mut DbConn, sent_since: i64) -> QueryResult<Delivery> {
    let count = |conn: &mut DbConn, status: MessageStatus| -> QueryResult<i64> {
        outbox::table
            .filter(outbox::status.eq(status))
            .count()
            .get_result(conn)
    };
    let queued = count(conn, MessageStatus::Queued)?;
    let failed = count(conn, MessageStatus::Failed)?;
    let retrying = outbox::table
        .filter(outbox::status.eq(MessageStatus::Queued))
        .filter(outbox::attempts.gt(0))
        .count()
        .get_result(conn)?;
    let sent_since = outbox::table
        .filter(outbox::status.eq(MessageStatus::Sent))
        .filter(outbox::sent_at.ge(sent_since))
        .count()
        .get_result(conn)?;
    let errors = outbox::table
        .filter(outbox::status.eq(MessageStatus::Queued))
        .filter(outbox::attempts.gt(0))
        .order(outbox::id.desc())
        .limit(10)
        .select((
            outbox::kind,
            outbox::attempts,
            outbox::last_error,
            outbox::next_attempt_at,
        ))
        .load(conn)?;
    Ok(Delivery {
        queued,
        retrying,
        failed,
        sent_since,
        errors,
    })
}
