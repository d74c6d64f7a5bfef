//! The double opt-in path: signup, confirmation, unsubscribe.
//!
//! Each step is one database transaction that changes the subscription,
//! appends its consent event and queues the message it causes, so either all
//! of it is stored or none of it is.

use std::sync::Arc;
use std::time::Duration;

use diesel::Connection;

use super::{ServiceError, Services};
use crate::db::models::{List, NewConsentEvent, Subscription, TokenRow};
use crate::db::outbox::Recipient;
use crate::db::{self, DbConn, bounces, broadcasts, lists, outbox, subscriptions, tokens};
use crate::domain::field::FieldError;
use crate::domain::list::wording_hash;
use crate::domain::{
    Act, Channel, Draft, Evidence, Lane, LinkRef, LinkToken, ListId, MessageKind, Status,
    SubscriberEmail, SubscriberName, SubscriptionId, Token, TokenPurpose,
};
use crate::i18n::Lang;
use crate::services::pow::{self, PowError, Redeem};
use crate::services::turned_away::{self, Reason};
use crate::services::webhooks::{SubscriptionEvent, Webhooks};

/// A pending address is sent its confirmation at most this often…
pub const RESEND_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// …and at most this many times a day.
pub const RESENDS_PER_DAY: usize = 5;
const DAY_MS: i64 = 86_400_000;

