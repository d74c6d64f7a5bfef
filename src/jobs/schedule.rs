//! Schedules: jobs that run at a fixed interval, queued once per interval
//! however many processes run the runtime.

use std::time::Duration;

use super::Ctx;
use crate::config::Clocks;
use crate::db::models::JobKind;
use crate::db::{DbError, jobs};
use crate::domain::Timestamp;

/// Every scheduled job and how often it runs. The clocks of retention are
/// looked at hourly, or four times within the shortest clock; the
/// sequences' due steps every few seconds.
pub fn schedules(clocks: &Clocks) -> [(JobKind, Duration); 4] {
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
        (JobKind::Sequences, SEQUENCES),
    ]
}
/// The payload of a scheduled job: nothing but its kind.
#[derive(Debug, serde::Deserialize)]
pub struct Scheduled {}

/// How often the sequences' due steps are looked for: a step goes within
/// this of its time.
const SEQUENCES: Duration = Duration::from_secs(5);

/// How often each process looks at the schedules, at most.
const POLL: Duration = Duration::from_secs(30);

/// The schedules as the job runner keeps them: it looks at them when the
/// clock has passed the next look, so that a test that moves the clock gets
/// its scheduled jobs at the runner's next turn. Each look reads the clocks
/// of the policy in force.
#[derive(Default)]
pub struct Schedules {
    next_look: Option<Timestamp>,
}

impl Schedules {
    /// Queues each scheduled job whose interval has passed, once across
    /// every process; returns how many were queued.
    pub async fn queue_due(&mut self, ctx: &Ctx) -> Result<usize, DbError> {
        let now = ctx.services.clock.now();
        if self.next_look.is_some_and(|next| now < next) {
            return Ok(0);
        }
        let every = schedules(&ctx.services.policy().clocks);
        let poll = every
            .iter()
            .map(|(_, every)| *every)
            .fold(POLL, Duration::min);
        let queued = ctx
            .services
            .db
            .write(move |c| {
                let mut queued = 0;
                for (kind, every) in every {
                    if jobs::run_if_due(c, kind, every.as_millis() as i64, now.ms())?.is_some() {
                        queued += 1;
                    }
                }
                Ok::<_, DbError>(queued)
            })
            .await?;
        self.next_look = Some(now + poll);
        Ok(queued)
    }

    /// The time until the next look.
    pub fn until_next_look(&self, now: Timestamp) -> Duration {
        self.next_look
            .map_or(Duration::ZERO, |next| next.since(now))
    }
}
