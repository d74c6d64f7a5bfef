//! The job runner: claims due jobs, runs each on a task of its own, and
//! records how it ended. A job that fails is tried again with backoff; one
//! that keeps failing is marked failed, with its error, for the operators.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tracing::Instrument;

use super::job::Finish;
use super::schedule::Schedules;
use super::{Ctx, registry, supervisor};
use crate::db::models::{Job, JobKind, JobStatus};
use crate::db::{DbError, jobs};
use crate::domain::JobId;
use crate::services::ServiceError;

/// Jobs one process runs at once.
const MAX_RUNNING: usize = 4;
/// How often an idle runner looks for jobs queued by other processes.
const IDLE_POLL: Duration = Duration::from_secs(1);

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    let clock = ctx.services.clock.clone();
    let mut running: JoinSet<()> = JoinSet::new();
    let mut ids = std::collections::HashMap::new();
    let mut schedules = Schedules::default();
    loop {
        // A failed look is logged and tried at the next turn: the jobs
        // already queued still run.
        if let Err(e) = schedules.queue_due(&ctx).await {
            tracing::error!(error = %e, "looking at the schedules");
        }
        let free = MAX_RUNNING - running.len();
        let claimed = if free > 0 {
            let (claim, now) = (ctx.process.clone(), clock.now().ms());
            ctx.services
                .db
                .write(move |c| jobs::claim_due(c, &claim, now, free as i64).map_err(DbError::from))
                .await
                .map_err(|e| e.to_string())?
        } else {
            Vec::new()
        };
        for job in claimed {
            let (id, kind) = (job.id, job.kind);
            let span = tracing::info_span!(
                "job",
                id = %id,
                kind = %kind,
                request_id = job.request_id.as_deref().unwrap_or_default()
            );
            let handle = running.spawn(run_one(Arc::clone(&ctx), job).instrument(span));
            ids.insert(handle.id(), (id, kind));
        }
        if running.is_empty() {
            ctx.jobs_idle();
        }
        let wait = next_wait(&ctx)
            .await
            .min(schedules.until_next_look(clock.now()));
        tokio::select! {
            _ = ctx.services.wake.jobs_called() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(ended) = running.join_next_with_id(), if !running.is_empty() => {
                let id = match &ended {
                    Ok((id, ())) => *id,
                    Err(e) => e.id(),
                };
                let job = ids.remove(&id);
                if let (Err(e), Some((job, kind))) = (ended, job) {
                    // The job's own task died: record it like any failure.
                    let error = match e.try_into_panic() {
                        Ok(panic) => format!("panicked: {}", supervisor::panic_message(&*panic)),
                        Err(e) => e.to_string(),
                    };
                    tracing::error!(job = %job, %kind, %error, "job failed");
                    failed(&ctx, job, kind, &error).await;
                }
            }
        }
    }
}

async fn next_wait(ctx: &Ctx) -> Duration {
    let clock = ctx.services.clock.clone();
    let next = ctx
        .services
        .db
        .read(|c| jobs::next_due(c).map_err(DbError::from))
        .await;
    match next {
        Ok(Some(due)) => {
            Duration::from_millis(due.saturating_sub(clock.now().ms()).max(0) as u64).min(IDLE_POLL)
        }
        _ => IDLE_POLL,
    }
}

/// Runs one job to its end and records how it ended.
async fn run_one(ctx: Arc<Ctx>, job: Job) {
    let clock = ctx.services.clock.clone();
    let (id, kind) = (job.id, job.kind);
    let entry = registry::of(kind);
    let outcome = (entry.run)(&ctx, &job).await;
    ctx.worked();
    let recorded = match outcome {
        Ok(Finish::Done) => {
            let kept = entry.kept_when_done;
            ctx.services
                .db
                .write(move |c| {
                    if kept {
                        jobs::finish(c, id, JobStatus::Done, None, clock.now().ms())
                    } else {
                        jobs::delete(c, id)
                    }
                    .map_err(DbError::from)
                })
                .await
        }
        Ok(Finish::Later(at)) => {
            ctx.services
                .db
                .write(move |c| jobs::release(c, id, at, None).map_err(DbError::from))
                .await
        }
        Err(error) => {
            if entry.fails_elsewhere {
                // Another party's fault, not ours: it is retried.
                tracing::warn!(%error, "job not done");
            } else {
                tracing::error!(%error, "job failed");
            }
            failed(&ctx, id, kind, &error).await;
            Ok(())
        }
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, "recording the end of a job");
    }
}

/// Counts a failed attempt: the job runs again after a pause, or, after
/// its kind's last attempt, is marked failed.
async fn failed(ctx: &Arc<Ctx>, id: JobId, kind: JobKind, error: &str) {
    let clock = ctx.services.clock.clone();
    let error = error.to_owned();
    let recorded = ctx
        .services
        .db
        .write(move |c| {
            let now = clock.now().ms();
            let Some(job) = jobs::by_id(c, id)? else {
                return Ok(());
            };
            let attempts = job.attempts + 1;
            let entry = registry::of(kind);
            if attempts < entry.retry.attempts {
                let pause = (entry.retry.backoff)(attempts as u32);
                jobs::release(c, id, now + pause.as_millis() as i64, Some(&error))?;
            } else {
                jobs::finish(c, id, JobStatus::Failed, Some(&error), now)?;
                (entry.given_up)(c, &job, now)?;
            }
            Ok::<_, ServiceError>(())
        })
        .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "recording a failed job");
    }
}