/// A signup as the form or the API parsed it.
pub struct SignupRequest {
    pub email: SubscriberEmail,
    pub name: Option<SubscriberName>,
    /// `None`: the default list.
    pub list: Option<String>,
    pub channel: Channel,
    pub evidence: Evidence,
    /// The form's hidden `website` field came filled: a program, not a
    /// person (contract §14).
    pub honeypot: bool,
    /// The solved proof-of-work challenge, when one came (`altcha`).
    pub proof: Option<String>,
    /// The values sent for the operators' fields, by key, as typed; read
    /// against the fields the list asks for (contract §16).
    pub fields: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignupOutcome {
    /// Stored, whether or not a confirmation was queued: the visitor is
    /// never told which.
    Accepted {
        list_name: String,
        lang: Lang,
    },
    /// The honeypot was filled: nothing stored or sent, and the visitor is
    /// answered as if it had been.
    Trapped {
        list_name: String,
        lang: Lang,
    },
    UnknownList,
    /// `ASSENT_POW=on` and the proof of work is missing or wrong.
    ProofRefused(PowError),
    /// A field the list asks for is missing or ill-typed, by key: nothing
    /// was stored.
    FieldsRefused(Vec<(String, FieldError)>),
}

/// The one path of every signup, from the form or the API: the honeypot,
/// the proof of work, then the record and, when the caps allow, the
/// confirmation.
pub async fn signup(
    services: &Arc<Services>,
    request: SignupRequest,
) -> Result<SignupOutcome, ServiceError> {
    let clock = services.clock.clone();
    if request.honeypot {
        turned_away::record(services, Reason::Honeypot);
        let list = super::lists::open_list(services, request.list.clone()).await?;
        return Ok(match list {
            Some(list) => SignupOutcome::Trapped {
                lang: list.lang(),
                list_name: list.name,
            },
            None => SignupOutcome::UnknownList,
        });
    }
    match pow::redeem(services, request.proof.as_deref()).await {
        Ok(()) => {}
        Err(Redeem::Refused(e)) => return Ok(SignupOutcome::ProofRefused(e)),
        Err(Redeem::Failed(e)) => return Err(e),
    }
    let ctx = Arc::clone(services);
    let (outcome, queued) = services
        .db
        .write(move |c| c.transaction(|c| record_signup(c, &ctx, &request, clock.now().ms())))
        .await?;
    if queued {
        services.wake.delivery();
    }
    if matches!(outcome, SignupOutcome::Accepted { .. }) {
        services.metrics.signups.inc();
    }
    Ok(outcome)
}

/// The signup's transaction; also says whether a confirmation was queued.
fn record_signup(
    conn: &mut DbConn,
    services: &Services,
    request: &SignupRequest,
    now: i64,
) -> Result<(SignupOutcome, bool), ServiceError> {
    let list = match &request.list {
        Some(slug) => lists::by_slug(conn, slug)?,
        None => lists::default_list(conn, &services.policy().default_list)?,
    };
    let Some(list) = list else {
        return Ok((SignupOutcome::UnknownList, false));
    };
    let asked = services.fields.of_list(list.id);
    let values = match super::fields::read_values(&asked, |f| request.fields.get(&f.key).cloned()) {
        Ok(values) => values,
        Err(refused) => return Ok((SignupOutcome::FieldsRefused(refused), false)),
    };
    let subscriber = subscriptions::insert_or_get_subscriber(
        conn,
        &request.email,
        request.name.as_ref().map(SubscriberName::as_str),
        now,
    )?;
    db::fields::fill_blanks(conn, subscriber.id, &values)?;
    let (subscription, created) = subscriptions::insert_or_get(conn, subscriber.id, list.id, now)?;
    let subscription = if created {
        subscription
    } else {
        db::backend::lock_subscription(conn, subscription.id)?;
        // Read again under the lock: another process may have just changed it.
        subscriptions::by_id(conn, subscription.id)?
    };

    let accepted = SignupOutcome::Accepted {
        list_name: list.name.clone(),
        lang: list.lang(),
    };
    match subscription.status {
        // Nothing new to send, and nothing to record.
        Status::Confirmed => return Ok((accepted, false)),
        Status::Unsubscribed => subscriptions::reopen(conn, subscription.id)?,
        Status::Pending => {}
    }
    append_event(
        conn,
        subscription.id,
        Act::Requested,
        request.channel,
        &request.evidence,
        Some((list.consent_version, &wording_hash(&list.consent_wording))),
        now,
    )?;
    if !may_send_confirmation(conn, &request.email, list.id, now)? {
        return Ok((accepted, false));
    }
    queue_confirmation(
        conn,
        services,
        subscription.id,
        &request.email,
        Lane::Transactional,
        now,
    )?;
    Ok((accepted, true))
}

/// The resend caps, counted from the outbox so they hold across processes,
/// for the mailbox rather than the address as typed: `Victim@`, `VICTIM@`
/// and `victim+1@` share one cap.
fn may_send_confirmation(
    conn: &mut DbConn,
    email: &SubscriberEmail,
    list: ListId,
    now: i64,
) -> Result<bool, ServiceError> {
    let sent = outbox::queued_times_for_mailbox(
        conn,
        &email.key(),
        list,
        MessageKind::Confirmation,
        now - DAY_MS,
    )?;
    let interval_ms = RESEND_INTERVAL.as_millis() as i64;
    let too_soon = sent.first().is_some_and(|last| now - last < interval_ms);
    Ok(!too_soon && sent.len() < RESENDS_PER_DAY)
}

/// A list as the pages of a link show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSummary {
    pub lang: Lang,
    pub name: String,
    pub slug: String,
    pub description: String,
}

impl From<&List> for ListSummary {
    fn from(list: &List) -> Self {
        Self {
            lang: list.lang(),
            name: list.name.clone(),
            slug: list.slug.clone(),
            description: list.description.clone(),
        }
    }
}

/// What a confirmation link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmState {
    /// Waiting for the button.
    Pending {
        list: ListSummary,
    },
    /// Confirmed, by this press or an earlier one.
    Confirmed {
        list: ListSummary,
    },
    /// The link's time ran out before it was used.
    Expired {
        list: ListSummary,
    },
    /// The request was declined or the subscription ended since.
    Withdrawn {
        list: ListSummary,
    },
    NotFound,
}

