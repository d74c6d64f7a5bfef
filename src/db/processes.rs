//! The processes that run background work. Each keeps its row's heartbeat
//! fresh; once a heartbeat is older than the grace period, the process is
//! taken for dead and what it had claimed (messages, jobs) is given back.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{jobs, outbox, processes};

pub fn register(conn: &mut DbConn, id: &str, role: &str, now: i64) -> QueryResult<()> {
    diesel::insert_into(processes::table)
        .values((
            processes::id.eq(id),
            processes::role.eq(role),
            processes::started_at.eq(now),
            processes::heartbeat_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Renews a heartbeat; false when the row is gone (the process was taken
/// for dead and must register again).
pub fn beat(conn: &mut DbConn, id: &str, now: i64) -> QueryResult<bool> {
    diesel::update(processes::table.find(id))
        .set(processes::heartbeat_at.eq(now))
        .execute(conn)
        .map(|n| n > 0)
}

/// Forgets processes whose last heartbeat is older than `stale_before` and
/// gives back every claim held by a process that is not registered; returns
/// (messages, jobs) released.
pub fn reap(conn: &mut DbConn, stale_before: i64) -> QueryResult<(usize, usize)> {
    conn.transaction(|conn| {
        diesel::delete(processes::table.filter(processes::heartbeat_at.lt(stale_before)))
            .execute(conn)?;
        let live = processes::table.select(processes::id);
        let messages = diesel::update(
            outbox::table
                .filter(outbox::claimed_by.is_not_null())
                .filter(outbox::claimed_by.assume_not_null().ne_all(live)),
        )
        .set(outbox::claimed_by.eq(None::<String>))
        .execute(conn)?;
        let live = processes::table.select(processes::id);
        let jobs = diesel::update(
            jobs::table
                .filter(jobs::claimed_by.is_not_null())
                .filter(jobs::claimed_by.assume_not_null().ne_all(live)),
        )
        .set(jobs::claimed_by.eq(None::<String>))
        .execute(conn)?;
        Ok((messages, jobs))
    })
}

/// Forgets every process and gives back every claim. Only for a database
/// that no other process uses (SQLite), where whatever is left can only be
/// from a process that died.
pub fn release_all(conn: &mut DbConn) -> QueryResult<usize> {
    conn.transaction(|conn| {
        diesel::delete(processes::table).execute(conn)?;
        let messages = diesel::update(outbox::table.filter(outbox::claimed_by.is_not_null()))
            .set(outbox::claimed_by.eq(None::<String>))
            .execute(conn)?;
        let jobs = diesel::update(jobs::table.filter(jobs::claimed_by.is_not_null()))
            .set(jobs::claimed_by.eq(None::<String>))
            .execute(conn)?;
        Ok(messages + jobs)
    })
}

/// Leaves for good: a process that stops cleanly gives its claims back at
/// once instead of waiting for its heartbeat to lapse.
pub fn leave(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(outbox::table.filter(outbox::claimed_by.eq(id)))
            .set(outbox::claimed_by.eq(None::<String>))
            .execute(conn)?;
        diesel::update(jobs::table.filter(jobs::claimed_by.eq(id)))
            .set(jobs::claimed_by.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(processes::table.find(id)).execute(conn)?;
        Ok(())
    })
}
