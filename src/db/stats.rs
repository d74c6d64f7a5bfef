//! Figures for the operators' dashboard, computed by the database.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{consent_events, outbox, subscriptions};
use crate::domain::{Act, ListId, MessageKind, MessageStatus, Status};

pub const DAY_MS: i64 = 86_400_000;

/// Subscriptions per (list id, status).
pub fn status_counts(conn: &mut DbConn) -> QueryResult<Vec<(ListId, Status, i64)>> {
    subscriptions::table
        .group_by((subscriptions::list_id, subscriptions::status))
        .select((subscriptions::list_id, subscriptions::status, count_star()))
        .load(conn)
}

/// Per list id: (subscriptions, of which ever confirmed).
pub fn confirmation_counts(conn: &mut DbConn) -> QueryResult<Vec<(ListId, i64)>> {
    subscriptions::table
        .filter(subscriptions::confirmed_at.is_not_null())
        .group_by(subscriptions::list_id)
        .select((subscriptions::list_id, count_star()))
        .load(conn)
}

/// Consent events per act during the day that starts at `day_start`.
pub fn acts_on_day(conn: &mut DbConn, day_start: i64) -> QueryResult<Vec<(Act, i64)>> {
    consent_events::table
        .filter(consent_events::occurred_at.ge(day_start))
        .filter(consent_events::occurred_at.lt(day_start + DAY_MS))
        .group_by(consent_events::act)
        .select((consent_events::act, count_star()))
        .load(conn)
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
