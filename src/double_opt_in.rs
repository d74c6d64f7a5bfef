//! The double opt-in path: signup, confirmation, unsubscribe.
//!
//! Each step is one database transaction that changes the subscription,
//! appends its consent event and queues the message it causes, so either all
//! of it is stored or none of it is. These functions are blocking; callers
//! run them through `Database::write`.

use std::time::Duration;

use diesel::Connection;

use crate::db::models::{List, NewConsentEvent, Subscription};
use crate::db::outbox::Recipient;
use crate::db::tokens::Purpose;
use crate::db::{self, DbConn, DbError, lists, outbox, subscriptions, tokens};
use crate::domain::list::wording_hash;
use crate::domain::{
    Act, Channel, Evidence, LinkRef, LinkToken, Status, SubscriberEmail, SubscriberName, Token,
};
use crate::mail::templates::Confirmation;
use crate::mail::{ComposeError, Composer, Draft, EmailContent};

/// A pending address is sent its confirmation at most this often…
pub const RESEND_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// …and at most this many times a day.
pub const RESENDS_PER_DAY: usize = 5;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error("no entropy for a token: {0}")]
    Entropy(#[from] rand::rngs::SysError),
}

impl From<diesel::result::Error> for FlowError {
    fn from(e: diesel::result::Error) -> Self {
        FlowError::Db(DbError::Query(e))
    }
}

/// Everything the flows need besides the connection.
#[derive(Debug, Clone)]
pub struct FlowContext {
    pub composer: Composer,
    pub confirm_ttl: Duration,
    /// The slug `GET /` offers when a signup names no list.
    pub default_list: String,
}

