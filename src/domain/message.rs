//! Messages as the outbox keeps them: a kind and the links it carries.

use super::sql::text_enum;
use super::token::{LinkRef, LinkToken};
use super::{BroadcastId, SequenceStepId};

text_enum!(
    /// Every kind of message assent sends; each has a template pair under
    /// `templates/email/`.
    MessageKind {
        /// Asks the recipient to press the confirm button.
        Confirmation => "confirmation",
        /// Sent once the subscription is confirmed.
        Welcome => "welcome",
        /// A subscriber's copy of a broadcast.
        Broadcast => "broadcast",
        /// A copy of a broadcast an operator sent to check it.
        BroadcastTest => "broadcast_test",
        /// A subscriber's copy of a step of a sequence.
        Sequence => "sequence",
        /// Asks a subscriber whose consent is old to confirm it again.
        Reconfirmation => "reconfirmation",
        /// Asks a person who pressed "Join again" on their own page to
        /// confirm; the confirmation's template.
        Rejoin => "rejoin",
        /// Brings the person a link to their consent record.
        RecordLink => "record_link",
        /// Brings the person a link to the page that erases them.
        ErasureLink => "erasure_link",
    }
);

text_enum!(
    /// A message whose wording the operators may change from the admin
    /// (contract §15), in each language.
    TemplateKind {
        /// Asks the recipient to press the confirm button.
        Confirmation => "confirmation",
        /// Sent once the subscription is confirmed.
        Welcome => "welcome",
        /// Asks a subscriber whose consent is old to confirm it again.
        Reconfirmation => "reconfirmation",
        /// The layout a broadcast's body is poured into.
        Broadcast => "broadcast",
    }
);

impl MessageKind {
    /// The template pair under `templates/email/` that renders it.
    pub fn template(self) -> &'static str {
        match self {
            MessageKind::Broadcast | MessageKind::BroadcastTest | MessageKind::Sequence => {
                "broadcast"
            }
            MessageKind::Rejoin => "confirmation",
            MessageKind::RecordLink | MessageKind::ErasureLink => "own_link",
            kind => kind.as_str(),
        }
    }
}

/// Which way a message goes out. Mail to many at once (the two paced
/// lanes) shares one pace across every process, `ASSENT_SEND_RATE` (see
/// `db::pacing`), so that the relay is never flooded; mail a person is
/// waiting for never waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// A person is waiting for it (the confirmation of their signup, a
    /// welcome, a link they asked for, a test copy): first, never paced.
    Transactional,
    /// Requests for consent sent many at a time: an import's confirmation
    /// requests, reconfirmation requests. Paced, and ahead of newsletters,
    /// so that no confirmation waits behind a broadcast.
    Requests,
    /// Broadcast copies and sequence steps: paced, last.
    Newsletters,
}

impl Lane {
    /// The lanes in the order they are served.
    pub const PACED: [Lane; 2] = [Lane::Requests, Lane::Newsletters];

    /// The outbox's `priority`: the lower goes first.
    pub fn priority(self) -> i32 {
        match self {
            Lane::Transactional => 0,
            Lane::Requests => 1,
            Lane::Newsletters => 2,
        }
    }
}

text_enum!(
    /// Where a message stands in the outbox.
    MessageStatus {
        /// Waiting for its turn, or for its next attempt.
        Queued => "queued",
        /// Accepted by the SMTP server.
        Sent => "sent",
        /// Refused for good, or given up after days of failures.
        Failed => "failed",
        /// Dropped before it went: its subscription ended, or its broadcast
        /// was cancelled.
        Cancelled => "cancelled",
        /// A copy waiting while its broadcast or sequence is paused.
        Held => "held",
        /// A broadcast or sequence copy not sent: when it was due, its
        /// recipient was no longer confirmed, or the address was suppressed.
        Skipped => "skipped",
    }
);

/// What a message's unsubscribe link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe<'a> {
    /// A link that ends the recipient's subscription.
    Link(&'a LinkToken),
    /// A test copy's link, which explains that it is one: the operator who
    /// asked for it has no subscription to end.
    TestCopy,
}

impl Unsubscribe<'_> {
    /// How the outbox stores it, and how the link's path ends.
    pub const TEST_COPY: &'static str = "test-copy";
}

impl std::fmt::Display for Unsubscribe<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unsubscribe::Link(token) => token.fmt(f),
            Unsubscribe::TestCopy => f.write_str(Self::TEST_COPY),
        }
    }
}

