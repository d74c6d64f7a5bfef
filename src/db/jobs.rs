//! Jobs and schedules: the stored half of the background runtime.

use diesel::prelude::*;

use super::models::{Job, JobKind, JobStatus};
use super::schema::{jobs, schedules};
use super::{DbConn, at_most_one};
use crate::domain::JobId;

/// Queues a job that may run from `run_at` on, its payload stored as JSON
/// for the job's `Payload` to read.
pub fn enqueue(
    conn: &mut DbConn,
    kind: JobKind,
    payload: &impl serde::Serialize,
    run_at: i64,
    request_id: Option<&str>,
    now: i64,
) -> QueryResult<JobId> {
    let payload = serde_json::to_string(payload)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    on_backend!(conn, |c| diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind),
            jobs::payload.eq(payload),
            jobs::status.eq(JobStatus::Queued),
            jobs::run_at.eq(run_at),
            jobs::attempts.eq(0),
            jobs::request_id.eq(request_id),
            jobs::created_at.eq(now),
        ))
        .returning(jobs::id)
        .get_result(c))
}

/// Claims up to `limit` due, unclaimed jobs for the process `claim`, oldest
/// first.
pub fn claim_due(conn: &mut DbConn, claim: &str, now: i64, limit: i64) -> QueryResult<Vec<Job>> {
    conn.transaction(|conn| {
        macro_rules! due {
            () => {
                jobs::table
                    .filter(jobs::status.eq(JobStatus::Queued))
                    .filter(jobs::run_at.le(now))
                    .filter(jobs::claimed_by.is_null())
                    .order(jobs::run_at)
                    .limit(limit)
                    .select(jobs::id)
            };
        }
        let ids: Vec<JobId> = match conn {
            DbConn::Postgres(pg) => due!().for_update().skip_locked().load(pg)?,
            DbConn::Sqlite(sqlite) => due!().load(sqlite)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(jobs::table.filter(jobs::id.eq_any(&ids)))
            .set(jobs::claimed_by.eq(claim))
            .execute(conn)?;
        jobs::table
            .filter(jobs::id.eq_any(&ids))
            .order(jobs::run_at)
            .select(Job::as_select())
            .load(conn)
    })
}

/// Claims one job for the process `claim`, as it is queued by that process
/// for itself.
pub fn claim(conn: &mut DbConn, id: JobId, claim: &str) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set(jobs::claimed_by.eq(claim))
        .execute(conn)
        .map(|_| ())
}

pub fn by_id(conn: &mut DbConn, id: JobId) -> QueryResult<Option<Job>> {
    at_most_one(jobs::table.find(id).select(Job::as_select()).load(conn))
}

/// The job is finished, one way or the other.
/// Forgets a job that ended: for kinds that run every few seconds.
pub fn delete(conn: &mut DbConn, id: JobId) -> QueryResult<()> {
    diesel::delete(jobs::table.find(id))
        .execute(conn)
        .map(|_| ())
}

pub fn finish(
    conn: &mut DbConn,
    id: JobId,
    status: JobStatus,
    error: Option<&str>,
    now: i64,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(status),
            jobs::last_error.eq(error),
            jobs::claimed_by.eq(None::<String>),
            jobs::finished_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Gives the job back, to be run again from `run_at`; `failed` counts an
/// attempt that went wrong, with its error.
pub fn release(conn: &mut DbConn, id: JobId, run_at: i64, failed: Option<&str>) -> QueryResult<()> {
    let attempts = i32::from(failed.is_some());
    diesel::update(jobs::table.find(id))
        .set((
            jobs::run_at.eq(run_at),
            jobs::claimed_by.eq(None::<String>),
            jobs::attempts.eq(jobs::attempts + attempts),
            jobs::last_error.eq(failed),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The latest jobs of a kind, newest first.
pub fn recent_of_kind(conn: &mut DbConn, kind: JobKind, limit: i64) -> QueryResult<Vec<Job>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .order(jobs::id.desc())
        .limit(limit)
        .select(Job::as_select())
        .load(conn)
}

/// The jobs of `kind`, in any state, whose payload holds `needle`: what an
/// erasure must rewrite. A scan, which an erasure can afford.
pub fn of_kind_holding(
    conn: &mut DbConn,
    kind: JobKind,
    needle: &str,
) -> QueryResult<Vec<(JobId, String)>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::payload.like(format!("%{needle}%")))
        .select((jobs::id, jobs::payload))
        .load(conn)
}

pub fn set_payload(conn: &mut DbConn, id: JobId, payload: &str) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set(jobs::payload.eq(payload))
        .execute(conn)
        .map(|_| ())
}

/// When the next queued job falls due, if any.
pub fn next_due(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    jobs::table
        .filter(jobs::status.eq(JobStatus::Queued))
        .filter(jobs::claimed_by.is_null())
        .select(diesel::dsl::min(jobs::run_at))
        .first(conn)
}

/// Deletes finished jobs that ended before `before`.
pub fn delete_finished_before(conn: &mut DbConn, before: i64) -> QueryResult<usize> {
    diesel::delete(
        jobs::table
            .filter(jobs::status.ne(JobStatus::Queued))
            .filter(jobs::finished_at.lt(before)),
    )
    .execute(conn)
}

/// Queues the run of a schedule that has fallen due and moves its time on
/// by `every_ms`, in one transaction. Whichever process gets there first
/// queues it; the others find the time already moved. A schedule seen for
/// the first time is due at once. Returns the job queued, if this call
/// queued one.
pub fn run_if_due(
    conn: &mut DbConn,
    kind: JobKind,
    every_ms: i64,
    now: i64,
) -> QueryResult<Option<JobId>> {
    conn.transaction(|conn| {
        on_backend!(conn, |c| diesel::insert_into(schedules::table)
            .values((
                schedules::name.eq(kind.as_str()),
                schedules::next_run_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        let moved = diesel::update(
            schedules::table
                .filter(schedules::name.eq(kind.as_str()))
                .filter(schedules::next_run_at.le(now)),
        )
        .set(schedules::next_run_at.eq(now + every_ms))
        .execute(conn)?;
        if moved == 0 {
            return Ok(None);
        }
        enqueue(conn, kind, &serde_json::json!({}), now, None, now).map(Some)
    })
}

/// When the earliest schedule falls due next, if any is recorded.
pub fn next_scheduled(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    schedules::table
        .select(diesel::dsl::min(schedules::next_run_at))
        .first(conn)
}
