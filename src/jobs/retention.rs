//! The clocks of contract §10, at least hourly: pending requests purged,
//! reconfirmations queued, unanswered ones expired.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use crate::db::models::{Job as JobRow, JobKind};
use crate::services::retention;

/// No payload.
pub struct Retention;

impl Job for Retention {
    const KIND: JobKind = JobKind::Retention;

    async fn run(ctx: &Arc<Ctx>, _job: &JobRow) -> Result<Finish, String> {
        let services = &ctx.services;
        let report = retention::run(
            &services.db,
            &services.clock,
            &services.webhooks,
            services.policy().clocks,
            &services.policy().envelope_sender(),
            false,
        )
        .await
        .map_err(|e| e.to_string())?;
        if report.reconfirmations > 0 {
            services.wake.delivery();
        }
        if report != retention::Report::default() {
            tracing::info!(
                purged = report.purged,
                reconfirmations = report.reconfirmations,
                expired = report.expired,
                "retention"
            );
        }
        Ok(Finish::Done)
    }
}
