//! Actions on every subscriber a filter selects, with how far each got.

use diesel::prelude::*;

use super::DbConn;
use super::schema::bulk_actions;
use crate::domain::ListId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bulk_actions)]
pub struct BulkRow {
    pub id: i64,
    pub action: String,
    pub list_id: Option<ListId>,
    pub filter: String,
    pub operator: String,
    pub after_id: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub finished_at: Option<i64>,
}

pub fn create(
    conn: &mut DbConn,
    action: &str,
    list: Option<ListId>,
    filter: &str,
    operator: &str,
    now: i64,
) -> QueryResult<i64> {
    let values = (
        bulk_actions::action.eq(action),
        bulk_actions::list_id.eq(list),
        bulk_actions::filter.eq(filter),
        bulk_actions::operator.eq(operator),
        bulk_actions::after_id.eq(0),
        bulk_actions::changed.eq(0),
        bulk_actions::unchanged.eq(0),
        bulk_actions::created_at.eq(now),
    );
    on_backend!(conn, |c| diesel::insert_into(bulk_actions::table)
        .values(values)
        .returning(bulk_actions::id)
        .get_result(c))
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<BulkRow>> {
    bulk_actions::table
        .find(id)
        .select(BulkRow::as_select())
        .first(conn)
        .optional()
}

/// Records a batch done: the last id it reached and what it changed.
pub fn advance(
    conn: &mut DbConn,
    id: i64,
    after: i64,
    changed: i64,
    unchanged: i64,
) -> QueryResult<()> {
    diesel::update(bulk_actions::table.find(id))
        .set((
            bulk_actions::after_id.eq(after),
            bulk_actions::changed.eq(bulk_actions::changed + changed),
            bulk_actions::unchanged.eq(bulk_actions::unchanged + unchanged),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn finish(conn: &mut DbConn, id: i64, now: i64) -> QueryResult<()> {
    diesel::update(bulk_actions::table.find(id))
        .set(bulk_actions::finished_at.eq(now))
        .execute(conn)?;
    Ok(())
}
