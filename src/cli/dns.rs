//! `assent check-dns`: the DNS self-check of `/admin/deliverability`
//! (contract §19), one line a record, with what to publish; exit 1 when a
//! line is an error.

use super::Failure;
use crate::config::Settings;
use crate::domain::Clock;
use crate::i18n::Lang;
use crate::services::deliverability::{self, Level};
use crate::startup;

pub async fn run(settings: Settings, clock: &Clock) -> Result<(), Failure> {
    let base_url =
        startup::base_url(&settings, settings.bind).map_err(|e| Failure::Usage(e.to_string()))?;
    let services = startup::services(&settings, clock.clone(), base_url)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let inputs = deliverability::inputs(&services);
    let lines = deliverability::check(&inputs)
        .await
        .map_err(|e| Failure::Failed(format!("DNS: {e}")))?;
    let lang = Lang::ENGLISH;
    let mut errors = 0;
    for line in &lines {
        println!(
            "{:<7} {:<9} {}: {}",
            line.level.as_str(),
            line.check,
            line.name,
            lang.t(line.finding)
        );
        if let Some(found) = &line.found {
            println!("        found: {found}");
        }
        if let Some(publish) = &line.publish {
            println!("        publish: {publish}");
        }
        if line.level == Level::Error {
            errors += 1;
        }
    }
    match errors {
        0 => Ok(()),
        n => Err(Failure::Failed(format!("{n} of the DNS checks failed"))),
    }
}
