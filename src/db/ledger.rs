//! The consent ledger's rows (contract §11): one link per consent event,
//! appended behind the event's commit by the linker, under the head's lock,
//! a batch at a time; and one per erasure, naming the digests of the
//! events it erased.

use diesel::prelude::*;

use super::models::ConsentEvent;
use super::schema::{
    consent_events, consent_ledger, ledger_checks, ledger_erasures, ledger_head, ledger_pending,
};
use super::{DbConn, backend};
use crate::domain::EventId;
use crate::domain::ledger::{ErasureFacts, link};

/// One link, with the event's content where it is still there.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consent_ledger)]
pub struct Link {
    pub position: i64,
    /// The event it chains; `None` for an erasure's link.
    pub event_id: Option<EventId>,
    pub erasure_id: Option<i64>,
    pub digest: String,
    pub chain: String,
    pub erased_at: Option<i64>,
}

/// An erasure as the ledger keeps it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_erasures)]
pub struct Erasure {
    pub id: i64,
    pub occurred_at: i64,
    pub digests: String,
}

impl Erasure {
    /// The digests it names; `None` when the stored list is not one.
    pub fn named(&self) -> Option<Vec<String>> {
        serde_json::from_str(&self.digests).ok()
    }
}

/// Appends the link of the event `id` whose digest is `digest`.
pub fn append(conn: &mut DbConn, id: EventId, digest: &str) -> QueryResult<()> {
    append_link(conn, (Some(id), None), digest)
}

/// Notes an event appended in the caller's transaction for the linker: the
/// one write the ledger adds to that transaction, and it takes no lock
/// another transaction waits for.
pub fn pend(conn: &mut DbConn, id: EventId) -> QueryResult<()> {
    diesel::insert_into(ledger_pending::table)
        .values(ledger_pending::event_id.eq(id))
        .execute(conn)
        .map(|_| ())
}

/// Whether any event waits for its link.
pub fn any_pending(conn: &mut DbConn) -> QueryResult<bool> {
    ledger_pending::table
        .select(ledger_pending::event_id)
        .first::<EventId>(conn)
        .optional()
        .map(|first| first.is_some())
}