/// What a stored message is a copy of, beside its kind and links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Nothing,
    Broadcast(BroadcastId),
    Step(SequenceStepId),
}

impl Of {
    /// From the outbox's two columns; a row naming both is of neither.
    pub fn stored(broadcast: Option<BroadcastId>, step: Option<SequenceStepId>) -> Self {
        match (broadcast, step) {
            (None, None) => Of::Nothing,
            (Some(broadcast), None) => Of::Broadcast(broadcast),
            (None, Some(step)) => Of::Step(step),
            (Some(_), Some(_)) => Of::Nothing,
        }
    }
}

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
    Broadcast {
        broadcast: BroadcastId,
        unsubscribe: LinkToken,
    },
    BroadcastTest {
        broadcast: BroadcastId,
    },
    /// A step of a sequence, composed from the step as it is when it goes.
    Sequence {
        step: SequenceStepId,
        unsubscribe: LinkToken,
    },
    /// Its unsubscribe link also leads to the "Keep me subscribed" page.
    Reconfirmation {
        unsubscribe: LinkToken,
    },
    /// A confirmation for a list the person left and asked to join again.
    Rejoin {
        confirm: LinkToken,
        unsubscribe: LinkToken,
    },
    /// The person's consent record, behind a link good for an hour.
    RecordLink {
        record: LinkToken,
        unsubscribe: LinkToken,
    },
    /// The erasure the person asked for, behind a link good for an hour.
    ErasureLink {
        erase: LinkToken,
        unsubscribe: LinkToken,
    },
}

impl Draft {
    pub fn kind(&self) -> MessageKind {
        match self {
            Draft::Confirmation { .. } => MessageKind::Confirmation,
            Draft::Welcome { .. } => MessageKind::Welcome,
            Draft::Broadcast { .. } => MessageKind::Broadcast,
            Draft::BroadcastTest { .. } => MessageKind::BroadcastTest,
            Draft::Sequence { .. } => MessageKind::Sequence,
            Draft::Reconfirmation { .. } => MessageKind::Reconfirmation,
            Draft::Rejoin { .. } => MessageKind::Rejoin,
            Draft::RecordLink { .. } => MessageKind::RecordLink,
            Draft::ErasureLink { .. } => MessageKind::ErasureLink,
        }
    }

    /// The broadcast a copy is of.
    pub fn broadcast(&self) -> Option<BroadcastId> {
        match self {
            Draft::Broadcast { broadcast, .. } | Draft::BroadcastTest { broadcast } => {
                Some(*broadcast)
            }
            _ => None,
        }
    }

    /// The sequence step a copy is of.
    pub fn step(&self) -> Option<SequenceStepId> {
        match self {
            Draft::Sequence { step, .. } => Some(*step),
            _ => None,
        }
    }

    /// What the message is a copy of, as the outbox stores it.
    pub fn of(&self) -> Of {
        Of::stored(self.broadcast(), self.step())
    }

    /// The link the message asks the recipient to follow, besides its
    /// unsubscribe link; the outbox stores it as the confirm link.
    pub fn action_link(&self) -> Option<&LinkToken> {
        match self {
            Draft::Confirmation { confirm, .. } | Draft::Rejoin { confirm, .. } => Some(confirm),
            Draft::RecordLink { record, .. } => Some(record),
            Draft::ErasureLink { erase, .. } => Some(erase),
            _ => None,
        }
    }

