//! Running the `assent` binary as a separate process.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::app::client;

/// A child process that is killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `assent ARGS` with exactly the environment `vars`; its log goes to the
/// test's stderr.
pub fn spawn(vars: &HashMap<String, String>, args: &[&str]) -> Process {
    Process(
        Command::new(env!("CARGO_BIN_EXE_assent"))
            .args(args)
            .env_clear()
            .envs(vars)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("assent starts"),
    )
}

/// Waits until `GET base/healthz` answers 200.
pub async fn wait_until_up(base: &str) {
    let healthy = async || {
        let answer = client().get(format!("{base}/healthz")).send().await;
        answer.is_ok_and(|r| r.status() == 200)
    };
    super::eventually(&format!("{base} up"), Duration::from_secs(30), healthy).await;
}
