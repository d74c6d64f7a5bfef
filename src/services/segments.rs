//! Saved segments (contract §16): made and changed from the admin, each
//! change audited; what a segment chooses is read afresh from its rules
//! each time it is used.

use std::sync::Arc;

use diesel::Connection;

use super::{Operator, ServiceError, Services};
use crate::db::segments::{self, SegmentRow, Within};
use crate::db::{DbConn, audit, lists};
use crate::domain::field::FieldDef;
use crate::domain::segment::{Criteria, Known, MAX_RULES, Match, Rule, RuleError};
use crate::domain::{ListId, SegmentId, SubscriberId};
use crate::i18n::Lang;

/// The longest name, in characters.
pub const NAME_MAX: usize = 100;

/// A segment as the operator's form sent it.
#[derive(Debug, Clone, Default)]
pub struct SegmentForm {
    pub name: String,
    pub matching: String,
    pub rules: Vec<Rule>,
}

/// Why a segment was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Name,
    Matching,
    TooMany,
    /// The rule at this position.
    Rule(usize, RuleError),
}

pub async fn all(services: &Services) -> Result<Vec<SegmentRow>, ServiceError> {
    services.db.read(|c| Ok(segments::all(c)?)).await
}

pub async fn get(services: &Services, id: SegmentId) -> Result<Option<SegmentRow>, ServiceError> {
    services.db.read(move |c| Ok(segments::by_id(c, id)?)).await
}

/// The conditions of `rules` as the fields and lists are now.
pub fn read_rules(
    conn: &mut DbConn,
    fields: &[FieldDef],
    matching: Match,
    rules: &[Rule],
) -> Result<Result<Criteria, Vec<(usize, RuleError)>>, ServiceError> {
    let list_ids: Vec<ListId> = lists::all(conn)?.into_iter().map(|l| l.id).collect();
    let languages: Vec<&str> = Lang::all().map(Lang::code).collect();
    let known = Known {
        fields,
        lists: &list_ids,
        languages: &languages,
    };
    Ok(Criteria::read(matching, rules, &known))
}

/// What a saved segment chooses now. Its rules were read when it was
/// saved, and no field, list or language they name can go since; a rule
/// that no longer reads all the same is left out, and its page says so.
pub fn criteria_of(
    conn: &mut DbConn,
    fields: &[FieldDef],
    segment: &SegmentRow,
) -> Result<Criteria, ServiceError> {
    Ok(
        match read_rules(conn, fields, segment.matching, &segment.rules)? {
            Ok(criteria) => criteria,
            Err(errors) => {
                let readable: Vec<Rule> = (segment.rules.iter().enumerate())
                    .filter(|(i, _)| !errors.iter().any(|(e, _)| e == i))
                    .map(|(_, rule)| rule.clone())
                    .collect();
                read_rules(conn, fields, segment.matching, &readable)?.unwrap_or(Criteria {
                    matching: segment.matching,
                    conditions: Vec::new(),
                })
            }
        },
    )
}

/// How many people a segment chooses, as its members hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub members: i64,
    /// Still being built from scratch: how far, by subscriber id, of how
    /// many.
    pub building: Option<(i64, i64)>,
    /// Rules that no longer read, left out.
    pub broken: usize,
}

pub async fn count(services: &Arc<Services>, id: SegmentId) -> Result<Count, ServiceError> {
    let ctx = Arc::clone(services);
    services
        .db
        .read(move |c| {
            let Some(segment) = segments::by_id(c, id)? else {
                return Ok(Count {
                    members: 0,
                    building: None,
                    broken: 0,
                });
            };
            let criteria = criteria_of(c, &ctx.fields.get(), &segment)?;
            let (members, built) = segments::member_count(c, id)?;
            let building = match built {
                Some(at) => Some((at, segments::last_subscriber(c)?)),
                None => None,
            };
            Ok(Count {
                members,
                building,
                broken: segment.rules.len() - criteria.conditions.len(),
            })
        })
        .await
}

/// Changes taken in one turn of the builder.
const CHANGES: i64 = 1_000;

