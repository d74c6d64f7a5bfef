//! Tokens of the API for scripts: a name, the hash of the secret, and when
//! it was last used or revoked.

use diesel::prelude::*;

use super::schema::api_tokens;
use super::{DbConn, at_most_one};
use crate::domain::ApiTokenId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Stores a new token; `None` when the name is taken.
pub fn create(
    conn: &mut DbConn,
    name: &str,
    token_hash: &[u8],
    now: i64,
) -> QueryResult<Option<ApiTokenId>> {
    conn.transaction(|conn| {
        let taken: i64 = api_tokens::table
            .filter(api_tokens::name.eq(name))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Ok(None);
        }
        on_backend!(conn, |c| diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::name.eq(name),
                api_tokens::token_hash.eq(token_hash),
                api_tokens::created_at.eq(now),
            ))
            .returning(api_tokens::id)
            .get_result(c))
        .map(Some)
    })
}

/// The token with this hash, unless it was revoked.
pub fn active_by_hash(conn: &mut DbConn, token_hash: &[u8]) -> QueryResult<Option<ApiToken>> {
    at_most_one(
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null())
            .select(ApiToken::as_select())
            .load(conn),
    )
}

pub fn touch(conn: &mut DbConn, id: ApiTokenId, now: i64) -> QueryResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// Every token, the newest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)
}

/// Revokes the token named `name`; false when no active one has it.
pub fn revoke(conn: &mut DbConn, name: &str, now: i64) -> QueryResult<bool> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::name.eq(name))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)
    .map(|n| n > 0)
}
