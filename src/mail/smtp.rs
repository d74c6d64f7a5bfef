//! The SMTP client: lettre speaks the protocol, over connections opened and
//! kept here.
//!
//! lettre writes a message's end-of-data marker in a write of its own. On a
//! socket with Nagle's algorithm, as lettre's transport opens them, that
//! marker waits for the server to acknowledge the message, and servers delay
//! that ACK by up to 40 ms: one message per connection every 40 ms. Sockets
//! opened here run with TCP_NODELAY.
//!
//! Connections stay open between messages and are reused as they are, with
//! no NOOP first. A server may close one meanwhile; the message then goes
//! once more on a new connection, so a closed connection costs no retry.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use secrecy::ExposeSecret;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use super::transport::SendError;
use crate::config::{SmtpTls, SmtpUrl};

/// The most connections kept open while unused: as many as the worker
/// uses at once.
const MAX_IDLE: usize = super::CONCURRENCY;
/// An unused connection older than this is closed rather than reused.
/// RFC 5321 asks servers to wait at least 5 minutes; some wait less.
const MAX_IDLE_TIME: Duration = Duration::from_secs(60);
/// Bounds one message, from connecting to the server's last reply.
const SEND_TIMEOUT: Duration = Duration::from_secs(25);
/// A relay that has not greeted by then is taken as down (contract §19).
const GREETING_TIMEOUT: Duration = Duration::from_secs(10);

/// An SMTP relay and the connections open to it.
pub struct SmtpRelay {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<IdleConnection>>,
}

enum Security {
    Plain,
    /// `STARTTLS` after the greeting; `required: false` only if offered.
    StartTls {
        parameters: TlsParameters,
        required: bool,
    },
    /// TLS from the first byte (`smtps://`).
    Implicit {
        connector: TlsConnector,
        server_name: ServerName<'static>,
    },
}

struct IdleConnection {
    connection: AsyncSmtpConnection,
    since: Instant,
}

/// What went wrong on one connection.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("connecting to the SMTP server: {0}")]
    Connect(#[source] io::Error),
    #[error(transparent)]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl Failure {
    /// Whether the server refused the message for good (a 5xx reply).
    fn is_permanent(&self) -> bool {
        matches!(self, Failure::Smtp(e) if e.is_permanent())
    }

    /// Whether the reply says the mailbox does not exist or takes no mail:
    /// 550, 551 or 553. Other 5xx replies (authentication, policy, a message
    /// too large) say nothing about the address.
    fn refuses_recipient(&self) -> bool {
        matches!(self, Failure::Smtp(e) if e.status().is_some_and(|code| {
            matches!(code.to_string().as_str(), "550" | "551" | "553")
        }))
    }

    /// Whether the connection, rather than the server's judgement of the
    /// message, failed: no reply code, or 421 "closing the channel".
    fn is_connection_lost(&self) -> bool {
        match self {
            Failure::Connect(_) => true,
            Failure::Smtp(e) => match e.status() {
                None => true,
                Some(code) => code.to_string() == "421",
            },
        }
    }
}

impl From<Failure> for SendError {
    fn from(failure: Failure) -> Self {
        if failure.is_permanent() {
            if failure.refuses_recipient() {
                SendError::RecipientRefused(failure.to_string())
            } else {
                SendError::Permanent(failure.to_string())
            }
        } else if let Failure::Connect(_) = failure {
            SendError::Unreachable(failure.to_string())
        } else if failure.is_connection_lost() {
            SendError::Transient(failure.to_string())
        } else {
            SendError::Deferred(failure.to_string())
        }
    }
}

