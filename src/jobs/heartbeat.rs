//! The process's heartbeat, and the reaper that gives back the claims of
//! processes whose heartbeat stopped. Each beat also writes the signups this
//! process turned away since the last one, and folds the counts the
//! dashboard reads.
//!
//! A heartbeat was chosen over claims that die with a PostgreSQL session
//! (advisory locks): it works the same on both databases, survives a
//! connection pool that reconnects, and lets a person see in `processes`
//! who holds what.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::db::stats;
use crate::db::{DbError, abuse, processes};

/// How often each process renews its heartbeat and looks for dead ones.
pub const EVERY: Duration = Duration::from_secs(2);
/// A process whose heartbeat is older than this is taken for dead. Long
/// enough that a busy machine's slow round does not lose a live process its
/// claims; short enough that a killed one's messages go out within seconds.
pub const GRACE: Duration = Duration::from_secs(8);

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    // Liveness is measured on the system's clock, never on the one tests
    // move: moving time must not make a live process look dead.
    let wall = crate::domain::Clock::system();
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let (id, role) = (ctx.process.clone(), ctx.role);
        let grace = GRACE.as_millis() as i64;
        let turned_away = ctx.services.turned_away.take();
        let tally = turned_away.clone();
        let (now, today) = (wall.now().ms(), ctx.services.clock.now().day_start().ms());
        let outcome = ctx
            .services
            .db
            .write(move |c| {
                if !processes::beat(c, &id, now)? {
                    // Taken for dead after a stall: what it held is gone.
                    tracing::warn!(process = %id, "this process's heartbeat lapsed; registering again");
                    processes::register(c, &id, role, now)?;
                }
                for (reason, n) in &tally {
                    let n = i64::try_from(*n).unwrap_or(i64::MAX);
                    abuse::tally(c, today, reason.code(), n)?;
                }
                processes::reap(c, now - grace).map_err(DbError::from)
            })
            .await;
        if outcome.is_err() {
            ctx.services.turned_away.give_back(&turned_away);
        }
        match outcome {
            Ok((0, 0)) => {}
            Ok((messages, jobs)) => {
                tracing::info!(
                    messages,
                    jobs,
                    "took over the work of a process that stopped"
                );
                ctx.services.wake.delivery();
                ctx.services.wake.jobs();
            }
            Err(e) => tracing::warn!(error = %e, "heartbeat"),
        }
        // Apart from the beat, so that a failure here cannot make this
        // process look dead.
        let folded = ctx
            .services
            .db
            .write(|c| stats::fold_tallies(c).map_err(DbError::from))
            .await;
        if let Err(e) = folded {
            tracing::warn!(error = %e, "folding the dashboard's counts");
        }
    }
}
