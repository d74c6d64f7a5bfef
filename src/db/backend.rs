//! The SQL that differs between SQLite and PostgreSQL, kept in one place.

use diesel::prelude::*;

use diesel::connection::SimpleConnection;

use super::schema::{outbox, subscriptions};
use super::{DbConn, DbError};
use crate::domain::{MessageId, MessageStatus, SequenceId, SubscriptionId};

/// Set on every SQLite connection. WAL lets readers work while the writer
/// commits; `synchronous = NORMAL` keeps commits durable across a process
/// crash (not a power cut) at a fraction of FULL's cost. Savepoints keep
/// their undo pages in memory rather than in a temporary file. What is
/// deleted is overwritten with zeros (`secure_delete`), so that an erased
/// person does not stay in the file's free pages (contract §10).
pub const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000;
     PRAGMA journal_mode = WAL;
     PRAGMA synchronous = NORMAL;
     PRAGMA foreign_keys = ON;
     PRAGMA temp_store = MEMORY;
     PRAGMA secure_delete = ON;";

/// Set on the server's SQLite write connection: commits only append to the
/// log, and `group_commit` has it copied back into the database file on a
/// schedule of its own; a log that grew large is cut back to 32 MiB when it
/// starts over.
pub const SQLITE_WRITER_PRAGMAS: &str = "PRAGMA wal_autocheckpoint = 0;
     PRAGMA journal_size_limit = 33554432;";

#[derive(Clone, Copy, Debug)]
pub enum Checkpoint {
    /// Copies what it can without waiting for anyone.
    Passive,
    /// Waits (up to the busy timeout) for readers of older snapshots, then
    /// copies everything, so that the next write starts the log from its
    /// beginning. Run between the writer's transactions. Like a passive
    /// one, it fails at once while another checkpoint runs.
    Full,
    /// As `Full`, then empties the log file: the pages it held before a
    /// deletion (an erasure, a purge) are gone from disk as well.
    Truncate,
}

/// Runs an SQLite checkpoint and returns how many pages the log holds.
pub fn checkpoint(conn: &mut DbConn, mode: Checkpoint) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Outcome {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        log: i64,
    }
    let sql = match mode {
        Checkpoint::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
        Checkpoint::Full => "PRAGMA wal_checkpoint(FULL)",
        Checkpoint::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    match conn {
        DbConn::Sqlite(sqlite) => diesel::sql_query(sql)
            .get_result::<Outcome>(sqlite)
            .map(|o| o.log),
        DbConn::Postgres(_) => Ok(0),
    }
}

/// Holds the subscription's row until the transaction ends, so that two
/// processes handling signups for one address take turns and the resend caps
/// hold. SQLite serialises writers already.
pub fn lock_subscription(conn: &mut DbConn, id: SubscriptionId) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(pg) => subscriptions::table
            .find(id)
            .select(subscriptions::id)
            .for_update()
            .first::<SubscriptionId>(pg)
            .map(|_| ()),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Makes sign-in attempts take turns from here to the end of the
