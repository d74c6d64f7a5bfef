//! The consent ledger's arithmetic (contract §11): an event's digest is the
//! SHA-256 of a canonical encoding of its fields, and its link in the chain
//! the SHA-256 of the previous link followed by that digest. Anyone holding
//! the events can recompute both; the README gives the encoding.

use sha2::{Digest, Sha256};

use super::{Act, Channel, EventId, SubscriptionId};

/// The link before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a consent event says, in the order the digest encodes it.
#[derive(Debug, Clone, Copy)]
pub struct EventFacts<'a> {
    pub id: EventId,
    pub subscription_id: SubscriptionId,
    pub act: Act,
    pub channel: Channel,
    /// Milliseconds since the Unix epoch, UTC.
    pub occurred_at: i64,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub source: Option<&'a str>,
    pub wording_version: Option<i32>,
    pub wording_sha256: Option<&'a str>,
}

impl EventFacts<'_> {
    /// The canonical encoding: a compact JSON array of the fields in the
    /// order above, absent ones as `null`, texts as JSON strings.
    pub fn canonical(&self) -> String {
        serde_json::json!([
            self.id.0,
            self.subscription_id.0,
            self.act.as_str(),
            self.channel.as_str(),
            self.occurred_at,
            self.client_ip,
            self.user_agent,
            self.source,
            self.wording_version,
            self.wording_sha256,
        ])
        .to_string()
    }

    /// SHA-256 of the canonical encoding, in lowercase hex.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }
}

/// What an erasure says: which events' content it removed. It is a link
/// of the chain like an event, so that no link can be marked erased
/// without an erasure that names it.
#[derive(Debug, Clone, Copy)]
pub struct ErasureFacts<'a> {
    pub id: i64,
    /// Milliseconds since the Unix epoch, UTC.
    pub occurred_at: i64,
    /// The erased events' digests, in the order of their links.
    pub digests: &'a [String],
}

impl ErasureFacts<'_> {
    /// The canonical encoding: `["erasure",ID,TIME,[DIGEST,…]]`, compact
    /// JSON, which no event's encoding (a number first) can equal.
    pub fn canonical(&self) -> String {
        serde_json::json!(["erasure", self.id, self.occurred_at, self.digests]).to_string()
    }

    /// SHA-256 of the canonical encoding, in lowercase hex.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }
}

/// The link that follows `previous` for an event of `digest`: SHA-256 of
/// the two in hex, one after the other, in lowercase hex.
pub fn link(previous: &str, digest: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(previous.as_bytes());
    hash.update(digest.as_bytes());
    hex::encode(hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> EventFacts<'static> {
        EventFacts {
            id: EventId(7),
            subscription_id: SubscriptionId(3),
            act: Act::Confirmed,
            channel: Channel::ConfirmButton,
            occurred_at: 1_764_547_200_000,
            client_ip: Some("192.0.2.1"),
            user_agent: Some("Mozilla/5.0 \"quoted\""),
            source: None,
            wording_version: Some(2),
            wording_sha256: Some("ab"),
        }
    }

    #[test]
    fn the_encoding_is_the_documented_one() {
        assert_eq!(
            facts().canonical(),
            r#"[7,3,"confirmed","confirm_button",1764547200000,"192.0.2.1","Mozilla/5.0 \"quoted\"",null,2,"ab"]"#
        );
    }

    #[test]
    fn every_field_changes_the_digest() {
        let base = facts().digest();
        let changed = [
            EventFacts {
                id: EventId(8),
                ..facts()
            },
            EventFacts {
                subscription_id: SubscriptionId(4),
                ..facts()
            },
            EventFacts {
                act: Act::Unsubscribed,
                ..facts()
            },
            EventFacts {
                channel: Channel::Form,
                ..facts()
            },
            EventFacts {
                occurred_at: 1,
                ..facts()
            },
            EventFacts {
                client_ip: None,
                ..facts()
            },
            EventFacts {
                user_agent: Some("curl"),
                ..facts()
            },
            EventFacts {
                source: Some("/"),
                ..facts()
            },
            EventFacts {
                wording_version: Some(3),
                ..facts()
            },
            EventFacts {
                wording_sha256: None,
                ..facts()
            },
        ];
        for other in changed {
            assert_ne!(other.digest(), base, "{}", other.canonical());
        }
    }

    #[test]
    fn an_erasure_is_encoded_apart_from_any_event() {
        let digests = ["a".repeat(64), "b".repeat(64)];
        let erasure = ErasureFacts {
            id: 3,
            occurred_at: 1_764_547_200_000,
            digests: &digests,
        };
        assert_eq!(
            erasure.canonical(),
            format!(
                r#"["erasure",3,1764547200000,["{}","{}"]]"#,
                digests[0], digests[1]
            )
        );
        let fewer = ErasureFacts {
            digests: &digests[..1],
            ..erasure
        };
        assert_ne!(erasure.digest(), fewer.digest());
    }

    #[test]
    fn links_depend_on_order() {
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        let ab = link(&link(GENESIS, &a), &b);
        let ba = link(&link(GENESIS, &b), &a);
        assert_ne!(ab, ba);
        assert_eq!(ab.len(), 64);
    }
}
