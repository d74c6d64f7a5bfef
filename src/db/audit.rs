//! The operators' audit log: who did what, when, on what.

use diesel::prelude::*;

use super::DbConn;
use super::schema::audit_log;
use crate::domain::AuditId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: AuditId,
    pub admin_email: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub occurred_at: i64,
}

/// Records an action. `target` and `detail` must not hold an address that
/// could be erased later: name subscribers by id.
pub fn record(
    conn: &mut DbConn,
    admin_email: &str,
    action: &str,
    target: &str,
    detail: &str,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::admin_email.eq(admin_email),
            audit_log::action.eq(action),
            audit_log::target.eq(target),
            audit_log::detail.eq(detail),
            audit_log::occurred_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Newest first, `limit` entries older than entry `before` (if given).
pub fn page(
    conn: &mut DbConn,
    before: Option<AuditId>,
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before));
    }
    query.load(conn)
}
