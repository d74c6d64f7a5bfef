//! Rows as they are read and written.

use diesel::prelude::*;

use super::schema::{consent_events, lists, outbox, subscribers, subscriptions, tokens};
use crate::domain::Status;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lists)]
pub struct List {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub consent_wording: String,
    pub consent_version: i32,
    pub created_at: i64,
    pub archived_at: Option<i64>,
}

/// What a message says of its list.
#[derive(Debug, Clone, Queryable)]
pub struct ListLabel {
    pub name: String,
    pub slug: String,
    pub description: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscribers)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub id: i64,
    pub subscriber_id: i64,
    pub list_id: i64,
    pub status: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub unsubscribed_at: Option<i64>,
}

impl Subscription {
    pub fn status(&self) -> Status {
        // The column has a CHECK constraint; should it ever hold something
        // else, treat it as the state that sends nothing.
        Status::parse(&self.status).unwrap_or(Status::Unsubscribed)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tokens)]
pub struct TokenRow {
    pub id: i64,
    pub token_hash: Vec<u8>,
    pub purpose: String,
    pub subscription_id: i64,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = consent_events)]
pub struct NewConsentEvent<'a> {
    pub subscription_id: i64,
    pub act: &'a str,
    pub channel: &'a str,
    pub occurred_at: i64,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub source: Option<&'a str>,
    pub wording_version: Option<i32>,
    pub wording_sha256: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consent_events)]
pub struct ConsentEvent {
    pub id: i64,
    pub subscription_id: i64,
    pub act: String,
    pub channel: String,
    pub occurred_at: i64,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub source: Option<String>,
    pub wording_version: Option<i32>,
    pub wording_sha256: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub subscription_id: Option<i64>,
    pub kind: String,
    pub sender: String,
    pub recipient: String,
    pub message: Vec<u8>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<i64>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub confirm_link: Option<String>,
    pub unsubscribe_link: Option<String>,
}
