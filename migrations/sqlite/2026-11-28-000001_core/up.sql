-- Times are Unix milliseconds (BIGINT), the one representation both backends share.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE lists (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL,
    consent_wording TEXT NOT NULL,
    consent_version INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    archived_at     BIGINT
);

-- Every wording a list has shown, so an event's version can be read back.
CREATE TABLE consent_wordings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id    BIGINT NOT NULL REFERENCES lists (id),
    version    INTEGER NOT NULL,
    wording    TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (list_id, version)
);

CREATE TABLE subscribers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email      TEXT NOT NULL UNIQUE,
    name       TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id   BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    list_id         BIGINT NOT NULL REFERENCES lists (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
    created_at      BIGINT NOT NULL,
    confirmed_at    BIGINT,
    unsubscribed_at BIGINT,
    UNIQUE (subscriber_id, list_id)
);
CREATE INDEX subscriptions_list_status ON subscriptions (list_id, status);

CREATE TABLE tokens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash      BLOB NOT NULL UNIQUE,
    purpose         TEXT NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT,
    used_at         BIGINT,
    revoked_at      BIGINT
);
CREATE INDEX tokens_subscription ON tokens (subscription_id);

CREATE TABLE consent_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    act             TEXT NOT NULL,
    channel         TEXT NOT NULL,
    occurred_at     BIGINT NOT NULL,
    client_ip       TEXT,
    user_agent      TEXT,
    source          TEXT,
    wording_version INTEGER,
    wording_sha256  TEXT
);
CREATE INDEX consent_events_subscription ON consent_events (subscription_id);

-- Evidence is appended, never rewritten.
CREATE TRIGGER consent_events_append_only BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent events are append-only');
END;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    sender          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    message         BLOB NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    claimed_by      TEXT,
    claimed_until   BIGINT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_subscription ON outbox (subscription_id, kind, created_at);
