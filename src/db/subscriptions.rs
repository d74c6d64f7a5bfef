//! Subscribers, their subscriptions, and the append-only consent events.

use diesel::prelude::*;

use super::models::{ConsentEvent, NewConsentEvent, Subscriber, Subscription};
use super::schema::{consent_events, subscribers, subscriptions};
use super::{DbConn, at_most_one, exactly_one};
use crate::domain::{Act, EventId, ListId, Status, SubscriberEmail, SubscriberId, SubscriptionId};

pub fn subscriber_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Subscriber>> {
    at_most_one(on_backend!(conn, |c| subscribers::table
        .filter(subscribers::email.eq(email))
        .select(Subscriber::as_select())
        .load(c)))
}

/// The subscribers whose address is `email` but for the case of its letters.
pub fn same_address(conn: &mut DbConn, email: &SubscriberEmail) -> QueryResult<Vec<Subscriber>> {
    let found: Vec<Subscriber> = subscribers::table
        .filter(subscribers::email_key.eq(email.key()))
        .order(subscribers::id)
        .select(Subscriber::as_select())
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter(|s| s.email.eq_ignore_ascii_case(email.as_str()))
        .collect())
}

pub fn subscriber_by_id(conn: &mut DbConn, id: SubscriberId) -> QueryResult<Subscriber> {
    exactly_one(
        subscribers::table
            .find(id)
            .select(Subscriber::as_select())
            .load(conn),
    )
}

/// The subscriber with this address, inserted if there was none. One
/// statement for a new address; a concurrent insert of the same address is
/// waited for, then read.
pub fn insert_or_get_subscriber(
    conn: &mut DbConn,
    email: &SubscriberEmail,
    name: Option<&str>,
    now: i64,
) -> QueryResult<Subscriber> {
    let key = email.key();
    let email = email.as_str();
    let inserted = on_backend!(conn, |c| {
        diesel::insert_into(subscribers::table)
            .values((
                subscribers::email.eq(email),
                subscribers::name.eq(name),
                subscribers::created_at.eq(now),
                subscribers::email_key.eq(&key),
            ))
            .on_conflict(subscribers::email)
            .do_nothing()
            .returning(Subscriber::as_returning())
            .load(c)
    })?;
    match inserted.into_iter().next() {
        Some(subscriber) => Ok(subscriber),
        None => subscriber_by_email(conn, email)?.ok_or(diesel::result::Error::NotFound),
    }
}

pub fn find(
    conn: &mut DbConn,
    subscriber_id: SubscriberId,
    list_id: ListId,
) -> QueryResult<Option<Subscription>> {
    at_most_one(on_backend!(conn, |c| subscriptions::table
        .filter(subscriptions::subscriber_id.eq(subscriber_id))
        .filter(subscriptions::list_id.eq(list_id))
        .select(Subscription::as_select())
        .load(c)))
}

pub fn by_id(conn: &mut DbConn, id: SubscriptionId) -> QueryResult<Subscription> {
    exactly_one(on_backend!(conn, |c| subscriptions::table
        .find(id)
        .select(Subscription::as_select())
        .load(c)))
}

/// The subscription of a subscriber to a list, inserted as pending if there
/// was none; `true` when this call inserted it.
pub fn insert_or_get(
    conn: &mut DbConn,
    subscriber_id: SubscriberId,
    list_id: ListId,
    now: i64,
) -> QueryResult<(Subscription, bool)> {
    let inserted = on_backend!(conn, |c| {
        diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::subscriber_id.eq(subscriber_id),
                subscriptions::list_id.eq(list_id),
                subscriptions::status.eq(Status::Pending),
                subscriptions::created_at.eq(now),
            ))
            .on_conflict((subscriptions::subscriber_id, subscriptions::list_id))
            .do_nothing()
            .returning(Subscription::as_returning())
            .load(c)
    })?;
    if let Some(subscription) = inserted.into_iter().next() {
        return Ok((subscription, true));
    }
    let existing = find(conn, subscriber_id, list_id)?;
    existing
        .map(|s| (s, false))
        .ok_or(diesel::result::Error::NotFound)
}