/// transaction, so that each sees the failures counted before it. SQLite
/// serialises writers already.
pub fn lock_logins(conn: &mut DbConn) -> QueryResult<()> {
    // An arbitrary constant that names "assent sign-ins" among advisory locks.
    match conn {
        DbConn::Postgres(pg) => pg.batch_execute("SELECT pg_advisory_xact_lock(7283940013)"),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Up to `limit` due, unclaimed messages of one priority, oldest due
/// first, locked until the transaction ends. On PostgreSQL, rows another
/// process is claiming at the same moment are skipped rather than waited for.
pub fn due_messages(
    conn: &mut DbConn,
    priority: i32,
    now: i64,
    limit: i64,
) -> QueryResult<Vec<MessageId>> {
    macro_rules! due {
        () => {
            outbox::table
                .filter(outbox::status.eq(MessageStatus::Queued))
                .filter(outbox::priority.eq(priority))
                .filter(outbox::next_attempt_at.le(now))
                .filter(outbox::claimed_by.is_null())
                // The order of the (status, priority, next_attempt_at) index:
                // read off the index without sorting the backlog.
                .order(outbox::next_attempt_at)
                .limit(limit)
                .select(outbox::id)
        };
    }
    match conn {
        DbConn::Postgres(pg) => due!().for_update().skip_locked().load(pg),
        DbConn::Sqlite(sqlite) => due!().load(sqlite),
    }
}

/// Up to `limit` people of a sequence whose next step is due, oldest due
/// first, read off the due index and locked until the transaction ends;
/// on PostgreSQL, rows another process holds are skipped.
pub fn due_enrolments(
    conn: &mut DbConn,
    sequence: SequenceId,
    now: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    use super::schema::sequence_enrolments as e;
    macro_rules! due {
        () => {
            e::table
                .filter(e::sequence_id.eq(sequence))
                .filter(e::due_at.is_not_null())
                .filter(e::due_at.le(now))
                .order(e::due_at)
                .limit(limit)
                .select(e::id)
        };
    }
    match conn {
        DbConn::Postgres(pg) => due!().for_update().skip_locked().load(pg),
        DbConn::Sqlite(sqlite) => due!().load(sqlite),
    }
}

/// When the next paced message may go out (microseconds), locked until the
/// transaction ends so that processes take their slots in turn; made at
/// `now` the first time.
pub fn lock_pacing(conn: &mut DbConn, name: &str, now: i64) -> QueryResult<i64> {
    use super::schema::pacing;
    on_backend!(conn, |c| diesel::insert_into(pacing::table)
        .values((pacing::name.eq(name), pacing::next_at.eq(now)))
        .on_conflict_do_nothing()
        .execute(c))?;
    match conn {
        DbConn::Postgres(pg) => pacing::table
            .find(name)
            .select(pacing::next_at)
            .for_update()
            .first(pg),
        DbConn::Sqlite(sqlite) => pacing::table
            .find(name)
            .select(pacing::next_at)
            .first(sqlite),
    }
}

/// The newest link of the consent ledger, locked until the transaction
/// ends so that appends from every process form one chain.
pub fn lock_ledger_head(conn: &mut DbConn) -> QueryResult<(i64, String)> {
    use super::schema::ledger_head;
    let head = ledger_head::table
        .find(1)
        .select((ledger_head::position, ledger_head::chain));
    match conn {
        DbConn::Postgres(pg) => head.for_update().first(pg),
        // One writer at a time already.
        DbConn::Sqlite(sqlite) => head.first(sqlite),
    }
}

/// The plan the database chooses for the claim query, one line per step,
/// for the test that keeps it on the due index.
pub fn claim_plan(conn: &mut DbConn, now: i64, limit: i64) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct SqlitePlan {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    #[derive(QueryableByName)]
    struct PgPlan {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        line: String,
    }
    let query = format!(
        "SELECT id FROM outbox WHERE status = 'queued' AND priority = 1 \
         AND next_attempt_at <= {now} AND claimed_by IS NULL \
         ORDER BY next_attempt_at LIMIT {limit}"
    );
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {query}"))
            .load::<SqlitePlan>(c)
            .map(|rows| rows.into_iter().map(|r| r.detail).collect()),
        DbConn::Postgres(c) => diesel::sql_query(format!("EXPLAIN {query}"))
            .load::<PgPlan>(c)
            .map(|rows| rows.into_iter().map(|r| r.line).collect()),
    }
}

/// Runs `f` while holding a lock that other processes starting on the same
/// PostgreSQL database wait for, so that only one applies migrations. SQLite
/// takes its own file lock when the first migration writes.
pub fn with_migration_lock<R>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<R, DbError>,
) -> Result<R, DbError> {
    // An arbitrary constant that names "assent migrations" among advisory locks.
    const LOCK: &str = "7283940012";
    if matches!(conn, DbConn::Sqlite(_)) {
        return f(conn);
    }
    conn.batch_execute(&format!("SELECT pg_advisory_lock({LOCK})"))?;
    let result = f(conn);
    let unlocked = conn.batch_execute(&format!("SELECT pg_advisory_unlock({LOCK})"));
    let value = result?;
    unlocked?;
    Ok(value)
}
