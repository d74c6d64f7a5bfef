//! The ledger's linker (contract §11): links the consent events appended
//! since its last turn into the chain, in batches, behind the commits that
//! appended them, so that no signup waits for the head's lock. Every
//! process runs it; the head's lock lets one batch through at a time, and a
//! turn at least every second keeps each event's wait for its link well
//! under the 5 s the contract allows.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::services::ledger;

/// The longest pause between two turns.
const EVERY: Duration = Duration::from_secs(1);

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    loop {
        let linked = ledger::link_pending(&ctx.services.db)
            .await
            .map_err(|e| e.to_string())?;
        if linked > 0 {
            ctx.worked();
        }
        ctx.ledger_idle();
        tokio::select! {
            _ = ctx.services.wake.ledger_called() => {}
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
