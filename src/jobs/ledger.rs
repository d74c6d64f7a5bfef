//! The daily check of the consent ledger; the dashboard shows its result.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use super::schedule::Scheduled;
use crate::db::models::JobKind;
use crate::services::ledger;

/// Queued by its schedule, with no payload.
pub struct VerifyLedger;

impl Job for VerifyLedger {
    const KIND: JobKind = JobKind::VerifyLedger;
    type Payload = Scheduled;

    async fn run(ctx: &Arc<Ctx>, _: Scheduled) -> Result<Finish, String> {
        let verification = ledger::check(&ctx.services.db, &ctx.services.clock)
            .await
            .map_err(|e| e.to_string())?;
        match verification.broken {
            None => {
                tracing::info!(events = verification.events, head = %verification.head, "consent ledger intact")
            }
            Some(_) => {
                tracing::error!(result = %verification, "the consent ledger no longer verifies")
            }
        }
        Ok(Finish::Done)
    }
}
