//! Outgoing webhooks (contract §13): each `subscription.confirmed`,
//! `subscription.unsubscribed` and `subscriber.erased` becomes a job in the
//! same transaction as the change, so an event is never lost nor told of a
//! change that was rolled back. The webhook job posts it, signed, and
//! retries until the receiver takes it (see [`crate::jobs::webhook`]).

use std::sync::Arc;

use serde::Serialize;
use serde_json::json;

use super::{ServiceError, Services};
use crate::config::WebhookTarget;
use crate::db::models::{Job, JobKind, Subscriber, Subscription};
use crate::db::{DbConn, DbError, jobs, lists, rfc3339, subscribers, subscriptions};
use crate::domain::{Channel, SubscriberId, Token};

/// Recent deliveries the operators' page shows.
pub const RECENT: i64 = 50;

/// Where events go, if anywhere; cheap to clone into a transaction.
#[derive(Debug, Clone, Default)]
pub struct Webhooks {
    target: Option<Arc<WebhookTarget>>,
}

/// What happened to a subscription.
#[derive(Debug, Clone, Copy)]
pub enum SubscriptionEvent {
    Confirmed,
    Unsubscribed,
}

impl SubscriptionEvent {
    fn name(self) -> &'static str {
        match self {
            SubscriptionEvent::Confirmed => "subscription.confirmed",
            SubscriptionEvent::Unsubscribed => "subscription.unsubscribed",
        }
    }
}

impl Webhooks {
    pub fn new(target: Option<WebhookTarget>) -> Self {
        Self {
            target: target.map(Arc::new),
        }
    }

    pub fn target(&self) -> Option<&WebhookTarget> {
        self.target.as_deref()
    }

    /// Queues the event of a subscription's change, inside the caller's
    /// transaction; nothing when no receiver is configured.
    pub(crate) fn subscription(
        &self,
        conn: &mut DbConn,
        event: SubscriptionEvent,
        subscription: &Subscription,
        channel: Channel,
        now: i64,
    ) -> Result<(), ServiceError> {
        if self.target.is_none() {
            return Ok(());
        }
        let list = lists::by_id(conn, subscription.list_id)?;
        let subscriber = subscriptions::subscriber_by_id(conn, subscription.subscriber_id)?;
        let data = json!({
            "subscription_id": subscription.id,
            "subscriber_id": subscription.subscriber_id,
            "email": subscriber.email,
            "list": list.slug,
            "channel": channel.as_str(),
        });
        queue(conn, event.name(), data, now)
    }

    /// Queues `subscriber.erased`, before the erasure deletes what it names:
    /// the person's id and the lists they were on, never their address.
    pub(crate) fn erased(
        &self,
        conn: &mut DbConn,
        subscriber: &Subscriber,
        now: i64,
    ) -> Result<(), ServiceError> {
        if self.target.is_none() {
            return Ok(());
        }
        let lists: Vec<String> = subscribers::subscriptions_of(conn, subscriber.id)?
            .into_iter()
            .map(|(_, _, slug)| slug)
            .collect();
        let data = json!({ "subscriber_id": subscriber.id, "lists": lists });
        queue(conn, "subscriber.erased", data, now)
    }

    /// Takes the person's address out of every event that names them,
    /// sent or still to be sent, inside the erasure's transaction: an event
    /// still to go goes without it (contract §6).
    pub(crate) fn forget(conn: &mut DbConn, subscriber: SubscriberId) -> Result<(), ServiceError> {
        let needle = format!("\"subscriber_id\":{subscriber}");
        for (id, payload) in jobs::of_kind_holding(conn, JobKind::Webhook, &needle)? {
            let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&payload) else {
                continue;
            };
            let Some(data) = body.get_mut("data").and_then(|d| d.as_object_mut()) else {
                continue;
            };
            let names = data
                .get("subscriber_id")
                .and_then(serde_json::Value::as_i64);
            if names == Some(subscriber.0) && data.remove("email").is_some() {
                jobs::set_payload(conn, id, &body.to_string())?;
            }
        }
        Ok(())
    }
}

/// The body every delivery of the event sends, fixed when it is queued, so
/// that a retry is the same event (same `id`) for the receiver to skip.
fn queue(
    conn: &mut DbConn,
    kind: &str,
    data: serde_json::Value,
    now: i64,
) -> Result<(), ServiceError> {
    let id: String = Token::generate()?.expose().chars().take(22).collect();
    let body = json!({
        "id": format!("evt_{id}"),
        "type": kind,
        "time": rfc3339(now),
        "data": data,
    });
    jobs::enqueue(conn, JobKind::Webhook, &body, now, None, now)?;
    Ok(())
}

/// One event as the operators' page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub event: String,
    pub queued_at: i64,
    pub finished_at: Option<i64>,
    /// `queued` (waiting or retrying), `done` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

impl From<Job> for Delivery {
    fn from(job: Job) -> Self {
        let event = serde_json::from_str::<serde_json::Value>(&job.payload)
            .ok()
            .and_then(|v| v.get("type")?.as_str().map(str::to_owned))
            .unwrap_or_default();
        Self {
            event,
            queued_at: job.created_at,
            finished_at: job.finished_at,
            status: job.status.as_str().to_owned(),
            attempts: job.attempts,
            last_error: job.last_error,
        }
    }
}

/// The most recent events, newest first.
pub async fn recent(services: &Services) -> Result<Vec<Delivery>, ServiceError> {
    services
        .db
        .read(|c| {
            jobs::recent_of_kind(c, JobKind::Webhook, RECENT)
                .map(|jobs| jobs.into_iter().map(Delivery::from).collect())
                .map_err(DbError::from)
        })
        .await
        .map_err(ServiceError::from)
}
