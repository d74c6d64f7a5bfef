//! Configuration from the environment (contract §2).
//!
//! Every variable has a default that works on a laptop. A bad value is
//! reported as a [`ConfigError`] naming the variable, which `main` turns into
//! one line on stderr and exit status 2.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use secrecy::SecretString;
use url::Url;

use crate::domain::provider_signature::BounceSigningKey;
use crate::i18n::Lang;

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl ConfigError {
    pub fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

/// Where the data lives, picked by the URL scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Ok(Self::Postgres(value.to_owned()))
        } else if let Some(path) = value.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://assent.db".into());
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else {
            Err("expected sqlite://PATH or postgres://…".into())
        }
    }
}

/// `ASSENT_POW_MAX_NUMBER` by default: the number a challenge hides is
/// drawn from 0 to this, and a browser tries half of it on average. Web
/// Crypto hashes about 21,000 a second on one core of the 2-core test
/// machine, and the widget runs a worker per core: about half a second on
/// one core, less on a phone's several.
pub const DEFAULT_POW_MAX_NUMBER: u64 = 20_000;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    /// `None` means "derive it from the bound address".
    pub base_url: Option<Url>,
    /// `None` means "write `.eml` files into `mail_dir`".
    /// The relays, in the order they are tried; none: mail goes to files.
    pub smtp: Vec<SmtpUrl>,
    pub mail_dir: PathBuf,
    pub mail_from: Mailbox,
    pub org_name: String,
    pub org_address: String,
    /// `None`: the key kept in the database (made on first start).
    pub secret_key: Option<SecretString>,
    pub confirm_ttl: Duration,
    /// `ASSENT_DELIVERY_LOG_RETENTION`: how long the record of a message
    /// that is done with is kept.
    pub delivery_log_retention: Duration,
    pub default_list: String,
    /// Signups a minute per client address; 0 turns the limit off.
    pub signup_rate: u32,
    pub cors_origins: Vec<String>,
    /// Broadcast copies a second across every process; 0 for no limit.
    pub send_rate: u32,
    /// `ASSENT_DKIM_*`: sign every message, when all three are set.
    pub dkim: Option<DkimSettings>,
    /// `ASSENT_DNS_SERVER`: the resolver the DNS self-check asks; the
    /// system's when unset.
    pub dns_server: Option<std::net::SocketAddr>,
    /// `ASSENT_BOUNCE_SECRET`: the bounce webhook is on when it is set.
    pub bounce_secret: Option<SecretString>,
    /// `ASSENT_BOUNCE_SIGNING_KEY`: Mailgun's or SendGrid's notifications
    /// must then carry the provider's signature.
    pub bounce_signing_key: Option<BounceSigningKey>,
    /// Reverse proxies trusted to name the client in `X-Forwarded-For`.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub clocks: Clocks,
    /// `ASSENT_PRIVACY_URL`: the full privacy policy, linked from the form.
    pub privacy_url: Option<Url>,
    /// `ASSENT_DEFAULT_LANG`: the default list's language, and that of the
    /// public pages that belong to no list.
    pub default_lang: Lang,
    pub log: String,
    /// `ASSENT_LOG_FORMAT`: lines for people, or one JSON object per line.
    pub log_format: LogFormat,
    /// `ASSENT_METRICS_TOKEN`: lets non-loopback clients read `/metrics`.
    pub metrics_token: Option<SecretString>,
    /// `ASSENT_WEBHOOK_URL` and `ASSENT_WEBHOOK_SECRET`: where the events of
    /// subscriptions are posted, and the key that signs them.
    pub webhook: Option<WebhookTarget>,
    /// `ASSENT_POW` and `ASSENT_POW_MAX_NUMBER`: the largest number an
    /// ALTCHA challenge hides, when signups must carry a solved one.
    pub pow: Option<u64>,
    /// Which of [`SETTABLE`] the environment sets: those win over the
    /// settings saved from the admin.
    pub environment: std::collections::BTreeSet<&'static str>,
}

