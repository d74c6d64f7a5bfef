//! The clocks of contract §10, at least hourly: pending requests purged,
//! reconfirmations queued, unanswered ones expired.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use super::schedule::Scheduled;
use crate::db::models::JobKind;
use crate::services::retention;

/// Queued by its schedule, with no payload.
pub struct Retention;

impl Job for Retention {
    const KIND: JobKind = JobKind::Retention;
    type Payload = Scheduled;

    async fn run(ctx: &Arc<Ctx>, _: Scheduled) -> Result<Finish, String> {
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
