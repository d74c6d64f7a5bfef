//! Persistence: one diesel codebase for SQLite and PostgreSQL.
//!
//! The backend is picked by the URL scheme. Queries are written once against
//! [`DbConn`]; the little SQL that differs between backends lives in
//! [`backend`]. Diesel is blocking, so every call runs on tokio's blocking pool
//! through [`Database::write`] and [`Database::read`], never on an actix worker.

/// Runs `$body` with `$c` bound to the backend's own connection type; the
/// body is compiled once for each backend.
///
/// For the statements of the hot paths (a signup, a delivery round): on its
/// own connection type diesel finds a prepared statement by the query's Rust
/// type, where through [`DbConn`] it first renders the SQL text to look it
/// up. RETURNING and ON CONFLICT are also only offered there. Defined
/// before the modules below so that they can use it.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgres($c) => $body,
        }
    };
}

pub mod abuse;
pub mod admins;
pub mod api_tokens;
pub mod audit;
pub mod backend;
pub mod bounces;
pub mod broadcasts;
pub mod bulk_actions;
pub mod deferrals;
pub mod deliveries;
pub mod export;
pub mod fields;
mod group_commit;
pub mod imports;
pub mod jobs;
pub mod ledger;
pub mod lists;
pub mod media;
pub mod models;
pub mod outbox;
pub mod pacing;
pub mod processes;
pub mod schema;
pub mod segments;
pub mod sequences;
pub mod settings;
pub mod stats;
pub mod subscribers;
pub mod subscriptions;
pub mod suppressions;
pub mod templates;
pub mod tokens;

use std::sync::Arc;
use std::time::Duration;

use diesel::QueryResult;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseUrl;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the URL named.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database connection: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("database: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migrations: {0}")]
    Migration(String),
    #[error("database task stopped: {0}")]
    Task(String),
}

/// Opens connections for the configured backend, with SQLite's pragmas set
/// on every new connection.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(backend::SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

type DbPool = Pool<ConnectionManager>;
pub type PooledConn = PooledConnection<ConnectionManager>;

/// The application's handle on its database. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Pools>,
}

struct Pools {
    writer: Writer,
    /// Reads; on SQLite, also the occasional write from outside the server
    /// (start-up, the command line), which SQLite's busy timeout serialises.
    reader: DbPool,
    is_sqlite: bool,
}

enum Writer {
    /// PostgreSQL: any pooled connection writes.
    Pool(DbPool),
    /// SQLite allows one writer at a time: every write of the server goes
    /// through one connection, in group-committed transactions, which also
    /// avoids lock upgrades failing with SQLITE_BUSY.
    Batched(group_commit::GroupCommit),
}

impl Database {
    /// Opens the pools; the SQLite file is created if missing.
    pub fn connect(url: &DatabaseUrl) -> Result<Self, DbError> {
        let manager = ConnectionManager { url: url.clone() };
        let timeout = Duration::from_secs(30);
        let build = |size: u32| {
            Pool::builder()
                .max_size(size)
                .min_idle(Some(1))
                .connection_timeout(timeout)
                // A file does not go away like a server connection: no
                // `SELECT 1` before every use.
                .test_on_check_out(!matches!(url, DatabaseUrl::Sqlite(_)))
                .build(manager.clone())
        };
        let pools = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        DbError::Migration(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                // The writer first: it switches the file to WAL before readers open it.
                let writer = group_commit::GroupCommit::start(manager.clone())?;
                Pools {
                    writer: Writer::Batched(writer),
                    reader: build(4)?,
                    is_sqlite: true,
                }
            }
            DatabaseUrl::Postgres(_) => {
                let pool = build(10)?;
                Pools {
                    writer: Writer::Pool(pool.clone()),
                    reader: pool,
                    is_sqlite: false,
                }
            }
        };
        Ok(Self {
            inner: Arc::new(pools),
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.inner.is_sqlite
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut conn = self.write_conn()?;
        backend::with_migration_lock(&mut conn, |conn| {
            let applied = match conn {
                DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
                DbConn::Postgres(c) => c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len()),
            };
            applied.map_err(|e| DbError::Migration(e.to_string()))
        })
    }

