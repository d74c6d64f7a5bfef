//! Values the processes sharing a database must agree on.

use diesel::prelude::*;

use super::schema::settings;
use super::{DbConn, is_unique_violation};

const SECRET_KEY: &str = "secret_key";

/// The secret key kept in the database, made by `generate` on first use.
/// Every process on the database reads the same one.
pub fn secret_key(conn: &mut DbConn, generate: impl FnOnce() -> String) -> QueryResult<String> {
    if let Some(value) = get(conn, SECRET_KEY)? {
        return Ok(value);
    }
    let inserted = diesel::insert_into(settings::table)
        .values((
            settings::name.eq(SECRET_KEY),
            settings::value.eq(generate()),
        ))
        .execute(conn);
    match inserted {
        // Another process stored its key first: use that one.
        Err(e) if is_unique_violation(&e) => {}
        other => {
            other?;
        }
    }
    get(conn, SECRET_KEY)?.ok_or(diesel::result::Error::NotFound)
}

fn get(conn: &mut DbConn, name: &str) -> QueryResult<Option<String>> {
    settings::table
        .filter(settings::name.eq(name))
        .select(settings::value)
        .first(conn)
        .optional()
}
