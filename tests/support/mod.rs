#![allow(dead_code)]

pub mod admin;
pub mod app;
pub mod dns;
pub mod media;
pub mod process;
pub mod receiver;
pub mod seed;
pub mod smtp;
pub mod webdriver;

/// Says that a test's real part (a browser, a tool) is missing here. Under
/// CI (`CI` set) that fails the test, so that it is never counted as
/// passed there; elsewhere the test says NOT RUN on its output and stops.
pub fn part_missing(part: &str, install: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{part} is missing, and CI needs it: {install}");
    }
    eprintln!("NOT RUN: {part} is missing on this machine ({install})");
}

/// The system's time as stored (Unix milliseconds), for rows a test writes
/// as of now; a server's own, movable time is [`app::TestApp::now`].
pub fn wall_ms() -> i64 {
    assent::domain::Clock::system().now().ms()
}

/// Waits until `done` holds, looking every 20 ms, and fails naming `what`
/// if it does not within `limit`: for what another process or a real
/// server does in its own time. What the server's clock decides is reached
/// with [`app::TestApp::advance`] instead.
pub async fn eventually(
    what: &str,
    limit: std::time::Duration,
    mut done: impl AsyncFnMut() -> bool,
) {
    let deadline = std::time::Instant::now() + limit;
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "not so after {limit:?}: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
