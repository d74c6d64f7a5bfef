//! Signing operators in and out, and finding the session of a request.
//!
//! Sessions live in the database (so a sign-out ends them on every process);
//! the cookie holds only the session's random token. Failed sign-ins are
//! counted per account and per client: an attempt is counted before its
//! password is checked, in the same transaction as the check of the count,
//! so that a burst of simultaneous attempts cannot slip past the limit.

use std::time::Duration;

use diesel::Connection;

use super::{ServiceError, Services};
use crate::auth::verify_password;
use crate::db::admins::{self, Session};
use crate::db::{audit, backend};
use crate::domain::Token;

/// Failures counted per account and per client…
pub const MAX_FAILURES: i64 = 10;
/// …within this window.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// A session ends after this long without use.
pub const IDLE_MS: i64 = 12 * 3600 * 1000;
/// `last_seen_at` is written at most this often, to spare the database.
const TOUCH_EVERY_MS: i64 = 60 * 1000;
/// How long a sign-in waits for a turn at the password hash before it is
/// told to come back.
const HASH_WAIT: Duration = Duration::from_secs(2);

pub enum LoginOutcome {
    /// Signed in: the cookie's token, and where to go.
    SignedIn { token: Token },
    /// The address and password do not match an account.
    Refused,
    /// Too many failures for the account or from the client; retry after this.
    Throttled { retry_after: Duration },
    /// Too many password checks at once; retry after this.
    Busy { retry_after: Duration },
}

/// Checks an operator's password and opens a session.
pub async fn login(
    services: &Services,
    email: String,
    password: String,
    client: String,
) -> Result<LoginOutcome, ServiceError> {
    let clock = services.clock.clone();
    let now = clock.now().ms();
    let (key, from) = (email.clone(), client.clone());
    let attempt = services
        .db
        .write(move |c| c.transaction(|c| count_attempt(c, &key, &from, now)))
        .await?;
    let (failure, stored) = match attempt {
        Attempt::Throttled { oldest } => {
            let wait = oldest.map_or(WINDOW_MS, |t| t + WINDOW_MS - now).max(1000);
            return Ok(LoginOutcome::Throttled {
                retry_after: Duration::from_millis(wait as u64),
            });
        }
        Attempt::Counted { failure, stored } => (failure, stored),
    };

    // Each check holds 19 MiB for tens of milliseconds: only a few at once.
    let Ok(Ok(_permit)) = tokio::time::timeout(HASH_WAIT, services.password_checks.acquire()).await
    else {
        // Not checked: the attempt does not count against anyone.
        services
            .db
            .write(move |c| Ok::<_, ServiceError>(admins::delete_failure(c, failure)?))
            .await?;
        return Ok(LoginOutcome::Busy {
            retry_after: Duration::from_secs(1),
        });
    };
    let hash = stored.as_ref().map(|admin| admin.password_hash.clone());
    let verified = tokio::task::spawn_blocking(move || verify_password(hash.as_deref(), &password))
        .await
        .unwrap_or(false);
    drop(_permit);
    let Some(admin) = stored.filter(|_| verified) else {
        tracing::warn!(%client, "failed admin login");
        return Ok(LoginOutcome::Refused);
    };

    let token = Token::generate()?;
    let csrf = Token::generate()?;
    let hash = token.hash();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                // The attempt succeeded: it was no failure after all.
                admins::delete_failure(c, failure)?;
                admins::create_session(c, admin.id, hash.as_bytes(), csrf.expose(), now)?;
                audit::record(c, &admin.email, "login", "operators' area", "", now)?;
                admins::delete_idle_sessions(c, now - IDLE_MS)?;
                admins::delete_old_failures(c, now - WINDOW_MS)?;
                Ok::<_, ServiceError>(())
            })
        })
        .await?;
    Ok(LoginOutcome::SignedIn { token })
}

enum Attempt {
    Throttled {
        oldest: Option<i64>,
    },
    /// Counted as a failure until it succeeds; with the account, if any.
    Counted {
        failure: i64,
        stored: Option<admins::Admin>,
    },
}

fn count_attempt(
    conn: &mut crate::db::DbConn,
    email: &str,
    client: &str,
    now: i64,
) -> Result<Attempt, ServiceError> {
    backend::lock_logins(conn)?;
    let since = now - WINDOW_MS;
    let (account, from) = admins::recent_failures(conn, email, client, since)?;
    if account >= MAX_FAILURES || from >= MAX_FAILURES {
        tracing::warn!(%client, "admin login throttled");
        let oldest = admins::oldest_failure(conn, email, client, since)?;
        return Ok(Attempt::Throttled { oldest });
    }
    let failure = admins::record_failure(conn, email, client, now)?;
    let stored = admins::by_email(conn, email)?;
    Ok(Attempt::Counted { failure, stored })
}

/// The session a cookie's token opens, if it is still alive; its last use
/// is recorded now and then.
pub async fn current(services: &Services, token: Token) -> Result<Option<Session>, ServiceError> {
    let clock = services.clock.clone();
    let hash = token.hash();
    let now = clock.now().ms();
    let session = services
        .db
        .read(move |c| Ok::<_, ServiceError>(admins::session(c, hash.as_bytes(), now - IDLE_MS)?))
        .await?;
    if let Some(session) = &session
        && now - session.last_seen_at > TOUCH_EVERY_MS
    {
        let id = session.id;
        services
            .db
            .write(move |c| Ok::<_, ServiceError>(admins::touch_session(c, id, now)?))
            .await?;
    }
    Ok(session)
}

/// Ends a session.
pub async fn logout(services: &Services, session: &Session) -> Result<(), ServiceError> {
    let clock = services.clock.clone();
    let (id, email) = (session.id, session.email.clone());
    services
        .db
        .write(move |c| {
            let now = clock.now().ms();
            admins::delete_session(c, id)?;
            audit::record(c, &email, "logout", "operators' area", "", now)?;
            Ok::<_, ServiceError>(())
        })
        .await
}
