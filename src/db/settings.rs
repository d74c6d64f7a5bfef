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

/// Every setting saved from the admin, as (name, value); the secret key
/// is not one of them.
pub fn saved(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    settings::table
        .filter(settings::name.ne(SECRET_KEY))
        .select((settings::name, settings::value))
        .load(conn)
}

/// Saves a setting, over its earlier value.
pub fn save(conn: &mut DbConn, name: &str, value: &str) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::insert_into(settings::table)
        .values((settings::name.eq(name), settings::value.eq(value)))
        .on_conflict(settings::name)
        .do_update()
        .set(settings::value.eq(value))
        .execute(c))
    .map(|_| ())
}

fn get(conn: &mut DbConn, name: &str) -> QueryResult<Option<String>> {
    settings::table
        .filter(settings::name.eq(name))
        .select(settings::value)
        .first(conn)
        .optional()
}
