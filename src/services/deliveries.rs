//! The delivery record (contract §19): what happened to each message, for
//! the operator asked "did my confirmation reach X?". It is the outbox
//! itself, kept `ASSENT_DELIVERY_LOG_RETENTION` once a message is done
//! with, so that recording costs a signup nothing more.

use super::{ServiceError, Services};
use crate::db::deliveries::{self, LogFilter, LogRow};
use crate::db::{subscribers, subscriptions};
use crate::domain::{
    BroadcastId, MessageId, MessageKind, MessageStatus, SubscriberEmail, SubscriberId,
};

/// Messages a page shows.
pub const PAGE: i64 = 100;

/// A message's fate as the record names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Waiting for its turn, for a retry, or held by a pause.
    Queued,
    Sent,
    Failed,
    /// The recipient's server refused the recipient.
    Bounced,
    /// Sent, and a complaint about the recipient arrived after it.
    Complained,
    /// Not sent: its recipient had left, or its broadcast was cancelled.
    Skipped,
}

impl Fate {
    pub const ALL: [Fate; 6] = [
        Fate::Queued,
        Fate::Sent,
        Fate::Failed,
        Fate::Bounced,
        Fate::Complained,
        Fate::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Queued => "queued",
            Fate::Sent => "sent",
            Fate::Failed => "failed",
            Fate::Bounced => "bounced",
            Fate::Complained => "complained",
            Fate::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Fate> {
        Fate::ALL.into_iter().find(|f| f.as_str() == text)
    }

    fn of(row: &LogRow) -> Fate {
        match row.status {
            MessageStatus::Queued | MessageStatus::Held => Fate::Queued,
            MessageStatus::Sent if row.complained => Fate::Complained,
            MessageStatus::Sent => Fate::Sent,
            MessageStatus::Failed if row.refused => Fate::Bounced,
            MessageStatus::Failed => Fate::Failed,
            MessageStatus::Skipped | MessageStatus::Cancelled => Fate::Skipped,
        }
    }

    fn narrow(self, filter: &mut LogFilter) {
        let (statuses, refused, complained) = match self {
            Fate::Queued => (vec![MessageStatus::Queued, MessageStatus::Held], None, None),
            Fate::Sent => (vec![MessageStatus::Sent], None, Some(false)),
            Fate::Complained => (vec![MessageStatus::Sent], None, Some(true)),
            Fate::Failed => (vec![MessageStatus::Failed], Some(false), None),
            Fate::Bounced => (vec![MessageStatus::Failed], Some(true), None),
            Fate::Skipped => (
                vec![MessageStatus::Skipped, MessageStatus::Cancelled],
                None,
                None,
            ),
        };
        filter.statuses = statuses;
        filter.refused = refused;
        filter.complained = complained;
    }
}

/// The kinds the record's filter offers, as it names them.
pub const KINDS: [&str; 8] = [
    "confirmation",
    "welcome",
    "reconfirmation",
    "broadcast",
    "sequence",
    "test",
    "record_link",
    "erasure_link",
];

/// A kind as the record names it: a rejoin's request is a confirmation,
/// a broadcast's test copy a test.
pub fn kind_name(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Confirmation | MessageKind::Rejoin => "confirmation",
        MessageKind::BroadcastTest => "test",
        kind => kind.as_str(),
    }
}

fn kinds_named(name: &str) -> Option<Vec<MessageKind>> {
    match name {
        "confirmation" => Some(vec![MessageKind::Confirmation, MessageKind::Rejoin]),
        "test" => Some(vec![MessageKind::BroadcastTest]),
        other => MessageKind::parse(other)
            .filter(|k| kind_name(*k) == other)
            .map(|k| vec![k]),
    }
}

/// What the operator asked the record for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub fate: Option<Fate>,
    /// A kind as [`KINDS`] names it.
    pub kind: Option<String>,
    /// An address: the messages to the subscriber who has it.
    pub q: Option<String>,
    pub broadcast: Option<BroadcastId>,
    pub before: Option<MessageId>,
}

/// A message in the record.
#[derive(Debug, Clone)]
pub struct Entry {
    pub row: LogRow,
    pub fate: Fate,
    pub kind: &'static str,
}

/// A page of the record.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub entries: Vec<Entry>,
    /// The id to ask `before` for the next, older page, when there is one.
    pub older: Option<MessageId>,
    /// `q` names no subscriber's address.
    pub unknown_address: bool,
    /// `kind` is none of [`KINDS`].
    pub unknown_kind: bool,
}

