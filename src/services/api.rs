//! The API for scripts (contract §13): tokens, and what a token may do:
//! read subscribers and lists, and erase a person as an operator would.
//! Only a hash of a token is stored; every use is in the audit log, under
//! the token's name.

use std::collections::{BTreeMap, HashMap};

use diesel::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use super::consent::{self, ConsentRecord, Time};
use super::subscribers::erase_person;
use super::{ServiceError, Services};
use crate::db::api_tokens::{self, ApiToken};
use crate::db::subscribers::Cursor;
use crate::db::{Database, DbError, audit, fields, lists, stats, subscribers, subscriptions};
use crate::domain::{ApiTokenId, Clock, SegmentId, Status, SubscriberEmail, SubscriberId, Token};

/// What a token starts with, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "assent_";
/// The largest page of subscribers.
pub const MAX_PAGE: i64 = 100;

/// The token a request came with.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: ApiTokenId,
    pub name: String,
}

impl Client {
    /// Who acts, in the audit log.
    fn actor(&self) -> String {
        format!("API token {}", self.name)
    }
}

/// Makes a token named `name` and returns it, the only time it is shown;
/// `None` when the name is taken.
pub async fn issue(
    db: &Database,
    clock: &Clock,
    name: &str,
) -> Result<Option<String>, ServiceError> {
    let clock = clock.clone();
    let token = Token::generate()?;
    let (hash, name) = (token.hash(), name.to_owned());
    let created = db
        .write(move |c| {
            c.transaction(|c| {
                let now = clock.now().ms();
                let Some(id) = api_tokens::create(c, &name, hash.as_bytes(), now)? else {
                    return Ok(None);
                };
                audit::record(
                    c,
                    "command line",
                    "create_token",
                    &name,
                    &format!("#{id}"),
                    now,
                )?;
                Ok::<_, ServiceError>(Some(()))
            })
        })
        .await?;
    Ok(created.map(|()| format!("{TOKEN_PREFIX}{}", token.expose())))
}

/// Revokes the token named `name`; `by` is who asked, for the audit log.
pub async fn revoke(
    db: &Database,
    clock: &Clock,
    by: &str,
    name: &str,
) -> Result<bool, ServiceError> {
    let clock = clock.clone();
    let (by, name) = (by.to_owned(), name.to_owned());
    db.write(move |c| {
        c.transaction(|c| {
            let now = clock.now().ms();
            let revoked = api_tokens::revoke(c, &name, now)?;
            if revoked {
                audit::record(c, &by, "revoke_token", &name, "", now)?;
            }
            Ok::<_, ServiceError>(revoked)
        })
    })
    .await
}

pub async fn tokens(db: &Database) -> Result<Vec<ApiToken>, ServiceError> {
    db.read(|c| api_tokens::all(c).map_err(ServiceError::from))
        .await
}

/// The client a presented token belongs to, if it is one of ours and not
/// revoked.
pub async fn authenticate(
    services: &Services,
    presented: &str,
) -> Result<Option<Client>, ServiceError> {
    let Some(token) = presented.strip_prefix(TOKEN_PREFIX).and_then(Token::parse) else {
        return Ok(None);
    };
    let hash = token.hash();
    let found = services
        .db
        .read(move |c| api_tokens::active_by_hash(c, hash.as_bytes()).map_err(DbError::from))
        .await?;
    Ok(found.map(|t| Client {
        id: t.id,
        name: t.name,
    }))
}

/// Records a use of the API, and when the token was last used.
async fn audited(
    services: &Services,
    client: &Client,
    action: &'static str,
    target: String,
) -> Result<(), ServiceError> {
    let clock = services.clock.clone();
    let (id, actor) = (client.id, client.actor());
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let now = clock.now().ms();
                api_tokens::touch(c, id, now)?;
                audit::record(c, &actor, action, &target, "", now)?;
                Ok::<_, ServiceError>(())
            })
        })
        .await
}

#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    /// A part of the address, the name or a text field's value.
    pub q: String,
    pub list: Option<String>,
    pub status: Option<Status>,
    /// A saved segment's id.
    pub segment: Option<SegmentId>,
    /// The `after` of the previous page.
    pub after: Option<SubscriberId>,
    /// At most [`MAX_PAGE`].
    pub limit: i64,
}

/// A page of subscribers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page {
    pub subscribers: Vec<ApiSubscriber>,
    /// What to pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub after: Option<SubscriberId>,
}

/// A person and their subscriptions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiSubscriber {
    #[schema(value_type = i64)]
    pub id: SubscriberId,
    pub email: String,
    pub name: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Time,
    pub subscriptions: Vec<ApiSubscription>,
    /// The operators' fields (contract §16), by key.
    pub fields: BTreeMap<String, String>,
}

/// One person on one list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiSubscription {
    /// The list's slug.
    pub list: String,
    #[schema(value_type = String, example = "confirmed")]
    pub status: Status,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Time,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<Time>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub unsubscribed_at: Option<Time>,
}

