//! What a person does with their own subscriptions (contract §10), reached
//! through the unsubscribe link of any message they received. Keep a
//! subscription whose consent is old ("Keep me subscribed"); see every list
//! they are on and leave each; join again, download their consent record
//! or erase themselves.
//!
//! That link may have been forwarded, so it opens only what its holder may
//! do for the person: leave. Joining again mails a confirmation whose press
//! is the act; the record and the erasure mail the address a link good for
//! an hour, and only that link opens them. Such mails are capped per person.
//!
//! Everything is found from the token alone, so nothing here can tell a
//! visitor anything about another address.

use std::time::Duration;

use diesel::Connection;

use super::consent::{self, ConsentRecord};
use super::double_opt_in::{ListSummary, append_event, end_subscription, issue_token};
use super::subscribers::erase_person;
use super::{ServiceError, Services};
use crate::db::models::{Subscriber, Subscription};
use crate::db::outbox::{self, Recipient};
use crate::db::{self, DbConn, lists, subscribers, subscriptions, tokens};
use crate::domain::list::wording_hash;
use crate::domain::{
    Act, Channel, Draft, Evidence, Lane, LinkRef, Status, SubscriberEmail, SubscriberId,
    TokenPurpose,
};
use crate::i18n::Lang;
use crate::mail::compose::OWN_LINK_TTL;

/// Mails a person asks for from their own page, of each kind: the first
/// always goes, then at most one every 10 minutes and 5 a day.
const OWN_MAIL_INTERVAL_MS: i64 = 10 * 60 * 1000;
const OWN_MAILS_PER_DAY: usize = 5;
const DAY_MS: i64 = 86_400_000;

/// Whether another mail of `purpose` may go to the person now; counted
/// from the links issued to them, so it holds across processes.
fn may_mail(
    conn: &mut DbConn,
    subscriber: SubscriberId,
    purpose: TokenPurpose,
    now: i64,
) -> Result<bool, ServiceError> {
    let issued = tokens::issued_to(conn, subscriber, purpose, now - DAY_MS)?;
    Ok(issued.len() < OWN_MAILS_PER_DAY
        && issued
            .first()
            .is_none_or(|last| *last <= now - OWN_MAIL_INTERVAL_MS))
}

/// What a person may ask for by mail from their own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByMail {
    /// A confirmation to join a list again.
    Rejoin,
    /// A link to their consent record.
    Record,
    /// A link to the page that erases them.
    Erasure,
}

impl ByMail {
    fn purpose(self) -> TokenPurpose {
        match self {
            ByMail::Rejoin => TokenPurpose::Rejoin,
            ByMail::Record => TokenPurpose::Record,
            ByMail::Erasure => TokenPurpose::Erase,
        }
    }
}

/// Queues the mail asked for, with its link, for the subscription, when
/// the caps allow; true when one was queued.
fn mail_link(
    conn: &mut DbConn,
    mail: &OwnMail,
    subscription: &Subscription,
    subscriber: &Subscriber,
    asked: ByMail,
    now: i64,
) -> Result<bool, ServiceError> {
    let Ok(email) = SubscriberEmail::parse(&subscriber.email) else {
        return Ok(false);
    };
    if !may_mail(conn, subscriber.id, asked.purpose(), now)? {
        return Ok(false);
    }
    let ttl = match asked {
        ByMail::Rejoin => mail.confirm_ttl,
        ByMail::Record | ByMail::Erasure => OWN_LINK_TTL,
    };
    let link = issue_token(conn, subscription.id, asked.purpose(), now, Some(ttl))?;
    let unsubscribe = issue_token(conn, subscription.id, TokenPurpose::Unsubscribe, now, None)?;
    let draft = match asked {
        ByMail::Rejoin => Draft::Rejoin {
            confirm: link,
            unsubscribe,
        },
        ByMail::Record => Draft::RecordLink {
            record: link,
            unsubscribe,
        },
        ByMail::Erasure => Draft::ErasureLink {
            erase: link,
            unsubscribe,
        },
    };
    let to = Recipient {
        subscription_id: Some(subscription.id),
        email: &email,
        sender: &mail.sender,
    };
    outbox::enqueue(conn, &draft, &to, Lane::Transactional, now)?;
    Ok(true)
}

