use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use assent::cli::{Cli, Command};
use assent::config::{ConfigError, Settings};
use assent::startup::{self, Application};

/// Bad configuration or usage, as contract §1 says.
const USAGE: u8 = 2;

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
            let first = rendered.lines().next().unwrap_or_default();
            eprintln!("assent: {}", first.trim_start_matches("error: "));
            return ExitCode::from(USAGE);
        }
    };
    // A missing .env is normal; a broken one is a configuration error.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("assent: .env: {e}");
        return ExitCode::from(USAGE);
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => return config_error(&e),
    };
    if let Err(e) = assent::telemetry::init(&settings.log) {
        eprintln!("assent: ASSENT_LOG: {e}");
        return ExitCode::from(USAGE);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("assent: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime.block_on(serve(settings)),
        Command::Worker => runtime.block_on(async {
            startup::run_worker(settings)
                .await
                .map_err(|e| e.to_string())
        }),
        Command::Migrate => runtime.block_on(async {
            startup::prepare_database(&settings)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }),
        Command::Export { list, status } => {
            return runtime.block_on(export(settings, list, status.map(|s| s.as_str())));
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("assent: {e}");
            ExitCode::FAILURE
        }
    }
}

fn config_error(e: &ConfigError) -> ExitCode {
    eprintln!("assent: {e}");
    ExitCode::from(USAGE)
}

async fn serve(settings: Settings) -> Result<(), String> {
    let app = Application::build(settings)
        .await
        .map_err(|e| e.to_string())?;
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn export(
    settings: Settings,
    list: Option<String>,
    status: Option<&'static str>,
) -> ExitCode {
    let db = match startup::prepare_database(&settings).await {
        Ok((db, _)) => db,
        Err(e) => {
            eprintln!("assent: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = tokio::task::spawn_blocking(move || -> Result<Option<String>, String> {
        let mut conn = db.read_conn().map_err(|e| e.to_string())?;
        if let Some(slug) = &list
            && !assent::db::export::list_exists(&mut conn, slug).map_err(|e| e.to_string())?
        {
            return Ok(Some(format!("--list: no list has the slug {slug:?}")));
        }
        let stdout = std::io::stdout().lock();
        let mut out = std::io::BufWriter::new(stdout);
        assent::export::write_csv(&mut conn, list.as_deref(), status, &mut out)
            .map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        Ok(None)
    })
    .await;
    match result {
        Ok(Ok(None)) => ExitCode::SUCCESS,
        Ok(Ok(Some(usage))) => {
            eprintln!("assent: {usage}");
            ExitCode::from(USAGE)
        }
        Ok(Err(e)) => {
            eprintln!("assent: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("assent: {e}");
            ExitCode::FAILURE
        }
    }
}