impl SmtpRelay {
    /// `host:port`, as the delivery record names it.
    pub fn name(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The relay of `ASSENT_SMTP_URL`, without connecting yet.
    pub fn new(url: &SmtpUrl) -> Result<Self, String> {
        let host = url.host.clone();
        let security = match url.tls {
            SmtpTls::Plain => Security::Plain,
            SmtpTls::StartTls { required } => Security::StartTls {
                parameters: TlsParameters::new(host.clone()).map_err(|e| e.to_string())?,
                required,
            },
            SmtpTls::Implicit => implicit_tls(&host)?,
        };
        let credentials = url.credentials.as_ref().map(|(user, password)| {
            Credentials::new(user.clone(), password.expose_secret().to_owned())
        });
        let hello = match &url.hello_name {
            None => ClientId::default(),
            Some(name) => ClientId::Domain(name.clone()),
        };
        Ok(Self {
            host,
            port: url.port,
            security,
            credentials,
            hello,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Hands one message to the relay.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        match tokio::time::timeout(SEND_TIMEOUT, self.deliver(envelope, message)).await {
            Ok(result) => result.map_err(SendError::from),
            Err(_) => Err(SendError::Transient(format!(
                "the SMTP server did not answer within {} s",
                SEND_TIMEOUT.as_secs()
            ))),
        }
    }

    async fn deliver(&self, envelope: &Envelope, message: &[u8]) -> Result<(), Failure> {
        if let Some(mut connection) = self.take_idle() {
            match connection.send(envelope, message).await {
                Ok(_) => {
                    self.put_back(connection);
                    return Ok(());
                }
                Err(e) => {
                    let failure = discard(connection, e).await;
                    // Closed by the server while unused: try a new connection.
                    if !failure.is_connection_lost() {
                        return Err(failure);
                    }
                }
            }
        }
        let mut connection = self.connect().await?;
        match connection.send(envelope, message).await {
            Ok(_) => {
                self.put_back(connection);
                Ok(())
            }
            Err(e) => Err(discard(connection, e).await),
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        // Most recently used last: if the last one is too old, all are.
        match idle.pop() {
            Some(entry) if entry.since.elapsed() < MAX_IDLE_TIME => Some(entry.connection),
            Some(_) => {
                idle.clear();
                None
            }
            None => None,
        }
    }

    fn put_back(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(IdleConnection {
                connection,
                since: Instant::now(),
            });
        }
    }

    /// Opens a connection: greeting, EHLO, TLS as configured, and AUTH. A
    /// relay that does not greet within [`GREETING_TIMEOUT`] is unreachable.
    async fn connect(&self) -> Result<AsyncSmtpConnection, Failure> {
        match tokio::time::timeout(GREETING_TIMEOUT, self.open()).await {
            Ok(opened) => opened,
            Err(_) => Err(Failure::Connect(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no greeting within {} s", GREETING_TIMEOUT.as_secs()),
            ))),
        }
    }

    async fn open(&self) -> Result<AsyncSmtpConnection, Failure> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(Failure::Connect)?;
        tcp.set_nodelay(true).map_err(Failure::Connect)?;
        let stream: Box<dyn AsyncTokioStream> = match &self.security {
            Security::Implicit {
                connector,
                server_name,
            } => Box::new(TlsStream(
                connector
                    .connect(server_name.clone(), tcp)
                    .await
                    .map_err(Failure::Connect)?,
            )),
            _ => Box::new(tcp),
        };
        let mut connection =
            AsyncSmtpConnection::connect_with_transport(stream, &self.hello).await?;
        if let Security::StartTls {
            parameters,
            required,
        } = &self.security
            && (*required || connection.can_starttls())
        {
            connection.starttls(parameters.clone(), &self.hello).await?;
        }
        if let Some(credentials) = &self.credentials {
            connection.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(connection)
    }
}

/// Closes a connection after a failed transaction (lettre has already sent
/// QUIT if the server was still there).
async fn discard(
    mut connection: AsyncSmtpConnection,
    error: lettre::transport::smtp::Error,
) -> Failure {
    connection.abort().await;
    Failure::Smtp(error)
}

fn implicit_tls(host: &str) -> Result<Security, String> {
    let server_name = ServerName::try_from(host.to_owned()).map_err(|e| e.to_string())?;
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Security::Implicit {
        connector: TlsConnector::from(Arc::new(config)),
        server_name,
    })
}

/// A TLS stream in the shape lettre takes.
#[derive(Debug)]
struct TlsStream(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
