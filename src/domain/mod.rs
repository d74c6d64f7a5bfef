//! The vocabulary of assent: values that can only exist in a valid state.

pub mod consent;
pub mod email;
pub mod list;
pub mod name;
pub mod token;

pub use consent::{Act, Channel, Evidence, Status};
pub use email::{EmailError, SubscriberEmail};
pub use name::{NameError, SubscriberName};
pub use token::{LinkRef, LinkToken, Token, TokenHash};
