//! The broadcast job: starts a broadcast when its time comes, queues its
//! copies a thousand at a time (see [`crate::services::broadcasts`]), and
//! marks it sent once every copy has gone.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use crate::db::models::JobKind;
use crate::services::broadcasts::{self, BroadcastJob, Step};

pub struct SendBroadcast;

impl Job for SendBroadcast {
    const KIND: JobKind = JobKind::Broadcast;
    type Payload = BroadcastJob;

    async fn run(ctx: &Arc<Ctx>, payload: BroadcastJob) -> Result<Finish, String> {
        let id = payload.broadcast;
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
