//! What a person does with their own subscriptions (contract §10), reached
//! through the unsubscribe link of any message they received: that token is
//! their key. Keep a subscription whose consent is old ("Keep me
//! subscribed"); see every list they are on and leave or rejoin each;
//! download their consent record; erase themselves.
//!
//! Everything is found from the token alone, so nothing here can tell a
//! visitor anything about another address.

use diesel::Connection;

use super::consent::{self, ConsentRecord};
use super::double_opt_in::{ListSummary, append_event, end_subscription};
use super::subscribers::erase_person;
use super::{ServiceError, Services};
use crate::db::models::{Subscriber, Subscription};
use crate::db::{self, DbConn, lists, now_ms, subscribers, subscriptions, tokens};
use crate::domain::list::wording_hash;
use crate::domain::{Act, Channel, Evidence, LinkRef, Status, TokenPurpose};
use crate::i18n::Lang;

/// Where a reconfirmation link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeepState {
    /// Subscribed; pressing the button renews the consent.
    Subscribed {
        list: ListSummary,
    },
    /// Just renewed.
    Kept {
        list: ListSummary,
    },
    /// Ended already: there is nothing to keep.
    Ended {
        list: ListSummary,
    },
    NotFound,
}

/// The subscription a link's token opens, with its subscriber.
fn opened(
    conn: &mut DbConn,
    link: &LinkRef,
) -> Result<Option<(Subscription, Subscriber)>, ServiceError> {
    let Some(token) = tokens::find(conn, link, TokenPurpose::Unsubscribe)? else {
        return Ok(None);
    };
    let subscription = subscriptions::by_id(conn, token.subscription_id)?;
    let subscriber = subscriptions::subscriber_by_id(conn, subscription.subscriber_id)?;
    Ok(Some((subscription, subscriber)))
}

fn keep_state(conn: &mut DbConn, subscription: &Subscription) -> Result<KeepState, ServiceError> {
    let list = ListSummary::from(&lists::by_id(conn, subscription.list_id)?);
    Ok(match subscription.status {
        Status::Confirmed => KeepState::Subscribed { list },
        _ => KeepState::Ended { list },
    })
}

/// Looks at a reconfirmation link without changing anything (`GET`).
pub async fn inspect_keep(services: &Services, link: LinkRef) -> Result<KeepState, ServiceError> {
    services
        .db
        .read(move |c| match opened(c, &link)? {
            Some((subscription, _)) => keep_state(c, &subscription),
            None => Ok(KeepState::NotFound),
        })
        .await
}

/// "Keep me subscribed": a new positive act, under the list's wording as
/// it is now.
pub async fn keep(
    services: &Services,
    link: LinkRef,
    evidence: Evidence,
) -> Result<KeepState, ServiceError> {
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some((subscription, _)) = opened(c, &link)? else {
                    return Ok(KeepState::NotFound);
                };
                db::backend::lock_subscription(c, subscription.id)?;
                let subscription = subscriptions::by_id(c, subscription.id)?;
                let KeepState::Subscribed { list } = keep_state(c, &subscription)? else {
                    return keep_state(c, &subscription);
                };
                let now = now_ms();
                let current = lists::by_id(c, subscription.list_id)?;
                let hash = wording_hash(&current.consent_wording);
                subscriptions::mark_reconfirmed(c, subscription.id, now)?;
                append_event(
                    c,
                    subscription.id,
                    Act::Reconfirmed,
                    Channel::ReconfirmButton,
                    &evidence,
                    Some((current.consent_version, &hash)),
                    now,
                )?;
                Ok(KeepState::Kept { list })
            })
        })
        .await
}

/// One line of the person's own page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListStatus {
    pub list: ListSummary,
    pub status: Status,
}

/// What the person's own page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// The language of the list whose link opened the page.
    pub lang: Lang,
    pub email: String,
    pub lists: Vec<ListStatus>,
}

