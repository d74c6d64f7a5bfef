-- Links name their token's row: ID.SECRET. A link is read by primary key and
-- its secret checked against the row's hash, so new token rows are appended
-- at the end of the table instead of landing at random places in a unique
-- index on the hash. SQLite cannot drop a column's UNIQUE constraint, so the
-- table is rebuilt.
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
    SELECT id, token_hash, purpose, subscription_id, created_at, expires_at, used_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_rebuilt RENAME TO tokens;
CREATE INDEX tokens_subscription ON tokens (subscription_id);

-- Links mailed before carry the secret alone: they are found by its hash.
-- Only their rows are here; nothing is added to this table any more.
CREATE TABLE old_link_hashes (
    token_hash BLOB PRIMARY KEY,
    token_id   BIGINT NOT NULL REFERENCES tokens (id) ON DELETE CASCADE
);
INSERT INTO old_link_hashes (token_hash, token_id) SELECT token_hash, id FROM tokens;
CREATE INDEX old_link_hashes_token ON old_link_hashes (token_id);
