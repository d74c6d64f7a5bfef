//! Group commit for SQLite: one thread owns the write connection and runs
//! the write jobs that arrive while it is busy in a single transaction, each
//! job in a savepoint of its own. A job's caller is answered only after the
//! COMMIT, so "stored" still means stored; but the pages every job touches
//! (the ends of tables and indexes) are written once per batch instead of
//! once per job.
//!
//! Commits only append to the write-ahead log; copying the log back into the
//! database file (a checkpoint, with its fsync) is mostly done by a second
//! thread, so that callers seldom wait for it. That thread never catches up
//! while commits keep coming, so once the log has grown past [`WAL_LIMIT`]
//! pages the writer waits, between two batches, for a checkpoint that
//! copies the rest, and the log starts over.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use diesel::connection::{
    AnsiTransactionManager, Connection, SimpleConnection, TransactionManager,
};
use diesel::r2d2::ManageConnection;

use super::backend::{Checkpoint, SQLITE_WRITER_PRAGMAS, checkpoint};
use super::{ConnectionManager, DbConn, DbError};

/// The most jobs one transaction takes.
const MAX_BATCH: usize = 256;
/// How often the log is copied back while writes go on.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);
/// Past this many pages (4 MiB) the writer makes the log start over.
const WAL_LIMIT: i64 = 1_024;

/// Runs a job inside the batch's transaction and returns what reports its
/// result once the batch's fate is known.
type Job = Box<dyn FnOnce(&mut DbConn) -> Finish + Send>;
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;

#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread with a connection of its own.
    pub fn start(manager: ConnectionManager) -> Result<Self, DbError> {
        let conn = open_writer(&manager)
            .map_err(|e| DbError::Task(format!("opening the write connection: {e}")))?;
        let checkpoint_conn = manager
            .connect()
            .map_err(|e| DbError::Task(format!("opening the checkpoint connection: {e}")))?;
        let (jobs, queue) = mpsc::channel::<Job>();
        // Holds at most one request: a checkpoint asked for while one runs
        // covers everything committed by then.
        let (requests, received) = mpsc::sync_channel::<()>(1);
        let checkpoints = Checkpoints {
            requests,
            // SQLite runs one checkpoint at a time and fails a second one at
            // once: the two threads take turns on one connection.
            conn: Arc::new(Mutex::new(checkpoint_conn)),
            log_pages: Arc::new(AtomicI64::new(0)),
            last: Instant::now(),
        };
        let (conn_for_thread, pages_for_thread) = (
            Arc::clone(&checkpoints.conn),
            Arc::clone(&checkpoints.log_pages),
        );
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map(|_| ())
                .map_err(|e| DbError::Task(e.to_string()))
        };
        spawn(
            "assent-checkpoint",
            Box::new(move || checkpointer(&conn_for_thread, received, &pages_for_thread)),
        )?;
        spawn(
            "assent-writer",
            Box::new(move || writer(conn, manager, queue, checkpoints)),
        )?;
        Ok(Self { jobs })
    }

    /// Runs `f` in the next batch and returns its result after the commit.
    pub async fn run<R, E, F>(&self, f: F) -> Result<R, E>
    where
        F: FnOnce(&mut DbConn) -> Result<R, E> + Send + 'static,
        R: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel::<Result<R, E>>();
        let job: Job = Box::new(move |conn: &mut DbConn| {
            let result = in_savepoint(conn, f);
            Box::new(move |commit: Result<(), String>| {
                let result = match commit {
                    Ok(()) => result,
                    Err(e) => Err(E::from(DbError::Task(format!("commit failed: {e}")))),
                };
                let _ = reply.send(result);
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| E::from(DbError::Task("the writer thread has stopped".into())))?;
        answer.await.map_err(|_| {
            E::from(DbError::Task(
                "the write was abandoned: its transaction could not begin, or a job in it panicked"
                    .into(),
            ))
        })?
    }
}

/// Runs `f` in a savepoint, kept if it succeeds and rolled back if not, so
/// a failing job leaves the rest of its batch untouched.
fn in_savepoint<R, E: From<DbError>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<R, E>,
) -> Result<R, E> {
    type Manager = <DbConn as Connection>::TransactionManager;
    Manager::begin_transaction(conn).map_err(|e| E::from(DbError::from(e)))?;
    let result = f(conn);
    let ended = match &result {
        Ok(_) => Manager::commit_transaction(conn),
        Err(_) => Manager::rollback_transaction(conn),
    };
    match ended {
        Ok(()) => result,
        Err(e) => Err(E::from(DbError::from(e))),
    }
}

/// Takes the write lock at BEGIN, where SQLite waits its busy timeout while
/// another connection writes (the command line, say); a lock taken by the
/// first write of a transaction that has already read fails at once instead.
fn begin_immediate(conn: &mut DbConn) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        }
        DbConn::Postgres(_) => <DbConn as Connection>::TransactionManager::begin_transaction(conn),
    }
}

