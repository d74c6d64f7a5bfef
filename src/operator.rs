//! What operators do to subscriptions: resend, unsubscribe, erase, import.
//!
//! Each action is one transaction that also appends its consent event (with
//! the operator as channel) and its audit entry. Blocking: callers run these
//! through `Database::write`.

use diesel::Connection;

use crate::db::models::{List, Subscription};
use crate::db::{self, DbConn, audit, lists, subscribers, subscriptions, suppressions};
use crate::domain::list::wording_hash;
use crate::domain::{Act, Channel, Evidence, Status, SubscriberEmail, SubscriberName};
use crate::double_opt_in::{
    FlowContext, FlowError, append_event, end_subscription, queue_confirmation,
};

/// Who acts, and from where.
pub struct Operator<'a> {
    pub email: &'a str,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The subscription is not in a state the action applies to.
    NotApplicable,
    NotFound,
}

/// Loads a subscription of `subscriber_id` under a lock.
fn locked(
    conn: &mut DbConn,
    subscriber_id: i64,
    subscription_id: i64,
) -> Result<Option<Subscription>, FlowError> {
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
pub fn resend_confirmation(
    conn: &mut DbConn,
    ctx: &FlowContext,
    operator: &Operator<'_>,
    subscriber_id: i64,
    subscription_id: i64,
    now: i64,
) -> Result<Outcome, FlowError> {
    conn.transaction(|conn| {
        let Some(subscription) = locked(conn, subscriber_id, subscription_id)? else {
            return Ok(Outcome::NotFound);
        };
        if subscription.status() != Status::Pending {
            return Ok(Outcome::NotApplicable);
        }
        let subscriber = subscriptions::subscriber_by_id(conn, subscriber_id)?;
        let Ok(email) = SubscriberEmail::parse(&subscriber.email) else {
            return Ok(Outcome::NotApplicable);
        };
        let list = lists::by_id(conn, subscription.list_id)?;
        queue_confirmation(conn, ctx, subscription.id, &email, now, now)?;
        append_event(
            conn,
            subscription.id,
            Act::ConfirmationResent,
            Channel::Operator,
            &operator.evidence,
            None,
            now,
        )?;
        let target = format!("subscriber #{subscriber_id}");
        let detail = format!("confirmation sent again for list {}", list.slug);
        audit::record(
            conn,
            operator.email,
            "resend_confirmation",
            &target,
            &detail,
            now,
        )?;
        Ok(Outcome::Done)
    })
}

/// Ends a subscription on the subscriber's behalf.
pub fn unsubscribe(
    conn: &mut DbConn,
    operator: &Operator<'_>,
    subscriber_id: i64,
    subscription_id: i64,
    now: i64,
) -> Result<Outcome, FlowError> {
    conn.transaction(|conn| {
        let Some(subscription) = locked(conn, subscriber_id, subscription_id)? else {
            return Ok(Outcome::NotFound);
        };
        if !end_subscription(
            conn,
            &subscription,
            Channel::Operator,
            &operator.evidence,
            now,
        )? {
            return Ok(Outcome::NotApplicable);
        }
        let list = lists::by_id(conn, subscription.list_id)?;
        let target = format!("subscriber #{subscriber_id}");
        let detail = format!("unsubscribed from list {}", list.slug);
        audit::record(conn, operator.email, "unsubscribe", &target, &detail, now)?;
        Ok(Outcome::Done)
    })
}

/// Erases a person (GDPR art. 17): their data goes, a keyed hash of the
/// address stays on the suppression list, and the audit log records the
/// erasure by id only.
pub fn erase(
    conn: &mut DbConn,
    operator: &Operator<'_>,
    secret_key: &[u8],
    subscriber_id: i64,
    now: i64,
) -> Result<Outcome, FlowError> {
    conn.transaction(|conn| {
        let Some(subscriber) = subscribers::by_id(conn, subscriber_id)? else {
            return Ok(Outcome::NotFound);
        };
        let hash = crate::auth::suppression_hash(secret_key, &subscriber.email);
        suppressions::add(conn, &hash, now)?;
        subscribers::erase(conn, subscriber_id)?;
        let target = format!("subscriber #{subscriber_id}");
        audit::record(
            conn,
            operator.email,
            "erase",
            &target,
            "personal data deleted; the address is kept only as a keyed hash on the suppression list",
            now,
        )?;
        Ok(Outcome::Done)
    })
}

/// What became of one imported row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportResult {
    Added,
    /// Already on the list, in whatever state: left as it is.
    AlreadyOnList,
    /// Erased earlier: an import may not bring it back.
    Suppressed,
}

/// Adds one address to `list` as pending, with its confirmation request
/// queued for `send_at`. Runs inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub fn import_address(
    conn: &mut DbConn,
    ctx: &FlowContext,
    secret_key: &[u8],
    list: &List,
    email: &SubscriberEmail,
    name: Option<&SubscriberName>,
    evidence: &Evidence,
    now: i64,
    send_at: i64,
) -> Result<ImportResult, FlowError> {
    let hash = crate::auth::suppression_hash(secret_key, email.as_str());
    if suppressions::contains(conn, &hash)? {
        return Ok(ImportResult::Suppressed);
    }
    let subscriber = subscriptions::insert_or_get_subscriber(
        conn,
        email.as_str(),
        name.map(SubscriberName::as_str),
        now,
    )?;
    let (subscription, created) = subscriptions::insert_or_get(conn, subscriber.id, list.id, now)?;
    if !created {
        return Ok(ImportResult::AlreadyOnList);
    }
    append_event(
        conn,
        subscription.id,
        Act::Requested,
        Channel::Import,
        evidence,
        Some((list.consent_version, &wording_hash(&list.consent_wording))),
        now,
    )?;
    queue_confirmation(conn, ctx, subscription.id, email, now, send_at)?;
    Ok(ImportResult::Added)
}
