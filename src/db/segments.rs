//! Saved segments, and the SQL their conditions become (contract §16).
//!
//! Each condition is a fixed diesel expression over `subscribers`; what the
//! operator chose goes in only as bound values.

use diesel::dsl::{exists, not, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Text};

use super::DbConn;
use super::schema::subscriptions;
use super::schema::{
    bounces, consent_events, lists, segment_changes, segment_members, segments, subscriber_fields,
    subscribers,
};
use crate::domain::segment::{Condition, Criteria, FieldTest, Match, Rule, TimeTest};
use crate::domain::{Act, BounceKind, SegmentId, Status, SubscriberId};

type Backend = <DbConn as Connection>::Backend;

/// A condition on a row of `subscribers`.
pub type Chosen = Box<dyn BoxableExpression<subscribers::table, Backend, SqlType = Bool>>;

/// A saved segment as stored.
#[derive(Debug, Clone)]
pub struct SegmentRow {
    pub id: SegmentId,
    pub name: String,
    pub matching: Match,
    pub rules: Vec<Rule>,
    pub updated_at: i64,
}

type Stored = (SegmentId, String, Match, String, i64);

fn row((id, name, matching, rules, updated_at): Stored) -> SegmentRow {
    SegmentRow {
        id,
        name,
        matching,
        // Written by `save` alone; a row it cannot read has no rules left.
        rules: serde_json::from_str(&rules).unwrap_or_default(),
        updated_at,
    }
}

fn columns() -> (
    segments::id,
    segments::name,
    segments::matching,
    segments::rules,
    segments::updated_at,
) {
    (
        segments::id,
        segments::name,
        segments::matching,
        segments::rules,
        segments::updated_at,
    )
}

/// Every segment, by name.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<SegmentRow>> {
    let rows: Vec<Stored> = segments::table
        .order((segments::name, segments::id))
        .select(columns())
        .load(conn)?;
    Ok(rows.into_iter().map(row).collect())
}

pub fn by_id(conn: &mut DbConn, id: SegmentId) -> QueryResult<Option<SegmentRow>> {
    let found: Option<Stored> = segments::table
        .find(id)
        .select(columns())
        .first(conn)
        .optional()?;
    Ok(found.map(row))
}

/// Stores a new segment (`id` `None`) or the new definition of one; the
/// id, or `None` when there is no segment `id`.
pub fn save(
    conn: &mut DbConn,
    id: Option<SegmentId>,
    name: &str,
    matching: Match,
    rules: &[Rule],
    now: i64,
) -> QueryResult<Option<SegmentId>> {
    let rules = serde_json::to_string(rules).unwrap_or_else(|_| "[]".to_owned());
    match id {
        Some(id) => {
            // Its members are built again from the first subscriber.
            let changed = diesel::update(segments::table.find(id))
                .set((
                    segments::name.eq(name),
                    segments::matching.eq(matching),
                    segments::rules.eq(&rules),
                    segments::updated_at.eq(now),
                    segments::built_through.eq(Some(0)),
                ))
                .execute(conn)?;
            Ok((changed > 0).then_some(id))
        }
        None => {
            let values = (
                segments::name.eq(name),
                segments::matching.eq(matching),
                segments::rules.eq(&rules),
                segments::created_at.eq(now),
                segments::updated_at.eq(now),
            );
            let id = on_backend!(conn, |c| diesel::insert_into(segments::table)
                .values(values)
                .returning(segments::id)
                .get_result(c))?;
            Ok(Some(id))
        }
    }
}

pub fn delete(conn: &mut DbConn, id: SegmentId) -> QueryResult<bool> {
    Ok(diesel::delete(segments::table.find(id)).execute(conn)? > 0)
}

/// Subscribers a build step covers at most.
pub const BUILD_STEP: i64 = 2_000;

