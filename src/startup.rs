//! Building the application: shared by `main` and the tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers};
use actix_web::{App, HttpServer, web};
use base64::Engine;
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;
use url::Url;

use crate::auth::SecretKey;
use crate::config::{ConfigError, Settings};
use crate::db::{Database, DbError, lists, settings as stored_settings};
use crate::domain::Clock;
use crate::jobs::{self, Role, Runtime};
use crate::mail::Mailer;
use crate::mail::dkim::Dkim;
use crate::rate_limit::RateLimiter;
use crate::routes::{self, AppState};
use crate::services::Services;
use crate::telemetry::RequestSpan;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("mail: {0}")]
    Mail(String),
    /// A setting that turned out bad at start (a key file, say): exit 2.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Other(String),
}

/// The clock of this process: the system's. A test build also reads
/// `ASSENT_TEST_CLOCK_AHEAD` (a duration such as `2d`), so that a test can
/// run a command as of a later time.
pub fn clock() -> Result<Clock, ConfigError> {
    #[cfg(feature = "test-clock")]
    if let Ok(ahead) = std::env::var("ASSENT_TEST_CLOCK_AHEAD") {
        let ahead = crate::config::parse_duration(&ahead)
            .map_err(|e| ConfigError::new("ASSENT_TEST_CLOCK_AHEAD", e))?;
        return Ok(Clock::ahead(ahead));
    }
    Ok(Clock::system())
}

/// Opens the database, applies pending migrations, and makes sure the state
/// a first start needs exists: the default list and the secret key.
pub async fn prepare_database(
    settings: &Settings,
    clock: &Clock,
) -> Result<(Database, SecretKey), StartupError> {
    let now = clock.now().ms();
    let url = settings.database_url.clone();
    let default_list = settings.default_list.clone();
    let org_name = settings.org_name.clone();
    let default_lang = settings.default_lang;
    let configured_key = settings.secret_key.clone();
    tokio::task::spawn_blocking(move || {
        let db = Database::connect(&url)?;
        let applied = db.migrate()?;
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
        }
        let mut conn = db.write_conn()?;
        lists::ensure_default(&mut conn, &default_list, &org_name, default_lang, now)
            .map_err(DbError::from)?;
        let chained = crate::services::ledger::chain_legacy(&mut conn)
            .map_err(|e| StartupError::Other(e.to_string()))?;
        if chained > 0 {
            tracing::info!(events = chained, "consent events recorded before the ledger are now chained");
        }
        let key = match configured_key {
            Some(key) => key.expose_secret().as_bytes().to_vec(),
            None => stored_settings::secret_key(&mut conn, generate_key)
                .map_err(DbError::from)?
                .into_bytes(),
        };
        if key.len() < 32 {
            return Err(StartupError::Other(
                "the secret key stored in the database is shorter than 32 bytes; set ASSENT_SECRET_KEY".into(),
            ));
        }
        Ok((db, SecretKey::new(key)))
    })
    .await
    .map_err(|e| StartupError::Other(e.to_string()))?
}

fn generate_key() -> String {
    let mut bytes = [0u8; 48];
    // Without entropy the process cannot make tokens either; fail loudly.
    rand::TryRng::try_fill_bytes(&mut rand::rngs::SysRng, &mut bytes)
        .map(|_| base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes))
        .unwrap_or_else(|e| panic!("no entropy for the secret key: {e}"))
}

fn build_mailer(settings: &Settings, clock: Clock) -> Result<Mailer, StartupError> {
    if settings.smtp.is_empty() {
        return Mailer::files(settings.mail_dir.clone()).map_err(|e| {
            StartupError::Mail(format!(
                "cannot create {}: {e}",
                settings.mail_dir.display()
            ))
        });
    }
    Mailer::smtp(&settings.smtp, clock).map_err(StartupError::Mail)
}

/// The database, the services and the background runtime, as `serve` and
/// `worker` both start them.
/// The services with the settings in force, those saved from the admin
/// included, without the background runtime: for a command that reads
/// what `serve` would.
pub async fn services(
    settings: &Settings,
    clock: Clock,
    base_url: Url,
) -> Result<Arc<Services>, StartupError> {
    // Keys first: a bad one stops the start before anything is touched.
    let dkim = match &settings.dkim {
        Some(dkim) => {
            let signer = Dkim::load(dkim).map_err(|e| ConfigError::new("ASSENT_DKIM_KEY", e))?;
            tracing::info!(domain = %dkim.domain, keys = dkim.keys.len(), "messages are DKIM-signed");
            Some(signer)
        }
        None => None,
    };
    let (db, secret_key) = prepare_database(settings, &clock).await?;
    let services = Arc::new(Services::from_settings(
        settings, db, secret_key, base_url, dkim, clock,
    ));
    // The settings saved from the admin are in force from the first request.
    crate::services::settings::refresh(&services)
        .await
        .map_err(|e| StartupError::Other(e.to_string()))?;
    Ok(services)
}

