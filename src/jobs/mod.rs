//! Background work has one home: this runtime, run by `serve` and `worker`.
//!
//! Everything it does is stored in the database and claimed by the process
//! that does it: messages in the outbox ([`delivery`]), jobs in `jobs`
//! ([`runner`], one module per kind), and the schedules the runner looks at
//! ([`schedule`]). Each process registers itself and keeps a heartbeat
//! ([`heartbeat`]); when a process dies, even by SIGKILL, the others see its
//! heartbeat stop and take back what it held within seconds, and what it
//! had half done resumes from the state it stored. Each loop is supervised:
//! a failure or a panic is logged and the loop started again.

pub mod broadcast;
pub mod bulk;
pub mod claimant;
pub mod delivery;
pub mod heartbeat;
pub mod housekeeping;
pub mod import;
pub mod job;
pub mod ledger;
pub mod linker;
pub mod registry;
pub mod retention;
pub mod runner;
pub mod schedule;
pub mod segments;
pub mod sequences;
pub mod settings;
pub mod supervisor;
pub mod webhook;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::{DbError, processes};
use crate::domain::Token;
use crate::mail::Mailer;
use crate::services::Services;

/// What every background task can reach.
pub struct Ctx {
    pub services: Arc<Services>,
    pub mailer: Arc<Mailer>,
    /// This process's id: every claim it makes names it.
    pub process: String,
    role: &'static str,
    activity: Activity,
}

/// Which command runs the runtime; recorded with the process.
#[derive(Debug, Clone, Copy)]
pub enum Role {
    Serve,
    Worker,
    /// `assent import`, running its own import.
    Import,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Serve => "serve",
            Role::Worker => "worker",
            Role::Import => "import",
        }
    }
}

/// The background runtime of one process, registered and ready to run.
pub struct Runtime {
    ctx: Arc<Ctx>,
}

impl Runtime {
    /// Registers this process. On SQLite, where one process owns the file,
    /// whatever an earlier process left claimed is given back first.
    pub async fn register(
        services: Arc<Services>,
        mailer: Arc<Mailer>,
        role: Role,
    ) -> Result<Self, DbError> {
        let clock = crate::domain::Clock::system();
        let process = process_id(role)?;
        let (id, is_sqlite) = (process.clone(), services.db.is_sqlite());
        services
            .db
            .write(move |c| {
                if is_sqlite {
                    let released = processes::release_all(c)?;
                    if released > 0 {
                        tracing::info!(released, "resuming the work left by the previous run");
                    }
                }
                processes::register(c, &id, role.as_str(), clock.now().ms())?;
                Ok::<_, DbError>(())
            })
            .await?;
        Ok(Self {
            ctx: Arc::new(Ctx {
                services,
                mailer,
                process,
                role: role.as_str(),
                activity: Activity::default(),
            }),
        })
    }

    /// Starts every loop, each under supervision.
    pub fn start(self) -> Handle {
        let ctx = self.ctx;
        let loops = [
            supervise(&ctx, "heartbeat", heartbeat::run),
            supervise(&ctx, "delivery", delivery::run),
            supervise(&ctx, "jobs", runner::run),
            supervise(&ctx, "ledger", linker::run),
            supervise(&ctx, "segments", segments::run),
            supervise(&ctx, "settings", settings::run),
        ];
        tracing::info!(process = %ctx.process, "background work started");
        Handle {
            ctx,
            loops: loops.into(),
        }
    }
}

fn supervise<Fut>(ctx: &Arc<Ctx>, name: &'static str, run: fn(Arc<Ctx>) -> Fut) -> JoinHandle<()>
where
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let ctx = Arc::clone(ctx);
    supervisor::supervise(name, move || run(Arc::clone(&ctx)))
}

/// `serve-1234-Xk3…`: the role and pid for a person reading the table, and
/// randomness so that a restarted process never reuses a dead one's claims.
fn process_id(role: Role) -> Result<String, DbError> {
    let random = Token::generate().map_err(|e| DbError::Task(e.to_string()))?;
    let suffix: String = random.expose().chars().take(12).collect();
    Ok(format!("{}-{}-{suffix}", role.as_str(), std::process::id()))
}

