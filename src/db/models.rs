//! Rows as they are read and written, with typed ids and states.

use diesel::prelude::*;

use super::schema::{
    broadcasts, consent_events, imports, jobs, lists, outbox, subscribers, subscriptions, tokens,
};
use crate::domain::ledger::EventFacts;
use crate::domain::{
    Act, BroadcastId, Channel, EventId, ImportId, JobId, ListId, MessageId, MessageKind,
    MessageStatus, SegmentId, SequenceStepId, Status, SubscriberId, SubscriptionId, TokenId,
    TokenPurpose,
};
use crate::i18n::Lang;

/// The states and kinds rows hold, defined with the other values of the
/// domain.
pub use crate::domain::{BroadcastStatus, ImportStatus, JobKind, JobStatus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lists)]
pub struct List {
    pub id: ListId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub consent_wording: String,
    pub consent_version: i32,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    pub language: String,
}

impl List {
    /// The language its pages and messages speak.
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.language).unwrap_or_default()
    }
}

/// What a message says of its list.
#[derive(Debug, Clone, Queryable)]
pub struct ListLabel {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub language: String,
}

impl ListLabel {
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.language).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscribers)]
pub struct Subscriber {
    pub id: SubscriberId,
    pub email: String,
    pub name: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub subscriber_id: SubscriberId,
    pub list_id: ListId,
    pub status: Status,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub unsubscribed_at: Option<i64>,
    pub consented_at: Option<i64>,
    pub reconfirm_sent_at: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tokens)]
pub struct TokenRow {
    pub id: TokenId,
    pub token_hash: Vec<u8>,
    pub purpose: TokenPurpose,
    pub subscription_id: SubscriptionId,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The broadcast whose copy carried this unsubscribe link.
    pub broadcast_id: Option<BroadcastId>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = consent_events)]
pub struct NewConsentEvent<'a> {
    pub subscription_id: SubscriptionId,
    pub act: Act,
    pub channel: Channel,
    pub occurred_at: i64,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub source: Option<&'a str>,
    pub wording_version: Option<i32>,
    pub wording_sha256: Option<&'a str>,
}

impl NewConsentEvent<'_> {
    pub fn facts(&self, id: EventId) -> EventFacts<'_> {
        EventFacts {
            id,
            subscription_id: self.subscription_id,
            act: self.act,
            channel: self.channel,
            occurred_at: self.occurred_at,
            client_ip: self.client_ip,
            user_agent: self.user_agent,
            source: self.source,
            wording_version: self.wording_version,
            wording_sha256: self.wording_sha256,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consent_events)]
pub struct ConsentEvent {
    pub id: EventId,
    pub subscription_id: SubscriptionId,
    pub act: Act,
    pub channel: Channel,
    pub occurred_at: i64,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub source: Option<String>,
    pub wording_version: Option<i32>,
    pub wording_sha256: Option<String>,
}

impl ConsentEvent {
    pub fn facts(&self) -> EventFacts<'_> {
        EventFacts {
            id: self.id,
            subscription_id: self.subscription_id,
            act: self.act,
            channel: self.channel,
            occurred_at: self.occurred_at,
            client_ip: self.client_ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
            source: self.source.as_deref(),
            wording_version: self.wording_version,
            wording_sha256: self.wording_sha256.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: MessageId,
    pub subscription_id: Option<SubscriptionId>,
    pub kind: MessageKind,
    pub sender: String,
    pub recipient: String,
    /// The whole message, for rows queued before the outbox kept drafts.
    pub message: Vec<u8>,
    pub status: MessageStatus,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub claimed_by: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub confirm_link: Option<String>,
    pub unsubscribe_link: Option<String>,
    pub priority: i32,
    pub broadcast_id: Option<BroadcastId>,
    pub retried_at: Option<i64>,
    pub sequence_step_id: Option<SequenceStepId>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = imports)]
pub struct Import {
    pub id: ImportId,
    pub list_id: ListId,
    pub admin_email: String,
    pub status: ImportStatus,
    pub total: i32,
    pub processed: i32,
    pub added: i32,
    pub skipped: i32,
    pub file_size: i64,
    /// Where the next unread line of the file starts…
    pub cursor_offset: i64,
    /// …and the number of the line before it.
    pub cursor_line: i64,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    /// The file's header line, which names its columns.
    pub header: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = broadcasts)]
pub struct Broadcast {
    pub id: BroadcastId,
    pub list_id: ListId,
    pub subject: String,
    /// Markdown.
    pub body: String,
    pub status: BroadcastStatus,
    pub send_at: Option<i64>,
    pub total: i32,
    pub cursor: i64,
    pub queued_all: bool,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub public: bool,
    pub segment_id: Option<SegmentId>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub payload: String,
    pub status: JobStatus,
    pub run_at: i64,
    pub claimed_by: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub request_id: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}
