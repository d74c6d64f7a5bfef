//! The vocabulary of assent: values that can only exist in a valid state.

pub(crate) mod sql;

pub mod bounce;
pub mod consent;
pub mod email;
pub mod field;
pub mod ids;
pub mod ledger;
pub mod list;
pub mod media;
pub mod message;
pub mod name;
pub mod provider_signature;
pub mod segment;
pub mod status;
pub mod time;
pub mod token;

pub use bounce::BounceKind;
pub use consent::{Act, Channel, Evidence, Status};
pub use email::{EmailError, SubscriberEmail};
pub use ids::{
    AdminId, ApiTokenId, AuditId, BroadcastId, EventId, ImportId, JobId, ListId, MediaId,
    MessageId, SegmentId, SequenceId, SequenceStepId, SessionId, SubscriberId, SubscriptionId,
    TokenId,
};
pub use message::{Draft, Lane, MessageKind, MessageStatus, TemplateKind};
pub use name::{NameError, SubscriberName};
pub use status::{BroadcastStatus, ImportStatus, JobKind, JobStatus};
pub use time::{Clock, Timestamp};
pub use token::{LinkRef, LinkToken, Token, TokenHash, TokenPurpose};