#[derive(Debug, Clone)]
pub struct WebhookTarget {
    pub url: Url,
    pub secret: SecretString,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The law's clocks (contract §10); `None` turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    /// `ASSENT_PENDING_RETENTION`: a pending subscription this long after
    /// its last signup request is deleted.
    pub pending_retention: Option<Duration>,
    /// `ASSENT_RECONFIRM_AFTER`: a confirmed subscription whose last
    /// positive act is this old is asked to confirm again.
    pub reconfirm_after: Option<Duration>,
    /// `ASSENT_RECONFIRM_GRACE`: no answer this long after that ends it.
    pub reconfirm_grace: Option<Duration>,
}

impl Clocks {
    fn read(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let clock = |name: &'static str, default_days: u64| match get(name) {
            None => Ok(Some(Duration::from_secs(default_days * 86_400))),
            Some(v) => parse_clock(&v).map_err(|m| ConfigError::new(name, m)),
        };
        Ok(Self {
            pending_retention: clock("ASSENT_PENDING_RETENTION", 30)?,
            reconfirm_after: clock("ASSENT_RECONFIRM_AFTER", 1095)?,
            reconfirm_grace: clock("ASSENT_RECONFIRM_GRACE", 30)?,
        })
    }
}

/// The variables whose value the operators may also set from the admin
/// (contract §15); one that the environment sets wins.
pub const SETTABLE: [&str; 11] = [
    "ASSENT_ORG_NAME",
    "ASSENT_ORG_ADDRESS",
    "ASSENT_PRIVACY_URL",
    "ASSENT_MAIL_FROM",
    "ASSENT_DEFAULT_LANG",
    "ASSENT_PENDING_RETENTION",
    "ASSENT_RECONFIRM_AFTER",
    "ASSENT_RECONFIRM_GRACE",
    "ASSENT_SEND_RATE",
    "ASSENT_SIGNUP_RATE",
    "ASSENT_POW",
];

/// How a clock of §10 is written: a duration such as `30d`, or `0` for off.
pub fn parse_clock(value: &str) -> Result<Option<Duration>, String> {
    match value.trim() {
        "0" => Ok(None),
        v => parse_duration(v)
            .map(Some)
            .map_err(|m| format!("{m}, or 0 to turn it off")),
    }
}

