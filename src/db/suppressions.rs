//! Erased addresses, kept only as keyed hashes.

use diesel::prelude::*;

use super::DbConn;
use super::schema::suppressions;

pub fn add(conn: &mut DbConn, email_hmac: &str, now: i64) -> QueryResult<()> {
    let known = contains(conn, email_hmac)?;
    if !known {
        diesel::insert_into(suppressions::table)
            .values((
                suppressions::email_hmac.eq(email_hmac),
                suppressions::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn contains(conn: &mut DbConn, email_hmac: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        suppressions::table.filter(suppressions::email_hmac.eq(email_hmac)),
    ))
    .get_result(conn)
}