async fn start_services(
    settings: &Settings,
    clock: Clock,
    base_url: Url,
    role: Role,
) -> Result<(Arc<Services>, Runtime), StartupError> {
    let services = services(settings, clock.clone(), base_url).await?;
    let mailer = Arc::new(build_mailer(settings, clock)?);
    tracing::info!("{}", mailer.describe());
    for warning in services.sending_warnings() {
        tracing::warn!("{}", warning.log_line());
    }
    let runtime = Runtime::register(Arc::clone(&services), mailer, role).await?;
    Ok((services, runtime))
}

/// Imports being uploaded at once; more are told to come back.
const MAX_UPLOADS: usize = 2;
/// How often the signup limiter forgets the clients it no longer needs.
const LIMITER_SWEEP: std::time::Duration = std::time::Duration::from_secs(60);

/// The HTTP server and the background runtime, ready to run.
pub struct Application {
    port: u16,
    base_url: Url,
    server: Server,
    background: jobs::Handle,
    sweeper: tokio::task::JoinHandle<()>,
}

impl Application {
    pub async fn build(settings: Settings, clock: Clock) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind,
            source,
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartupError::Other(e.to_string()))?;
        let base_url = base_url(&settings, addr)?;
        let (services, runtime) =
            start_services(&settings, clock, base_url.clone(), Role::Serve).await?;
        tracing::info!(%addr, %base_url, "listening");

        let state = web::Data::new(AppState {
            cookie_key: actix_web::cookie::Key::derive_from(services.secret_key.expose()),
            services,
            limiter: RateLimiter::new(settings.signup_rate),
            trusted_proxies: settings.trusted_proxies.clone(),
            secure_cookies: base_url.scheme() == "https",
            uploads: tokio::sync::Semaphore::new(MAX_UPLOADS),
            in_flight: Default::default(),
            bounce_secret: settings.bounce_secret.clone(),
            bounce_signing_key: settings.bounce_signing_key.clone(),
            metrics_token: settings.metrics_token.clone(),
        });
        let sweeper = {
            let state = state.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(LIMITER_SWEEP);
                loop {
                    every.tick().await;
                    state.limiter.forget_idle();
                }
            })
        };

        let cors_origins = settings.cors_origins.clone();
        // Once a browser has seen the https origin, it never tries plain
        // http for it again (a year, as the HSTS preload list asks).
        let https = base_url.scheme() == "https";
        let server = HttpServer::new(move || {
            let origins = cors_origins.clone();
            let mut headers = DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add((
                    "Content-Security-Policy",
                    "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                ));
            if https {
                headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
            }
            App::new()
                .app_data(state.clone())
                .app_data(web::Data::from(Arc::clone(&state.services.metrics)))
                .wrap(ErrorHandlers::new().default_handler_server(routes::server_error_page))
                .wrap(headers)
                .wrap(actix_web::middleware::from_fn(routes::client_cap::cap))
                .wrap(TracingLogger::<RequestSpan>::new())
                .configure(|cfg| routes::configure(cfg, &origins))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind { addr, source })?
        .run();

        Ok(Self {
            port: addr.port(),
            base_url,
            server,
            background: runtime.start(),
            sweeper,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// A probe on the background runtime, for tests that wait for it.
    pub fn background(&self) -> jobs::Probe {
        self.background.probe()
    }

    /// Serves until the process is told to stop (SIGINT, SIGTERM), then
    /// stops the background work and gives back what it held.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.sweeper.abort();
        self.background.stop().await;
        result
    }
}

/// `ASSENT_BASE_URL`, or the address the server listens on.
pub fn base_url(settings: &Settings, addr: std::net::SocketAddr) -> Result<Url, StartupError> {
    match &settings.base_url {
        Some(url) => Ok(url.clone()),
        None => {
            Url::parse(&format!("http://{addr}")).map_err(|e| StartupError::Other(e.to_string()))
        }
    }
}

/// `assent worker`: the background runtime without HTTP, until SIGINT or
/// SIGTERM.
pub async fn run_worker(settings: Settings, clock: Clock) -> Result<(), StartupError> {
    if settings.database_url.is_sqlite() {
        tracing::warn!(
            "on SQLite, run either `assent serve` or `assent worker` on a database, not both"
        );
    }
    // Messages are composed as they are sent: with the links and names the
    // servers would use.
    let base_url = base_url(&settings, settings.bind)?;
    let (_services, runtime) = start_services(&settings, clock, base_url, Role::Worker).await?;
    let background = runtime.start();
    shutdown_signal().await;
    tracing::info!("stopping");
    background.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
