//! `assent verify-ledger`: checks every consent event against its digest
//! and its place in the chain (contract §11).

use super::Failure;
use crate::config::Settings;
use crate::domain::Clock;
use crate::services::ledger;
use crate::startup;

pub async fn run(settings: Settings, clock: &Clock) -> Result<(), Failure> {
    let (db, _) = startup::prepare_database(&settings, clock)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let verification = ledger::check(&db, clock)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    match verification.broken {
        None => {
            println!("{verification}");
            Ok(())
        }
        Some(_) => Err(Failure::Failed(verification.to_string())),
    }
}
