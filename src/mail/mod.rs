//! Mail: composing messages, the transports that carry them, and the worker
//! that delivers the outbox.

pub mod compose;
mod smtp;
pub mod templates;
pub mod transport;
pub mod worker;

pub use compose::{ComposeError, Composer, Draft, EmailContent, OutgoingMessage};
pub use transport::Mailer;
