use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use assent::cli::{AdminCommand, Cli, Command};
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
        Command::Admin { command } => return runtime.block_on(admin(settings, command)),
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

/// `assent admin create|reset-password EMAIL`.
async fn admin(settings: Settings, command: AdminCommand) -> ExitCode {
    let (email, create) = match &command {
        AdminCommand::Create { email } => (email.as_str(), true),
        AdminCommand::ResetPassword { email } => (email.as_str(), false),
    };
    let email = match assent::domain::SubscriberEmail::parse(email) {
        Ok(e) => e.as_str().to_owned(),
        Err(e) => {
            eprintln!("assent: EMAIL: {e}");
            return ExitCode::from(USAGE);
        }
    };
    let password = match read_password() {
        Ok(p) => p,
        Err(message) => {
            eprintln!("assent: {message}");
            return ExitCode::from(USAGE);
        }
    };
    let db = match startup::prepare_database(&settings).await {
        Ok((db, _)) => db,
        Err(e) => {
            eprintln!("assent: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = tokio::task::spawn_blocking(move || -> Result<String, String> {
        let hash = assent::auth::hash_password(&password)?;
        let mut conn = db.write_conn().map_err(|e| e.to_string())?;
        let now = assent::db::now_ms();
        if create {
            assent::db::admins::create(&mut conn, &email, &hash, now).map_err(|e| e.to_string())?;
            Ok(format!("operator {email} created"))
        } else if assent::db::admins::set_password(&mut conn, &email, &hash, now)
            .map_err(|e| e.to_string())?
        {
            Ok(format!(
                "password of {email} changed; their sessions have ended"
            ))
        } else {
            Err(format!("no operator has the address {email}"))
        }
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match result {
        Ok(done) => {
            eprintln!("assent: {done}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("assent: {e}");
            ExitCode::FAILURE
        }
    }
}

/// From ASSENT_ADMIN_PASSWORD, or typed twice at a prompt that does not echo.
fn read_password() -> Result<assent::auth::NewPassword, String> {
    use std::io::IsTerminal;
    if let Ok(value) = std::env::var("ASSENT_ADMIN_PASSWORD") {
        return assent::auth::NewPassword::parse(&value)
            .map_err(|e| format!("ASSENT_ADMIN_PASSWORD: {e}"));
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            "ASSENT_ADMIN_PASSWORD: not set, and there is no terminal to ask for the password"
                .into(),
        );
    }
    let first = rpassword::prompt_password("Password (at least 12 characters): ")
        .map_err(|e| format!("password: {e}"))?;
    let password =
        assent::auth::NewPassword::parse(&first).map_err(|e| format!("password: {e}"))?;
    let second = rpassword::prompt_password("The same password again: ")
        .map_err(|e| format!("password: {e}"))?;
    if first != second {
        return Err("password: the two passwords differ".into());
    }
    Ok(password)
}
