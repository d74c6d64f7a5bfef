//! What operators do to subscribers: find them, read their record, resend a
//! confirmation, unsubscribe them, erase them.
//!
//! Each action is one transaction that also appends its consent event (with
//! the operator as channel) and its audit entry.

use std::collections::HashMap;
use std::sync::Arc;

use diesel::Connection;

use super::consent::{self, ConsentRecord};
use super::double_opt_in::{append_event, end_subscription, queue_confirmation};
use super::webhooks::Webhooks;
use super::{Operator, Outcome, ServiceError, Services};
use crate::auth::SecretKey;
use crate::db::models::{Subscriber, Subscription};
use crate::db::subscribers::Cursor;
use crate::db::{self, DbConn, audit, lists, subscribers, subscriptions, suppressions};
use crate::domain::field::FieldDef;
use crate::domain::segment::Criteria;
use crate::domain::{
    Act, Channel, Lane, ListId, SegmentId, Status, SubscriberEmail, SubscriberId, SubscriptionId,
};

/// One page of the search.
pub const PAGE: i64 = 50;

/// Past this many matches, the list says "more than" instead of counting.
pub const TOTAL_CAP: i64 = 10_000;

/// Which subscribers the operator is looking at, as the page's query names
/// them.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A part of the address, the name or a text field's value; empty for
    /// all.
    pub q: String,
    pub list: Option<String>,
    pub status: Option<Status>,
    pub segment: Option<SegmentId>,
}

impl Filter {
    /// Whether it asks more than a list and a status.
    pub fn is_narrow(&self) -> bool {
        !self.q.is_empty() || self.segment.is_some()
    }

    /// The filter as the database reads it: `None` when it names a segment
    /// there is not.
    pub fn resolve(
        &self,
        conn: &mut DbConn,
        fields: &[FieldDef],
    ) -> Result<Option<Resolved>, ServiceError> {
        let criteria = match self.segment {
            Some(id) => match db::segments::by_id(conn, id)? {
                Some(segment) => Some(super::segments::criteria_of(conn, fields, &segment)?),
                None => return Ok(None),
            },
            None => None,
        };
        Ok(Some(Resolved {
            filter: self.clone(),
            criteria,
        }))
    }
}

/// A filter with its segment's conditions read.
pub struct Resolved {
    filter: Filter,
    criteria: Option<Criteria>,
}

impl Resolved {
    fn is_narrow(&self) -> bool {
        self.filter.is_narrow()
    }

    /// The list the filter names, when there is one by that slug.
    fn on_one_list(&self, conn: &mut DbConn) -> Result<Option<ListId>, ServiceError> {
        Ok(match &self.filter.list {
            Some(slug) if crate::domain::list::is_slug(slug) => {
                lists::by_slug(conn, slug)?.map(|l| l.id)
            }
            _ => None,
        })
    }

    pub fn db(&self) -> subscribers::Filter<'_> {
        subscribers::Filter {
            q: &self.filter.q,
            list_slug: self.filter.list.as_deref(),
            status: self.filter.status,
            criteria: self.criteria.as_ref(),
        }
    }
}

/// A subscriber found by a search, with (list name, status) of each of their
/// subscriptions.
pub struct Found {
    pub subscriber: Subscriber,
    pub subscriptions: Vec<(String, Status)>,
}

/// A page of the search, newest first.
pub struct Page {
    pub found: Vec<Found>,
    /// Whether there are matches before and after this page.
    pub newer: bool,
    pub older: bool,
    /// Every match, up to [`TOTAL_CAP`].
    pub total: i64,
}