/// A clock as [`parse_clock`] reads it back.
pub fn write_clock(clock: Option<Duration>) -> String {
    let Some(clock) = clock else {
        return "0".into();
    };
    let secs = clock.as_secs();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs % size == 0 {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

impl Settings {
    /// Reads the process environment. `main` loads `.env` first.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can pass their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let database_url = match get("ASSENT_DATABASE_URL") {
            Some(v) => DatabaseUrl::parse(v.trim())
                .map_err(|m| ConfigError::new("ASSENT_DATABASE_URL", m))?,
            None => DatabaseUrl::Sqlite(PathBuf::from("assent.db")),
        };

        let bind = get("ASSENT_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .trim()
            .parse::<SocketAddr>()
            .map_err(|_| {
                ConfigError::new(
                    "ASSENT_BIND",
                    "expected an address and port, e.g. 127.0.0.1:8080",
                )
            })?;

        let base_url = get("ASSENT_BASE_URL")
            .map(|v| parse_base_url(v.trim()))
            .transpose()
            .map_err(|m| ConfigError::new("ASSENT_BASE_URL", m))?;

        let smtp = get("ASSENT_SMTP_URL")
            .unwrap_or_default()
            .split_whitespace()
            .map(SmtpUrl::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                ConfigError::new(
                    "ASSENT_SMTP_URL",
                    format!(
                        "expected smtp://[user:pass@]host[:port][?tls=required][&rate=N] or smtps://…, several separated by spaces ({e})"
                    ),
                )
            })?;

        let dns_server = get("ASSENT_DNS_SERVER")
            .map(|v| v.trim().parse::<std::net::SocketAddr>())
            .transpose()
            .map_err(|_| {
                ConfigError::new("ASSENT_DNS_SERVER", "expected IP:PORT, e.g. 127.0.0.1:53")
            })?;

        let mail_dir = PathBuf::from(get("ASSENT_MAIL_DIR").unwrap_or_else(|| "./mail".into()));

        let mail_from = get("ASSENT_MAIL_FROM")
            .unwrap_or_else(|| "Newsletter <newsletter@localhost>".into())
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| {
                ConfigError::new(
                    "ASSENT_MAIL_FROM",
                    format!("not a valid mailbox ({e}); expected e.g. News <news@example.com>"),
                )
            })?;

        let org_name = get("ASSENT_ORG_NAME").unwrap_or_else(|| "assent".into());
        let org_address = lookup("ASSENT_ORG_ADDRESS").unwrap_or_default();

        let secret_key = match get("ASSENT_SECRET_KEY") {
            Some(v) if v.len() < 32 => {
                return Err(ConfigError::new(
                    "ASSENT_SECRET_KEY",
                    format!("must be at least 32 bytes, got {}", v.len()),
                ));
            }
            Some(v) => Some(SecretString::from(v)),
            None => None,
        };

        let confirm_ttl = match get("ASSENT_CONFIRM_TTL") {
            Some(v) => {
                parse_duration(v.trim()).map_err(|m| ConfigError::new("ASSENT_CONFIRM_TTL", m))?
            }
            None => Duration::from_secs(48 * 3600),
        };

        let delivery_log_retention = match get("ASSENT_DELIVERY_LOG_RETENTION") {
            Some(v) => parse_duration(v.trim())
                .map_err(|m| ConfigError::new("ASSENT_DELIVERY_LOG_RETENTION", m))?,
            None => Duration::from_secs(90 * 86_400),
        };

        let default_list = get("ASSENT_DEFAULT_LIST")
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| "Newsletter".into());
        if crate::domain::list::slugify(&default_list).is_empty() {
            return Err(ConfigError::new(
                "ASSENT_DEFAULT_LIST",
                "needs at least one letter or digit",
            ));
        }

        let signup_rate = match get("ASSENT_SIGNUP_RATE") {
            Some(v) => v.trim().parse::<u32>().map_err(|_| {
                ConfigError::new(
                    "ASSENT_SIGNUP_RATE",
                    "expected a whole number of signups a minute (0 turns the limit off)",
                )
            })?,
            None => 20,
        };

        let send_rate = match get("ASSENT_SEND_RATE") {
            Some(v) => v.trim().parse::<u32>().map_err(|_| {
                ConfigError::new(
                    "ASSENT_SEND_RATE",
                    "expected a whole number of broadcast copies a second (0 for no limit)",
                )
            })?,
            None => 50,
        };

        let dkim = DkimSettings::read(
            get("ASSENT_DKIM_DOMAIN"),
            get("ASSENT_DKIM_SELECTOR"),
            get("ASSENT_DKIM_KEY"),
        )?;

        let bounce_secret = match get("ASSENT_BOUNCE_SECRET") {
            Some(v) if v.trim().len() < 16 => {
                return Err(ConfigError::new(
                    "ASSENT_BOUNCE_SECRET",
                    "must be at least 16 characters, so that it cannot be guessed",
                ));
            }
            Some(v) => Some(SecretString::from(v.trim().to_owned())),
            None => None,
        };

        let bounce_signing_key = match get("ASSENT_BOUNCE_SIGNING_KEY") {
            Some(v) => Some(
                BounceSigningKey::parse(&v)
                    .map_err(|e| ConfigError::new("ASSENT_BOUNCE_SIGNING_KEY", e))?,
            ),
            None => None,
        };

        let cors_origins = get("ASSENT_CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(parse_origin)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .map_err(|m| ConfigError::new("ASSENT_CORS_ORIGINS", m))?
            .unwrap_or_default();

        let trusted_proxies = get("ASSENT_TRUSTED_PROXIES")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        p.parse::<std::net::IpAddr>()
                            .map_err(|_| format!("{p:?} is not an IP address"))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .map_err(|m| ConfigError::new("ASSENT_TRUSTED_PROXIES", m))?
            .unwrap_or_default();

        let clocks = Clocks::read(get)?;

        let privacy_url = get("ASSENT_PRIVACY_URL")
            .map(|v| {
                Url::parse(v.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| {
                        ConfigError::new(
                            "ASSENT_PRIVACY_URL",
                            format!("{v:?} is not an http(s) address"),
                        )
                    })
            })
            .transpose()?;

        let default_lang = match get("ASSENT_DEFAULT_LANG") {
            None => Lang::ENGLISH,
            Some(v) => Lang::parse(&v).ok_or_else(|| {
                let known: Vec<&str> = Lang::all().map(Lang::code).collect();
                ConfigError::new(
                    "ASSENT_DEFAULT_LANG",
                    format!(
                        "{v:?} is not a language assent speaks ({})",
                        known.join(", ")
                    ),
                )
            })?,
        };

        let log = get("ASSENT_LOG").unwrap_or_else(|| "info".into());
        let log_format = match get("ASSENT_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::new(
                    "ASSENT_LOG_FORMAT",
                    format!("{other:?} is neither \"text\" nor \"json\""),
                ));
            }
        };
        let webhook = match (get("ASSENT_WEBHOOK_URL"), get("ASSENT_WEBHOOK_SECRET")) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    "ASSENT_WEBHOOK_URL",
                    "is needed beside ASSENT_WEBHOOK_SECRET: where should events go?",
                ));
            }
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "ASSENT_WEBHOOK_SECRET",
                    "is needed beside ASSENT_WEBHOOK_URL: it signs every event",
                ));
            }
            (Some(url), Some(secret)) => {
                let url = Url::parse(url.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
                    .ok_or_else(|| {
                        ConfigError::new(
                            "ASSENT_WEBHOOK_URL",
                            format!("{url:?} is not an http(s) address"),
                        )
                    })?;
                if secret.trim().len() < 16 {
                    return Err(ConfigError::new(
                        "ASSENT_WEBHOOK_SECRET",
                        "must be at least 16 characters, so that it cannot be guessed",
                    ));
                }
                Some(WebhookTarget {
                    url,
                    secret: SecretString::from(secret.trim().to_owned()),
                })
            }
        };
        let metrics_token = match get("ASSENT_METRICS_TOKEN") {
            Some(v) if v.trim().len() < 16 => {
                return Err(ConfigError::new(
                    "ASSENT_METRICS_TOKEN",
                    "must be at least 16 characters, so that it cannot be guessed",
                ));
            }
            Some(v) => Some(SecretString::from(v.trim().to_owned())),
            None => None,
        };

        let pow = match get("ASSENT_POW").as_deref().map(str::trim) {
            None | Some("off") => None,
            Some("on") => Some(match get("ASSENT_POW_MAX_NUMBER") {
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1_000..=10_000_000).contains(n))
                    .ok_or_else(|| {
                        ConfigError::new(
                            "ASSENT_POW_MAX_NUMBER",
                            "expected a whole number from 1000 to 10000000",
                        )
                    })?,
                None => DEFAULT_POW_MAX_NUMBER,
            }),
            Some(other) => {
                return Err(ConfigError::new(
                    "ASSENT_POW",
                    format!("expected on or off, not {other:?}"),
                ));
            }
        };

        Ok(Self {
            database_url,
            bind,
            base_url,
            smtp,
            mail_dir,
            mail_from,
            org_name,
            org_address,
            secret_key,
            confirm_ttl,
            delivery_log_retention,
            default_list,
            signup_rate,
            cors_origins,
            send_rate,
            dkim,
            dns_server,
            bounce_secret,
            bounce_signing_key,
            trusted_proxies,
            clocks,
            privacy_url,
            default_lang,
            log,
            log_format,
            metrics_token,
            webhook,
            pow,
            environment: SETTABLE
                .into_iter()
                .filter(|name| lookup(name).is_some_and(|v| !v.trim().is_empty()))
                .collect(),
        })
    }

    /// Whether the environment sets the variable `name` of [`SETTABLE`].
    pub fn is_set(&self, name: &str) -> bool {
        self.environment.contains(name)
    }
}

