-- Broadcasts: a message an operator writes once and assent sends to each
-- confirmed subscriber of a list, one outbox row per recipient.
CREATE TABLE broadcasts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id     BIGINT NOT NULL REFERENCES lists (id),
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
    send_at     BIGINT,
    -- Recipients counted when sending started.
    total       INTEGER NOT NULL DEFAULT 0,
    -- The last subscription whose copy was queued, and whether all were.
    cursor      BIGINT NOT NULL DEFAULT 0,
    queued_all  BOOLEAN NOT NULL DEFAULT FALSE,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT
);
CREATE INDEX broadcasts_list ON broadcasts (list_id, id);

-- The outbox learns two states (held: a paused broadcast's copy; skipped:
-- its recipient was no longer confirmed when it was due), a priority
-- (transactional mail before broadcasts) and the broadcast of a copy.
-- SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE outbox_rebuilt (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id  BIGINT REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    sender           TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    message          BLOB NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'held', 'sent', 'failed', 'cancelled', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    claimed_by       TEXT,
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT,
    confirm_link     TEXT,
    unsubscribe_link TEXT,
    priority         INTEGER NOT NULL DEFAULT 0,
    broadcast_id     BIGINT REFERENCES broadcasts (id) ON DELETE CASCADE
);
INSERT INTO outbox_rebuilt (id, subscription_id, kind, sender, recipient, message, status, attempts,
                            next_attempt_at, last_error, claimed_by, created_at, sent_at,
                            confirm_link, unsubscribe_link)
    SELECT id, subscription_id, kind, sender, recipient, message, status, attempts,
           next_attempt_at, last_error, claimed_by, created_at, sent_at,
           confirm_link, unsubscribe_link
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
-- Claims read this index in order: transactional mail first, then copies.
CREATE INDEX outbox_due ON outbox (status, priority, next_attempt_at);
CREATE INDEX outbox_subscription ON outbox (subscription_id, kind, created_at);
CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;
-- One copy of a broadcast per subscription, whatever happens.
CREATE UNIQUE INDEX outbox_broadcast ON outbox (broadcast_id, subscription_id)
    WHERE broadcast_id IS NOT NULL;

-- ASSENT_SEND_RATE across every process: when the next copy may go out.
CREATE TABLE pacing (
    name    TEXT PRIMARY KEY NOT NULL,
    next_at BIGINT NOT NULL
);

-- Bounces and complaints as they were reported; three soft ones within a
-- week count as a hard one. A hard bounce or a complaint suppresses the
-- address from broadcasts until it is confirmed again.
CREATE TABLE bounces (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint')),
    source        TEXT NOT NULL,
    occurred_at   BIGINT NOT NULL
);
CREATE INDEX bounces_subscriber ON bounces (subscriber_id, occurred_at);
ALTER TABLE subscribers ADD COLUMN bounced_at BIGINT;

-- A broadcast walks its list's subscriptions in id order.
CREATE INDEX subscriptions_list ON subscriptions (list_id, id);
