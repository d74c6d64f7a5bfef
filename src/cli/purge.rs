//! `assent purge [--dry-run]`: runs the clocks of retention and
//! re-permission now (contract §10) and prints what they did, or would do.

use super::Failure;
use crate::config::Settings;
use crate::domain::Clock;
use crate::services::retention;
use crate::services::webhooks::Webhooks;
use crate::startup;

pub async fn run(settings: Settings, clock: &Clock, dry_run: bool) -> Result<(), Failure> {
    let (db, _) = startup::prepare_database(&settings, clock)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let sender = settings.mail_from.email.to_string();
    let hooks = Webhooks::new(settings.webhook.clone());
    let report = retention::run(&db, clock, &hooks, settings.clocks, &sender, dry_run)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    for line in report.lines(dry_run) {
        println!("{line}");
    }
    Ok(())
}