/// The running runtime. Dropping it stops every loop.
pub struct Handle {
    ctx: Arc<Ctx>,
    loops: Vec<JoinHandle<()>>,
}

impl Handle {
    /// A probe for tests and tools: see [`Probe::settle`].
    pub fn probe(&self) -> Probe {
        Probe {
            ctx: Arc::clone(&self.ctx),
        }
    }

    /// Stops every loop and gives back what this process holds, so that
    /// another process can carry on at once.
    pub async fn stop(mut self) {
        for task in self.loops.drain(..) {
            task.abort();
        }
        let id = self.ctx.process.clone();
        let left = self
            .ctx
            .services
            .db
            .write(move |c| processes::leave(c, &id).map_err(DbError::from))
            .await;
        if let Err(e) = left {
            tracing::warn!(error = %e, "could not give back this process's claims");
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        for task in &self.loops {
            task.abort();
        }
    }
}

/// Watches the runtime from outside.
#[derive(Clone)]
pub struct Probe {
    ctx: Arc<Ctx>,
}

impl Probe {
    /// Waits until the runtime has nothing left to do now: delivery found no
    /// due message, no job is due or running, every event is linked and
    /// every segment's members are up to date, with nothing done between
    /// the looks. Work scheduled for later (a retry in five seconds) is
    /// not waited for.
    pub async fn settle(&self) {
        let activity = &self.ctx.activity;
        let mut delivery = activity.delivery_idle.subscribe();
        let mut jobs = activity.jobs_idle.subscribe();
        let mut ledger = activity.ledger_idle.subscribe();
        let mut segments = activity.segments_idle.subscribe();
        loop {
            let work = activity.work.load(Ordering::SeqCst);
            delivery.mark_unchanged();
            jobs.mark_unchanged();
            ledger.mark_unchanged();
            segments.mark_unchanged();
            self.wake();
            let all = async {
                let _ = segments.changed().await;
                let _ = ledger.changed().await;
                let _ = jobs.changed().await;
                let _ = delivery.changed().await;
            };
            if tokio::time::timeout(SETTLE_LIMIT, all).await.is_err() {
                tracing::warn!("the background runtime did not settle");
                return;
            }
            if activity.work.load(Ordering::SeqCst) == work {
                return;
            }
        }
    }

    /// Wakes delivery, the job runner, the linker and the segments'
    /// builder, as queued work does.
    pub fn wake(&self) {
        self.ctx.services.wake.delivery();
        self.ctx.services.wake.jobs();
        self.ctx.services.wake.ledger();
        self.ctx.services.wake.segments();
    }

    /// This process's id, as its claims name it.
    pub fn process(&self) -> &str {
        &self.ctx.process
    }
}

/// How long [`Probe::settle`] waits at most.
const SETTLE_LIMIT: Duration = Duration::from_secs(30);

/// What the loops tell a [`Probe`].
#[derive(Default)]
struct Activity {
    /// Bumped each time delivery finds nothing due.
    delivery_idle: watch::Sender<u64>,
    /// Bumped each time the job runner has nothing running and nothing due.
    jobs_idle: watch::Sender<u64>,
    /// Bumped each time the linker has linked every event it found.
    ledger_idle: watch::Sender<u64>,
    /// Bumped each time the segments' builder has nothing left to do.
    segments_idle: watch::Sender<u64>,
    /// Bumped by every piece of work done.
    work: AtomicU64,
}

impl Ctx {
    fn delivery_idle(&self) {
        self.activity.delivery_idle.send_modify(|n| *n += 1);
    }

    fn jobs_idle(&self) {
        self.activity.jobs_idle.send_modify(|n| *n += 1);
    }

    fn ledger_idle(&self) {
        self.activity.ledger_idle.send_modify(|n| *n += 1);
    }

    fn segments_idle(&self) {
        self.activity.segments_idle.send_modify(|n| *n += 1);
    }

    fn worked(&self) {
        self.activity.work.fetch_add(1, Ordering::SeqCst);
    }
}
