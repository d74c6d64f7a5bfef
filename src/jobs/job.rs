//! What a kind of background job is to the runner: how it runs, how it is
//! tried again when it fails, and what giving it up leaves behind. Each
//! kind implements [`Job`] in its own module and is named once in
//! [`super::registry`]; the runner knows none of them.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::db::DbConn;
use serde::de::DeserializeOwned;

use crate::db::models::JobKind;
use crate::services::ServiceError;

/// How a job's run ended.
pub enum Finish {
    Done,
    /// Not finished: run it again from this time on.
    Later(i64),
}

/// How a failing job is tried again.
#[derive(Clone, Copy)]
pub struct Retry {
    /// Attempts before it is given up.
    pub attempts: i32,
    /// The wait before the attempt that follows `failures` failures.
    pub backoff: fn(failures: u32) -> Duration,
}

impl Retry {
    /// Five attempts, waiting as message delivery does between them.
    pub const STANDARD: Retry = Retry {
        attempts: 5,
        backoff: super::delivery::backoff,
    };
}

pub trait Job {
    /// The kind its row stores.
    const KIND: JobKind;
    /// What its row's payload holds, defined beside the use case that
    /// queues it (the job runs that use case's steps, so it sits above it).
    type Payload: DeserializeOwned + Send + Sync;
    const RETRY: Retry = Retry::STANDARD;
    /// Its failures are another party's (a webhook's receiver): logged at
    /// WARN, not as an error of ours.
    const FAILS_ELSEWHERE: bool = false;
    /// Its row is kept, done, for housekeeping to delete with the others;
    /// a kind that runs every few seconds has it deleted as it ends.
    const KEPT_WHEN_DONE: bool = true;

    /// Runs the job whose row holds `payload`.
    fn run(
        ctx: &Arc<Ctx>,
        payload: Self::Payload,
    ) -> impl Future<Output = Result<Finish, String>> + Send;

    /// After the last attempt failed, at `now`, inside the transaction that
    /// marks it failed.
    fn given_up(
        _conn: &mut DbConn,
        _payload: &Self::Payload,
        _now: i64,
    ) -> Result<(), ServiceError> {
        Ok(())
    }
}
