//! The import job: works through an uploaded CSV file a piece at a time
//! (see [`crate::services::imports`]), each piece one transaction.

use std::sync::Arc;

use super::Ctx;
use super::runner::Finish;
use crate::db::DbConn;
use crate::db::models::Job;
use crate::services::ServiceError;
use crate::services::imports::{self, ImportJob, Step};

pub async fn run(ctx: &Arc<Ctx>, job: &Job) -> Result<Finish, String> {
    let payload: ImportJob = serde_json::from_str(&job.payload)
        .map_err(|e| format!("the job's payload does not name an import: {e}"))?;
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

/// The job failed for good: the import is marked failed.
pub fn given_up(conn: &mut DbConn, job: &Job) -> Result<(), ServiceError> {
    match serde_json::from_str::<ImportJob>(&job.payload) {
        Ok(payload) => imports::fail(conn, &payload),
        Err(_) => Ok(()),
    }
}
