//! The import job: works through an uploaded CSV file a piece at a time
//! (see [`crate::services::imports`]), each piece one transaction.

use std::sync::Arc;

use super::Ctx;
use super::job::{Finish, Job};
use crate::db::DbConn;
use crate::db::models::JobKind;
use crate::services::ServiceError;
use crate::services::imports::{self, ImportJob, Step};

pub struct Import;

impl Job for Import {
    const KIND: JobKind = JobKind::Import;
    type Payload = ImportJob;

    async fn run(ctx: &Arc<Ctx>, payload: ImportJob) -> Result<Finish, String> {
        loop {
            let (services, payload) = (Arc::clone(&ctx.services), payload.clone());
            let step = ctx
                .services
                .db
                .write(move |c| imports::step(c, &services, &payload))
                .await
                .map_err(|e| e.to_string())?;
            ctx.worked();
            match step {
                Step::Continue { added } => {
                    if added > 0 {
                        ctx.services.wake.delivery();
                    }
                }
                Step::Finished => return Ok(Finish::Done),
            }
        }
    }

    /// The import is marked failed.
    fn given_up(conn: &mut DbConn, payload: &ImportJob, now: i64) -> Result<(), ServiceError> {
        imports::fail(conn, payload, now)
    }
}
