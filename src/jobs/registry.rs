//! Every kind of job, by the kind its row stores: the one place that names
//! them all. A new kind is a module implementing [`Job`] and a line here.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::job::{Finish, Job, Retry};
use super::{Ctx, broadcast, bulk, housekeeping, import, ledger, retention, sequences, webhook};
use crate::db::DbConn;
use crate::db::models::{Job as JobRow, JobKind};
use crate::services::ServiceError;

type Running<'a> = Pin<Box<dyn Future<Output = Result<Finish, String>> + Send + 'a>>;

/// What the runner needs of a kind.
pub struct Entry {
    pub run: for<'a> fn(&'a Arc<Ctx>, &'a JobRow) -> Running<'a>,
    pub retry: Retry,
    pub fails_elsewhere: bool,
    pub kept_when_done: bool,
    pub given_up: fn(&mut DbConn, &JobRow, i64) -> Result<(), ServiceError>,
}

fn entry<J: Job + 'static>() -> Entry {
    Entry {
        run: |ctx, job| {
            Box::pin(async move {
                let payload = payload::<J>(job)?;
                J::run(ctx, payload).await
            })
        },
        retry: J::RETRY,
        fails_elsewhere: J::FAILS_ELSEWHERE,
        kept_when_done: J::KEPT_WHEN_DONE,
        given_up: |conn, job, now| match payload::<J>(job) {
            Ok(payload) => J::given_up(conn, &payload, now),
            // A payload that cannot be read was never run: nothing to undo.
            Err(_) => Ok(()),
        },
    }
}

/// The job's payload as its kind reads it.
fn payload<J: Job>(job: &JobRow) -> Result<J::Payload, String> {
    serde_json::from_str(&job.payload)
        .map_err(|e| format!("the payload of a {} job cannot be read: {e}", J::KIND))
}

pub fn of(kind: JobKind) -> Entry {
    match kind {
        JobKind::Import => entry::<import::Import>(),
        JobKind::Housekeeping => entry::<housekeeping::Housekeeping>(),
        JobKind::Broadcast => entry::<broadcast::SendBroadcast>(),
        JobKind::VerifyLedger => entry::<ledger::VerifyLedger>(),
        JobKind::Retention => entry::<retention::Retention>(),
        JobKind::Webhook => entry::<webhook::Deliver>(),
        JobKind::Bulk => entry::<bulk::Bulk>(),
        JobKind::Sequences => entry::<sequences::Sequences>(),
    }
}

/// Each job's own idea of its kind, for the test that catches a line of
/// [`of`] naming the wrong module.
#[cfg(test)]
fn kind_of(kind: JobKind) -> JobKind {
    match kind {
        JobKind::Import => import::Import::KIND,
        JobKind::Housekeeping => housekeeping::Housekeeping::KIND,
        JobKind::Broadcast => broadcast::SendBroadcast::KIND,
        JobKind::VerifyLedger => ledger::VerifyLedger::KIND,
        JobKind::Retention => retention::Retention::KIND,
        JobKind::Webhook => webhook::Deliver::KIND,
        JobKind::Bulk => bulk::Bulk::KIND,
        JobKind::Sequences => sequences::Sequences::KIND,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_registered_under_its_own_name() {
        for kind in JobKind::ALL {
            assert_eq!(kind_of(*kind), *kind);
        }
    }
}