/// One turn of the builder, behind the commits: the members of every
/// segment brought up to date for the people changed since the last turn,
/// then one step of each segment being built from scratch. Whether it
/// found anything to do.
pub async fn build(services: &Arc<Services>) -> Result<bool, ServiceError> {
    // A look first, on a reading connection: most turns find nothing, and
    // take no write lock for it.
    if !services
        .db
        .read(|c| Ok::<_, ServiceError>(segments::has_work(c)?))
        .await?
    {
        return Ok(false);
    }
    let ctx = Arc::clone(services);
    services
        .db
        .write(move |c| {
            c.transaction(|conn| {
                let fields = ctx.fields.get();
                let all = segments::all(conn)?;
                let changes = segments::changes(conn, CHANGES)?;
                let mut worked = !changes.is_empty();
                if worked {
                    let mut people: Vec<SubscriberId> = changes.iter().map(|(_, s)| *s).collect();
                    people.sort_unstable();
                    people.dedup();
                    for segment in &all {
                        let criteria = criteria_of(conn, &fields, segment)?;
                        let within = Within::Ids(&people);
                        segments::rebuild_members(conn, segment.id, &criteria, within)?;
                    }
                    let ids: Vec<i64> = changes.iter().map(|(id, _)| *id).collect();
                    segments::forget_changes(conn, &ids)?;
                }
                let last = segments::last_subscriber(conn)?;
                for (id, from) in segments::building(conn)? {
                    let Some(segment) = all.iter().find(|s| s.id == id) else {
                        continue;
                    };
                    if from >= last {
                        segments::claim_build(conn, id, from, None)?;
                        worked = true;
                        continue;
                    }
                    let to = from.saturating_add(segments::BUILD_STEP);
                    if segments::claim_build(conn, id, from, Some(to))? {
                        let criteria = criteria_of(conn, &fields, segment)?;
                        segments::rebuild_members(conn, id, &criteria, Within::Range(from, to))?;
                        worked = true;
                    }
                }
                Ok(worked)
            })
        })
        .await
}

/// Creates a segment (`id` `None`) or changes one; `Ok(None)` when there
/// is no segment `id`.
pub async fn save(
    services: &Arc<Services>,
    operator: &Operator,
    id: Option<SegmentId>,
    form: SegmentForm,
) -> Result<Result<Option<SegmentId>, Vec<Refusal>>, ServiceError> {
    let clock = services.clock.clone();
    let (ctx, by) = (Arc::clone(services), operator.email.clone());
    let saved = services
        .db
        .write(move |c| {
            c.transaction(|conn| {
                let mut refused = Vec::new();
                let name = form.name.trim();
                if name.is_empty()
                    || name.chars().count() > NAME_MAX
                    || name.contains(char::is_control)
                {
                    refused.push(Refusal::Name);
                }
                let matching = Match::parse(&form.matching);
                if matching.is_none() {
                    refused.push(Refusal::Matching);
                }
                if form.rules.len() > MAX_RULES {
                    refused.push(Refusal::TooMany);
                }
                if let Err(errors) = read_rules(
                    conn,
                    &ctx.fields.get(),
                    matching.unwrap_or(Match::All),
                    &form.rules,
                )? {
                    refused.extend(errors.into_iter().map(|(i, e)| Refusal::Rule(i, e)));
                }
                let Some(matching) = matching.filter(|_| refused.is_empty()) else {
                    return Ok::<_, ServiceError>(Err(refused));
                };
                let now = clock.now().ms();
                let saved = segments::save(conn, id, name, matching, &form.rules, now)?;
                if let Some(saved) = saved {
                    let rules = serde_json::to_string(&form.rules).unwrap_or_default();
                    audit::record(
                        conn,
                        &by,
                        "save_segment",
                        &format!("segment #{saved}"),
                        &format!("{name}: {matching} of {rules}"),
                        now,
                    )?;
                }
                Ok(Ok(saved))
            })
        })
        .await?;
    if matches!(saved, Ok(Some(_))) {
        services.wake.segments();
    }
    Ok(saved)
}

/// Deletes a segment; false when there was none.
pub async fn delete(
    services: &Services,
    operator: &Operator,
    id: SegmentId,
) -> Result<bool, ServiceError> {
    let clock = services.clock.clone();
    let by = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|conn| {
                let Some(segment) = segments::by_id(conn, id)? else {
                    return Ok(false);
                };
                segments::delete(conn, id)?;
                audit::record(
                    conn,
                    &by,
                    "delete_segment",
                    &format!("segment #{id}"),
                    &segment.name,
                    clock.now().ms(),
                )?;
                Ok(true)
            })
        })
        .await
}
