//! Saved segments, and the SQL their conditions become (contract §16).
//!
//! Each condition is a fixed diesel expression over `subscribers`; what the
//! operator chose goes in only as bound values.

use diesel::dsl::{exists, not, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Text};

use super::DbConn;
use super::schema::subscriptions;
use super::schema::{bounces, consent_events, lists, segments, subscriber_fields, subscribers};
use crate::domain::segment::{Condition, Criteria, FieldTest, Match, Rule, TimeTest};
use crate::domain::{Act, BounceKind, SegmentId, Status};

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
            let changed = diesel::update(segments::table.find(id))
                .set((
                    segments::name.eq(name),
                    segments::matching.eq(matching),
                    segments::rules.eq(&rules),
                    segments::updated_at.eq(now),
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