/// Looks at a confirmation link without changing anything (`GET`).
pub async fn inspect_confirmation(
    services: &Services,
    link: LinkRef,
) -> Result<ConfirmState, ServiceError> {
    let clock = services.clock.clone();
    services
        .db
        .read(move |conn| {
            let Some(token) = tokens::find_any(conn, &link, CONFIRMING)? else {
                return Ok(ConfirmState::NotFound);
            };
            let subscription = subscriptions::by_id(conn, token.subscription_id)?;
            let list = ListSummary::from(&lists::by_id(conn, subscription.list_id)?);
            Ok(confirm_state(&token, &subscription, list, clock.now().ms()))
        })
        .await
}

/// The links whose press confirms: a signup's, and one to join again that
/// the person asked for from their own page.
const CONFIRMING: &[TokenPurpose] = &[TokenPurpose::Confirm, TokenPurpose::Rejoin];

fn confirm_state(
    token: &TokenRow,
    subscription: &Subscription,
    list: ListSummary,
    now: i64,
) -> ConfirmState {
    if token.revoked_at.is_some() {
        return ConfirmState::Withdrawn { list };
    }
    if token.purpose == TokenPurpose::Rejoin {
        let expired = token.expires_at.is_some_and(|t| t <= now);
        return match subscription.status {
            Status::Confirmed => ConfirmState::Confirmed { list },
            // Used once already, and left again since.
            _ if token.used_at.is_some() => ConfirmState::Withdrawn { list },
            Status::Unsubscribed if expired => ConfirmState::Expired { list },
            Status::Unsubscribed => ConfirmState::Pending { list },
            Status::Pending => ConfirmState::Withdrawn { list },
        };
    }
    match subscription.status {
        Status::Confirmed => ConfirmState::Confirmed { list },
        Status::Unsubscribed => ConfirmState::Withdrawn { list },
        Status::Pending if token.expires_at.is_some_and(|t| t <= now) => {
            ConfirmState::Expired { list }
        }
        Status::Pending => ConfirmState::Pending { list },
    }
}

/// The positive act: confirms the subscription, records it, and queues the
/// welcome message. A second press finds it confirmed and changes nothing.
pub async fn confirm(
    services: &Arc<Services>,
    link: LinkRef,
    evidence: Evidence,
) -> Result<ConfirmState, ServiceError> {
    let clock = services.clock.clone();
    let ctx = Arc::clone(services);
    let (state, confirmed_now) = services
        .db
        .write(move |c| {
            c.transaction(|c| record_confirmation(c, &ctx, &link, &evidence, clock.now().ms()))
        })
        .await?;
    if confirmed_now {
        services.metrics.confirmations.inc();
        services.wake.delivery();
    }
    Ok(state)
}

/// The state the link leads to, and whether this act is what confirmed it.
fn record_confirmation(
    conn: &mut DbConn,
    services: &Services,
    link: &LinkRef,
    evidence: &Evidence,
    now: i64,
) -> Result<(ConfirmState, bool), ServiceError> {
    let Some(token) = tokens::find_any(conn, link, CONFIRMING)? else {
        return Ok((ConfirmState::NotFound, false));
    };
    db::backend::lock_subscription(conn, token.subscription_id)?;
    let subscription = subscriptions::by_id(conn, token.subscription_id)?;
    let list = lists::by_id(conn, subscription.list_id)?;
    let state = confirm_state(&token, &subscription, ListSummary::from(&list), now);
    if !matches!(state, ConfirmState::Pending { .. }) {
        return Ok((state, false));
    }
    subscriptions::mark_confirmed(conn, subscription.id, now)?;
    tokens::mark_used(conn, token.id, now)?;
    // Into the list's active sequences, from their first step.
    db::sequences::enrol(conn, subscription.list_id, subscription.id, now)?;
    // The person has just shown that the address works.
    bounces::lift(conn, subscription.subscriber_id)?;
    // The act confirms the request, under the wording that request showed;
    // joining again, under the list's wording as it is now.
    let (channel, wording) = if token.purpose == TokenPurpose::Rejoin {
        let hash = wording_hash(&list.consent_wording);
        (Channel::Preferences, Some((list.consent_version, hash)))
    } else {
        let request = subscriptions::last_request(conn, subscription.id)?;
        let wording = request.and_then(|r| Some((r.wording_version?, r.wording_sha256?)));
        (Channel::ConfirmButton, wording)
    };
    append_event(
        conn,
        subscription.id,
        Act::Confirmed,
        channel,
        evidence,
        wording.as_ref().map(|(v, h)| (*v, h.as_str())),
        now,
    )?;
    services.webhooks.subscription(
        conn,
        SubscriptionEvent::Confirmed,
        &subscription,
        channel,
        now,
    )?;

    let subscriber = subscriptions::subscriber_by_id(conn, subscription.subscriber_id)?;
    if let Ok(email) = SubscriberEmail::parse(&subscriber.email) {
        let unsubscribe = issue_token(conn, subscription.id, TokenPurpose::Unsubscribe, now, None)?;
        let to = Recipient {
            subscription_id: Some(subscription.id),
            email: &email,
            sender: &services.policy().envelope_sender(),
        };
        outbox::enqueue(
            conn,
            &Draft::Welcome { unsubscribe },
            &to,
            Lane::Transactional,
            now,
        )?;
    }
    Ok((
        ConfirmState::Confirmed {
            list: ListSummary::from(&list),
        },
        true,
    ))
}

