//! Scheduled housekeeping, run beside the delivery worker by `serve` and by
//! `worker`. Each job is idempotent, so several processes may run it.

use std::time::Duration;

use diesel::prelude::*;

use crate::db::schema::{outbox, tokens};
use crate::db::{Database, DbConn, DbError, now_ms};

const EVERY: Duration = Duration::from_secs(3600);
/// Finished messages and dead links are kept this long for the operators;
/// the resend caps only need the last day.
const KEEP_MS: i64 = 30 * 86_400_000;

pub async fn run(db: Database) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match db
            .write(|c| prune(c, now_ms()).map_err(DbError::from))
            .await
        {
            Ok((0, 0)) => {}
            Ok((messages, links)) => {
                tracing::info!(messages, links, "pruned old messages and links")
            }
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}

/// Deletes finished outbox rows and expired confirmation links older than
/// the retention period; returns how many of each.
pub fn prune(conn: &mut DbConn, now: i64) -> QueryResult<(usize, usize)> {
    let cutoff = now - KEEP_MS;
    let messages = diesel::delete(
        outbox::table
            .filter(outbox::status.ne(crate::db::outbox::QUEUED))
            .filter(outbox::created_at.lt(cutoff)),
    )
    .execute(conn)?;
    let links = diesel::delete(
        tokens::table
            .filter(tokens::purpose.eq("confirm"))
            .filter(tokens::expires_at.lt(cutoff)),
    )
    .execute(conn)?;
    Ok((messages, links))
}