/// `ASSENT_DKIM_DOMAIN`, `ASSENT_DKIM_SELECTOR` and `ASSENT_DKIM_KEY`: one
/// selector per key, in the same order. The keys are read at start.
#[derive(Debug, Clone)]
pub struct DkimSettings {
    pub domain: String,
    pub selectors: Vec<String>,
    pub keys: Vec<PathBuf>,
}

impl DkimSettings {
    fn read(
        domain: Option<String>,
        selector: Option<String>,
        key: Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let list = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        match (domain, selector, key) {
            (None, None, None) => Ok(None),
            (Some(domain), Some(selector), Some(key)) => {
                let domain = domain.trim().to_ascii_lowercase();
                if !domain.contains('.') || domain.contains(|c: char| c.is_whitespace() || c == ';')
                {
                    return Err(ConfigError::new(
                        "ASSENT_DKIM_DOMAIN",
                        format!("{domain:?} is not a domain, e.g. example.com"),
                    ));
                }
                let (selectors, keys) = (list(&selector), list(&key));
                let valid = |s: &String| {
                    s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
                };
                if selectors.is_empty() || !selectors.iter().all(valid) {
                    return Err(ConfigError::new(
                        "ASSENT_DKIM_SELECTOR",
                        "expected one or two selectors, e.g. mail2026 or rsa2026,ed2026",
                    ));
                }
                if keys.is_empty() || keys.len() > 2 || keys.len() != selectors.len() {
                    return Err(ConfigError::new(
                        "ASSENT_DKIM_KEY",
                        format!(
                            "expected as many key files as ASSENT_DKIM_SELECTOR names selectors ({}), one or two",
                            selectors.len()
                        ),
                    ));
                }
                Ok(Some(Self {
                    domain,
                    selectors,
                    keys: keys.into_iter().map(PathBuf::from).collect(),
                }))
            }
            (domain, selector, key) => {
                let missing = [
                    ("ASSENT_DKIM_DOMAIN", domain.is_none()),
                    ("ASSENT_DKIM_SELECTOR", selector.is_none()),
                    ("ASSENT_DKIM_KEY", key.is_none()),
                ];
                let variable = missing
                    .iter()
                    .find(|(_, absent)| *absent)
                    .map_or("ASSENT_DKIM_KEY", |(name, _)| name);
                Err(ConfigError::new(
                    variable,
                    "DKIM needs ASSENT_DKIM_DOMAIN, ASSENT_DKIM_SELECTOR and ASSENT_DKIM_KEY together; this one is missing",
                ))
            }
        }
    }
}