/// A page of subscribers, newest first, paged by id: each page costs the
/// same, and a subscriber is on one page only. `None` when the query names
/// a segment there is not.
pub async fn subscribers(
    services: &Services,
    client: &Client,
    query: PageQuery,
) -> Result<Option<Page>, ServiceError> {
    audited(services, client, "api_list_subscribers", describe(&query)).await?;
    let limit = query.limit.clamp(1, MAX_PAGE);
    let defs = services.fields.get();
    services
        .db
        .read(move |c| {
            let chosen = super::subscribers::Filter {
                q: query.q.clone(),
                list: query.list.clone(),
                status: query.status,
                segment: query.segment,
            };
            let Some(resolved) = chosen.resolve(c, &defs)? else {
                return Ok(None);
            };
            let filter = resolved.db();
            let cursor = query.after.map_or(Cursor::First, Cursor::Older);
            let found = subscribers::page(c, &filter, cursor, limit + 1)?;
            let more = found.len() as i64 > limit;
            let found: Vec<_> = found.into_iter().take(limit as usize).collect();
            let ids: Vec<SubscriberId> = found.iter().map(|s| s.id).collect();
            let mut theirs = by_subscriber(subscribers::subscriptions_of_all(c, &ids)?);
            let raw: Vec<i64> = ids.iter().map(|id| id.0).collect();
            let values = fields::values_of_many(c, &raw)?;
            let fields_of = |id: SubscriberId| {
                let kept: Vec<(i64, String)> = values
                    .iter()
                    .filter(|(s, _, _)| *s == id.0)
                    .map(|(_, field, value)| (*field, value.clone()))
                    .collect();
                super::fields::by_key(&defs, &kept)
            };
            let subscribers: Vec<ApiSubscriber> = found
                .into_iter()
                .map(|s| ApiSubscriber {
                    fields: fields_of(s.id),
                    subscriptions: theirs.remove(&s.id).unwrap_or_default(),
                    id: s.id,
                    email: s.email,
                    name: s.name,
                    created_at: Time(s.created_at),
                })
                .collect();
            let after = more.then(|| subscribers.last().map(|s| s.id)).flatten();
            Ok::<_, ServiceError>(Some(Page { subscribers, after }))
        })
        .await
}

/// Each subscriber's subscriptions, by subscriber.
fn by_subscriber(
    all: Vec<(crate::db::models::Subscription, String)>,
) -> HashMap<SubscriberId, Vec<ApiSubscription>> {
    let mut theirs: HashMap<SubscriberId, Vec<ApiSubscription>> = HashMap::new();
    for (s, list) in all {
        theirs
            .entry(s.subscriber_id)
            .or_default()
            .push(ApiSubscription {
                list,
                status: s.status,
                created_at: Time(s.created_at),
                confirmed_at: s.confirmed_at.map(Time),
                unsubscribed_at: s.unsubscribed_at.map(Time),
            });
    }
    theirs
}

fn describe(query: &PageQuery) -> String {
    let mut parts = vec!["subscribers".to_owned()];
    if !query.q.is_empty() {
        parts.push(format!("q {:?}", query.q));
    }
    if let Some(segment) = query.segment {
        parts.push(format!("segment #{segment}"));
    }
    if let Some(list) = &query.list {
        parts.push(format!("list {list}"));
    }
    if let Some(status) = query.status {
        parts.push(format!("status {status}"));
    }
    if let Some(after) = query.after {
        parts.push(format!("after #{after}"));
    }
    parts.join(", ")
}

async fn find(
    services: &Services,
    email: &SubscriberEmail,
) -> Result<Option<SubscriberId>, ServiceError> {
    let email = email.as_str().to_owned();
    services
        .db
        .read(move |c| {
            subscriptions::subscriber_by_email(c, &email)
                .map(|s| s.map(|s| s.id))
                .map_err(ServiceError::from)
        })
        .await
}

/// One person with their subscriptions and consent events, as the admin
/// page's consent download has them.
pub async fn subscriber(
    services: &Services,
    client: &Client,
    email: &SubscriberEmail,
) -> Result<Option<ConsentRecord>, ServiceError> {
    let Some(id) = find(services, email).await? else {
        return Ok(None);
    };
    audited(
        services,
        client,
        "api_read_subscriber",
        format!("subscriber #{id}"),
    )
    .await?;
    consent::record(services, id).await
}

/// Erases the person as an operator's erasure does; false when there is no
/// one with that address.
pub async fn erase(
    services: &Services,
    client: &Client,
    email: &SubscriberEmail,
) -> Result<bool, ServiceError> {
    let clock = services.clock.clone();
    let (key, hooks, actor) = (
        services.secret_key.clone(),
        services.webhooks.clone(),
        client.actor(),
    );
    let (id, email) = (client.id, email.clone());
    let erased = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let now = clock.now().ms();
                api_tokens::touch(c, id, now)?;
                let found = subscriptions::same_address(c, &email)?;
                let Some(subscriber) = found.first() else {
                    return Ok::<_, ServiceError>(false);
                };
                erase_person(c, &hooks, &key, subscriber, &actor, now)?;
                Ok(true)
            })
        })
        .await?;
    if erased {
        services.db.scrub_log().await;
    }
    Ok(erased)
}

/// A list and how many are on it in each state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiList {
    pub slug: String,
    pub name: String,
    pub language: String,
    pub archived: bool,
    pub pending: i64,
    pub confirmed: i64,
    pub unsubscribed: i64,
}

pub async fn lists(services: &Services, client: &Client) -> Result<Vec<ApiList>, ServiceError> {
    audited(services, client, "api_list_lists", "lists".into()).await?;
    services
        .db
        .read(|c| {
            let counts = stats::list_counts(c)?;
            Ok::<_, ServiceError>(
                lists::all(c)?
                    .into_iter()
                    .map(|l| {
                        let counts = counts.get(&l.id).copied().unwrap_or_default();
                        ApiList {
                            pending: counts.pending,
                            confirmed: counts.confirmed,
                            unsubscribed: counts.unsubscribed,
                            archived: l.archived_at.is_some(),
                            slug: l.slug,
                            name: l.name,
                            language: l.language,
                        }
                    })
                    .collect(),
            )
        })
        .await
}
