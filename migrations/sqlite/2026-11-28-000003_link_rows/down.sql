DROP TABLE old_link_hashes;
CREATE TABLE tokens_rebuilt (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash      BLOB NOT NULL UNIQUE,
    purpose         TEXT NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT,
    used_at         BIGINT,
    revoked_at      BIGINT
);
INSERT INTO tokens_rebuilt (id, token_hash, purpose, subscription_id, created_at, expires_at, used_at, revoked_at)
    SELECT id, token_hash, purpose, subscription_id, created_at, expires_at, used_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_rebuilt RENAME TO tokens;
CREATE INDEX tokens_subscription ON tokens (subscription_id);
