//! Group commit for SQLite: one thread owns the write connection and runs
//! the write jobs that arrive while it is busy in a single transaction, each
//! job in a savepoint of its own. A job's caller is answered only after the
//! COMMIT, so "stored" still means stored; but the pages every job touches
//! (the ends of tables and indexes) are written once per batch instead of
//! once per job.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use diesel::connection::{Connection, TransactionManager};
use diesel::r2d2::ManageConnection;

use super::{ConnectionManager, DbConn, DbError};

/// The most jobs one transaction takes.
const MAX_BATCH: usize = 256;

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
        let conn = manager
            .connect()
            .map_err(|e| DbError::Task(format!("opening the write connection: {e}")))?;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("assent-writer".into())
            .spawn(move || writer(conn, manager, queue))
            .map_err(|e| DbError::Task(e.to_string()))?;
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

fn writer(mut conn: DbConn, manager: ConnectionManager, queue: mpsc::Receiver<Job>) {
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
        if let Err(e) = Manager::begin_transaction(&mut conn) {
            // The connection is unusable: open a new one, fail this batch.
            tracing::error!(error = %e, "beginning a write transaction");
            if let Ok(fresh) = manager.connect() {
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
            if let Ok(fresh) = manager.connect() {
                conn = fresh;
            }
        }
        for finish in finishers {
            finish(outcome.clone());
        }
    }
}
