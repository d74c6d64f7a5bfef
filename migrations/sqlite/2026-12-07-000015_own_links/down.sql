CREATE TABLE old_link_hashes_kept AS SELECT token_hash, token_id FROM old_link_hashes;
DROP TABLE old_link_hashes;
CREATE TABLE tokens_rebuilt (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash      BLOB NOT NULL,
    purpose         TEXT NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT,
    used_at         BIGINT,
    revoked_at      BIGINT
);
INSERT INTO tokens_rebuilt (id, token_hash, purpose, subscription_id, created_at, expires_at, used_at, revoked_at)
    SELECT id, token_hash, purpose, subscription_id, created_at, expires_at, used_at, revoked_at FROM tokens
    WHERE purpose IN ('confirm', 'unsubscribe');
DROP TABLE tokens;
ALTER TABLE tokens_rebuilt RENAME TO tokens;
CREATE INDEX tokens_subscription ON tokens (subscription_id);
CREATE TABLE old_link_hashes (
    token_hash BLOB PRIMARY KEY,
    token_id   BIGINT NOT NULL REFERENCES tokens (id) ON DELETE CASCADE
);
INSERT INTO old_link_hashes (token_hash, token_id) SELECT token_hash, token_id FROM old_link_hashes_kept;
DROP TABLE old_link_hashes_kept;
CREATE INDEX old_link_hashes_token ON old_link_hashes (token_id);
