//! One person's consent record (GDPR art. 7(1), 15, 20): who agreed to what,
//! when and how. One structure, serialised as the operators' `consent.json`
//! and read by the subscriber's admin page.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{ServiceError, Services};
use crate::db::{bounces, fields, ledger, lists, rfc3339, subscribers, subscriptions};
use crate::domain::{
    Act, BounceKind, Channel, EventId, ListId, Status, SubscriberId, SubscriptionId,
};

/// A stored time, written as RFC 3339 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time(pub i64);

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&rfc3339(self.0))
    }
}

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(self.0))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsentRecord {
    pub subscriber: Person,
    pub subscriptions: Vec<SubscriptionRecord>,
    /// What mail providers reported about the address.
    pub bounces: Vec<BounceRecord>,
    pub generated_at: Time,
}

#[derive(Debug, Clone, Serialize)]
pub struct BounceRecord {
    pub occurred_at: Time,
    pub kind: BounceKind,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: SubscriberId,
    pub email: String,
    pub name: Option<String>,
    pub created_at: Time,
    /// The operators' fields (contract §16), by key.
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubscriptionRecord {
    pub id: SubscriptionId,
    pub list: ListName,
    pub status: Status,
    pub created_at: Time,
    pub confirmed_at: Option<Time>,
    pub unsubscribed_at: Option<Time>,
    /// Every act, oldest first.
    pub events: Vec<EventRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListName {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    pub occurred_at: Time,
    pub act: Act,
    pub channel: Channel,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub source: Option<String>,
    /// The exact wording the act was made under, when it showed one.
    pub wording: Option<Wording>,
    /// The event's id and its link in the consent ledger (contract §11):
    /// anyone can recompute `digest` from the fields and check `chain`
    /// with `assent verify-ledger`'s rule.
    pub id: EventId,
    pub digest: Option<String>,
    pub chain: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Wording {
    pub version: i32,
    pub sha256: String,
    pub text: String,
}

/// The whole record of one person, or `None` if there is no such person.
pub async fn record(
    services: &Services,
    id: SubscriberId,
) -> Result<Option<ConsentRecord>, ServiceError> {
    let clock = services.clock.clone();
    let defs = services.fields.get();
    services
        .db
        .read(move |c| {
            let Some(subscriber) = subscribers::by_id(c, id)? else {
                return Ok(None);
            };
            let fields = super::fields::by_key(&defs, &fields::values_of(c, id)?);
            let subs = subscribers::subscriptions_of(c, id)?;
            let list_ids: Vec<ListId> = subs.iter().map(|(s, ..)| s.list_id).collect();
            let wordings = lists::wordings_of(c, &list_ids)?;
            let mut subscriptions = Vec::with_capacity(subs.len());
            for (s, name, slug) in subs {
                let events = subscriptions::events(c, s.id)?;
                let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
                let links: HashMap<EventId, ledger::Link> = ledger::links_of(c, &ids)?
                    .into_iter()
                    .filter_map(|l| Some((l.event_id?, l)))
                    .collect();
                let events = events
                    .into_iter()
                    .map(|e| EventRecord {
                        id: e.id,
                        digest: links.get(&e.id).map(|l| l.digest.clone()),
                        chain: links.get(&e.id).map(|l| l.chain.clone()),
                        wording: e.wording_version.and_then(|v| {
                            wordings
                                .iter()
                                .find(|(list, version, ..)| *list == s.list_id && *version == v)
                                .map(|(_, version, text, sha256)| Wording {
                                    version: *version,
                                    sha256: sha256.clone(),
                                    text: text.clone(),
                                })
                        }),
                        occurred_at: Time(e.occurred_at),
                        act: e.act,
                        channel: e.channel,
                        client_ip: e.client_ip,
                        user_agent: e.user_agent,
                        source: e.source,
                    })
                    .collect();
                subscriptions.push(SubscriptionRecord {
                    id: s.id,
                    list: ListName { name, slug },
                    status: s.status,
                    created_at: Time(s.created_at),
                    confirmed_at: s.confirmed_at.map(Time),
                    unsubscribed_at: s.unsubscribed_at.map(Time),
                    events,
                });
            }
            let bounces = bounces::of(c, id)?
                .into_iter()
                .map(|(kind, source, at)| BounceRecord {
                    occurred_at: Time(at),
                    kind,
                    source,
                })
                .collect();
            Ok(Some(ConsentRecord {
                bounces,
                subscriber: Person {
                    id: subscriber.id,
                    email: subscriber.email,
                    name: subscriber.name,
                    created_at: Time(subscriber.created_at),
                    fields,
                },
                subscriptions,
                generated_at: Time(clock.now().ms()),
            }))
        })
        .await
}
