//! CSV imports and their progress.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{imports, lists};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = imports)]
pub struct Import {
    pub id: i64,
    pub list_id: i64,
    pub admin_email: String,
    pub status: String,
    pub total: i32,
    pub processed: i32,
    pub added: i32,
    pub skipped: i32,
    pub report: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

pub fn create(
    conn: &mut DbConn,
    list_id: i64,
    admin_email: &str,
    total: i32,
    now: i64,
) -> QueryResult<i64> {
    conn.transaction(|conn| {
        diesel::insert_into(imports::table)
            .values((
                imports::list_id.eq(list_id),
                imports::admin_email.eq(admin_email),
                imports::status.eq("running"),
                imports::total.eq(total),
                imports::processed.eq(0),
                imports::added.eq(0),
                imports::skipped.eq(0),
                imports::report.eq(""),
                imports::created_at.eq(now),
            ))
            .execute(conn)?;
        imports::table
            .filter(imports::admin_email.eq(admin_email))
            .order(imports::id.desc())
            .select(imports::id)
            .first(conn)
    })
}

/// Adds a chunk's results to the running totals.
pub fn progress(
    conn: &mut DbConn,
    id: i64,
    processed: i32,
    added: i32,
    skipped: i32,
    report: &str,
) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set((
            imports::processed.eq(imports::processed + processed),
            imports::added.eq(imports::added + added),
            imports::skipped.eq(imports::skipped + skipped),
            imports::report.eq(imports::report.concat(report)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn finish(conn: &mut DbConn, id: i64, status: &str, now: i64) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set((imports::status.eq(status), imports::finished_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<(Import, String)>> {
    imports::table
        .inner_join(lists::table)
        .filter(imports::id.eq(id))
        .select((Import::as_select(), lists::name))
        .first(conn)
        .optional()
}

pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(Import, String)>> {
    imports::table
        .inner_join(lists::table)
        .order(imports::id.desc())
        .limit(limit)
        .select((Import::as_select(), lists::name))
        .load(conn)
}

/// Imports left running by a process that stopped cannot finish.
pub fn fail_unfinished(conn: &mut DbConn, now: i64) -> QueryResult<usize> {
    diesel::update(imports::table.filter(imports::status.eq("running")))
        .set((imports::status.eq("failed"), imports::finished_at.eq(now)))
        .execute(conn)
}
