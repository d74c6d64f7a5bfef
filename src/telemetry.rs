//! Logging to stderr, filtered by `ASSENT_LOG`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; fails on a filter that does not parse.
pub fn init(filter: &str) -> Result<(), String> {
    let filter = EnvFilter::try_new(filter).map_err(|e| e.to_string())?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init()
        .map_err(|e| e.to_string())
}
