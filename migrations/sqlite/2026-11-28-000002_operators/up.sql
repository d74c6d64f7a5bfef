-- The operators' area: accounts, sessions, login throttling, the audit log,
-- the suppression list and CSV imports. Times are Unix milliseconds.

CREATE TABLE admins (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE admin_sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   BLOB NOT NULL UNIQUE,
    admin_id     BIGINT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       TEXT NOT NULL,
    client_ip   TEXT NOT NULL,
    occurred_at BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, occurred_at);
CREATE INDEX login_failures_client ON login_failures (client_ip, occurred_at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_email TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    occurred_at BIGINT NOT NULL
);

-- Erased addresses, as a keyed hash only: an import cannot bring them back.
CREATE TABLE suppressions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email_hmac TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id     BIGINT NOT NULL REFERENCES lists (id),
    admin_email TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    total       INTEGER NOT NULL,
    processed   INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    report      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    finished_at BIGINT
);

-- Keyset pagination and search over subscribers, newest first.
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber_id);
CREATE INDEX consent_events_occurred ON consent_events (occurred_at);
