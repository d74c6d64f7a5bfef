//! The clocks of contract §10, at least hourly: pending requests purged,
//! reconfirmations queued, unanswered ones expired.

use std::sync::Arc;

use super::Ctx;
use super::runner::Finish;
use crate::services::retention;

pub async fn run(ctx: &Arc<Ctx>) -> Result<Finish, String> {
    let services = &ctx.services;
    let report = retention::run(
        &services.db,
        &services.webhooks,
        services.clocks,
        &services.composer.sender(),
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
