use std::process::ExitCode;

use clap::Parser;

use assent::cli::{self, Cli, Command, Failure};
use assent::config::Settings;
use assent::startup::{self, Application};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line that names the argument; --help has the rest.
            let rendered = e.to_string();
            let mut lines = rendered.lines();
            let first = lines.next().unwrap_or_default();
            let first = first.trim_start_matches("error: ");
            // "the following required arguments were not provided:" names
            // them on the next line.
            let line = if first.ends_with(':') {
                format!("{first} {}", lines.next().unwrap_or_default().trim())
            } else {
                first.to_owned()
            };
            return Failure::Usage(line).exit();
        }
    };
    // A missing .env is normal; a broken one is a configuration error.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        return Failure::Usage(format!(".env: {e}")).exit();
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => return Failure::Usage(e.to_string()).exit(),
    };
    if let Err(e) = assent::telemetry::init(&settings.log, settings.log_format) {
        return Failure::Usage(format!("ASSENT_LOG: {e}")).exit();
    }
    let clock = match startup::clock() {
        Ok(clock) => clock,
        Err(e) => return Failure::Usage(e.to_string()).exit(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Failure::Failed(format!("cannot start the runtime: {e}")).exit(),
    };
    let failed = |e: startup::StartupError| match e {
        startup::StartupError::Config(e) => Failure::Usage(e.to_string()),
        e => Failure::Failed(e.to_string()),
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => {
                let app = Application::build(settings, clock).await.map_err(failed)?;
                app.run_until_stopped()
                    .await
                    .map_err(|e| Failure::Failed(e.to_string()))
            }
            Command::Worker => startup::run_worker(settings, clock).await.map_err(failed),
            Command::Migrate => startup::prepare_database(&settings, &clock)
                .await
                .map(|_| ())
                .map_err(failed),
            Command::Admin { command } => cli::admin::run(settings, &clock, command)
                .await
                .map(|done| eprintln!("assent: {done}")),
            Command::Dkim { command } => cli::dkim::run(command),
            Command::VerifyLedger => cli::ledger::run(settings, &clock).await,
            Command::CheckDns => cli::dns::run(settings, &clock).await,
            Command::Purge { dry_run } => cli::purge::run(settings, &clock, dry_run).await,
            Command::Export {
                list,
                status,
                segment,
            } => {
                let filter = assent::services::export::Filter {
                    list,
                    status: status.map(Into::into),
                    segment: segment.map(assent::domain::SegmentId),
                    ..Default::default()
                };
                cli::export::run(settings, &clock, filter).await
            }
            Command::Import { file, list } => cli::import::run(settings, &clock, file, list).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.exit(),
    }
}