/// The page of `subscriber`, opened with the link of `opened_with`.
fn overview_of(
    conn: &mut DbConn,
    opened_with: &Subscription,
    subscriber: &Subscriber,
) -> Result<Overview, ServiceError> {
    let mut lines = Vec::new();
    for (subscription, ..) in subscribers::subscriptions_of(conn, subscriber.id)? {
        let list = lists::by_id(conn, subscription.list_id)?;
        lines.push(ListStatus {
            list: ListSummary::from(&list),
            status: subscription.status,
        });
    }
    Ok(Overview {
        lang: lists::by_id(conn, opened_with.list_id)?.lang(),
        email: subscriber.email.clone(),
        lists: lines,
    })
}

pub async fn overview(
    services: &Services,
    link: LinkRef,
) -> Result<Option<Overview>, ServiceError> {
    services
        .db
        .read(move |c| match opened(c, &link)? {
            Some((opened_with, subscriber)) => overview_of(c, &opened_with, &subscriber).map(Some),
            None => Ok(None),
        })
        .await
}

/// Leaving or joining again, from the person's own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Leave,
    Rejoin,
}

/// What a change on the own page came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Done(Overview),
    /// The person is on no list with that slug.
    UnknownList,
    NotFound,
}

/// Leaves a list, or joins again one that was left: a new positive act
/// (channel `preferences`) under the list's wording as it is now. Pending
/// requests are left to their confirmation link.
pub async fn change(
    services: &Services,
    link: LinkRef,
    slug: String,
    change: Change,
    evidence: Evidence,
) -> Result<Changed, ServiceError> {
    let hooks = services.webhooks.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some((opened_with, subscriber)) = opened(c, &link)? else {
                    return Ok(Changed::NotFound);
                };
                let theirs = subscribers::subscriptions_of(c, subscriber.id)?;
                let Some((subscription, ..)) = theirs.into_iter().find(|(_, _, s)| *s == slug)
                else {
                    return Ok(Changed::UnknownList);
                };
                db::backend::lock_subscription(c, subscription.id)?;
                let subscription = subscriptions::by_id(c, subscription.id)?;
                let now = now_ms();
                match (change, subscription.status) {
                    (Change::Leave, Status::Confirmed | Status::Pending) => {
                        end_subscription(
                            c,
                            &hooks,
                            &subscription,
                            Channel::Preferences,
                            &evidence,
                            now,
                        )?;
                    }
                    (Change::Rejoin, Status::Unsubscribed) => {
                        let list = lists::by_id(c, subscription.list_id)?;
                        let hash = wording_hash(&list.consent_wording);
                        subscriptions::mark_confirmed(c, subscription.id, now)?;
                        crate::db::bounces::lift(c, subscriber.id)?;
                        append_event(
                            c,
                            subscription.id,
                            Act::Confirmed,
                            Channel::Preferences,
                            &evidence,
                            Some((list.consent_version, &hash)),
                            now,
                        )?;
                    }
                    // Pressed twice, or a pending request: nothing to do.
                    _ => {}
                }
                overview_of(c, &opened_with, &subscriber).map(Changed::Done)
            })
        })
        .await
}

/// The person's consent record, the same document as the operators'
/// `consent.json`.
pub async fn record(
    services: &Services,
    link: LinkRef,
) -> Result<Option<ConsentRecord>, ServiceError> {
    let subscriber = services
        .db
        .read(move |c| Ok::<_, ServiceError>(opened(c, &link)?.map(|(_, s)| s.id)))
        .await?;
    match subscriber {
        Some(id) => consent::record(services, id).await,
        None => Ok(None),
    }
}

/// Erases the person, as an operator's erasure does; false when the link
/// opens nothing (already erased).
/// Erases the person; `Some` with the language of the link's list when done.
pub async fn erase(services: &Services, link: LinkRef) -> Result<Option<Lang>, ServiceError> {
    let (key, hooks) = (services.secret_key.clone(), services.webhooks.clone());
    let erased = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some((opened_with, subscriber)) = opened(c, &link)? else {
                    return Ok::<_, ServiceError>(None);
                };
                let lang = lists::by_id(c, opened_with.list_id)?.lang();
                erase_person(
                    c,
                    &hooks,
                    &key,
                    &subscriber,
                    "the person themselves",
                    now_ms(),
                )?;
                Ok(Some(lang))
            })
        })
        .await?;
    if erased.is_some() {
        services.db.scrub_log().await;
    }
    Ok(erased)
}