/// [`PAGE`] subscribers from `cursor`; `None` when the filter names a
/// segment there is not.
pub async fn search(
    services: &Arc<Services>,
    filter: Filter,
    cursor: Cursor,
) -> Result<Option<Page>, ServiceError> {
    let ctx = Arc::clone(services);
    services
        .db
        .read(move |c| {
            let Some(resolved) = filter.resolve(c, &ctx.fields.get())? else {
                return Ok(None);
            };
            let filter = resolved.db();
            let found = subscribers::page(c, &filter, cursor, PAGE + 1)?;
            // One more than a page tells whether the way it went goes on;
            // the cursor it came by, that the other way does. No query
            // looks: one for a single row past a rare text is the slowest
            // there is on PostgreSQL, which walks the ids to find it.
            let more = found.len() as i64 > PAGE;
            let (found, newer, older): (Vec<Subscriber>, bool, bool) = match cursor {
                // Going back, the extra one is the newest.
                Cursor::Newer(_) => (
                    found.into_iter().skip(usize::from(more)).collect(),
                    more,
                    true,
                ),
                Cursor::Older(_) => (found.into_iter().take(PAGE as usize).collect(), true, more),
                Cursor::First => (found.into_iter().take(PAGE as usize).collect(), false, more),
            };
            let total = match (resolved.on_one_list(c)?, filter.status) {
                // One subscription a person a list: the kept tallies count
                // them at any size.
                (Some(list), status) if !resolved.is_narrow() => {
                    let counts = db::stats::list_counts(c)?.remove(&list).unwrap_or_default();
                    match status {
                        Some(Status::Pending) => counts.pending,
                        Some(Status::Confirmed) => counts.confirmed,
                        Some(Status::Unsubscribed) => counts.unsubscribed,
                        None => counts.total(),
                    }
                }
                _ => subscribers::count_upto(c, &filter, TOTAL_CAP + 1)?,
            };
            let ids: Vec<SubscriberId> = found.iter().map(|s| s.id).collect();
            let mut by_subscriber: HashMap<SubscriberId, Vec<(String, Status)>> = HashMap::new();
            for (id, list_name, status) in subscribers::statuses(c, &ids)? {
                by_subscriber
                    .entry(id)
                    .or_default()
                    .push((list_name, status));
            }
            let found = found
                .into_iter()
                .map(|subscriber| Found {
                    subscriptions: by_subscriber.remove(&subscriber.id).unwrap_or_default(),
                    subscriber,
                })
                .collect();
            Ok(Some(Page {
                found,
                newer,
                older,
                total,
            }))
        })
        .await
}

/// The consent record, for download; the download is audited.
pub async fn consent_export(
    services: &Services,
    operator: &Operator,
    id: SubscriberId,
) -> Result<Option<ConsentRecord>, ServiceError> {
    let clock = services.clock.clone();
    let Some(record) = consent::record(services, id).await? else {
        return Ok(None);
    };
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            Ok::<_, ServiceError>(audit::record(
                c,
                &email,
                "consent_export",
                &format!("subscriber #{id}"),
                "",
                clock.now().ms(),
            )?)
        })
        .await?;
    Ok(Some(record))
}

/// Loads a subscription of `subscriber_id` under a lock.
fn locked(
    conn: &mut DbConn,
    subscriber_id: SubscriberId,
    subscription_id: SubscriptionId,
) -> Result<Option<Subscription>, ServiceError> {
    let Ok(subscription) = subscriptions::by_id(conn, subscription_id) else {
        return Ok(None);
    };
    if subscription.subscriber_id != subscriber_id {
        return Ok(None);
    }
    db::backend::lock_subscription(conn, subscription_id)?;
    Ok(Some(subscriptions::by_id(conn, subscription_id)?))
}

/// Sends a pending subscription's confirmation request again.
pub async fn resend_confirmation(
    services: &Arc<Services>,
    operator: &Operator,
    subscriber_id: SubscriberId,
    subscription_id: SubscriptionId,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let (ctx, operator) = (Arc::clone(services), operator.clone());
    let outcome = services
        .db
        .write(move |c| {
            c.transaction::<_, ServiceError, _>(|conn| {
                let now = clock.now().ms();
                let Some(subscription) = locked(conn, subscriber_id, subscription_id)? else {
                    return Ok(Outcome::NotFound);
                };
                if subscription.status != Status::Pending {
                    return Ok(Outcome::NotApplicable);
                }
                let subscriber = subscriptions::subscriber_by_id(conn, subscriber_id)?;
                let Ok(email) = SubscriberEmail::parse(&subscriber.email) else {
                    return Ok(Outcome::NotApplicable);
                };
                let list = lists::by_id(conn, subscription.list_id)?;
                queue_confirmation(
                    conn,
                    &ctx,
                    subscription.id,
                    &email,
                    Lane::Transactional,
                    now,
                )?;
                append_event(
                    conn,
                    subscription.id,
                    Act::ConfirmationResent,
                    Channel::Operator,
                    &operator.evidence,
                    None,
                    now,
                )?;
                audit::record(
                    conn,
                    &operator.email,
                    "resend_confirmation",
                    &format!("subscriber #{subscriber_id}"),
                    &format!("confirmation sent again for list {}", list.slug),
                    now,
                )?;
                Ok(Outcome::Done)
            })
        })
        .await?;
    if outcome == Outcome::Done {
        services.wake.delivery();
    }
    Ok(outcome)
}

