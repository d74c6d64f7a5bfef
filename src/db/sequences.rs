//! Sequences, their steps and the people in them (contract §18).
//!
//! A person in a sequence is one row, whatever the sequence's length: the
//! step that goes next and when it is due. Nothing is written for them
//! while they wait; the partial index on `due_at` holds only the people
//! waiting for a step, so that finding the due ones reads nothing else.

use diesel::prelude::*;

use super::schema::{
    lists, outbox, sequence_enrolments, sequence_steps, sequences, subscribers, subscriptions,
};
use super::{DbConn, backend};
use crate::domain::{ListId, MessageStatus, SequenceId, SequenceStepId, Status, SubscriptionId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sequences)]
pub struct Sequence {
    pub id: SequenceId,
    pub list_id: ListId,
    pub name: String,
    pub active: bool,
    pub enrol_after: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sequence_steps)]
pub struct Step {
    pub id: SequenceStepId,
    pub sequence_id: SequenceId,
    pub position: i32,
    pub subject: String,
    pub body: String,
    pub delay_ms: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A step as an operator writes it.
pub struct Written<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub delay_ms: i64,
}

pub fn create(
    conn: &mut DbConn,
    list: ListId,
    name: &str,
    by: &str,
    now: i64,
) -> QueryResult<SequenceId> {
    on_backend!(conn, |c| diesel::insert_into(sequences::table)
        .values((
            sequences::list_id.eq(list),
            sequences::name.eq(name),
            sequences::active.eq(false),
            sequences::created_by.eq(by),
            sequences::created_at.eq(now),
            sequences::updated_at.eq(now),
        ))
        .returning(sequences::id)
        .get_result(c))
}

/// Every sequence with its list's name, newest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<(Sequence, String)>> {
    sequences::table
        .inner_join(lists::table)
        .order(sequences::id.desc())
        .select((Sequence::as_select(), lists::name))
        .load(conn)
}

pub fn by_id(conn: &mut DbConn, id: SequenceId) -> QueryResult<Option<Sequence>> {
    sequences::table
        .find(id)
        .select(Sequence::as_select())
        .first(conn)
        .optional()
}

/// The active sequences: the few whose due steps are looked for.
pub fn active(conn: &mut DbConn) -> QueryResult<Vec<Sequence>> {
    sequences::table
        .filter(sequences::active.eq(true))
        .order(sequences::id)
        .select(Sequence::as_select())
        .load(conn)
}

/// Activates or pauses a sequence; activating may enrol the list's
/// subscribers confirmed already, from the first subscription on.
pub fn set_active(
    conn: &mut DbConn,
    id: SequenceId,
    active: bool,
    enrol_existing: bool,
    now: i64,
) -> QueryResult<()> {
    let enrol_after = (active && enrol_existing).then_some(0_i64);
    diesel::update(sequences::table.find(id))
        .set((sequences::active.eq(active), sequences::updated_at.eq(now)))
        .execute(conn)?;
    if enrol_after.is_some() {
        diesel::update(sequences::table.find(id))
            .set(sequences::enrol_after.eq(enrol_after))
            .execute(conn)?;
    }
    Ok(())
}

pub fn steps(conn: &mut DbConn, id: SequenceId) -> QueryResult<Vec<Step>> {
    sequence_steps::table
        .filter(sequence_steps::sequence_id.eq(id))
        .order(sequence_steps::position)
        .select(Step::as_select())
        .load(conn)
}

pub fn step_at(conn: &mut DbConn, id: SequenceId, position: i32) -> QueryResult<Option<Step>> {
    sequence_steps::table
        .filter(sequence_steps::sequence_id.eq(id))
        .filter(sequence_steps::position.eq(position))
        .select(Step::as_select())
        .first(conn)
        .optional()
}