/// A new signup after an unsubscribe starts a fresh request; the history
/// stays in the consent events.
pub fn reopen(conn: &mut DbConn, id: SubscriptionId) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id))
        .set((
            subscriptions::status.eq(Status::Pending),
            subscriptions::confirmed_at.eq(None::<i64>),
            subscriptions::unsubscribed_at.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn mark_confirmed(conn: &mut DbConn, id: SubscriptionId, now: i64) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id))
        .set((
            subscriptions::status.eq(Status::Confirmed),
            subscriptions::confirmed_at.eq(now),
            subscriptions::unsubscribed_at.eq(None::<i64>),
            subscriptions::consented_at.eq(now),
            subscriptions::reconfirm_sent_at.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn mark_unsubscribed(conn: &mut DbConn, id: SubscriptionId, now: i64) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id))
        .set((
            subscriptions::status.eq(Status::Unsubscribed),
            subscriptions::unsubscribed_at.eq(now),
            subscriptions::reconfirm_sent_at.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Appends a consent event and its link in the ledger. There is
/// deliberately no function that updates one; the database refuses updates
/// too.
pub fn append_event(conn: &mut DbConn, event: &NewConsentEvent<'_>) -> QueryResult<()> {
    let id: EventId = on_backend!(conn, |c| diesel::insert_into(consent_events::table)
        .values(event)
        .returning(consent_events::id)
        .get_result(c))?;
    super::ledger::pend(conn, id)
}

pub fn events(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
) -> QueryResult<Vec<ConsentEvent>> {
    consent_events::table
        .filter(consent_events::subscription_id.eq(subscription_id))
        .order(consent_events::id)
        .select(ConsentEvent::as_select())
        .load(conn)
}

/// The most recent signup request, whose wording a confirmation agrees to.
pub fn last_request(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
) -> QueryResult<Option<ConsentEvent>> {
    consent_events::table
        .filter(consent_events::subscription_id.eq(subscription_id))
        .filter(consent_events::act.eq(Act::Requested))
        .order(consent_events::id.desc())
        .select(ConsentEvent::as_select())
        .first(conn)
        .optional()
}

type Backend = <DbConn as Connection>::Backend;

/// Pending subscriptions whose last signup request is older than `before`.
pub fn stale_pending(before: i64) -> subscriptions::BoxedQuery<'static, Backend> {
    let recent_request = consent_events::table
        .filter(consent_events::subscription_id.eq(subscriptions::id))
        .filter(consent_events::act.eq(Act::Requested))
        .filter(consent_events::occurred_at.ge(before));
    subscriptions::table
        .filter(subscriptions::status.eq(Status::Pending))
        .filter(subscriptions::created_at.lt(before))
        .filter(diesel::dsl::not(diesel::dsl::exists(recent_request)))
        .into_boxed()
}

/// Confirmed subscriptions whose last positive act is older than `before`
/// and that have not been asked to confirm again.
pub fn due_for_reconfirmation(before: i64) -> subscriptions::BoxedQuery<'static, Backend> {
    subscriptions::table
        .filter(subscriptions::status.eq(Status::Confirmed))
        .filter(subscriptions::consented_at.lt(before))
        .filter(subscriptions::reconfirm_sent_at.is_null())
        .into_boxed()
}

/// Confirmed subscriptions asked to confirm again before `before`, and
/// that did not answer.
pub fn unanswered_reconfirmations(before: i64) -> subscriptions::BoxedQuery<'static, Backend> {
    subscriptions::table
        .filter(subscriptions::status.eq(Status::Confirmed))
        .filter(subscriptions::reconfirm_sent_at.lt(before))
        .into_boxed()
}

/// The first `limit` subscriptions of such a query, oldest first.
pub fn first_of(
    conn: &mut DbConn,
    query: subscriptions::BoxedQuery<'static, Backend>,
    limit: i64,
) -> QueryResult<Vec<Subscription>> {
    query
        .order(subscriptions::id)
        .limit(limit)
        .select(Subscription::as_select())
        .load(conn)
}

/// How many subscriptions such a query finds.
pub fn count_of(
    conn: &mut DbConn,
    query: subscriptions::BoxedQuery<'static, Backend>,
) -> QueryResult<i64> {
    query.count().get_result(conn)
}

pub fn mark_reconfirm_sent(conn: &mut DbConn, id: SubscriptionId, now: i64) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id))
        .set(subscriptions::reconfirm_sent_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// A new positive act on a confirmed subscription: its consent is fresh.
pub fn mark_reconfirmed(conn: &mut DbConn, id: SubscriptionId, now: i64) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id))
        .set((
            subscriptions::consented_at.eq(now),
            subscriptions::reconfirm_sent_at.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Confirmed subscriptions asked to confirm again and not yet answered.
pub fn awaiting_reconfirmation() -> subscriptions::BoxedQuery<'static, Backend> {
    subscriptions::table
        .filter(subscriptions::status.eq(Status::Confirmed))
        .filter(subscriptions::reconfirm_sent_at.is_not_null())
        .into_boxed()
}