/// Links up to `limit` of the events waiting for their link, oldest first,
/// under the head's lock and in the caller's transaction; returns how many.
pub fn link_pending(conn: &mut DbConn, limit: i64) -> QueryResult<usize> {
    let (mut position, mut chain) = backend::lock_ledger_head(conn)?;
    let ids: Vec<EventId> = ledger_pending::table
        .order(ledger_pending::event_id)
        .limit(limit)
        .select(ledger_pending::event_id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let events: Vec<ConsentEvent> = consent_events::table
        .filter(consent_events::id.eq_any(&ids))
        .order(consent_events::id)
        .select(ConsentEvent::as_select())
        .load(conn)?;
    let mut links = Vec::with_capacity(events.len());
    for event in &events {
        let digest = event.facts().digest();
        chain = link(&chain, &digest);
        position += 1;
        links.push((
            consent_ledger::position.eq(position),
            consent_ledger::event_id.eq(Some(event.id)),
            consent_ledger::digest.eq(digest),
            consent_ledger::chain.eq(chain.clone()),
        ));
    }
    on_backend!(conn, |c| diesel::insert_into(consent_ledger::table)
        .values(&links)
        .execute(c))?;
    move_head(conn, position, &chain)?;
    diesel::delete(ledger_pending::table.filter(ledger_pending::event_id.eq_any(&ids)))
        .execute(conn)?;
    Ok(events.len())
}

/// Appends a link for an event or an erasure, under the head's lock.
fn append_link(
    conn: &mut DbConn,
    (event, erasure): (Option<EventId>, Option<i64>),
    digest: &str,
) -> QueryResult<()> {
    let (position, previous) = backend::lock_ledger_head(conn)?;
    let chain = link(&previous, digest);
    let position = position + 1;
    on_backend!(conn, |c| diesel::insert_into(consent_ledger::table)
        .values((
            consent_ledger::position.eq(position),
            consent_ledger::event_id.eq(event),
            consent_ledger::erasure_id.eq(erasure),
            consent_ledger::digest.eq(digest),
            consent_ledger::chain.eq(&chain),
        ))
        .execute(c))?;
    move_head(conn, position, &chain)?;
    Ok(())
}

/// Records the newest link after an append, under the head's lock.
fn move_head(conn: &mut DbConn, position: i64, chain: &str) -> QueryResult<()> {
    diesel::update(ledger_head::table.find(1))
        .set((
            ledger_head::position.eq(position),
            ledger_head::chain.eq(chain),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The newest link: how many there are, and its chain.
pub fn head(conn: &mut DbConn) -> QueryResult<(i64, String)> {
    ledger_head::table
        .find(1)
        .select((ledger_head::position, ledger_head::chain))
        .first(conn)
}

/// Events recorded before the ledger existed that are still to be chained.
pub fn legacy_until(conn: &mut DbConn) -> QueryResult<i64> {
    ledger_head::table
        .find(1)
        .select(ledger_head::legacy_until)
        .first(conn)
}

pub fn set_legacy_done(conn: &mut DbConn) -> QueryResult<()> {
    diesel::update(ledger_head::table.find(1))
        .set(ledger_head::legacy_until.eq(0))
        .execute(conn)
        .map(|_| ())
}

/// A link as the verification reads it: with its event where one is still
/// stored, or its erasure.
pub type ReadLink = (Link, Option<ConsentEvent>, Option<Erasure>);

/// Up to `limit` links after `position` up to `last`, in the chain's
/// order. One statement, so that an erasure is seen whole or not at all.
pub fn links_after(
    conn: &mut DbConn,
    position: i64,
    last: i64,
    limit: i64,
) -> QueryResult<Vec<ReadLink>> {
    consent_ledger::table
        .left_join(
            consent_events::table.on(consent_ledger::event_id.eq(consent_events::id.nullable())),
        )
        .left_join(
            ledger_erasures::table
                .on(consent_ledger::erasure_id.eq(ledger_erasures::id.nullable())),
        )
        .filter(consent_ledger::position.gt(position))
        .filter(consent_ledger::position.le(last))
        .order(consent_ledger::position)
        .limit(limit)
        .select((
            Link::as_select(),
            Option::<ConsentEvent>::as_select(),
            Option::<Erasure>::as_select(),
        ))
        .load(conn)
}

/// The links of these events, for the consent record.
pub fn links_of(conn: &mut DbConn, events: &[EventId]) -> QueryResult<Vec<Link>> {
    let ids: Vec<Option<EventId>> = events.iter().copied().map(Some).collect();
    consent_ledger::table
        .filter(consent_ledger::event_id.eq_any(ids))
        .select(Link::as_select())
        .load(conn)
}

/// Before these events go: marks their links erased, and appends an
/// erasure that names their digests, itself a link of the chain.
pub fn record_erasure(conn: &mut DbConn, events: &[EventId], now: i64) -> QueryResult<()> {
    // What is erased is linked first, so that its digest stays in the chain.
    while link_pending(conn, 1000)? > 0 {}
    let mut digests = Vec::new();
    for chunk in events.chunks(500) {
        let ids: Vec<Option<EventId>> = chunk.iter().copied().map(Some).collect();
        let linked: Vec<String> = consent_ledger::table
            .filter(consent_ledger::event_id.eq_any(&ids))
            .filter(consent_ledger::erased_at.is_null())
            .order(consent_ledger::position)
            .select(consent_ledger::digest)
            .load(conn)?;
        digests.extend(linked);
        diesel::update(
            consent_ledger::table
                .filter(consent_ledger::event_id.eq_any(&ids))
                .filter(consent_ledger::erased_at.is_null()),
        )
        .set(consent_ledger::erased_at.eq(now))
        .execute(conn)?;
    }
    if digests.is_empty() {
        return Ok(());
    }
    let listed = serde_json::Value::from(digests.clone()).to_string();
    let id: i64 = on_backend!(conn, |c| diesel::insert_into(ledger_erasures::table)
        .values((
            ledger_erasures::occurred_at.eq(now),
            ledger_erasures::digests.eq(&listed),
        ))
        .returning(ledger_erasures::id)
        .get_result(c))?;
    let facts = ErasureFacts {
        id,
        occurred_at: now,
        digests: &digests,
    };
    append_link(conn, (None, Some(id)), &facts.digest())
}

/// The events up to `until` that have no link, oldest first.
pub fn unlinked_up_to(conn: &mut DbConn, until: EventId) -> QueryResult<Vec<ConsentEvent>> {
    consent_events::table
        .left_join(
            consent_ledger::table.on(consent_ledger::event_id.eq(consent_events::id.nullable())),
        )
        .filter(consent_ledger::position.is_null())
        .filter(consent_events::id.le(until))
        .order(consent_events::id)
        .select(ConsentEvent::as_select())
        .load(conn)
}

/// The oldest event that has no link and is not one the linker has yet to
/// reach: one still waiting since before `before` counts.
pub fn first_unlinked(conn: &mut DbConn, before: i64) -> QueryResult<Option<EventId>> {
    let waiting = ledger_pending::table.filter(ledger_pending::event_id.eq(consent_events::id));
    consent_events::table
        .left_join(
            consent_ledger::table.on(consent_ledger::event_id.eq(consent_events::id.nullable())),
        )
        .filter(consent_ledger::position.is_null())
        .filter(
            consent_events::occurred_at
                .lt(before)
                .or(diesel::dsl::not(diesel::dsl::exists(waiting))),
        )
        .order(consent_events::id)
        .select(consent_events::id)
        .first(conn)
        .optional()
}

/// What a verification found.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_checks)]
pub struct Check {
    pub checked_at: i64,
    pub events: i64,
    pub head: String,
    pub broken_event: Option<EventId>,
    pub problem: Option<String>,
}

pub fn record_check(conn: &mut DbConn, check: &Check) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::insert_into(ledger_checks::table)
        .values((
            ledger_checks::checked_at.eq(check.checked_at),
            ledger_checks::events.eq(check.events),
            ledger_checks::head.eq(&check.head),
            ledger_checks::broken_event.eq(check.broken_event),
            ledger_checks::problem.eq(&check.problem),
        ))
        .execute(c))
    .map(|_| ())
}

pub fn last_check(conn: &mut DbConn) -> QueryResult<Option<Check>> {
    ledger_checks::table
        .order(ledger_checks::id.desc())
        .select(Check::as_select())
        .first(conn)
        .optional()
}