/// Adds a step after the last; returns its position.
pub fn add_step(
    conn: &mut DbConn,
    id: SequenceId,
    step: &Written<'_>,
    now: i64,
) -> QueryResult<i32> {
    let last: Option<i32> = sequence_steps::table
        .filter(sequence_steps::sequence_id.eq(id))
        .select(diesel::dsl::max(sequence_steps::position))
        .first(conn)?;
    let position = last.unwrap_or(0) + 1;
    diesel::insert_into(sequence_steps::table)
        .values((
            sequence_steps::sequence_id.eq(id),
            sequence_steps::position.eq(position),
            sequence_steps::subject.eq(step.subject),
            sequence_steps::body.eq(step.body),
            sequence_steps::delay_ms.eq(step.delay_ms),
            sequence_steps::created_at.eq(now),
            sequence_steps::updated_at.eq(now),
        ))
        .execute(conn)?;
    // Those who finished the steps there were wait for none; those still
    // waiting for this position now have a step to wait for.
    reschedule(conn, id, position, step.delay_ms)?;
    Ok(position)
}

/// Rewrites a step; its copies not yet sent are composed from the new
/// text, and those waiting for it wait its new delay.
pub fn edit_step(
    conn: &mut DbConn,
    step: &Step,
    written: &Written<'_>,
    now: i64,
) -> QueryResult<()> {
    diesel::update(sequence_steps::table.find(step.id))
        .set((
            sequence_steps::subject.eq(written.subject),
            sequence_steps::body.eq(written.body),
            sequence_steps::delay_ms.eq(written.delay_ms),
            sequence_steps::updated_at.eq(now),
        ))
        .execute(conn)?;
    if written.delay_ms != step.delay_ms {
        reschedule(conn, step.sequence_id, step.position, written.delay_ms)?;
    }
    Ok(())
}

/// Those waiting for the step at `position` are due `delay_ms` after the
/// step before it went.
fn reschedule(conn: &mut DbConn, id: SequenceId, position: i32, delay_ms: i64) -> QueryResult<()> {
    diesel::update(
        sequence_enrolments::table
            .filter(sequence_enrolments::sequence_id.eq(id))
            .filter(sequence_enrolments::next_position.eq(position))
            .filter(sequence_enrolments::due_at.is_not_null()),
    )
    .set(sequence_enrolments::due_at.eq((sequence_enrolments::since + delay_ms).nullable()))
    .execute(conn)
    .map(|_| ())
}

/// Puts `subscription` at the start of every active sequence of `list`
/// that has a step: its first step is due its delay from `now`. Someone
/// who was in it before starts again.
pub fn enrol(
    conn: &mut DbConn,
    list: ListId,
    subscription: SubscriptionId,
    now: i64,
) -> QueryResult<usize> {
    let firsts: Vec<(SequenceId, i64)> = sequences::table
        .inner_join(sequence_steps::table)
        .filter(sequences::list_id.eq(list))
        .filter(sequences::active.eq(true))
        .filter(sequence_steps::position.eq(1))
        .select((sequences::id, sequence_steps::delay_ms))
        .load(conn)?;
    for (sequence, delay_ms) in &firsts {
        let due = now + delay_ms;
        on_backend!(conn, |c| diesel::insert_into(sequence_enrolments::table)
            .values((
                sequence_enrolments::sequence_id.eq(sequence),
                sequence_enrolments::subscription_id.eq(subscription),
                sequence_enrolments::next_position.eq(1),
                sequence_enrolments::since.eq(now),
                sequence_enrolments::due_at.eq(due),
                sequence_enrolments::enrolled_at.eq(now),
            ))
            .on_conflict((
                sequence_enrolments::sequence_id,
                sequence_enrolments::subscription_id,
            ))
            .do_update()
            .set((
                sequence_enrolments::next_position.eq(1),
                sequence_enrolments::since.eq(now),
                sequence_enrolments::due_at.eq(due),
                sequence_enrolments::enrolled_at.eq(now),
            ))
            .execute(c))?;
    }
    Ok(firsts.len())
}

