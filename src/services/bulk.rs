//! Actions on many subscribers at once (contract §16): unsubscribe from a
//! list, invite to a list, erase. On the subscribers an operator ticked,
//! at once; on every match of a filter, by a job that walks the matches by
//! id, a batch a transaction.
//!
//! An invitation never subscribes anyone: it asks, as a signup does, and
//! only the person's confirmation makes them a subscriber.

use std::sync::Arc;

use diesel::Connection;
use serde::{Deserialize, Serialize};

use super::double_opt_in::{append_event, end_subscription, queue_confirmation};
use super::subscribers::{Filter, erase_person};
use super::{Operator, ServiceError, Services};
use crate::db::models::List;
use crate::db::{self, DbConn, audit, bulk_actions, jobs, lists, subscriptions, suppressions};
use crate::domain::list::wording_hash;
use crate::domain::{
    Act, Channel, Evidence, JobKind, Lane, ListId, SegmentId, Status, SubscriberEmail, SubscriberId,
};

/// The most subscribers ticked at once: a page and then some.
pub const MAX_SELECTED: usize = 500;

/// Subscribers done in one transaction.
const BATCH: i64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Unsubscribe(ListId),
    Invite(ListId),
    Erase,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Unsubscribe(_) => "unsubscribe",
            Action::Invite(_) => "invite",
            Action::Erase => "erase",
        }
    }

    fn list(self) -> Option<ListId> {
        match self {
            Action::Unsubscribe(l) | Action::Invite(l) => Some(l),
            Action::Erase => None,
        }
    }

    fn read(name: &str, list: Option<ListId>) -> Option<Action> {
        match (name, list) {
            ("unsubscribe", Some(l)) => Some(Action::Unsubscribe(l)),
            ("invite", Some(l)) => Some(Action::Invite(l)),
            ("erase", _) => Some(Action::Erase),
            _ => None,
        }
    }
}

/// How many people an action changed, and how many it left as they were
/// (already off the list, already asked, suppressed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub changed: i64,
    pub unchanged: i64,
}

/// The filter as a bulk action keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredFilter {
    q: String,
    list: Option<String>,
    status: Option<String>,
    segment: Option<i64>,
}

impl From<&Filter> for StoredFilter {
    fn from(f: &Filter) -> Self {
        StoredFilter {
            q: f.q.clone(),
            list: f.list.clone(),
            status: f.status.map(|s| s.as_str().to_owned()),
            segment: f.segment.map(|s| s.0),
        }
    }
}

impl From<StoredFilter> for Filter {
    fn from(f: StoredFilter) -> Self {
        Filter {
            q: f.q,
            list: f.list,
            status: f.status.as_deref().and_then(Status::parse),
            segment: f.segment.map(SegmentId),
        }
    }
}

/// The list an action names, by slug; `None` when there is none.
pub async fn list_by_slug(services: &Services, slug: &str) -> Result<Option<List>, ServiceError> {
    if !crate::domain::list::is_slug(slug) {
        return Ok(None);
    }
    let slug = slug.to_owned();
    services
        .db
        .read(move |c| Ok(lists::by_slug(c, &slug)?))
        .await
}

/// Applies `action` to the ticked subscribers, in one transaction.
pub async fn on_selected(
    services: &Arc<Services>,
    operator: &Operator,
    action: Action,
    ids: Vec<SubscriberId>,
) -> Result<Tally, ServiceError> {
    let clock = services.clock.clone();
    let (ctx, operator) = (Arc::clone(services), operator.clone());
    let tally = services
        .db
        .write(move |c| {
            c.transaction(|conn| {
                apply(
                    conn,
                    &ctx,
                    &operator.email,
                    &operator.evidence,
                    action,
                    &ids,
                    clock.now().ms(),
                )
            })
        })
        .await?;
    after(services, action, tally).await;
    Ok(tally)
}

/// Queues `action` on every subscriber `filter` selects; the id of the
/// bulk action, whose progress [`progress`] reads.
pub async fn on_every_match(
    services: &Services,
    operator: &Operator,
    action: Action,
    filter: &Filter,
) -> Result<i64, ServiceError> {
    let clock = services.clock.clone();
    let stored = serde_json::to_string(&StoredFilter::from(filter))
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let (by, evidence) = (operator.email.clone(), operator.evidence.clone());
    let id = services
        .db
        .write(move |c| {
            c.transaction(|conn| {
                let now = clock.now().ms();
                let id =
                    bulk_actions::create(conn, action.name(), action.list(), &stored, &by, now)?;
                jobs::enqueue(
                    conn,
                    JobKind::Bulk,
                    &BulkJob { id, evidence },
                    now,
                    None,
                    now,
                )?;
                Ok::<_, ServiceError>(id)
            })
        })
        .await?;
    services.wake.jobs();
    Ok(id)
}

/// The payload of a bulk action's job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BulkJob {
    pub id: i64,
    /// The operator's request, for the consent events.
    pub evidence: Evidence,
}

/// Where a bulk action stands.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub action: &'static str,
    pub tally: Tally,
    pub finished: bool,
}

pub async fn progress(services: &Services, id: i64) -> Result<Option<Progress>, ServiceError> {
    let row = services
        .db
        .read(move |c| Ok::<_, ServiceError>(bulk_actions::by_id(c, id)?))
        .await?;
    Ok(row.and_then(|row| {
        let action = Action::read(&row.action, row.list_id)?;
        Some(Progress {
            action: action.name(),
            tally: Tally {
                changed: row.changed,
                unchanged: row.unchanged,
            },
            finished: row.finished_at.is_some(),
        })
    }))
}