/// What queuing such a mail needs from the settings, to take into a
/// transaction.
struct OwnMail {
    sender: String,
    confirm_ttl: Duration,
}

impl OwnMail {
    fn of(services: &Services) -> Self {
        Self {
            sender: services.policy().envelope_sender(),
            confirm_ttl: services.policy().confirm_ttl,
        }
    }
}

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
    let clock = services.clock.clone();
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
                let now = clock.now().ms();
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
    /// Their values of the operators' fields, by key.
    pub fields: std::collections::BTreeMap<String, String>,
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
    let defs = crate::db::fields::all(conn)?;
    let values = crate::db::fields::values_of(conn, subscriber.id)?;
    Ok(Overview {
        lang: lists::by_id(conn, opened_with.list_id)?.lang(),
        email: subscriber.email.clone(),
        lists: lines,
        fields: super::fields::by_key(&defs, &values),
    })
}

/// What the person's edit of their fields came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldsEdited {
    Done(Overview),
    /// A value does not fit its field: nothing was changed.
    Refused(Overview, super::fields::Refused),
    NotFound,
}

/// The person's own values of the operators' fields, from their page:
/// read as an operator's edit is, not audited (it is their own).
pub async fn edit_fields(
    services: &Services,
    link: LinkRef,
    sent: std::collections::BTreeMap<String, String>,
) -> Result<FieldsEdited, ServiceError> {
    let found = services
        .db
        .read(move |c| Ok::<_, ServiceError>(opened(c, &link)?.map(|(s, p)| (s, p.id, link))))
        .await?;
    let Some((_, subscriber, link)) = found else {
        return Ok(FieldsEdited::NotFound);
    };
    let edited = super::fields::edit(services, None, subscriber, sent).await?;
    let Some(overview) = overview(services, link).await? else {
        return Ok(FieldsEdited::NotFound);
    };
    Ok(match edited {
        Ok(()) => FieldsEdited::Done(overview),
        Err(refused) => FieldsEdited::Refused(overview, refused),
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

/// Leaves a list, or asks to join again one that was left: that mails a
/// confirmation, and its press is the act (channel `preferences`), so that
/// a forwarded link cannot lift a complaint or a bounce. Pending requests
/// are left to their confirmation link.
pub async fn change(
    services: &Services,
    link: LinkRef,
    slug: String,
    change: Change,
    evidence: Evidence,
) -> Result<Changed, ServiceError> {
    let clock = services.clock.clone();
    let hooks = services.webhooks.clone();
    let mail = OwnMail::of(services);
    let changed = services
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
                let now = clock.now().ms();
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
                        let asked = ByMail::Rejoin;
                        mail_link(c, &mail, &subscription, &subscriber, asked, now)?;
                    }
                    // Pressed twice, or a pending request: nothing to do.
                    _ => {}
                }
                overview_of(c, &opened_with, &subscriber).map(Changed::Done)
            })
        })
        .await?;
    if change == Change::Rejoin {
        services.wake.delivery();
    }
    Ok(changed)
}

/// Where a link the person was mailed for their record or erasure leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnLinkState<T> {
    Open(T),
    /// Its hour is over; the language of its list, for the page.
    Expired(Lang),
    NotFound,
}

impl<T> OwnLinkState<T> {
    fn map<U>(self, open: impl FnOnce(T) -> U) -> OwnLinkState<U> {
        match self {
            OwnLinkState::Open(value) => OwnLinkState::Open(open(value)),
            OwnLinkState::Expired(lang) => OwnLinkState::Expired(lang),
            OwnLinkState::NotFound => OwnLinkState::NotFound,
        }
    }
}

