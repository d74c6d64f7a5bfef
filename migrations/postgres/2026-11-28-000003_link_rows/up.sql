-- Links name their token's row: ID.SECRET. A link is read by primary key and
-- its secret checked against the row's hash, so new token rows are appended
-- instead of landing at random places in a unique index on the hash.

-- Links mailed before carry the secret alone: they are found by its hash.
-- Only their rows are here; nothing is added to this table any more.
CREATE TABLE old_link_hashes (
    token_hash BYTEA PRIMARY KEY,
    token_id   BIGINT NOT NULL REFERENCES tokens (id) ON DELETE CASCADE
);
INSERT INTO old_link_hashes (token_hash, token_id) SELECT token_hash, id FROM tokens;
CREATE INDEX old_link_hashes_token ON old_link_hashes (token_id);

ALTER TABLE tokens DROP CONSTRAINT tokens_token_hash_key;
