//! The daily check of the consent ledger; the dashboard shows its result.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use crate::db::models::{Job as JobRow, JobKind};
use crate::services::ledger;

/// No payload.
pub struct VerifyLedger;

impl Job for VerifyLedger {
    const KIND: JobKind = JobKind::VerifyLedger;

    async fn run(ctx: &Arc<Ctx>, _job: &JobRow) -> Result<Finish, String> {
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