fn open_writer(manager: &ConnectionManager) -> Result<DbConn, String> {
    let mut conn = manager.connect().map_err(|e| e.to_string())?;
    conn.batch_execute(SQLITE_WRITER_PRAGMAS)
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

/// Runs a passive checkpoint for each request and tells how long the log
/// is; ends with the writer.
fn checkpointer(conn: &Mutex<DbConn>, requests: mpsc::Receiver<()>, log_pages: &AtomicI64) {
    while requests.recv().is_ok() {
        let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
        match checkpoint(&mut conn, Checkpoint::Passive) {
            Ok(pages) => log_pages.store(pages, Ordering::Relaxed),
            Err(e) => tracing::warn!(error = %e, "checkpointing the write-ahead log"),
        }
    }
}

/// The writer's side of checkpointing.
struct Checkpoints {
    requests: mpsc::SyncSender<()>,
    conn: Arc<Mutex<DbConn>>,
    log_pages: Arc<AtomicI64>,
    last: Instant,
}

impl Checkpoints {
    fn after_commit(&mut self) {
        if self.log_pages.load(Ordering::Relaxed) >= WAL_LIMIT {
            // The writer is between transactions, so this one copies
            // everything, and the next transaction starts the log over.
            let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(e) = checkpoint(&mut conn, Checkpoint::Full) {
                tracing::warn!(error = %e, "checkpointing the write-ahead log");
            }
            self.log_pages.store(0, Ordering::Relaxed);
        } else if self.last.elapsed() >= CHECKPOINT_EVERY {
            // Full means one is already waiting; it will see these commits.
            let _ = self.requests.try_send(());
            self.last = Instant::now();
        }
    }
}

fn writer(
    mut conn: DbConn,
    manager: ConnectionManager,
    queue: mpsc::Receiver<Job>,
    mut checkpoints: Checkpoints,
) {
    type Manager = <DbConn as Connection>::TransactionManager;
    // Ends when every sender is gone: the database handle was dropped.
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = begin_immediate(&mut conn) {
            // The connection is unusable: open a new one, fail this batch.
            tracing::error!(error = %e, "beginning a write transaction");
            if let Ok(fresh) = open_writer(&manager) {
                conn = fresh;
            }
            for job in batch {
                drop(job);
            }
            continue;
        }
        let mut finishers = Vec::with_capacity(batch.len());
        let mut panicked = false;
        for job in batch {
            match catch_unwind(AssertUnwindSafe(|| job(&mut conn))) {
                Ok(finish) => finishers.push(finish),
                Err(_) => {
                    // Its savepoint may be half done: nothing of this batch is kept.
                    panicked = true;
                    break;
                }
            }
        }
        let outcome = if panicked {
            let _ = Manager::rollback_transaction(&mut conn);
            Err("a write job in the same transaction panicked".to_owned())
        } else {
            Manager::commit_transaction(&mut conn).map_err(|e| {
                let _ = Manager::rollback_transaction(&mut conn);
                e.to_string()
            })
        };
        if panicked {
            // Reset the transaction state from scratch.
            if let Ok(fresh) = open_writer(&manager) {
                conn = fresh;
            }
        }
        for finish in finishers {
            finish(outcome.clone());
        }
        checkpoints.after_commit();
    }
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;

    use super::*;
    use crate::config::DatabaseUrl;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_starts_over_while_writes_go_on() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("wal.sqlite");
        let writer = GroupCommit::start(ConnectionManager {
            url: DatabaseUrl::Sqlite(path.clone()),
        })
        .expect("writer");
        let run = |sql: &'static str| {
            writer.run(move |c| diesel::sql_query(sql).execute(c).map_err(DbError::from))
        };
        run("CREATE TABLE filler (b BLOB)").await.expect("table");
        // 256 MiB, 64 KiB per commit.
        for _ in 0..4_096 {
            run("INSERT INTO filler VALUES (zeroblob(65536))")
                .await
                .expect("insert");
        }
        // Commits go on while the checkpoint thread measures the log, so the
        // log overshoots the limit by what this loop writes in that time (up
        // to 80 MiB was seen, more on a busy machine), and is cut back at the
        // thread's next turn; without the limit it would hold all 256 MiB
        // for good.
        let log_bytes = || {
            std::fs::metadata(dir.path().join("wal.sqlite-wal"))
                .expect("the log")
                .len()
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while log_bytes() > 128 << 20 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            // The log starts over only when a write comes.
            run("INSERT INTO filler VALUES (zeroblob(1))")
                .await
                .expect("insert");
        }
        assert!(
            log_bytes() <= 128 << 20,
            "the log holds {} bytes",
            log_bytes()
        );
    }
}