/// How many people the segment's members hold, and how far they were
/// built (`None` once complete).
pub fn member_count(conn: &mut DbConn, id: SegmentId) -> QueryResult<(i64, Option<i64>)> {
    let built: Option<i64> = segments::table
        .find(id)
        .select(segments::built_through)
        .first(conn)?;
    let n = segment_members::table
        .filter(segment_members::segment_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok((n, built))
}

/// Whether the builder has anything to do: changes noted, or a segment
/// being built.
pub fn has_work(conn: &mut DbConn) -> QueryResult<bool> {
    let changes: bool = diesel::select(exists(segment_changes::table.select(segment_changes::id)))
        .get_result(conn)?;
    if changes {
        return Ok(true);
    }
    diesel::select(exists(
        segments::table.filter(segments::built_through.is_not_null()),
    ))
    .get_result(conn)
}

/// Segments whose members are being built from scratch, with how far.
pub fn building(conn: &mut DbConn) -> QueryResult<Vec<(SegmentId, i64)>> {
    let rows: Vec<(SegmentId, Option<i64>)> = segments::table
        .filter(segments::built_through.is_not_null())
        .select((segments::id, segments::built_through))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect())
}

/// Moves a segment's build mark from `from` to `to` (`None`: complete),
/// unless another process moved it first; whether this one did.
pub fn claim_build(
    conn: &mut DbConn,
    id: SegmentId,
    from: i64,
    to: Option<i64>,
) -> QueryResult<bool> {
    let moved = diesel::update(
        segments::table
            .find(id)
            .filter(segments::built_through.eq(from)),
    )
    .set(segments::built_through.eq(to))
    .execute(conn)?;
    Ok(moved > 0)
}

/// The largest subscriber id there is.
pub fn last_subscriber(conn: &mut DbConn) -> QueryResult<i64> {
    let last: Option<SubscriberId> = subscribers::table
        .select(diesel::dsl::max(subscribers::id))
        .first(conn)?;
    Ok(last.map_or(0, |id| id.0))
}