/// Enrols the next `limit` subscriptions of the sequence's list that were
/// confirmed when it was activated, from its mark on, and moves the mark
/// (to none once every one is enrolled); returns how many were looked at.
/// Someone already in the sequence stays where they are.
pub fn enrol_existing(
    conn: &mut DbConn,
    sequence: &Sequence,
    limit: i64,
    now: i64,
) -> QueryResult<usize> {
    let Some(after) = sequence.enrol_after else {
        return Ok(0);
    };
    let Some(first) = step_at(conn, sequence.id, 1)? else {
        return Ok(0);
    };
    let confirmed: Vec<SubscriptionId> = subscriptions::table
        .filter(subscriptions::list_id.eq(sequence.list_id))
        .filter(subscriptions::status.eq(Status::Confirmed))
        .filter(subscriptions::id.gt(SubscriptionId(after)))
        .order(subscriptions::id)
        .limit(limit)
        .select(subscriptions::id)
        .load(conn)?;
    let due = now + first.delay_ms;
    let rows: Vec<_> = confirmed
        .iter()
        .map(|subscription| {
            (
                sequence_enrolments::sequence_id.eq(sequence.id),
                sequence_enrolments::subscription_id.eq(*subscription),
                sequence_enrolments::next_position.eq(1),
                sequence_enrolments::since.eq(now),
                sequence_enrolments::due_at.eq(Some(due)),
                sequence_enrolments::enrolled_at.eq(now),
            )
        })
        .collect();
    if !rows.is_empty() {
        on_backend!(conn, |c| diesel::insert_into(sequence_enrolments::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    let mark = if (confirmed.len() as i64) < limit {
        None
    } else {
        confirmed.last().map(|s| s.0)
    };
    diesel::update(sequences::table.find(sequence.id))
        .set(sequences::enrol_after.eq(mark))
        .execute(conn)?;
    Ok(confirmed.len())
}

/// A person whose next step is due.
pub struct Due {
    pub subscription: SubscriptionId,
    pub position: i32,
    pub email: String,
    pub status: Status,
    pub bounced_at: Option<i64>,
}

/// Up to `limit` people of `sequence` whose next step is due at `now`,
/// taken off the due index with the step after it made their next, in
/// the caller's transaction: whoever queues their copies, no other process
/// finds them due. Rows another process holds are passed over.
pub fn take_due(
    conn: &mut DbConn,
    sequence: SequenceId,
    now: i64,
    limit: i64,
) -> QueryResult<Vec<Due>> {
    let ids = backend::due_enrolments(conn, sequence, now, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(SubscriptionId, i32, String, Status, Option<i64>)> = sequence_enrolments::table
        .inner_join(subscriptions::table.inner_join(subscribers::table))
        .filter(sequence_enrolments::id.eq_any(&ids))
        .order(sequence_enrolments::id)
        .select((
            sequence_enrolments::subscription_id,
            sequence_enrolments::next_position,
            subscribers::email,
            subscriptions::status,
            subscribers::bounced_at,
        ))
        .load(conn)?;
    diesel::update(sequence_enrolments::table.filter(sequence_enrolments::id.eq_any(&ids)))
        .set((
            sequence_enrolments::due_at.eq(None::<i64>),
            sequence_enrolments::next_position.eq(sequence_enrolments::next_position + 1),
        ))
        .execute(conn)?;
    Ok(rows
        .into_iter()
        .map(|(subscription, position, email, status, bounced_at)| Due {
            subscription,
            position,
            email,
            status,
            bounced_at,
        })
        .collect())
}

/// Where a step stands in its sequence, as delivery moves people on.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub sequence: SequenceId,
    pub position: i32,
    /// The delay of the step after it; `None` for the last.
    pub next_delay_ms: Option<i64>,
}

/// The copy of the step at `place` went to `subscription` at `now` (or
/// failed for good): the next step is due its delay from now, or the
/// person has finished. Only the first report moves them: a copy sent
/// twice moves them once.
pub fn advance(
    conn: &mut DbConn,
    place: &Place,
    subscription: SubscriptionId,
    now: i64,
) -> QueryResult<()> {
    diesel::update(
        sequence_enrolments::table
            .filter(sequence_enrolments::sequence_id.eq(place.sequence))
            .filter(sequence_enrolments::subscription_id.eq(subscription))
            .filter(sequence_enrolments::next_position.eq(place.position + 1))
            .filter(sequence_enrolments::due_at.is_null()),
    )
    .set((
        sequence_enrolments::since.eq(now),
        sequence_enrolments::due_at.eq(place.next_delay_ms.map(|delay| now + delay)),
    ))
    .execute(conn)
    .map(|_| ())
}

/// The steps of `ids` with whether their sequence is active and their
/// place in it, for the delivery of their copies.
pub fn steps_of(
    conn: &mut DbConn,
    ids: &[SequenceStepId],
) -> QueryResult<Vec<(Step, bool, Place)>> {
    let found: Vec<(Step, bool)> = sequence_steps::table
        .inner_join(sequences::table)
        .filter(sequence_steps::id.eq_any(ids))
        .select((Step::as_select(), sequences::active))
        .load(conn)?;
    let mut sequences: Vec<SequenceId> = found.iter().map(|(s, _)| s.sequence_id).collect();
    sequences.sort_unstable();
    sequences.dedup();
    let delays: Vec<(SequenceId, i32, i64)> = sequence_steps::table
        .filter(sequence_steps::sequence_id.eq_any(&sequences))
        .select((
            sequence_steps::sequence_id,
            sequence_steps::position,
            sequence_steps::delay_ms,
        ))
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|(step, active)| {
            let next_delay_ms = delays
                .iter()
                .find(|(s, p, _)| *s == step.sequence_id && *p == step.position + 1)
                .map(|(.., delay)| *delay);
            let place = Place {
                sequence: step.sequence_id,
                position: step.position,
                next_delay_ms,
            };
            (step, active, place)
        })
        .collect())
}

/// The sequence's copies not yet handed over wait while it is paused.
pub fn hold(conn: &mut DbConn, id: SequenceId) -> QueryResult<usize> {
    let steps = sequence_steps::table
        .filter(sequence_steps::sequence_id.eq(id))
        .select(sequence_steps::id.nullable());
    diesel::update(
        outbox::table
            .filter(outbox::sequence_step_id.eq_any(steps))
            .filter(outbox::status.eq(MessageStatus::Queued))
            .filter(outbox::claimed_by.is_null()),
    )
    .set(outbox::status.eq(MessageStatus::Held))
    .execute(conn)
}

/// The copies held while the sequence was paused go again.
pub fn release(conn: &mut DbConn, id: SequenceId) -> QueryResult<usize> {
    let steps = sequence_steps::table
        .filter(sequence_steps::sequence_id.eq(id))
        .select(sequence_steps::id.nullable());
    diesel::update(
        outbox::table
            .filter(outbox::sequence_step_id.eq_any(steps))
            .filter(outbox::status.eq(MessageStatus::Held)),
    )
    .set(outbox::status.eq(MessageStatus::Queued))
    .execute(conn)
}

/// How many copies of each step of `id` are in each state: (step,
/// status, count).
pub fn copy_counts(
    conn: &mut DbConn,
    id: SequenceId,
) -> QueryResult<Vec<(Option<SequenceStepId>, MessageStatus, i64)>> {
    let steps = sequence_steps::table
        .filter(sequence_steps::sequence_id.eq(id))
        .select(sequence_steps::id.nullable());
    outbox::table
        .filter(outbox::sequence_step_id.eq_any(steps))
        .group_by((outbox::sequence_step_id, outbox::status))
        .select((
            outbox::sequence_step_id,
            outbox::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// How many confirmed people wait for each step of `id`: (position, count).
pub fn waiting_counts(conn: &mut DbConn, id: SequenceId) -> QueryResult<Vec<(i32, i64)>> {
    sequence_enrolments::table
        .inner_join(subscriptions::table)
        .filter(sequence_enrolments::sequence_id.eq(id))
        .filter(sequence_enrolments::due_at.is_not_null())
        .filter(subscriptions::status.eq(Status::Confirmed))
        .group_by(sequence_enrolments::next_position)
        .select((
            sequence_enrolments::next_position,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// How many people have entered the sequence.
pub fn enrolled(conn: &mut DbConn, id: SequenceId) -> QueryResult<i64> {
    sequence_enrolments::table
        .filter(sequence_enrolments::sequence_id.eq(id))
        .count()
        .get_result(conn)
}
