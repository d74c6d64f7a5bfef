//! Schedules: jobs that run at a fixed interval, queued once per interval
//! however many processes run the runtime.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::config::Clocks;
use crate::db::models::JobKind;
use crate::db::{DbError, jobs, now_ms};

/// Every scheduled job and how often it runs. The clocks of retention are
/// looked at hourly, or four times within the shortest clock.
pub fn schedules(clocks: &Clocks) -> [(JobKind, Duration); 3] {
    let hour = Duration::from_secs(3600);
    let retention = [
        clocks.pending_retention,
        clocks.reconfirm_after,
        clocks.reconfirm_grace,
    ]
    .into_iter()
    .flatten()
    .map(|clock| (clock / 4).max(Duration::from_millis(250)))
    .fold(hour, Duration::min);
    [
        (JobKind::Housekeeping, hour),
        (JobKind::VerifyLedger, Duration::from_secs(86_400)),
        (JobKind::Retention, retention),
    ]
}
/// How often each process looks at the schedules, at most.
const POLL: Duration = Duration::from_secs(30);

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    let schedules = schedules(&ctx.services.clocks);
    let poll = schedules
        .iter()
        .map(|(_, every)| *every)
        .fold(POLL, Duration::min);
    loop {
        let queued = ctx
            .services
            .db
            .write(move |c| {
                let now = now_ms();
                let mut queued = 0;
                for (kind, every) in schedules {
                    if jobs::run_if_due(c, kind, every.as_millis() as i64, now)?.is_some() {
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
        tokio::time::sleep(poll).await;
    }
}
