ALTER TABLE tokens ADD CONSTRAINT tokens_token_hash_key UNIQUE (token_hash);
DROP TABLE old_link_hashes;