/// What an unsubscribe link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsubscribeState {
    Subscribed { list: ListSummary },
    AlreadyUnsubscribed { list: ListSummary },
    NotFound,
}

/// Looks at an unsubscribe link without changing anything (`GET`).
pub async fn inspect_unsubscribe(
    services: &Services,
    link: LinkRef,
) -> Result<UnsubscribeState, ServiceError> {
    services
        .db
        .read(move |conn| {
            let Some(token) = tokens::find(conn, &link, TokenPurpose::Unsubscribe)? else {
                return Ok(UnsubscribeState::NotFound);
            };
            let subscription = subscriptions::by_id(conn, token.subscription_id)?;
            let list = ListSummary::from(&lists::by_id(conn, subscription.list_id)?);
            Ok(match subscription.status {
                Status::Unsubscribed => UnsubscribeState::AlreadyUnsubscribed { list },
                _ => UnsubscribeState::Subscribed { list },
            })
        })
        .await
}

/// Ends the subscription. From a pending one this declines the request:
/// its confirmation links stop working and nothing more is sent until a
/// new signup. Idempotent.
pub async fn unsubscribe(
    services: &Services,
    link: LinkRef,
    channel: Channel,
    evidence: Evidence,
) -> Result<UnsubscribeState, ServiceError> {
    let clock = services.clock.clone();
    let hooks = services.webhooks.clone();
    let state = services
        .db
        .write(move |c| {
            c.transaction::<_, ServiceError, _>(|conn| {
                let Some(token) = tokens::find(conn, &link, TokenPurpose::Unsubscribe)? else {
                    return Ok(UnsubscribeState::NotFound);
                };
                db::backend::lock_subscription(conn, token.subscription_id)?;
                let subscription = subscriptions::by_id(conn, token.subscription_id)?;
                let list = ListSummary::from(&lists::by_id(conn, subscription.list_id)?);
                let now = clock.now().ms();
                // A broadcast's copy went to the person through each of its
                // lists they were on: its link leaves all of them.
                if let Some(broadcast) = token.broadcast_id {
                    for other in broadcasts::also_addressed(conn, broadcast, subscription.id)? {
                        db::backend::lock_subscription(conn, other)?;
                        let other = subscriptions::by_id(conn, other)?;
                        if other.status == Status::Confirmed {
                            end_subscription(conn, &hooks, &other, channel, &evidence, now)?;
                        }
                    }
                }
                if end_subscription(conn, &hooks, &subscription, channel, &evidence, now)? {
                    Ok(UnsubscribeState::Subscribed { list })
                } else {
                    Ok(UnsubscribeState::AlreadyUnsubscribed { list })
                }
            })
        })
        .await?;
    if matches!(state, UnsubscribeState::Subscribed { .. }) {
        services.metrics.unsubscribes.inc();
    }
    Ok(state)
}