/// One batch of a bulk action, in one transaction with the record of how
/// far it got: what it did, or `None` once every match is done.
pub fn step(
    conn: &mut DbConn,
    services: &Services,
    job: &BulkJob,
) -> Result<Option<(Action, Tally)>, ServiceError> {
    let now = services.clock.now().ms();
    conn.transaction(|conn| {
        let Some(row) = bulk_actions::by_id(conn, job.id)? else {
            return Ok(None);
        };
        let action = Action::read(&row.action, row.list_id).filter(|_| row.finished_at.is_none());
        let Some(action) = action else {
            return Ok(None);
        };
        let filter: Filter = serde_json::from_str::<StoredFilter>(&row.filter)
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .into();
        let ids = match filter.resolve(conn, &services.fields.get())? {
            Some(resolved) => {
                db::subscribers::ids_after(conn, &resolved.db(), SubscriberId(row.after_id), BATCH)?
            }
            // The segment went: no one more is chosen.
            None => Vec::new(),
        };
        let Some(last) = ids.last() else {
            bulk_actions::finish(conn, row.id, now)?;
            return Ok(None);
        };
        let tally = apply(
            conn,
            services,
            &row.operator,
            &job.evidence,
            action,
            &ids,
            now,
        )?;
        bulk_actions::advance(conn, row.id, last.0, tally.changed, tally.unchanged)?;
        Ok(Some((action, tally)))
    })
}

/// What follows a change, outside its transaction: mail to send, erased
/// addresses to scrub from the write-ahead log.
pub async fn after(services: &Services, action: Action, tally: Tally) {
    if tally.changed == 0 {
        return;
    }
    match action {
        Action::Invite(_) => services.wake.delivery(),
        Action::Erase => services.db.scrub_log().await,
        Action::Unsubscribe(_) => {}
    }
}

/// The action on each of `ids`, inside the caller's transaction.
fn apply(
    conn: &mut DbConn,
    services: &Services,
    by: &str,
    evidence: &Evidence,
    action: Action,
    ids: &[SubscriberId],
    now: i64,
) -> Result<Tally, ServiceError> {
    let mut tally = Tally::default();
    let list = match action.list() {
        Some(id) => Some(lists::by_id(conn, id)?),
        None => None,
    };
    let mut done = Vec::new();
    for &id in ids {
        let changed = match (action, &list) {
            (Action::Unsubscribe(_), Some(list)) => {
                unsubscribe(conn, services, evidence, id, list, now)?
            }
            (Action::Invite(_), Some(list)) => invite(conn, services, evidence, id, list, now)?,
            _ => match db::subscribers::by_id(conn, id)? {
                Some(subscriber) => {
                    let key = &services.secret_key;
                    erase_person(conn, &services.webhooks, key, &subscriber, by, now)?;
                    true
                }
                None => false,
            },
        };
        if changed {
            tally.changed += 1;
            done.push(id.to_string());
        } else {
            tally.unchanged += 1;
        }
    }
    // An erasure is audited per person, by id, in `erase_person`.
    if let (Some(list), false) = (&list, done.is_empty()) {
        let what = match action {
            Action::Invite(_) => format!("invited to list {}: #{}", list.slug, done.join(", #")),
            _ => format!(
                "unsubscribed from list {}: #{}",
                list.slug,
                done.join(", #")
            ),
        };
        audit::record(
            conn,
            by,
            &format!("bulk_{}", action.name()),
            &format!("{} subscribers", done.len()),
            &what,
            now,
        )?;
    }
    Ok(tally)
}

fn unsubscribe(
    conn: &mut DbConn,
    services: &Services,
    evidence: &Evidence,
    subscriber: SubscriberId,
    list: &List,
    now: i64,
) -> Result<bool, ServiceError> {
    let Some(subscription) = subscriptions::find(conn, subscriber, list.id)? else {
        return Ok(false);
    };
    db::backend::lock_subscription(conn, subscription.id)?;
    let subscription = subscriptions::by_id(conn, subscription.id)?;
    end_subscription(
        conn,
        &services.webhooks,
        &subscription,
        Channel::Operator,
        evidence,
        now,
    )
}

/// Asks the person to join `list`, as a signup would: a pending
/// subscription and a confirmation request at the pace of bulk mail. No
/// one already on the list (in any state: someone who left is not asked
/// back), suppressed, or whose address bounced, is mailed.
fn invite(
    conn: &mut DbConn,
    services: &Services,
    evidence: &Evidence,
    subscriber: SubscriberId,
    list: &List,
    now: i64,
) -> Result<bool, ServiceError> {
    if list.archived_at.is_some() {
        return Ok(false);
    }
    let Some(person) = db::subscribers::by_id(conn, subscriber)? else {
        return Ok(false);
    };
    let Ok(email) = SubscriberEmail::parse(&person.email) else {
        return Ok(false);
    };
    if db::subscribers::bounced(conn, person.id)? {
        return Ok(false);
    }
    let hash = crate::auth::suppression_hash(&services.secret_key, email.as_str());
    if suppressions::contains(conn, &hash)? {
        return Ok(false);
    }
    for same in subscriptions::same_address(conn, &email)? {
        if subscriptions::find(conn, same.id, list.id)?.is_some() {
            return Ok(false);
        }
    }
    let (subscription, created) = subscriptions::insert_or_get(conn, person.id, list.id, now)?;
    if !created {
        return Ok(false);
    }
    append_event(
        conn,
        subscription.id,
        Act::Requested,
        Channel::Operator,
        evidence,
        Some((list.consent_version, &wording_hash(&list.consent_wording))),
        now,
    )?;
    queue_confirmation(conn, services, subscription.id, &email, Lane::Requests, now)?;
    Ok(true)
}