    /// Runs `f` on the write connection, off the async runtime, inside the
    /// caller's tracing span.
    pub async fn write<R, E, F>(&self, f: F) -> Result<R, E>
    where
        F: FnOnce(&mut DbConn) -> Result<R, E> + Send + 'static,
        R: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let f = in_current_span(f);
        match &self.inner.writer {
            Writer::Pool(pool) => run_blocking(pool.clone(), f).await,
            Writer::Batched(writer) => writer.run(f).await,
        }
    }

    /// Runs `f` on a read connection, off the async runtime, inside the
    /// caller's tracing span.
    pub async fn read<R, E, F>(&self, f: F) -> Result<R, E>
    where
        F: FnOnce(&mut DbConn) -> Result<R, E> + Send + 'static,
        R: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.inner.reader.clone();
        run_blocking(pool, in_current_span(f)).await
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.read(|c| c.batch_execute("SELECT 1").map_err(DbError::from))
            .await
    }

    /// A read connection for code that is already off the runtime (the CLI).
    pub fn read_conn(&self) -> Result<PooledConn, DbError> {
        Ok(self.inner.reader.get()?)
    }

    /// After personal data was deleted: on SQLite, empties the write-ahead
    /// log, which still holds the pages from before the deletion. Best
    /// effort: a busy database leaves it to the next time.
    pub async fn scrub_log(&self) {
        let mut last = None;
        // The writer's own checkpoints make this one fail while they run.
        for _ in 0..5 {
            let scrubbed = self
                .read(|c| {
                    backend::checkpoint(c, backend::Checkpoint::Truncate).map_err(DbError::from)
                })
                .await;
            match scrubbed {
                Ok(0) => return,
                Ok(pages) => last = Some(format!("{pages} pages left in the log")),
                Err(e) => last = Some(e.to_string()),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if let Some(error) = last {
            tracing::warn!(%error, "the log could not be emptied after a deletion");
        }
    }

    /// A connection to write with, for code that is already off the runtime
    /// and outside the server's hot path (start-up, the command line).
    pub fn write_conn(&self) -> Result<PooledConn, DbError> {
        match &self.inner.writer {
            Writer::Pool(pool) => Ok(pool.get()?),
            Writer::Batched(_) => Ok(self.inner.reader.get()?),
        }
    }
}

/// `f`, run inside the span that is current now: the log lines of work done
/// on another thread keep the request id of the request that caused it.
fn in_current_span<R, F>(f: F) -> impl FnOnce(&mut DbConn) -> R + Send + 'static
where
    F: FnOnce(&mut DbConn) -> R + Send + 'static,
{
    let span = tracing::Span::current();
    move |conn| span.in_scope(|| f(conn))
}

async fn run_blocking<R, E, F>(pool: DbPool, f: F) -> Result<R, E>
where
    F: FnOnce(&mut DbConn) -> Result<R, E> + Send + 'static,
    R: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(DbError::from)?;
        f(&mut conn)
    })
    .await
    .map_err(|e| E::from(DbError::Task(e.to_string())))?
}

/// A stored time as RFC 3339 UTC, e.g. `2026-11-28T15:44:23Z`.
pub fn rfc3339(ms: i64) -> String {
    crate::domain::Timestamp::from_ms(ms).rfc3339()
}

/// The row of a lookup by a unique key, if any. Such lookups load instead
/// of using `first()`: its LIMIT keeps diesel from reusing the prepared
/// statement on SQLite, which made each lookup several times slower.
pub fn at_most_one<T>(rows: QueryResult<Vec<T>>) -> QueryResult<Option<T>> {
    rows.map(|rows| rows.into_iter().next())
}

/// The row of a lookup by primary key; `NotFound` when there is none.
pub fn exactly_one<T>(rows: QueryResult<Vec<T>>) -> QueryResult<T> {
    at_most_one(rows)?.ok_or(diesel::result::Error::NotFound)
}

/// Whether an error is a unique-constraint violation: two requests raced to
/// create the same row, and the loser should retry.
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_as_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_764_344_663_999), "2025-11-28T15:44:23Z");
    }
}
