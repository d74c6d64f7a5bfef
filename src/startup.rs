//! Building the application: shared by `main` and the tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers};
use actix_web::{App, HttpServer, web};
use base64::Engine;
use tokio::sync::Notify;
use url::Url;

use crate::config::{Settings, describe_duration};
use crate::db::{Database, DbError, lists, now_ms, outbox, settings as stored_settings};
use crate::domain::list::slugify;
use crate::double_opt_in::FlowContext;
use crate::mail::worker::DeliveryWorker;
use crate::mail::{Composer, Mailer};
use crate::pages::Site;
use crate::rate_limit::RateLimiter;
use crate::routes::{self, AppState};

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
    #[error("{0}")]
    Other(String),
}

/// Opens the database, applies pending migrations, and makes sure the state
/// a first start needs exists: the default list and the secret key.
pub async fn prepare_database(settings: &Settings) -> Result<(Database, Vec<u8>), StartupError> {
    let url = settings.database_url.clone();
    let default_list = settings.default_list.clone();
    let org_name = settings.org_name.clone();
    let configured_key = settings.secret_key.clone();
    tokio::task::spawn_blocking(move || {
        let db = Database::connect(&url)?;
        let applied = db.migrate()?;
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
        }
        let mut conn = db.write_conn()?;
        lists::ensure_default(&mut conn, &default_list, &org_name, now_ms())
            .map_err(DbError::from)?;
        let key = match configured_key {
            Some(key) => key,
            None => stored_settings::secret_key(&mut conn, generate_key)
                .map_err(DbError::from)?
                .into_bytes(),
        };
        if key.len() < 32 {
            return Err(StartupError::Other(
                "the secret key stored in the database is shorter than 32 bytes; set ASSENT_SECRET_KEY".into(),
            ));
        }
        Ok((db, key))
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

pub fn build_mailer(settings: &Settings) -> Result<Mailer, StartupError> {
    match &settings.smtp_url {
        Some(url) => Mailer::smtp(url).map_err(StartupError::Mail),
        None => Mailer::files(settings.mail_dir.clone()).map_err(|e| {
            StartupError::Mail(format!(
                "cannot create {}: {e}",
                settings.mail_dir.display()
            ))
        }),
    }
}

/// The HTTP server and the delivery worker, ready to run.
pub struct Application {
    port: u16,
    base_url: Url,
    server: Server,
    worker: DeliveryWorker,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let (db, secret_key) = prepare_database(&settings).await?;
        if db.is_sqlite() {
            release_stale_claims(&db).await?;
            crate::routes::admin::fail_unfinished_imports(&db).await;
        }

        let listener = TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind,
            source,
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartupError::Other(e.to_string()))?;
        let base_url = base_url(&settings, addr)?;
        tracing::info!(%addr, %base_url, "listening");

        let mailer = Arc::new(build_mailer(&settings)?);
        tracing::info!("{}", mailer.describe());
        let wake = Arc::new(Notify::new());

        let composer = composer(&settings, &base_url);
        let state = web::Data::new(AppState {
            db: db.clone(),
            flow: FlowContext {
                composer: composer.clone(),
                confirm_ttl: settings.confirm_ttl,
                default_list: slugify(&settings.default_list),
            },
            site: Site {
                org_name: settings.org_name.clone(),
            },
            limiter: RateLimiter::new(settings.signup_rate),
            wake: wake.clone(),
            confirm_ttl: describe_duration(settings.confirm_ttl),
            trusted_proxies: settings.trusted_proxies.clone(),
            cookie_key: actix_web::cookie::Key::derive_from(&secret_key),
            secure_cookies: base_url.scheme() == "https",
            secret_key,
        });

        let cors_origins = settings.cors_origins.clone();
        let server = HttpServer::new(move || {
            let origins = cors_origins.clone();
            App::new()
                .app_data(state.clone())
                .wrap(ErrorHandlers::new().default_handler_server(routes::server_error_page))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add((
                            "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                        )),
                )
                .wrap(access_log())
                .configure(|cfg| routes::configure(cfg, &origins))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind { addr, source })?
        .run();

        Ok(Self {
            port: addr.port(),
            base_url,
            server,
            worker: DeliveryWorker::new(db, mailer, wake, composer),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Serves until the process is told to stop (SIGINT, SIGTERM).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let db = self.worker.database().clone();
        let worker = tokio::spawn(self.worker.run());
        let jobs = tokio::spawn(crate::jobs::run(db));
        let result = self.server.await;
        worker.abort();
        jobs.abort();
        result
    }
}

/// `ASSENT_BASE_URL`, or the address the server listens on.
fn base_url(settings: &Settings, addr: std::net::SocketAddr) -> Result<Url, StartupError> {
    match &settings.base_url {
        Some(url) => Ok(url.clone()),
        None => {
            Url::parse(&format!("http://{addr}")).map_err(|e| StartupError::Other(e.to_string()))
        }
    }
}

fn composer(settings: &Settings, base_url: &Url) -> Composer {
    Composer::new(
        settings.mail_from.clone(),
        base_url.clone(),
        settings.org_name.clone(),
        settings.org_address.clone(),
        settings.confirm_ttl,
    )
}

/// `assent worker`: delivery and scheduled jobs without HTTP, until SIGINT or
/// SIGTERM.
pub async fn run_worker(settings: Settings) -> Result<(), StartupError> {
    let (db, _secret_key) = prepare_database(&settings).await?;
    if db.is_sqlite() {
        tracing::warn!(
            "on SQLite, run either `assent serve` or `assent worker` on a database, not both"
        );
        release_stale_claims(&db).await?;
    }
    let mailer = Arc::new(build_mailer(&settings)?);
    tracing::info!("{}", mailer.describe());
    tracing::info!("delivery worker started");
    // Messages are composed as they are sent: with the links and names the
    // servers would use.
    let composer = composer(&settings, &base_url(&settings, settings.bind)?);
    let worker = DeliveryWorker::new(db.clone(), mailer, Arc::new(Notify::new()), composer);
    tokio::select! {
        _ = worker.run() => {}
        _ = crate::jobs::run(db) => {}
        _ = shutdown_signal() => tracing::info!("stopping"),
    }
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

/// One process owns an SQLite file: claims still held are from a process
/// that died, and their messages can go now. (On PostgreSQL, claims lapse
/// when their lease runs out.)
async fn release_stale_claims(db: &Database) -> Result<(), StartupError> {
    let released = db
        .write(|c| outbox::release_all_claims(c).map_err(DbError::from))
        .await?;
    if released > 0 {
        tracing::info!(released, "resuming deliveries left by the previous run");
    }
    Ok(())
}

/// Logs each request's method, path, status and duration. Link tokens are
/// left out of the path and query strings are dropped: both are secrets or
/// personal data.
fn access_log() -> actix_web::middleware::Logger {
    actix_web::middleware::Logger::new("%{REQUEST}xi %s %Dms")
        .exclude("/healthz")
        .custom_request_replace("REQUEST", |req| {
            let path = req.path();
            let shown = ["/confirm/", "/unsubscribe/"]
                .iter()
                .find(|prefix| path.starts_with(*prefix))
                .map_or(path, |prefix| prefix.trim_end_matches('/'));
            format!("{} {shown}", req.method())
        })
}
