//! Link tokens, stored as hashes only. See [`crate::domain::LinkToken`].

use diesel::prelude::*;

use super::models::TokenRow;
use super::schema::{old_link_hashes, subscriptions, tokens};
use super::{DbConn, at_most_one};
use crate::domain::{
    BroadcastId, LinkRef, SubscriberId, SubscriptionId, TokenHash, TokenId, TokenPurpose,
};

/// Stores a token's hash; returns the row's id, which its link names.
pub fn insert(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
    purpose: TokenPurpose,
    hash: &TokenHash,
    now: i64,
    expires_at: Option<i64>,
) -> QueryResult<TokenId> {
    on_backend!(conn, |c| diesel::insert_into(tokens::table)
        .values((
            tokens::token_hash.eq(hash.as_bytes()),
            tokens::purpose.eq(purpose),
            tokens::subscription_id.eq(subscription_id),
            tokens::created_at.eq(now),
            tokens::expires_at.eq(expires_at),
        ))
        .returning(tokens::id)
        .get_result(c))
}

/// The unsubscribe link of a broadcast's copy: it leaves every list the
/// copy was addressed through.
pub fn insert_for_copy(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
    hash: &TokenHash,
    broadcast: BroadcastId,
    now: i64,
) -> QueryResult<TokenId> {
    on_backend!(conn, |c| diesel::insert_into(tokens::table)
        .values((
            tokens::token_hash.eq(hash.as_bytes()),
            tokens::purpose.eq(TokenPurpose::Unsubscribe),
            tokens::subscription_id.eq(subscription_id),
            tokens::created_at.eq(now),
            tokens::broadcast_id.eq(broadcast),
        ))
        .returning(tokens::id)
        .get_result(c))
}

/// The token a link names, if it is for one of `purposes` and its secret
/// is the one that was mailed. Only links mailed before links named their
/// row are found by hash, and those were all of a single purpose.
pub fn find_any(
    conn: &mut DbConn,
    link: &LinkRef,
    purposes: &[TokenPurpose],
) -> QueryResult<Option<TokenRow>> {
    for purpose in purposes {
        if let Some(row) = find(conn, link, *purpose)? {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// The token a link names, if its secret is the one that was mailed.
pub fn find(
    conn: &mut DbConn,
    link: &LinkRef,
    purpose: TokenPurpose,
) -> QueryResult<Option<TokenRow>> {
    let row = match link {
        LinkRef::Named(token) => at_most_one(on_backend!(conn, |c| tokens::table
            .find(token.id())
            .filter(tokens::purpose.eq(purpose))
            .select(TokenRow::as_select())
            .load(c)))?,
        LinkRef::Bare(secret) => at_most_one(
            tokens::table
                .inner_join(old_link_hashes::table)
                .filter(old_link_hashes::token_hash.eq(secret.hash().as_bytes()))
                .filter(tokens::purpose.eq(purpose))
                .select(TokenRow::as_select())
                .load(conn),
        )?,
    };
    // Hashes, not secrets, are compared, so the comparison's timing says
    // nothing about the secret.
    let hash = link.secret().hash();
    Ok(row.filter(|row| row.token_hash == hash.as_bytes()))
}

pub fn mark_used(conn: &mut DbConn, id: TokenId, now: i64) -> QueryResult<()> {
    diesel::update(tokens::table.find(id))
        .set(tokens::used_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// When links of `purpose` were issued since `since` for any subscription
/// of the person, newest first: the caps on mail a person asks for from
/// their own page are counted from these.
pub fn issued_to(
    conn: &mut DbConn,
    subscriber: SubscriberId,
    purpose: TokenPurpose,
    since: i64,
) -> QueryResult<Vec<i64>> {
    tokens::table
        .inner_join(subscriptions::table)
        .filter(subscriptions::subscriber_id.eq(subscriber))
        .filter(tokens::purpose.eq(purpose))
        .filter(tokens::created_at.ge(since))
        .order(tokens::created_at.desc())
        .select(tokens::created_at)
        .load(conn)
}

/// After an unsubscribe, no confirmation link sent before it may confirm,
/// nor a link to join again.
pub fn revoke_confirm_tokens(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
    now: i64,
) -> QueryResult<()> {
    diesel::update(
        tokens::table
            .filter(tokens::subscription_id.eq(subscription_id))
            .filter(tokens::purpose.eq_any([TokenPurpose::Confirm, TokenPurpose::Rejoin]))
            .filter(tokens::revoked_at.is_null()),
    )
    .set(tokens::revoked_at.eq(now))
    .execute(conn)
    .map(|_| ())
}

/// Deletes links that ran out before `before`: confirmations, and the
/// links a person asked for from their own page.
pub fn delete_expired_confirmations(conn: &mut DbConn, before: i64) -> QueryResult<usize> {
    diesel::delete(
        tokens::table
            .filter(tokens::purpose.eq_any([
                TokenPurpose::Confirm,
                TokenPurpose::Rejoin,
                TokenPurpose::Record,
                TokenPurpose::Erase,
            ]))
            .filter(tokens::expires_at.lt(before)),
    )
    .execute(conn)
}
