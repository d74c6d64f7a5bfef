//! Supervision: a background task that fails, panics or ends is logged and
//! started again, after a pause that grows while it keeps failing.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tokio::task::JoinHandle;

/// The first pause before a restart…
const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// …doubled after each quick failure, up to this.
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// A task that ran this long before it failed starts again at once.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

/// Runs `make()` for ever: each time the task it makes returns, fails or
/// panics, the supervisor logs it and makes a new one. Aborting the
/// returned handle stops the task too.
pub fn supervise<F, Fut>(name: &'static str, make: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut pause = FIRST_PAUSE;
        loop {
            let started = Instant::now();
            // Run inline, catching a panic: aborting the supervisor drops
            // the task with it.
            let outcome = std::panic::AssertUnwindSafe(make()).catch_unwind().await;
            match outcome {
                Ok(Ok(())) => {
                    tracing::warn!(task = name, "background task ended; starting it again")
                }
                Ok(Err(error)) => {
                    tracing::error!(task = name, %error, "background task failed; starting it again")
                }
                Err(panic) => tracing::error!(
                    task = name,
                    panic = panic_message(&panic),
                    "background task panicked; starting it again"
                ),
            }
            if started.elapsed() >= HEALTHY_RUN {
                pause = FIRST_PAUSE;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_PAUSE);
        }
    })
}

/// The text a panic was raised with, when it has one.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_task_that_panics_is_started_again() {
        let runs = Arc::new(AtomicUsize::new(0));
        let (done, mut finished) = tokio::sync::mpsc::unbounded_channel();
        let counter = Arc::clone(&runs);
        let handle = supervise("test", move || {
            let (counter, done) = (Arc::clone(&counter), done.clone());
            async move {
                match counter.fetch_add(1, Ordering::SeqCst) {
                    0 => panic!("the first run fails"),
                    1 => Err("the second run fails too".to_owned()),
                    _ => {
                        let _ = done.send(());
                        std::future::pending().await
                    }
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(10), finished.recv())
            .await
            .expect("the third run starts");
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        handle.abort();
    }
}
