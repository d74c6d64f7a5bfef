//! Puts the settings saved from the admin in force in this process: every
//! few seconds, so that a change made through another process is in force
//! here within the 10 s of contract §15.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::services::settings;

const EVERY: Duration = Duration::from_secs(3);

pub async fn run(ctx: Arc<Ctx>) -> Result<(), String> {
    loop {
        if settings::refresh(&ctx.services)
            .await
            .map_err(|e| e.to_string())?
        {
            tracing::info!("saved settings changed: now in force");
        }
        tokio::time::sleep(EVERY).await;
    }
}