/// Unsubscribes, or declines a pending request, inside the caller's
/// transaction; false when it had ended already.
pub(crate) fn end_subscription(
    conn: &mut DbConn,
    hooks: &Webhooks,
    subscription: &Subscription,
    channel: Channel,
    evidence: &Evidence,
    now: i64,
) -> Result<bool, ServiceError> {
    let act = match subscription.status {
        Status::Unsubscribed => {
            // "This wasn't me" from a mail to join again: that link goes.
            tokens::revoke_confirm_tokens(conn, subscription.id, now)?;
            return Ok(false);
        }
        Status::Pending => Act::Declined,
        Status::Confirmed => Act::Unsubscribed,
    };
    subscriptions::mark_unsubscribed(conn, subscription.id, now)?;
    tokens::revoke_confirm_tokens(conn, subscription.id, now)?;
    outbox::cancel_for_subscription(conn, subscription.id)?;
    append_event(conn, subscription.id, act, channel, evidence, None, now)?;
    hooks.subscription(
        conn,
        SubscriptionEvent::Unsubscribed,
        subscription,
        channel,
        now,
    )?;
    Ok(true)
}

/// Issues fresh links and queues a confirmation for a pending subscription
/// in `lane`: one the person asked for goes at once, an import's at the
/// pace of bulk mail.
pub(crate) fn queue_confirmation(
    conn: &mut DbConn,
    services: &Services,
    subscription_id: SubscriptionId,
    email: &SubscriberEmail,
    lane: Lane,
    now: i64,
) -> Result<(), ServiceError> {
    let confirm = issue_token(
        conn,
        subscription_id,
        TokenPurpose::Confirm,
        now,
        Some(services.policy().confirm_ttl),
    )?;
    let unsubscribe = issue_token(conn, subscription_id, TokenPurpose::Unsubscribe, now, None)?;
    let to = Recipient {
        subscription_id: Some(subscription_id),
        email,
        sender: &services.policy().envelope_sender(),
    };
    let draft = Draft::Confirmation {
        confirm,
        unsubscribe,
    };
    outbox::enqueue(conn, &draft, &to, lane, now)?;
    Ok(())
}

pub(crate) fn append_event(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
    act: Act,
    channel: Channel,
    evidence: &Evidence,
    wording: Option<(i32, &str)>,
    now: i64,
) -> Result<(), ServiceError> {
    subscriptions::append_event(
        conn,
        &NewConsentEvent {
            subscription_id,
            act,
            channel,
            occurred_at: now,
            client_ip: evidence.client_ip.as_deref(),
            user_agent: evidence.user_agent.as_deref(),
            source: evidence.source.as_deref(),
            wording_version: wording.map(|(v, _)| v),
            wording_sha256: wording.map(|(_, h)| h),
        },
    )?;
    Ok(())
}

