//! Row ids, one type per table, so that a list id cannot be passed where a
//! subscriber id is meant.

use super::sql::id_type;

id_type!(
    /// A row of `lists`.
    ListId
);
id_type!(
    /// A row of `subscribers`: one person, one address.
    SubscriberId
);
id_type!(
    /// A row of `subscriptions`: one person on one list.
    SubscriptionId
);
id_type!(
    /// A row of `tokens`, named by the links that carry it.
    TokenId
);
id_type!(
    /// A row of `consent_events`.
    EventId
);
id_type!(
    /// A row of `outbox`: one message.
    MessageId
);
id_type!(
    /// A row of `admins`: an operator account.
    AdminId
);
id_type!(
    /// A row of `admin_sessions`.
    SessionId
);
id_type!(
    /// A row of `imports`.
    ImportId
);
id_type!(
    /// A row of `jobs`: a piece of background work.
    JobId
);
id_type!(
    /// A row of `audit_log`.
    AuditId
);
id_type!(
    /// A row of `broadcasts`.
    BroadcastId
);
id_type!(
    /// A row of `api_tokens`: a script's key to the API.
    ApiTokenId
);
id_type!(
    /// A row of `segments`: people chosen by conditions.
    SegmentId
);
id_type!(
    /// A row of `media`: an image uploaded for broadcasts.
    MediaId
);
id_type!(
    /// A row of `sequences`: a list's series of messages after confirming.
    SequenceId
);
id_type!(
    /// A row of `sequence_steps`: one message of a sequence.
    SequenceStepId
);