pub struct SignupRequest {
    pub email: SubscriberEmail,
    pub name: Option<SubscriberName>,
    /// `None`: the default list.
    pub list: Option<String>,
    pub channel: Channel,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignupOutcome {
    /// Stored; `queued` says whether a confirmation was queued (the visitor
    /// is never told).
    Accepted {
        list_name: String,
        queued: bool,
    },
    UnknownList,
}

/// Records a signup and, when the caps allow, queues its confirmation.
pub fn signup(
    conn: &mut DbConn,
    ctx: &FlowContext,
    request: &SignupRequest,
    now: i64,
) -> Result<SignupOutcome, FlowError> {
    conn.transaction(|conn| record_signup(conn, ctx, request, now))
}

fn record_signup(
    conn: &mut DbConn,
    ctx: &FlowContext,
    request: &SignupRequest,
    now: i64,
) -> Result<SignupOutcome, FlowError> {
    let list = match &request.list {
        Some(slug) => lists::by_slug(conn, slug)?,
        None => lists::default_list(conn, &ctx.default_list)?,
    };
    let Some(list) = list else {
        return Ok(SignupOutcome::UnknownList);
    };
    let subscriber = subscriptions::insert_or_get_subscriber(
        conn,
        request.email.as_str(),
        request.name.as_ref().map(SubscriberName::as_str),
        now,
    )?;
    let (subscription, created) = subscriptions::insert_or_get(conn, subscriber.id, list.id, now)?;
    let subscription = if created {
        subscription
    } else {
        db::backend::lock_subscription(conn, subscription.id)?;
        // Read again under the lock: another process may have just changed it.
        subscriptions::by_id(conn, subscription.id)?
    };

    let accepted = |queued| SignupOutcome::Accepted {
        list_name: list.name.clone(),
        queued,
    };
    match subscription.status() {
        // Nothing new to send, and nothing to record.
        Status::Confirmed => return Ok(accepted(false)),
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
    // A subscription created just now has had nothing sent yet.
    if !created && !may_send_confirmation(conn, subscription.id, now)? {
        return Ok(accepted(false));
    }
    queue_confirmation(conn, ctx, subscription.id, &request.email, now, now)?;
    Ok(accepted(true))
}

/// The resend caps, counted from the outbox so they hold across processes.
fn may_send_confirmation(
    conn: &mut DbConn,
    subscription_id: i64,
    now: i64,
) -> Result<bool, FlowError> {
    let sent = outbox::queued_times(conn, subscription_id, Confirmation::KIND, now - DAY_MS)?;
    let interval_ms = RESEND_INTERVAL.as_millis() as i64;
    let too_soon = sent.first().is_some_and(|last| now - last < interval_ms);
    Ok(!too_soon && sent.len() < RESENDS_PER_DAY)
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSummary {
    pub name: String,
    pub slug: String,
    pub description: String,
}

impl From<&List> for ListSummary {
    fn from(list: &List) -> Self {
        Self {
            name: list.name.clone(),
            slug: list.slug.clone(),
            description: list.description.clone(),
        }
    }
}

/// Looks at a confirmation link without changing anything (`GET`).
pub fn inspect_confirmation(
    conn: &mut DbConn,
    link: &LinkRef,
    now: i64,
) -> Result<ConfirmState, FlowError> {
    let Some(token) = tokens::find(conn, link, Purpose::Confirm)? else {
        return Ok(ConfirmState::NotFound);
    };
    let subscription = subscriptions::by_id(conn, token.subscription_id)?;
    let list = ListSummary::from(&lists::by_id(conn, subscription.list_id)?);
    Ok(confirm_state(&token, &subscription, list, now))
}

fn confirm_state(
    token: &db::models::TokenRow,
    subscription: &Subscription,
    list: ListSummary,
    now: i64,
) -> ConfirmState {
    if token.revoked_at.is_some() {
        return ConfirmState::Withdrawn { list };
    }
    match subscription.status() {
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
pub fn confirm(
    conn: &mut DbConn,
    ctx: &FlowContext,
    link: &LinkRef,
    evidence: &Evidence,
    now: i64,
) -> Result<ConfirmState, FlowError> {
    conn.transaction(|conn| {
        let Some(token) = tokens::find(conn, link, Purpose::Confirm)? else {
            return Ok(ConfirmState::NotFound);
        };
        db::backend::lock_subscription(conn, token.subscription_id)?;
        let subscription = subscriptions::by_id(conn, token.subscription_id)?;
        let list = lists::by_id(conn, subscription.list_id)?;
        let state = confirm_state(&token, &subscription, ListSummary::from(&list), now);
        if !matches!(state, ConfirmState::Pending { .. }) {
            return Ok(state);
        }
        subscriptions::mark_confirmed(conn, subscription.id, now)?;
        tokens::mark_used(conn, token.id, now)?;
        // The act confirms the request, under the wording that request showed.
        let request = subscriptions::last_request(conn, subscription.id)?;
        let wording = request
            .as_ref()
            .and_then(|r| Some((r.wording_version?, r.wording_sha256.as_deref()?)));
        append_event(
            conn,
            subscription.id,
            Act::Confirmed,
            Channel::ConfirmButton,
            evidence,
            wording,
            now,
        )?;

        let subscriber = subscriptions::subscriber_by_id(conn, subscription.subscriber_id)?;
        if let Ok(email) = SubscriberEmail::parse(&subscriber.email) {
            let unsubscribe = issue_token(conn, subscription.id, Purpose::Unsubscribe, now, None)?;
            let to = Recipient {
                subscription_id: subscription.id,
                email: &email,
                sender: &ctx.composer.sender(),
            };
            outbox::enqueue(conn, &Draft::Welcome { unsubscribe }, &to, now)?;
        }
        Ok(ConfirmState::Confirmed {
            list: ListSummary::from(&list),
        })
    })
}

/// What an unsubscribe link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsubscribeState {
    Subscribed { list: ListSummary },
    AlreadyUnsubscribed { list: ListSummary },
    NotFound,
}

/// Looks at an unsubscribe link without changing anything (`GET`).
pub fn inspect_unsubscribe(
    conn: &mut DbConn,
    link: &LinkRef,
) -> Result<UnsubscribeState, FlowError> {
    let Some(token) = tokens::find(conn, link, Purpose::Unsubscribe)? else {
        return Ok(UnsubscribeState::NotFound);
    };
    let subscription = subscriptions::by_id(conn, token.subscription_id)?;
    let list = ListSummary::from(&lists::by_id(conn, subscription.list_id)?);
    Ok(match subscription.status() {
        Status::Unsubscribed => UnsubscribeState::AlreadyUnsubscribed { list },
        _ => UnsubscribeState::Subscribed { list },
    })
}

/// Ends the subscription. From a pending one this declines the request:
/// its confirmation links stop working and nothing more is sent until a
/// new signup. Idempotent.
pub fn unsubscribe(
    conn: &mut DbConn,
    link: &LinkRef,
    channel: Channel,
    evidence: &Evidence,
    now: i64,
) -> Result<UnsubscribeState, FlowError> {
    conn.transaction(|conn| {
        let Some(token) = tokens::find(conn, link, Purpose::Unsubscribe)? else {
            return Ok(UnsubscribeState::NotFound);
        };
        db::backend::lock_subscription(conn, token.subscription_id)?;
        let subscription = subscriptions::by_id(conn, token.subscription_id)?;
        let list = ListSummary::from(&lists::by_id(conn, subscription.list_id)?);
        if end_subscription(conn, &subscription, channel, evidence, now)? {
            Ok(UnsubscribeState::Subscribed { list })
        } else {
            Ok(UnsubscribeState::AlreadyUnsubscribed { list })
        }
    })
}

/// Unsubscribes, or declines a pending request, inside the caller's
/// transaction; false when it had ended already.
pub(crate) fn end_subscription(
    conn: &mut DbConn,
    subscription: &Subscription,
    channel: Channel,
    evidence: &Evidence,
    now: i64,
) -> Result<bool, FlowError> {
    let act = match subscription.status() {
        Status::Unsubscribed => return Ok(false),
        Status::Pending => Act::Declined,
        Status::Confirmed => Act::Unsubscribed,
    };
    subscriptions::mark_unsubscribed(conn, subscription.id, now)?;
    tokens::revoke_confirm_tokens(conn, subscription.id, now)?;
    outbox::cancel_for_subscription(conn, subscription.id)?;
    append_event(conn, subscription.id, act, channel, evidence, None, now)?;
    Ok(true)
}

/// Issues fresh links and queues a confirmation for a pending subscription,
/// to be sent no earlier than `send_at`.
pub(crate) fn queue_confirmation(
    conn: &mut DbConn,
    ctx: &FlowContext,
    subscription_id: i64,
    email: &SubscriberEmail,
    now: i64,
    send_at: i64,
) -> Result<(), FlowError> {
    let confirm = issue_token(
        conn,
        subscription_id,
        Purpose::Confirm,
        now,
        Some(ctx.confirm_ttl),
    )?;
    let unsubscribe = issue_token(conn, subscription_id, Purpose::Unsubscribe, now, None)?;
    let to = Recipient {
        subscription_id,
        email,
        sender: &ctx.composer.sender(),
    };
    let draft = Draft::Confirmation {
        confirm,
        unsubscribe,
    };
    outbox::enqueue_at(conn, &draft, &to, now, send_at)?;
    Ok(())
}

pub(crate) fn append_event(
    conn: &mut DbConn,
    subscription_id: i64,
    act: Act,
    channel: Channel,
    evidence: &Evidence,
    wording: Option<(i32, &str)>,
    now: i64,
) -> Result<(), FlowError> {
    subscriptions::append_event(
        conn,
        &NewConsentEvent {
            subscription_id,
            act: act.as_str(),
            channel: channel.as_str(),
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

fn issue_token(
    conn: &mut DbConn,
    subscription_id: i64,
    purpose: Purpose,
    now: i64,
    ttl: Option<Duration>,
) -> Result<LinkToken, FlowError> {
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