/// `ASSENT_SMTP_URL`, read: where the relay is and how to speak to it.
#[derive(Debug, Clone)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// User name and password for AUTH, percent-decoded.
    pub credentials: Option<(String, SecretString)>,
    /// The name to greet with (the URL's path), if one is given.
    pub hello_name: Option<String>,
    /// `?rate=N`: messages a second at most through this relay.
    pub rate: Option<std::num::NonZeroU32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    Plain,
    /// `STARTTLS` after the greeting; `required: false` only if offered.
    StartTls {
        required: bool,
    },
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

impl SmtpUrl {
    /// `smtp://[user:pass@]host[:port][/hello-name][?tls=required]` or
    /// `smtps://…`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = Url::parse(text).map_err(|e| e.to_string())?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("the URL names no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let (tls, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (SmtpTls::Plain, 25),
            ("smtp", Some("required")) => (SmtpTls::StartTls { required: true }, 587),
            ("smtp", Some("opportunistic")) => (SmtpTls::StartTls { required: false }, 587),
            ("smtps", None) => (SmtpTls::Implicit, 465),
            (scheme, None) => return Err(format!("unknown scheme {scheme:?}")),
            (_, Some(tls)) => return Err(format!("unknown tls={tls:?}")),
        };
        let credentials = match url.password() {
            Some(password) => Some((
                percent_decode(url.username())?,
                SecretString::from(percent_decode(password)?),
            )),
            None => None,
        };
        let hello_name = Some(url.path().trim_matches('/'))
            .filter(|name| !name.is_empty())
            .map(str::to_owned);
        let rate =
            match url.query_pairs().find(|(key, _)| key == "rate") {
                Some((_, n)) => Some(n.parse::<std::num::NonZeroU32>().map_err(|_| {
                    format!("rate={n:?} is not a whole number of messages a second")
                })?),
                None => None,
            };
        Ok(Self {
            rate,
            port: url.port().unwrap_or(default_port),
            host,
            tls,
            credentials,
            hello_name,
        })
    }
}

fn percent_decode(text: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|e| format!("the user or password is not UTF-8: {e}"))
}

fn parse_base_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("expected an http:// or https:// origin, e.g. https://news.example.com".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    Ok(url)
}

