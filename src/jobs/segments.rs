//! The segments' builder (contract §16): keeps each segment's members up
//! to date behind the commits, from the changes the triggers note, and
//! builds a new or changed segment's members from scratch a step at a
//! time, so that a count at any size reads rows instead of testing every
//! person. Every process runs it; a step's mark moves only once.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::services::segments;

/// The longest pause between two turns.
const EVERY: Duration = Duration::from_secs(1);

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    loop {
        let worked = segments::build(&ctx.services)
            .await
            .map_err(|e| e.to_string())?;
        if worked {
            ctx.worked();
            // More may be waiting; let other writers in between turns.
            tokio::task::yield_now().await;
            continue;
        }
        ctx.segments_idle();
        tokio::select! {
            _ = ctx.services.wake.segments_called() => {}
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
