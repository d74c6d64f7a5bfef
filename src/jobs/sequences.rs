//! The sequences' turn, every few seconds: enrols those confirmed already
//! in a sequence activated with them, and queues the steps that are due
//! (see [`crate::services::sequences`]). Each turn reads the due index of
//! the active sequences and nothing else, so a sequence whose people all
//! wait costs nothing per person.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use super::schedule::Scheduled;
use crate::db::models::JobKind;
use crate::services::sequences;

/// Queued by its schedule, with no payload.
pub struct Sequences;

impl Job for Sequences {
    const KIND: JobKind = JobKind::Sequences;
    type Payload = Scheduled;
    /// A run every 5 seconds would leave 17,000 rows a day.
    const KEPT_WHEN_DONE: bool = false;

    async fn run(ctx: &Arc<Ctx>, _: Scheduled) -> Result<Finish, String> {
        loop {
            let services = Arc::clone(&ctx.services);
            let moved = ctx
                .services
                .db
                .write(move |c| sequences::work(c, &services))
                .await
                .map_err(|e| e.to_string())?;
            ctx.worked();
            if moved == 0 {
                return Ok(Finish::Done);
            }
            ctx.services.wake.delivery();
        }
    }
}
