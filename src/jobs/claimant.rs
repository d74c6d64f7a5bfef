//! A process that runs one job of its own outside the runtime: `assent
//! import`, which works through the file it was given while its operator
//! watches. It registers and keeps a heartbeat like `serve` and `worker`,
//! and claims its job like they do, so that when it stops, by Ctrl-C or by
//! SIGKILL, the job is given back like any other process's and a runtime
//! resumes it where it stopped.

use std::sync::Arc;

use tokio::task::JoinHandle;

use super::heartbeat::EVERY;
use super::{Role, process_id};
use crate::db::{DbError, processes};
use crate::domain::Clock;
use crate::services::Services;

pub struct Claimant {
    services: Arc<Services>,
    process: String,
    beat: JoinHandle<()>,
}

impl Claimant {
    /// Registers this process and starts its heartbeat.
    pub async fn register(services: Arc<Services>, role: Role) -> Result<Self, DbError> {
        let process = process_id(role)?;
        let id = process.clone();
        // Liveness is on the system's clock, as the runtimes' is.
        let wall = Clock::system();
        let now = wall.now().ms();
        services
            .db
            .write(move |c| processes::register(c, &id, role.as_str(), now).map_err(DbError::from))
            .await?;
        let beat = {
            let (services, id) = (Arc::clone(&services), process.clone());
            tokio::spawn(async move {
                let mut ticks = tokio::time::interval(EVERY);
                loop {
                    ticks.tick().await;
                    let (id, now) = (id.clone(), wall.now().ms());
                    let beaten = services
                        .db
                        .write(move |c| processes::beat(c, &id, now).map_err(DbError::from))
                        .await;
                    if let Err(e) = beaten {
                        tracing::warn!(error = %e, "renewing this process's heartbeat");
                    }
                }
            })
        };
        Ok(Claimant {
            services,
            process,
            beat,
        })
    }

    /// The id its claims name.
    pub fn process(&self) -> &str {
        &self.process
    }

    /// Stops the heartbeat and gives back what this process holds, so that
    /// a runtime carries it on at once.
    pub async fn leave(self) -> Result<(), DbError> {
        self.beat.abort();
        let id = self.process.clone();
        self.services
            .db
            .write(move |c| processes::leave(c, &id).map_err(DbError::from))
            .await
    }
}

impl Drop for Claimant {
    fn drop(&mut self) {
        self.beat.abort();
    }
}
