//! Group commit for SQLite: one thread owns the write connection and runs
//! the write jobs that arrive while it is busy in a single transaction, each
//! job in a savepoint of its own. A job's caller is answered only after the
//! COMMIT, so "stored" still means stored; but the pages every job touches
//! (the ends of tables and indexes) are written once per batch instead of
//! once per job.
//!
//! Commits only append to the write-ahead log; copying the log back into the
//! database file (a checkpoint, with its fsync) is done by a second thread,
//! so that no caller waits for it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::connection::{Connection, SimpleConnection, TransactionManager};
use diesel::r2d2::ManageConnection;

use super::backend::{SQLITE_CHECKPOINT, SQLITE_WRITER_PRAGMAS};
use super::{ConnectionManager, DbConn, DbError};

/// The most jobs one transaction takes.
const MAX_BATCH: usize = 256;
/// How often the log is copied back while writes go on.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

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
        let (checkpoints, requests) = mpsc::sync_channel::<()>(1);
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map(|_| ())
                .map_err(|e| DbError::Task(e.to_string()))
        };
        spawn(
            "assent-checkpoint",
            Box::new(move || checkpointer(checkpoint_conn, requests)),
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
        answer
            .await
            .map_err(|_| E::from(DbError::Task("a write job panicked".into())))?
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

fn open_writer(manager: &ConnectionManager) -> Result<DbConn, String> {
    let mut conn = manager.connect().map_err(|e| e.to_string())?;
    conn.batch_execute(SQLITE_WRITER_PRAGMAS)
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

/// Runs a checkpoint for each request; ends with the writer.
fn checkpointer(mut conn: DbConn, requests: mpsc::Receiver<()>) {
    while requests.recv().is_ok() {
        if let Err(e) = conn.batch_execute(SQLITE_CHECKPOINT) {
            tracing::warn!(error = %e, "checkpointing the write-ahead log");
        }
    }
}

fn writer(
    mut conn: DbConn,
    manager: ConnectionManager,
    queue: mpsc::Receiver<Job>,
    checkpoints: mpsc::SyncSender<()>,
) {
    type Manager = <DbConn as Connection>::TransactionManager;
    let mut last_checkpoint = Instant::now();
    // Ends when every sender is gone: the database handle was dropped.
    while let Ok(first) = queue.recv() {
        if last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
            // Full means one is already waiting; it will see these commits.
            let _ = checkpoints.try_send(());
            last_checkpoint = Instant::now();
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = Manager::begin_transaction(&mut conn) {
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
    }
}