    /// Every message has one.
    pub fn unsubscribe(&self) -> Unsubscribe<'_> {
        match self {
            Draft::Confirmation { unsubscribe, .. }
            | Draft::Welcome { unsubscribe }
            | Draft::Reconfirmation { unsubscribe }
            | Draft::Rejoin { unsubscribe, .. }
            | Draft::RecordLink { unsubscribe, .. }
            | Draft::ErasureLink { unsubscribe, .. }
            | Draft::Broadcast { unsubscribe, .. }
            | Draft::Sequence { unsubscribe, .. } => Unsubscribe::Link(unsubscribe),
            Draft::BroadcastTest { .. } => Unsubscribe::TestCopy,
        }
    }

    /// A draft from its stored kind, links, and broadcast or step; `None`
    /// when they do not make one.
    pub fn from_stored(
        kind: MessageKind,
        confirm: Option<&str>,
        unsubscribe: &str,
        of: Of,
    ) -> Option<Self> {
        let link = |text: &str| match LinkRef::parse(text)? {
            LinkRef::Named(token) => Some(token),
            LinkRef::Bare(_) => None,
        };
        match (kind, confirm, of) {
            (MessageKind::Confirmation, Some(confirm), Of::Nothing) => Some(Draft::Confirmation {
                confirm: link(confirm)?,
                unsubscribe: link(unsubscribe)?,
            }),
            (MessageKind::Welcome, None, Of::Nothing) => Some(Draft::Welcome {
                unsubscribe: link(unsubscribe)?,
            }),
            (MessageKind::Reconfirmation, None, Of::Nothing) => Some(Draft::Reconfirmation {
                unsubscribe: link(unsubscribe)?,
            }),
            (MessageKind::Rejoin, Some(confirm), Of::Nothing) => Some(Draft::Rejoin {
                confirm: link(confirm)?,
                unsubscribe: link(unsubscribe)?,
            }),
            (MessageKind::RecordLink, Some(record), Of::Nothing) => Some(Draft::RecordLink {
                record: link(record)?,
                unsubscribe: link(unsubscribe)?,
            }),
            (MessageKind::ErasureLink, Some(erase), Of::Nothing) => Some(Draft::ErasureLink {
                erase: link(erase)?,
                unsubscribe: link(unsubscribe)?,
            }),
            (MessageKind::Broadcast, None, Of::Broadcast(broadcast)) => Some(Draft::Broadcast {
                broadcast,
                unsubscribe: link(unsubscribe)?,
            }),
            (MessageKind::BroadcastTest, None, Of::Broadcast(broadcast))
                if unsubscribe == Unsubscribe::TEST_COPY =>
            {
                Some(Draft::BroadcastTest { broadcast })
            }
            (MessageKind::Sequence, None, Of::Step(step)) => Some(Draft::Sequence {
                step,
                unsubscribe: link(unsubscribe)?,
            }),
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
        let copy = Draft::Broadcast {
            broadcast: BroadcastId(5),
            unsubscribe: link(6),
        };
        let test = Draft::BroadcastTest {
            broadcast: BroadcastId(5),
        };
        let reconfirmation = Draft::Reconfirmation {
            unsubscribe: link(7),
        };
        let rejoin = Draft::Rejoin {
            confirm: link(8),
            unsubscribe: link(9),
        };
        let record = Draft::RecordLink {
            record: link(10),
            unsubscribe: link(11),
        };
        let erase = Draft::ErasureLink {
            erase: link(12),
            unsubscribe: link(13),
        };
        let step = Draft::Sequence {
            step: SequenceStepId(3),
            unsubscribe: link(14),
        };
        for draft in [
            &confirmation,
            &welcome,
            &copy,
            &test,
            &reconfirmation,
            &rejoin,
            &record,
            &erase,
            &step,
        ] {
            let confirm = draft.action_link().map(ToString::to_string);
            let unsubscribe = draft.unsubscribe().to_string();
            let back =
                Draft::from_stored(draft.kind(), confirm.as_deref(), &unsubscribe, draft.of());
            assert_eq!(back.as_ref(), Some(draft));
        }
        let bare = Token::generate().expect("entropy");
        let named = link(4).to_string();
        for (kind, confirm, unsubscribe, of) in [
            (
                MessageKind::Welcome,
                Some(named.as_str()),
                named.as_str(),
                Of::Nothing,
            ),
            (MessageKind::Confirmation, None, named.as_str(), Of::Nothing),
            (MessageKind::RecordLink, None, named.as_str(), Of::Nothing),
            (MessageKind::Welcome, None, bare.expose(), Of::Nothing),
            (MessageKind::Welcome, None, "nonsense", Of::Nothing),
            (
                MessageKind::Welcome,
                None,
                Unsubscribe::TEST_COPY,
                Of::Nothing,
            ),
            (MessageKind::Broadcast, None, named.as_str(), Of::Nothing),
            (
                MessageKind::Broadcast,
                None,
                Unsubscribe::TEST_COPY,
                Of::Broadcast(BroadcastId(1)),
            ),
            (
                MessageKind::BroadcastTest,
                None,
                named.as_str(),
                Of::Broadcast(BroadcastId(1)),
            ),
            (MessageKind::Sequence, None, named.as_str(), Of::Nothing),
            (
                MessageKind::Sequence,
                None,
                named.as_str(),
                Of::Broadcast(BroadcastId(1)),
            ),
            (
                MessageKind::Broadcast,
                None,
                named.as_str(),
                Of::Step(SequenceStepId(1)),
            ),
        ] {
            assert_eq!(
                Draft::from_stored(kind, confirm, unsubscribe, of),
                None,
                "{kind} {confirm:?} {unsubscribe}"
            );
        }
    }
}