/// Up to `limit` noted changes, oldest first: (change id, subscriber).
pub fn changes(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(i64, SubscriberId)>> {
    segment_changes::table
        .order(segment_changes::id)
        .limit(limit)
        .select((segment_changes::id, segment_changes::subscriber_id))
        .load(conn)
}

pub fn forget_changes(conn: &mut DbConn, ids: &[i64]) -> QueryResult<()> {
    diesel::delete(segment_changes::table.filter(segment_changes::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// Which people a segment's members hold, made anew for the subscribers
/// `within` names: those `criteria` choose are in, the others out.
pub fn rebuild_members(
    conn: &mut DbConn,
    id: SegmentId,
    criteria: &Criteria,
    within: Within<'_>,
) -> QueryResult<()> {
    let postgres = matches!(conn, DbConn::Postgres(_));
    let theirs = segment_members::table.filter(segment_members::segment_id.eq(id));
    let mut chosen = subscribers::table
        .filter(chosen_by(criteria, postgres))
        .select(subscribers::id)
        .into_boxed();
    match within {
        Within::Ids(ids) => {
            diesel::delete(theirs.filter(segment_members::subscriber_id.eq_any(ids)))
                .execute(conn)?;
            chosen = chosen.filter(subscribers::id.eq_any(ids));
        }
        Within::Range(from, to) => {
            diesel::delete(
                theirs
                    .filter(segment_members::subscriber_id.gt(from))
                    .filter(segment_members::subscriber_id.le(to)),
            )
            .execute(conn)?;
            chosen = chosen
                .filter(subscribers::id.gt(from))
                .filter(subscribers::id.le(to));
        }
    }
    let members: Vec<SubscriberId> = chosen.load(conn)?;
    for chunk in members.chunks(5_000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|s| {
                (
                    segment_members::segment_id.eq(id),
                    segment_members::subscriber_id.eq(*s),
                )
            })
            .collect();
        on_backend!(conn, |c| diesel::insert_into(segment_members::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// The subscribers a rebuild of members covers.
#[derive(Debug, Clone, Copy)]
pub enum Within<'a> {
    Ids(&'a [SubscriberId]),
    /// Ids after the first, up to and including the second.
    Range(i64, i64),
}

/// The people `criteria` choose; with no condition, everyone.
pub fn chosen_by(criteria: &Criteria, postgres: bool) -> Chosen {
    let mut parts = criteria.conditions.iter().map(|c| condition(c, postgres));
    let Some(first) = parts.next() else {
        return Box::new(sql::<Bool>("1 = 1"));
    };
    parts.fold(first, |chosen, next| match criteria.matching {
        Match::All => Box::new(chosen.and(next)),
        Match::Any => Box::new(chosen.or(next)),
    })
}

fn negated_if(chosen: Chosen, negated: bool) -> Chosen {
    if negated {
        Box::new(not(chosen))
    } else {
        chosen
    }
}

fn condition(condition: &Condition, postgres: bool) -> Chosen {
    let theirs = subscriptions::table.filter(subscriptions::subscriber_id.eq(subscribers::id));
    match condition {
        Condition::List {
            list,
            status,
            negated,
        } => {
            let on = theirs.filter(subscriptions::list_id.eq(*list));
            let chosen: Chosen = match status {
                Some(status) => Box::new(exists(on.filter(subscriptions::status.eq(*status)))),
                None => Box::new(exists(on)),
            };
            negated_if(chosen, *negated)
        }
        Condition::Field { field, test } => field_test(*field, test, postgres),
        Condition::SignedUp(TimeTest::Before(at)) => Box::new(subscribers::created_at.lt(*at)),
        Condition::SignedUp(TimeTest::After(at)) => Box::new(subscribers::created_at.ge(*at)),
        Condition::Confirmed(TimeTest::Before(at)) => {
            Box::new(exists(theirs.filter(subscriptions::confirmed_at.lt(*at))))
        }
        Condition::Confirmed(TimeTest::After(at)) => {
            Box::new(exists(theirs.filter(subscriptions::confirmed_at.ge(*at))))
        }
        Condition::Language { code, negated } => negated_if(
            Box::new(exists(
                subscriptions::table
                    .inner_join(lists::table)
                    .filter(subscriptions::subscriber_id.eq(subscribers::id))
                    .filter(lists::language.eq(code.clone())),
            )),
            *negated,
        ),
        Condition::Channel(channel) => Box::new(exists(
            subscriptions::table
                .inner_join(consent_events::table)
                .filter(subscriptions::subscriber_id.eq(subscribers::id))
                .filter(subscriptions::status.eq(Status::Confirmed))
                .filter(consent_events::act.eq(Act::Requested))
                .filter(consent_events::channel.eq(*channel)),
        )),
        Condition::Bounced(yes) => bounced(BounceKind::Hard, *yes),
        Condition::Complained(yes) => bounced(BounceKind::Complaint, *yes),
    }
}

fn bounced(kind: BounceKind, yes: bool) -> Chosen {
    negated_if(
        Box::new(exists(
            bounces::table
                .filter(bounces::subscriber_id.eq(subscribers::id))
                .filter(bounces::kind.eq(kind)),
        )),
        !yes,
    )
}

fn field_test(field: i64, test: &FieldTest, postgres: bool) -> Chosen {
    let values = subscriber_fields::table
        .filter(subscriber_fields::subscriber_id.eq(subscribers::id))
        .filter(subscriber_fields::field_id.eq(field));
    // Only a number field's values are compared as numbers, and each of
    // them was read as one.
    let number = || sql::<Double>("CAST(subscriber_fields.value AS DOUBLE PRECISION)");
    match test {
        FieldTest::Is(v) => Box::new(exists(
            values.filter(subscriber_fields::value.eq(v.clone())),
        )),
        FieldTest::IsNot(v) => Box::new(not(exists(
            values.filter(subscriber_fields::value.eq(v.clone())),
        ))),
        FieldTest::Contains(v) => {
            let like = if postgres {
                "subscriber_fields.value ILIKE "
            } else {
                "subscriber_fields.value LIKE "
            };
            Box::new(exists(
                values.filter(
                    sql::<Bool>(like)
                        .bind::<Text, _>(like_pattern(v))
                        .sql(" ESCAPE '\\'"),
                ),
            ))
        }
        FieldTest::Less(n) => Box::new(exists(values.filter(number().lt(*n)))),
        FieldTest::Greater(n) => Box::new(exists(values.filter(number().gt(*n)))),
        FieldTest::Before(day) => Box::new(exists(
            values.filter(subscriber_fields::value.lt(day.clone())),
        )),
        FieldTest::After(day) => Box::new(exists(
            values.filter(subscriber_fields::value.gt(day.clone())),
        )),
        FieldTest::Empty => Box::new(not(exists(values))),
    }
}

/// `%q%` with LIKE's own wildcards in `q` taken literally.
pub fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