/// Ends a subscription on the subscriber's behalf.
pub async fn unsubscribe(
    services: &Services,
    operator: &Operator,
    subscriber_id: SubscriberId,
    subscription_id: SubscriptionId,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let (operator, hooks) = (operator.clone(), services.webhooks.clone());
    services
        .db
        .write(move |c| {
            c.transaction(|conn| {
                let now = clock.now().ms();
                let Some(subscription) = locked(conn, subscriber_id, subscription_id)? else {
                    return Ok(Outcome::NotFound);
                };
                if !end_subscription(
                    conn,
                    &hooks,
                    &subscription,
                    Channel::Operator,
                    &operator.evidence,
                    now,
                )? {
                    return Ok(Outcome::NotApplicable);
                }
                let list = lists::by_id(conn, subscription.list_id)?;
                audit::record(
                    conn,
                    &operator.email,
                    "unsubscribe",
                    &format!("subscriber #{subscriber_id}"),
                    &format!("unsubscribed from list {}", list.slug),
                    now,
                )?;
                Ok(Outcome::Done)
            })
        })
        .await
}

/// Erases a person (GDPR art. 17): their data goes, a keyed hash of the
/// address stays on the suppression list, and the audit log records the
/// erasure by id only.
pub async fn erase(
    services: &Services,
    operator: &Operator,
    subscriber_id: SubscriberId,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let (key, email) = (services.secret_key.clone(), operator.email.clone());
    let hooks = services.webhooks.clone();
    let outcome = services
        .db
        .write(move |c| {
            c.transaction(|conn| {
                let now = clock.now().ms();
                let Some(subscriber) = subscribers::by_id(conn, subscriber_id)? else {
                    return Ok::<_, ServiceError>(Outcome::NotFound);
                };
                erase_person(conn, &hooks, &key, &subscriber, &email, now)?;
                Ok(Outcome::Done)
            })
        })
        .await?;
    if outcome == Outcome::Done {
        services.db.scrub_log().await;
    }
    Ok(outcome)
}

/// The erasure itself, inside the caller's transaction; `by` is who asked,
/// for the audit log. Another record of the same address but for the case
/// of its letters reaches the same mailbox, and goes with it.
pub(crate) fn erase_person(
    conn: &mut DbConn,
    hooks: &Webhooks,
    key: &SecretKey,
    subscriber: &Subscriber,
    by: &str,
    now: i64,
) -> Result<(), ServiceError> {
    let mut people = match SubscriberEmail::parse(&subscriber.email) {
        Ok(email) => subscriptions::same_address(conn, &email)?,
        Err(_) => Vec::new(),
    };
    if !people.iter().any(|p| p.id == subscriber.id) {
        people.push(subscriber.clone());
    }
    let hash = crate::auth::suppression_hash(key, &subscriber.email);
    suppressions::add(conn, &hash, now)?;
    for person in &people {
        hooks.erased(conn, person, now)?;
        Webhooks::forget(conn, person.id)?;
        subscribers::erase(conn, person.id, now)?;
        audit::record(
            conn,
            by,
            "erase",
            &format!("subscriber #{}", person.id),
            "personal data deleted; the address is kept only as a keyed hash on the suppression list",
            now,
        )?;
    }
    Ok(())
}
