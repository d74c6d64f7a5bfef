//! The bulk action job: an action on every subscriber a filter selects
//! (see [`crate::services::bulk`]), a batch a transaction.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use crate::db::models::JobKind;
use crate::services::bulk::{self, BulkJob};

pub struct Bulk;

impl Job for Bulk {
    const KIND: JobKind = JobKind::Bulk;
    type Payload = BulkJob;

    async fn run(ctx: &Arc<Ctx>, payload: BulkJob) -> Result<Finish, String> {
        loop {
            let (services, payload) = (Arc::clone(&ctx.services), payload.clone());
            let step = ctx
                .services
                .db
                .write(move |c| bulk::step(c, &services, &payload))
                .await
                .map_err(|e| e.to_string())?;
            ctx.worked();
            match step {
                Some((action, tally)) => bulk::after(&ctx.services, action, tally).await,
                None => return Ok(Finish::Done),
            }
        }
    }
}