pub(crate) fn issue_token(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
    purpose: TokenPurpose,
    now: i64,
    ttl: Option<Duration>,
) -> Result<LinkToken, ServiceError> {
    let secret = Token::generate()?;
    let expires_at = ttl.map(|ttl| now + ttl.as_millis() as i64);
    let id = tokens::insert(
        conn,
        subscription_id,
        purpose,
        &secret.hash(),
        now,
        expires_at,
    )?;
    Ok(LinkToken::new(id, secret))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::auth::SecretKey;
    use crate::config::{DatabaseUrl, Settings};
    use crate::db::Database;
    use crate::domain::Clock;
    use crate::i18n::Lang;

    const MINUTE: i64 = 60_000;

    /// Services on a fresh SQLite file with the default list.
    fn services(dir: &tempfile::TempDir, start: i64) -> Services {
        let url = DatabaseUrl::Sqlite(dir.path().join("caps.db"));
        let db = Database::connect(&url).expect("database");
        db.migrate().expect("migrations");
        let mut conn = db.write_conn().expect("connection");
        lists::ensure_default(&mut conn, "Newsletter", "Example Org", Lang::ENGLISH, start)
            .expect("list");
        let settings = Settings::from_lookup(|name| {
            (name == "ASSENT_ORG_NAME").then(|| "Example Org".to_owned())
        })
        .expect("defaults");
        let base_url = url::Url::parse("http://127.0.0.1:8080").expect("url");
        let key = SecretKey::new(vec![7; 32]);
        Services::from_settings(&settings, db, key, base_url, None, Clock::system())
    }

    fn request(email: &str) -> SignupRequest {
        SignupRequest {
            email: SubscriberEmail::parse(email).expect("address"),
            name: None,
            list: None,
            channel: Channel::Form,
            evidence: Evidence::default(),
            honeypot: false,
            proof: None,
            fields: Default::default(),
        }
    }

    /// Whether a signup at `now` queued a confirmation.
    fn queued(services: &Services, request: &SignupRequest, now: i64) -> bool {
        let mut conn = services.db.write_conn().expect("connection");
        let (outcome, queued) = conn
            .transaction(|c| record_signup(c, services, request, now))
            .expect("signup");
        assert!(matches!(outcome, SignupOutcome::Accepted { .. }));
        queued
    }

    #[test]
    fn a_pending_address_gets_at_most_one_mail_per_ten_minutes_and_five_a_day() {
        let dir = tempfile::tempdir().expect("temp dir");
        let start: i64 = 1_800_000_000_000;
        let services = services(&dir, start);
        let request = request("caps@example.com");
        let mut queued_at = Vec::new();
        // A signup every 4 minutes for a day.
        for step in 0..(24 * 60 / 4) {
            let now = start + step * 4 * MINUTE;
            if queued(&services, &request, now) {
                queued_at.push(now);
            }
        }
        assert_eq!(queued_at.len(), 5, "five a day");
        for pair in queued_at.windows(2) {
            assert!(pair[1] - pair[0] >= 10 * MINUTE, "ten minutes apart");
        }
        // The next day the address may be mailed again.
        let tomorrow = start + 24 * 60 * MINUTE + MINUTE;
        assert!(queued(&services, &request, tomorrow));
    }

    #[test]
    fn the_caps_count_the_mailbox_not_the_address_as_typed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let start: i64 = 1_800_000_000_000;
        let services = services(&dir, start);
        let variants = [
            "victim@example.com",
            "Victim@example.com",
            "VICTIM@EXAMPLE.COM",
            "victim+1@example.com",
            "victim+news@example.com",
            "Victim+2@Example.com",
        ];
        let mut queued_at = Vec::new();
        // Every variant, one after the other, every 11 minutes for a day.
        for step in 0..(24 * 60 / 11) {
            let now = start + step * 11 * MINUTE;
            let request = request(variants[step as usize % variants.len()]);
            if queued(&services, &request, now) {
                queued_at.push(now);
            }
        }
        assert_eq!(queued_at.len(), 5, "five a day for the one mailbox");
        // A minute after a variant was mailed, another variant gets nothing.
        let soon = start + 24 * 60 * MINUTE + 2 * MINUTE;
        assert!(queued(&services, &request("other@example.com"), soon));
        assert!(queued(&services, &request("victim@example.com"), soon));
        assert!(!queued(
            &services,
            &request("VICTIM+x@example.com"),
            soon + MINUTE
        ));
        // Each address is still stored as it was typed.
        let mut conn = services.db.read_conn().expect("connection");
        for typed in variants {
            let parsed = SubscriberEmail::parse(typed).expect("address");
            let stored = subscriptions::subscriber_by_email(&mut conn, parsed.as_str());
            assert!(stored.expect("query").is_some(), "{typed} stored as typed");
        }
    }
}