fn entries(rows: Vec<LogRow>) -> Vec<Entry> {
    rows.into_iter()
        .map(|row| Entry {
            fate: Fate::of(&row),
            kind: kind_name(row.kind),
            row,
        })
        .collect()
}

/// A page of the record, newest first.
pub async fn search(services: &Services, query: Query) -> Result<Page, ServiceError> {
    let mut filter = LogFilter {
        broadcast: query.broadcast,
        before: query.before,
        ..LogFilter::default()
    };
    if let Some(fate) = query.fate {
        fate.narrow(&mut filter);
    }
    if let Some(kind) = &query.kind {
        match kinds_named(kind) {
            Some(kinds) => filter.kinds = kinds,
            None => {
                return Ok(Page {
                    unknown_kind: true,
                    ..Page::default()
                });
            }
        }
    }
    services
        .db
        .read(move |c| {
            if let Some(q) = &query.q {
                let people = match SubscriberEmail::parse(q.trim()) {
                    Ok(email) => subscriptions::same_address(c, &email)?,
                    Err(_) => Vec::new(),
                };
                let mut ids = Vec::new();
                for person in &people {
                    for (subscription, ..) in subscribers::subscriptions_of(c, person.id)? {
                        ids.push(subscription.id);
                    }
                }
                if people.is_empty() {
                    return Ok(Page {
                        unknown_address: true,
                        ..Page::default()
                    });
                }
                filter.subscriptions = Some(ids);
            }
            let mut rows = deliveries::page(c, &filter, PAGE + 1)?;
            let older = if rows.len() as i64 > PAGE {
                rows.truncate(PAGE as usize);
                rows.last().map(|r| r.id)
            } else {
                None
            };
            Ok::<_, ServiceError>(Page {
                entries: entries(rows),
                older,
                ..Page::default()
            })
        })
        .await
}

/// The newest messages to one person, for their page.
pub async fn of_subscriber(
    services: &Services,
    subscriber: SubscriberId,
) -> Result<Vec<Entry>, ServiceError> {
    services
        .db
        .read(move |c| {
            let ids = subscribers::subscriptions_of(c, subscriber)?
                .into_iter()
                .map(|(s, ..)| s.id)
                .collect();
            let filter = LogFilter {
                subscriptions: Some(ids),
                ..LogFilter::default()
            };
            Ok::<_, ServiceError>(entries(deliveries::page(c, &filter, 50)?))
        })
        .await
}

/// What the big providers' enhanced status codes mean, for the reply a
/// relay passed on: the catalog id of the explanation, most specific
/// first.
const MEANINGS: [(&str, &str); 9] = [
    ("5.7.26", "delivery-meaning-unauthenticated"),
    ("4.7.26", "delivery-meaning-unauthenticated"),
    ("5.7.27", "delivery-meaning-spf"),
    ("4.7.27", "delivery-meaning-spf"),
    ("5.7.25", "delivery-meaning-ptr"),
    ("4.7.28", "delivery-meaning-rate"),
    ("5.7.515", "delivery-meaning-outlook-authentication"),
    ("5.7.509", "delivery-meaning-dmarc"),
    ("5.1.1", "delivery-meaning-no-mailbox"),
];

/// The explanation of a relay's reply, when it carries a code whose
/// meaning is known: Gmail's and Microsoft's rejections of mail that is
/// not authenticated, a rate limit, a mailbox that does not exist.
pub fn meaning(reply: &str) -> Option<&'static str> {
    MEANINGS
        .iter()
        .find(|(code, _)| {
            reply.match_indices(code).any(|(at, _)| {
                let before = reply[..at].chars().next_back();
                let after = reply[at + code.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
                    && !after.is_some_and(|c| c.is_ascii_digit())
            })
        })
        .map(|(_, id)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_s_rejection_is_explained_by_its_code() {
        assert_eq!(
            meaning("permanent error (550): 5.7.26 This mail is unauthenticated"),
            Some("delivery-meaning-unauthenticated")
        );
        assert_eq!(
            meaning(
                "550 5.7.515 Access denied, sending domain does not meet the required authentication level"
            ),
            Some("delivery-meaning-outlook-authentication")
        );
        assert_eq!(
            meaning("421 4.7.28 Our system has detected an unusual rate"),
            Some("delivery-meaning-rate")
        );
        assert_eq!(meaning("550 5.7.2600 not a code of ours"), None);
        assert_eq!(meaning("451 4.3.0 Try again later"), None);
    }
}
