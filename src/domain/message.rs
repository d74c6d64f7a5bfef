//! Messages as the outbox keeps them: a kind and the links it carries.

use super::sql::text_enum;
use super::token::{LinkRef, LinkToken};

text_enum!(
    /// Every kind of message assent sends; each has a template pair under
    /// `templates/email/`.
    MessageKind {
        /// Asks the recipient to press the confirm button.
        Confirmation => "confirmation",
        /// Sent once the subscription is confirmed.
        Welcome => "welcome",
    }
);

text_enum!(
    /// Where a message stands in the outbox.
    MessageStatus {
        /// Waiting for its turn, or for its next attempt.
        Queued => "queued",
        /// Accepted by the SMTP server.
        Sent => "sent",
        /// Refused for good, or given up after days of failures.
        Failed => "failed",
        /// Dropped before it went: its subscription ended.
        Cancelled => "cancelled",
    }
);

/// A message as the outbox keeps it until it is sent: its kind and its
/// links, of which an unsubscribe link is always one. The delivery worker
/// composes the message from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Draft {
    Confirmation {
        confirm: LinkToken,
        unsubscribe: LinkToken,
    },
    Welcome {
        unsubscribe: LinkToken,
    },
}

impl Draft {
    pub fn kind(&self) -> MessageKind {
        match self {
            Draft::Confirmation { .. } => MessageKind::Confirmation,
            Draft::Welcome { .. } => MessageKind::Welcome,
        }
    }

    pub fn confirm_link(&self) -> Option<&LinkToken> {
        match self {
            Draft::Confirmation { confirm, .. } => Some(confirm),
            Draft::Welcome { .. } => None,
        }
    }

    pub fn unsubscribe_link(&self) -> &LinkToken {
        match self {
            Draft::Confirmation { unsubscribe, .. } | Draft::Welcome { unsubscribe } => unsubscribe,
        }
    }

    /// A draft from its stored kind and links; `None` when they do not make one.
    pub fn from_stored(
        kind: MessageKind,
        confirm: Option<&str>,
        unsubscribe: &str,
    ) -> Option<Self> {
        let link = |text: &str| match LinkRef::parse(text)? {
            LinkRef::Named(token) => Some(token),
            LinkRef::Bare(_) => None,
        };
        let unsubscribe = link(unsubscribe)?;
        match (kind, confirm) {
            (MessageKind::Confirmation, Some(confirm)) => Some(Draft::Confirmation {
                confirm: link(confirm)?,
                unsubscribe,
            }),
            (MessageKind::Welcome, None) => Some(Draft::Welcome { unsubscribe }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Token;

    #[test]
    fn a_draft_comes_back_from_what_the_outbox_stores() {
        let link = |id| {
            LinkToken::new(
                crate::domain::TokenId(id),
                Token::generate().expect("entropy"),
            )
        };
        let confirmation = Draft::Confirmation {
            confirm: link(1),
            unsubscribe: link(2),
        };
        let welcome = Draft::Welcome {
            unsubscribe: link(3),
        };
        for draft in [&confirmation, &welcome] {
            let confirm = draft.confirm_link().map(ToString::to_string);
            let unsubscribe = draft.unsubscribe_link().to_string();
            let back = Draft::from_stored(draft.kind(), confirm.as_deref(), &unsubscribe);
            assert_eq!(back.as_ref(), Some(draft));
        }
        let bare = Token::generate().expect("entropy");
        let named = link(4).to_string();
        for (kind, confirm, unsubscribe) in [
            (MessageKind::Welcome, Some(named.as_str()), named.as_str()),
            (MessageKind::Confirmation, None, named.as_str()),
            (MessageKind::Welcome, None, bare.expose()),
            (MessageKind::Welcome, None, "nonsense"),
        ] {
            assert_eq!(
                Draft::from_stored(kind, confirm, unsubscribe),
                None,
                "{kind} {confirm:?} {unsubscribe}"
            );
        }
    }
}
