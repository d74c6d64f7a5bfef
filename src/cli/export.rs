//! `assent export [--list SLUG] [--status STATUS] [--segment ID]`: CSV on
//! stdout.

use std::io::Write;

use super::Failure;
use crate::config::Settings;
use crate::domain::Clock;
use crate::services::export::{self, Filter};
use crate::startup;

pub async fn run(settings: Settings, clock: &Clock, filter: Filter) -> Result<(), Failure> {
    let (db, _) = startup::prepare_database(&settings, clock)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let failed = |e: export::ExportError| Failure::Failed(e.to_string());
        let mut conn = db.read_conn().map_err(|e| Failure::Failed(e.to_string()))?;
        if let Some(slug) = &filter.list
            && !export::list_exists(&mut conn, slug).map_err(failed)?
        {
            return Err(Failure::Usage(format!(
                "--list: no list has the slug {slug:?}"
            )));
        }
        if let Some(id) = filter.segment
            && !export::segment_exists(&mut conn, id).map_err(failed)?
        {
            return Err(Failure::Usage(format!(
                "--segment: no segment has the id {id}"
            )));
        }
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        export::write_csv(&mut conn, &filter, &mut out).map_err(failed)?;
        out.flush()
            .map_err(|e| Failure::Failed(format!("writing: {e}")))
    })
    .await
    .map_err(|e| Failure::Failed(e.to_string()))?
}
