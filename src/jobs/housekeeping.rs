//! Housekeeping, hourly: the record of finished messages older than
//! `ASSENT_DELIVERY_LOG_RETENTION`, dead links, finished jobs and abandoned
//! uploads older than their retention are deleted, with the spent
//! proof-of-work challenges that have expired.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use super::job::{Finish, Job};
use super::schedule::Scheduled;
use crate::db::models::JobKind;
use crate::db::{DbConn, DbError, abuse, imports, jobs, outbox, tokens};

/// Dead links and finished jobs are kept this long for the operators; the
/// resend caps only need the last day.
const KEEP_MS: i64 = 30 * 86_400_000;
/// An upload still unfinished after this long was broken off.
const UPLOAD_MS: i64 = 86_400_000;

/// Queued by its schedule, with no payload.
pub struct Housekeeping;

impl Job for Housekeeping {
    const KIND: JobKind = JobKind::Housekeeping;
    type Payload = Scheduled;

    async fn run(ctx: &Arc<Ctx>, _: Scheduled) -> Result<Finish, String> {
        let clock = ctx.services.clock.clone();
        let log = ctx.services.policy().delivery_log_retention;
        let pruned = ctx
            .services
            .db
            .write(move |c| prune(c, clock.now().ms(), log).map_err(DbError::from))
            .await
            .map_err(|e| e.to_string())?;
        if pruned != Pruned::default() {
            tracing::info!(
                messages = pruned.messages,
                links = pruned.links,
                jobs = pruned.jobs,
                uploads = pruned.uploads,
                challenges = pruned.challenges,
                "housekeeping"
            );
        }
        Ok(Finish::Done)
    }
}

/// What one run deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub messages: usize,
    pub links: usize,
    pub jobs: usize,
    pub uploads: usize,
    pub challenges: usize,
}

/// Deletes what is past its retention at `now`; the record of messages
/// is kept for `log`.
pub fn prune(conn: &mut DbConn, now: i64, log: Duration) -> diesel::QueryResult<Pruned> {
    let cutoff = now - KEEP_MS;
    let log_ms = i64::try_from(log.as_millis()).unwrap_or(i64::MAX);
    Ok(Pruned {
        messages: outbox::delete_finished_before(conn, now.saturating_sub(log_ms))?,
        links: tokens::delete_expired_confirmations(conn, cutoff)?,
        jobs: jobs::delete_finished_before(conn, cutoff)?,
        uploads: imports::delete_abandoned_uploads(conn, now - UPLOAD_MS)?,
        challenges: abuse::forget_spent(conn, now)?,
    })
}
