//! Schedules: jobs that run at a fixed interval, queued once per interval
//! however many processes run the runtime.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::db::models::JobKind;
use crate::db::{DbError, jobs, now_ms};

/// Every scheduled job and how often it runs.
pub const SCHEDULES: &[(JobKind, Duration)] = &[(JobKind::Housekeeping, Duration::from_secs(3600))];
/// How often each process looks at the schedules.
const POLL: Duration = Duration::from_secs(30);

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    loop {
        let queued = ctx
            .services
            .db
            .write(|c| {
                let now = now_ms();
                let mut queued = 0;
                for (kind, every) in SCHEDULES {
                    if jobs::run_if_due(c, *kind, every.as_millis() as i64, now)?.is_some() {
                        queued += 1;
                    }
                }
                Ok::<_, DbError>(queued)
            })
            .await
            .map_err(|e| e.to_string())?;
        if queued > 0 {
            ctx.services.wake.jobs();
        }
        tokio::time::sleep(POLL).await;
    }
}