fn parse_origin(value: &str) -> Result<String, String> {
    let url = Url::parse(value)
        .map_err(|_| format!("{value:?} is not an origin like https://example.com"))?;
    let origin = url.origin();
    if !origin.is_tuple() || !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{value:?} is not an origin like https://example.com"
        ));
    }
    Ok(origin.ascii_serialization())
}

/// `90s`, `15m`, `48h`, `7d`.
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let err = || format!("{value:?} is not a duration like 90s, 15m, 48h or 7d");
    let split = value.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
    let (number, unit) = value.split_at(split);
    let number: u64 = number.parse().map_err(|_| err())?;
    let seconds = match unit {
        "s" => Some(number),
        "m" => number.checked_mul(60),
        "h" => number.checked_mul(3600),
        "d" => number.checked_mul(86_400),
        _ => None,
    }
    .ok_or_else(err)?;
    if seconds == 0 {
        return Err("must be longer than zero".into());
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_work_without_any_variable() {
        let s = settings(&[]).expect("defaults are valid");
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("assent.db".into()));
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.confirm_ttl, Duration::from_secs(48 * 3600));
        assert_eq!(s.signup_rate, 20);
        assert_eq!(s.mail_from.email.to_string(), "newsletter@localhost");
        assert!(s.smtp.is_empty());
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (var, value) in [
            ("ASSENT_DATABASE_URL", "mysql://x"),
            ("ASSENT_BIND", "localhost"),
            ("ASSENT_BASE_URL", "ftp://example.com"),
            ("ASSENT_SMTP_URL", "http://mail.example.com"),
            ("ASSENT_MAIL_FROM", "not an address"),
            ("ASSENT_SECRET_KEY", "short"),
            ("ASSENT_CONFIRM_TTL", "2 weeks"),
            ("ASSENT_SIGNUP_RATE", "-1"),
            ("ASSENT_SEND_RATE", "fast"),
            ("ASSENT_BOUNCE_SECRET", "short"),
            ("ASSENT_PENDING_RETENTION", "a month"),
            ("ASSENT_RECONFIRM_AFTER", "-3"),
            ("ASSENT_RECONFIRM_GRACE", "30 days"),
            ("ASSENT_PRIVACY_URL", "privacy.html"),
            ("ASSENT_CORS_ORIGINS", "https://ok.example, nonsense"),
            ("ASSENT_DEFAULT_LIST", "!!!"),
            ("ASSENT_TRUSTED_PROXIES", "10.0.0.1, proxy.local"),
            ("ASSENT_DEFAULT_LANG", "de"),
            ("ASSENT_LOG_FORMAT", "xml"),
            ("ASSENT_METRICS_TOKEN", "short"),
            ("ASSENT_POW", "yes"),
        ] {
            let err = settings(&[(var, value)]).expect_err(var);
            assert_eq!(err.variable, var);
            assert!(err.to_string().starts_with(var), "{err}");
        }
    }

    #[test]
    fn proof_of_work_is_off_unless_asked_and_its_difficulty_is_bounded() {
        assert_eq!(settings(&[]).expect("defaults").pow, None);
        let on = ("ASSENT_POW", "on");
        assert_eq!(
            settings(&[on]).expect("on").pow,
            Some(DEFAULT_POW_MAX_NUMBER)
        );
        let hard = ("ASSENT_POW_MAX_NUMBER", "200000");
        assert_eq!(settings(&[on, hard]).expect("set").pow, Some(200_000));
        let err = settings(&[on, ("ASSENT_POW_MAX_NUMBER", "10")]).expect_err("too easy");
        assert_eq!(err.variable, "ASSENT_POW_MAX_NUMBER");
    }

    #[test]
    fn webhook_settings_come_in_pairs_and_are_checked() {
        let secret = ("ASSENT_WEBHOOK_SECRET", "0123456789abcdef");
        let url = ("ASSENT_WEBHOOK_URL", "https://crm.example/hooks/assent");
        let err = settings(&[secret]).expect_err("no url");
        assert_eq!(err.variable, "ASSENT_WEBHOOK_URL");
        let err = settings(&[url]).expect_err("no secret");
        assert_eq!(err.variable, "ASSENT_WEBHOOK_SECRET");
        let err =
            settings(&[("ASSENT_WEBHOOK_URL", "ftp://crm.example"), secret]).expect_err("ftp");
        assert_eq!(err.variable, "ASSENT_WEBHOOK_URL");
        let err = settings(&[url, ("ASSENT_WEBHOOK_SECRET", "short")]).expect_err("short");
        assert_eq!(err.variable, "ASSENT_WEBHOOK_SECRET");
        let target = settings(&[url, secret]).expect("both").webhook.expect("on");
        assert_eq!(target.url.as_str(), "https://crm.example/hooks/assent");
    }

    #[test]
    fn partial_dkim_settings_name_what_is_missing() {
        let err = settings(&[("ASSENT_DKIM_DOMAIN", "example.com")]).expect_err("partial");
        assert_eq!(err.variable, "ASSENT_DKIM_SELECTOR");
        let err = settings(&[
            ("ASSENT_DKIM_SELECTOR", "mail2026"),
            ("ASSENT_DKIM_KEY", "key.pem"),
        ])
        .expect_err("partial");
        assert_eq!(err.variable, "ASSENT_DKIM_DOMAIN");
        let err = settings(&[
            ("ASSENT_DKIM_DOMAIN", "localhost"),
            ("ASSENT_DKIM_SELECTOR", "mail2026"),
            ("ASSENT_DKIM_KEY", "key.pem"),
        ])
        .expect_err("not a domain");
        assert_eq!(err.variable, "ASSENT_DKIM_DOMAIN");
    }

    #[test]
    fn durations_parse_and_read_well() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert!(parse_duration("0h").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
        let en = crate::i18n::Lang::ENGLISH;
        assert_eq!(en.duration(Duration::from_secs(48 * 3600)), "48 hours");
        assert_eq!(en.duration(Duration::from_secs(7 * 86_400)), "7 days");
        assert_eq!(en.duration(Duration::from_secs(1095 * 86_400)), "3 years");
        assert_eq!(en.duration(Duration::from_secs(365 * 86_400)), "1 year");
        let fr = crate::i18n::Lang::parse("fr").expect("French");
        assert_eq!(fr.duration(Duration::from_secs(730 * 86_400)), "2 ans");
        assert_eq!(en.duration(Duration::from_secs(3600)), "1 hour");
        assert_eq!(en.duration(Duration::from_secs(90)), "90 seconds");
    }

    #[test]
    fn smtp_urls_of_the_contract_are_read() {
        use secrecy::ExposeSecret;

        let plain = SmtpUrl::parse("smtp://relay.example").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("relay.example", 25));
        assert_eq!(plain.tls, SmtpTls::Plain);
        assert!(plain.credentials.is_none());

        let starttls =
            SmtpUrl::parse("smtp://api%40key:p%2Fss@relay.example?tls=required").unwrap();
        assert_eq!(starttls.port, 587);
        assert_eq!(starttls.tls, SmtpTls::StartTls { required: true });
        let (user, password) = starttls.credentials.expect("credentials");
        assert_eq!(
            (user.as_str(), password.expose_secret()),
            ("api@key", "p/ss")
        );
        assert!(
            !format!("{password:?}").contains("p/ss"),
            "Debug hides the password"
        );

        let implicit = SmtpUrl::parse("smtps://relay.example:2465/mx.example").unwrap();
        assert_eq!(implicit.port, 2465);
        assert_eq!(implicit.tls, SmtpTls::Implicit);
        assert_eq!(implicit.hello_name.as_deref(), Some("mx.example"));

        let v6 = SmtpUrl::parse("smtp://[::1]:2525").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 2525));
    }

    #[test]
    fn other_smtp_urls_are_refused() {
        for url in [
            "http://relay.example",
            "smtp://",
            "smtp://relay.example?tls=maybe",
            "smtps://relay.example?tls=required",
            "relay.example:25",
        ] {
            assert!(SmtpUrl::parse(url).is_err(), "{url}");
        }
    }

    #[test]
    fn cors_origins_are_normalised() {
        let s = settings(&[(
            "ASSENT_CORS_ORIGINS",
            "https://Example.com/, http://a.test:8080",
        )])
        .expect("valid origins");
        assert_eq!(
            s.cors_origins,
            ["https://example.com", "http://a.test:8080"]
        );
    }
}
