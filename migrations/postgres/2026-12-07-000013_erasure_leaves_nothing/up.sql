-- SQLite only: its full-text index keeps deleted text until told not to.
-- PostgreSQL's trigram index holds no copy that outlives the row's vacuum.
SELECT 1;