/// What the page says once the person asked for a link by mail: the same
/// whether one went (the caps may hold it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Asked(Lang),
    NotFound,
}

/// Asks, from the own page, for the record or the erasure: mails the
/// address a link to it, good for an hour, when the caps allow.
pub async fn ask_by_mail(
    services: &Services,
    link: LinkRef,
    asked: ByMail,
) -> Result<Asked, ServiceError> {
    let clock = services.clock.clone();
    let mail = OwnMail::of(services);
    let asked = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some((subscription, subscriber)) = opened(c, &link)? else {
                    return Ok::<_, ServiceError>(Asked::NotFound);
                };
                let lang = lists::by_id(c, subscription.list_id)?.lang();
                mail_link(
                    c,
                    &mail,
                    &subscription,
                    &subscriber,
                    asked,
                    clock.now().ms(),
                )?;
                Ok(Asked::Asked(lang))
            })
        })
        .await?;
    services.wake.delivery();
    Ok(asked)
}

/// The person a mailed link of `purpose` opens, while its hour lasts.
fn opened_by_mailed_link(
    conn: &mut DbConn,
    link: &LinkRef,
    purpose: TokenPurpose,
    now: i64,
) -> Result<OwnLinkState<(Subscriber, Lang)>, ServiceError> {
    let Some(token) = tokens::find(conn, link, purpose)? else {
        return Ok(OwnLinkState::NotFound);
    };
    let subscription = subscriptions::by_id(conn, token.subscription_id)?;
    let lang = lists::by_id(conn, subscription.list_id)?.lang();
    if token.expires_at.is_none_or(|t| t <= now) {
        return Ok(OwnLinkState::Expired(lang));
    }
    let subscriber = subscriptions::subscriber_by_id(conn, subscription.subscriber_id)?;
    Ok(OwnLinkState::Open((subscriber, lang)))
}

/// The person's consent record, the same document as the operators'
/// `consent.json`, through the link mailed for it.
pub async fn record(
    services: &Services,
    link: LinkRef,
) -> Result<OwnLinkState<ConsentRecord>, ServiceError> {
    let now = services.clock.now().ms();
    let opened = services
        .db
        .read(move |c| opened_by_mailed_link(c, &link, TokenPurpose::Record, now))
        .await?;
    Ok(match opened {
        OwnLinkState::Open((subscriber, lang)) => {
            match consent::record(services, subscriber.id).await? {
                Some(record) => OwnLinkState::Open(record),
                None => OwnLinkState::Expired(lang),
            }
        }
        OwnLinkState::Expired(lang) => OwnLinkState::Expired(lang),
        OwnLinkState::NotFound => OwnLinkState::NotFound,
    })
}

/// Looks at an erasure link without changing anything (`GET`).
pub async fn inspect_erasure(
    services: &Services,
    link: LinkRef,
) -> Result<OwnLinkState<Lang>, ServiceError> {
    let now = services.clock.now().ms();
    let opened = services
        .db
        .read(move |c| opened_by_mailed_link(c, &link, TokenPurpose::Erase, now))
        .await?;
    Ok(opened.map(|(_, lang)| lang))
}

/// Erases the person, as an operator's erasure does, through the link
/// mailed for it.
pub async fn erase(services: &Services, link: LinkRef) -> Result<OwnLinkState<Lang>, ServiceError> {
    let clock = services.clock.clone();
    let (key, hooks) = (services.secret_key.clone(), services.webhooks.clone());
    let erased = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let now = clock.now().ms();
                let opened = opened_by_mailed_link(c, &link, TokenPurpose::Erase, now)?;
                if let OwnLinkState::Open((subscriber, _)) = &opened {
                    let by = "the person themselves";
                    erase_person(c, &hooks, &key, subscriber, by, now)?;
                }
                Ok::<_, ServiceError>(opened)
            })
        })
        .await?;
    if let OwnLinkState::Open(_) = erased {
        services.db.scrub_log().await;
    }
    Ok(erased.map(|(_, lang)| lang))
}
