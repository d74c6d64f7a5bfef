//! The broadcast job: starts a broadcast when its time comes, queues its
//! copies a thousand at a time (see [`crate::services::broadcasts`]), and
//! marks it sent once every copy has gone.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use crate::db::models::{Job as JobRow, JobKind};
use crate::services::broadcasts::{self, Step};

/// Payload: the broadcast's id.
pub struct SendBroadcast;

impl Job for SendBroadcast {
    const KIND: JobKind = JobKind::Broadcast;

    async fn run(ctx: &Arc<Ctx>, job: &JobRow) -> Result<Finish, String> {
        let id = broadcasts::broadcast_of(&job.payload)
            .ok_or("the job's payload does not name a broadcast")?;
        loop {
            let services = Arc::clone(&ctx.services);
            let step = ctx
                .services
                .db
                .write(move |c| broadcasts::step(c, &services, id))
                .await
                .map_err(|e| e.to_string())?;
            ctx.worked();
            match step {
                Step::Queued(n) => {
                    if n > 0 {
                        ctx.services.wake.delivery();
                    }
                }
                Step::Watch(at) | Step::Wait(at) => return Ok(Finish::Later(at)),
                Step::Over => return Ok(Finish::Done),
            }
        }
    }
}
