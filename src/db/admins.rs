//! Operator accounts, their sessions and failed logins.

use diesel::prelude::*;

use super::schema::{admin_sessions, admins, login_failures};
use super::{DbConn, at_most_one, is_unique_violation};
use crate::domain::{AdminId, SessionId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = admins)]
pub struct Admin {
    pub id: AdminId,
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A signed-in operator, as a request sees them.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: SessionId,
    pub admin_id: AdminId,
    pub email: String,
    pub csrf_token: String,
    pub last_seen_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an operator with this address already exists")]
    Exists,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub fn create(
    conn: &mut DbConn,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<(), CreateError> {
    diesel::insert_into(admins::table)
        .values((
            admins::email.eq(email),
            admins::password_hash.eq(password_hash),
            admins::created_at.eq(now),
            admins::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
        .map_err(|e| {
            if is_unique_violation(&e) {
                CreateError::Exists
            } else {
                e.into()
            }
        })
}

/// Sets a new password and ends the account's sessions; false when there is
/// no such account.
pub fn set_password(
    conn: &mut DbConn,
    email: &str,
    password_hash: &str,
    now: i64,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let Some(admin) = by_email(conn, email)? else {
            return Ok(false);
        };
        diesel::update(admins::table.find(admin.id))
            .set((
                admins::password_hash.eq(password_hash),
                admins::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::delete(admin_sessions::table.filter(admin_sessions::admin_id.eq(admin.id)))
            .execute(conn)?;
        Ok(true)
    })
}

pub fn by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Admin>> {
    at_most_one(
        admins::table
            .filter(admins::email.eq(email))
            .select(Admin::as_select())
            .load(conn),
    )
}

pub fn create_session(
    conn: &mut DbConn,
    admin_id: AdminId,
    token_hash: &[u8],
    csrf_token: &str,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(admin_sessions::table)
        .values((
            admin_sessions::token_hash.eq(token_hash),
            admin_sessions::admin_id.eq(admin_id),
            admin_sessions::csrf_token.eq(csrf_token),
            admin_sessions::created_at.eq(now),
            admin_sessions::last_seen_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The session of a cookie, if it was used since `idle_since`.
pub fn session(
    conn: &mut DbConn,
    token_hash: &[u8],
    idle_since: i64,
) -> QueryResult<Option<Session>> {
    admin_sessions::table
        .inner_join(admins::table)
        .filter(admin_sessions::token_hash.eq(token_hash))
        .filter(admin_sessions::last_seen_at.gt(idle_since))
        .select((
            admin_sessions::id,
            admin_sessions::admin_id,
            admins::email,
            admin_sessions::csrf_token,
            admin_sessions::last_seen_at,
        ))
        .first::<(SessionId, AdminId, String, String, i64)>(conn)
        .optional()
        .map(|row| {
            row.map(|(id, admin_id, email, csrf_token, last_seen_at)| Session {
                id,
                admin_id,
                email,
                csrf_token,
                last_seen_at,
            })
        })
}

pub fn touch_session(conn: &mut DbConn, id: SessionId, now: i64) -> QueryResult<()> {
    diesel::update(admin_sessions::table.find(id))
        .set(admin_sessions::last_seen_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_session(conn: &mut DbConn, id: SessionId) -> QueryResult<()> {
    diesel::delete(admin_sessions::table.find(id))
        .execute(conn)
        .map(|_| ())
}

/// Deletes sessions unused since `idle_since`.
pub fn delete_idle_sessions(conn: &mut DbConn, idle_since: i64) -> QueryResult<usize> {
    diesel::delete(admin_sessions::table.filter(admin_sessions::last_seen_at.le(idle_since)))
        .execute(conn)
}

/// Counts a sign-in attempt as failed; returns the row, which a successful
/// attempt deletes again.
pub fn record_failure(
    conn: &mut DbConn,
    email: &str,
    client_ip: &str,
    now: i64,
) -> QueryResult<i64> {
    on_backend!(conn, |c| diesel::insert_into(login_failures::table)
        .values((
            login_failures::email.eq(email),
            login_failures::client_ip.eq(client_ip),
            login_failures::occurred_at.eq(now),
        ))
        .returning(login_failures::id)
        .get_result(c))
}

pub fn delete_failure(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::delete(login_failures::table.find(id))
        .execute(conn)
        .map(|_| ())
}

/// Failed logins since `since`: (for this account, from this client).
pub fn recent_failures(
    conn: &mut DbConn,
    email: &str,
    client_ip: &str,
    since: i64,
) -> QueryResult<(i64, i64)> {
    let by_account = login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::occurred_at.ge(since))
        .count()
        .get_result(conn)?;
    let by_client = login_failures::table
        .filter(login_failures::client_ip.eq(client_ip))
        .filter(login_failures::occurred_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((by_account, by_client))
}

/// The oldest failure since `since` for the account or the client: the
/// throttle lifts when it leaves the window.
pub fn oldest_failure(
    conn: &mut DbConn,
    email: &str,
    client_ip: &str,
    since: i64,
) -> QueryResult<Option<i64>> {
    login_failures::table
        .filter(
            login_failures::email
                .eq(email)
                .or(login_failures::client_ip.eq(client_ip)),
        )
        .filter(login_failures::occurred_at.ge(since))
        .select(diesel::dsl::min(login_failures::occurred_at))
        .first(conn)
}

pub fn delete_old_failures(conn: &mut DbConn, before: i64) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::occurred_at.lt(before)))
        .execute(conn)
}
