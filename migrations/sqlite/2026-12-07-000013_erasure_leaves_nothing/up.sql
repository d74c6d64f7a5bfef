-- An erased address must leave the search index's pages, not only its
-- rows: FTS5 otherwise records a deletion as a tombstone and keeps the
-- trigrams in its segments until they happen to be merged. With
-- 'secure-delete', a deletion rewrites the pages that held them, and the
-- connection's secure_delete pragma zeroes what is freed.
INSERT INTO subscribers_search (subscribers_search, rank) VALUES ('secure-delete', 1);
-- The remnants of erasures made before: the index is written afresh.
INSERT INTO subscribers_search (subscribers_search) VALUES ('rebuild');
