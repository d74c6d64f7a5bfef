//! Mail: composing messages (the only place that knows the templates and
//! the mail settings) and the transports that carry them. The delivery job
//! in `jobs::delivery` moves messages from the outbox to a transport.

pub mod compose;
pub mod dkim;
pub mod markdown;
pub mod personal;
pub mod relays;
mod smtp;
pub mod templates;
pub mod transport;

pub use compose::{BroadcastCopy, ComposeError, Composer, ListInfo, OutgoingMessage, Recipient};
pub use transport::{Mailer, SendError};

/// SMTP transactions in flight at once: the delivery job hands over this
/// many messages at a time, and as many connections are kept open.
pub const CONCURRENCY: usize = 32;
