//! Link tokens, stored as hashes only.

use diesel::prelude::*;

use super::models::TokenRow;
use super::schema::tokens;
use super::{DbConn, at_most_one};
use crate::domain::TokenHash;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Confirm,
    Unsubscribe,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Unsubscribe => "unsubscribe",
        }
    }
}

pub fn insert(
    conn: &mut DbConn,
    subscription_id: i64,
    purpose: Purpose,
    hash: &TokenHash,
    now: i64,
    expires_at: Option<i64>,
) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::insert_into(tokens::table)
        .values((
            tokens::token_hash.eq(hash.as_bytes()),
            tokens::purpose.eq(purpose.as_str()),
            tokens::subscription_id.eq(subscription_id),
            tokens::created_at.eq(now),
            tokens::expires_at.eq(expires_at),
        ))
        .execute(c))
    .map(|_| ())
}

pub fn find(
    conn: &mut DbConn,
    hash: &TokenHash,
    purpose: Purpose,
) -> QueryResult<Option<TokenRow>> {
    at_most_one(on_backend!(conn, |c| tokens::table
        .filter(tokens::token_hash.eq(hash.as_bytes()))
        .filter(tokens::purpose.eq(purpose.as_str()))
        .select(TokenRow::as_select())
        .load(c)))
}

pub fn mark_used(conn: &mut DbConn, id: i64, now: i64) -> QueryResult<()> {
    diesel::update(tokens::table.find(id))
        .set(tokens::used_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// After an unsubscribe, no confirmation link sent before it may confirm.
pub fn revoke_confirm_tokens(conn: &mut DbConn, subscription_id: i64, now: i64) -> QueryResult<()> {
    diesel::update(
        tokens::table
            .filter(tokens::subscription_id.eq(subscription_id))
            .filter(tokens::purpose.eq(Purpose::Confirm.as_str()))
            .filter(tokens::revoked_at.is_null()),
    )
    .set(tokens::revoked_at.eq(now))
    .execute(conn)
    .map(|_| ())
}
