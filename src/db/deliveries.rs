//! The delivery record (contract §19): the outbox read as a log, newest
//! first. Nothing here writes.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{bounces, outbox, subscriptions};
use crate::domain::{BroadcastId, MessageId, MessageKind, MessageStatus, SubscriptionId};

/// A message as the record shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct LogRow {
    pub id: MessageId,
    pub kind: MessageKind,
    pub recipient: String,
    pub status: MessageStatus,
    /// The recipient's server refused the recipient: a hard bounce.
    pub refused: bool,
    pub attempts: i32,
    pub relay: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub broadcast_id: Option<BroadcastId>,
    /// A complaint about its recipient arrived after it was sent.
    #[diesel(select_expression = complained())]
    #[diesel(select_expression_type = Complained)]
    pub complained: bool,
}

/// Whether a complaint about the message's recipient was reported after
/// it was sent: the record shows such a message as complained.
#[diesel::dsl::auto_type]
fn complained() -> _ {
    let complaint: &'static str = "complaint";
    diesel::dsl::exists(
        bounces::table
            .inner_join(
                subscriptions::table.on(subscriptions::subscriber_id.eq(bounces::subscriber_id)),
            )
            .filter(subscriptions::id.nullable().eq(outbox::subscription_id))
            .filter(bounces::kind.eq(complaint))
            .filter(bounces::occurred_at.nullable().ge(outbox::sent_at)),
    )
}

type Complained = complained;

/// Which messages a page of the record shows; each part narrows it.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub statuses: Vec<MessageStatus>,
    /// Only refused ones (`Some(true)`) or none of them (`Some(false)`).
    pub refused: Option<bool>,
    /// Only those complained about (`Some(true)`) or none (`Some(false)`).
    pub complained: Option<bool>,
    pub kinds: Vec<MessageKind>,
    /// Only the messages to these subscriptions.
    pub subscriptions: Option<Vec<SubscriptionId>>,
    pub broadcast: Option<BroadcastId>,
    /// Only those older than this one.
    pub before: Option<MessageId>,
}

/// Up to `limit` messages the filter shows, newest first.
pub fn page(conn: &mut DbConn, filter: &LogFilter, limit: i64) -> QueryResult<Vec<LogRow>> {
    let mut query = outbox::table
        .order(outbox::id.desc())
        .limit(limit)
        .select(LogRow::as_select())
        .into_boxed();
    if !filter.statuses.is_empty() {
        query = query.filter(outbox::status.eq_any(filter.statuses.clone()));
    }
    if let Some(refused) = filter.refused {
        query = query.filter(outbox::refused.eq(refused));
    }
    match filter.complained {
        Some(true) => query = query.filter(complained()),
        Some(false) => query = query.filter(diesel::dsl::not(complained())),
        None => {}
    }
    if !filter.kinds.is_empty() {
        query = query.filter(outbox::kind.eq_any(filter.kinds.clone()));
    }
    if let Some(subscriptions) = &filter.subscriptions {
        query = query.filter(outbox::subscription_id.eq_any(subscriptions.clone()));
    }
    if let Some(broadcast) = filter.broadcast {
        query = query.filter(outbox::broadcast_id.eq(broadcast));
    }
    if let Some(before) = filter.before {
        query = query.filter(outbox::id.lt(before));
    }
    query.load(conn)
}
