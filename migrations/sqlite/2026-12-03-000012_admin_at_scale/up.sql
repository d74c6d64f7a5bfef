-- Address substring search without a full scan: an FTS5 index of the
-- addresses' trigrams, kept by triggers, which answers LIKE '%q%'.
CREATE VIRTUAL TABLE subscribers_search USING fts5(
    email,
    content = 'subscribers',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO subscribers_search (subscribers_search) VALUES ('rebuild');

CREATE TRIGGER subscribers_search_insert AFTER INSERT ON subscribers BEGIN
    INSERT INTO subscribers_search (rowid, email) VALUES (new.id, new.email);
END;
CREATE TRIGGER subscribers_search_delete AFTER DELETE ON subscribers BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email)
        VALUES ('delete', old.id, old.email);
END;
CREATE TRIGGER subscribers_search_update AFTER UPDATE OF email ON subscribers BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email)
        VALUES ('delete', old.id, old.email);
    INSERT INTO subscribers_search (rowid, email) VALUES (new.id, new.email);
END;

-- The counts the dashboard and the lists page show, kept as rows change
-- instead of counted on each view. Every change appends a +1 or -1 row, so
-- that no single row is one every signup must lock; the heartbeat folds
-- them into one row per key.
CREATE TABLE subscription_tallies (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id        BIGINT NOT NULL,
    status         TEXT NOT NULL,
    ever_confirmed INTEGER NOT NULL,
    n              BIGINT NOT NULL
);
CREATE INDEX subscription_tallies_key ON subscription_tallies (list_id, status, ever_confirmed);
INSERT INTO subscription_tallies (list_id, status, ever_confirmed, n)
    SELECT list_id, status, confirmed_at IS NOT NULL, COUNT(*)
    FROM subscriptions GROUP BY 1, 2, 3;

CREATE TRIGGER subscription_tallies_insert AFTER INSERT ON subscriptions BEGIN
    INSERT INTO subscription_tallies (list_id, status, ever_confirmed, n)
        VALUES (new.list_id, new.status, new.confirmed_at IS NOT NULL, 1);
END;
CREATE TRIGGER subscription_tallies_delete AFTER DELETE ON subscriptions BEGIN
    INSERT INTO subscription_tallies (list_id, status, ever_confirmed, n)
        VALUES (old.list_id, old.status, old.confirmed_at IS NOT NULL, -1);
END;
CREATE TRIGGER subscription_tallies_update AFTER UPDATE OF list_id, status, confirmed_at
    ON subscriptions
    WHEN old.list_id <> new.list_id OR old.status <> new.status
        OR (old.confirmed_at IS NULL) <> (new.confirmed_at IS NULL)
BEGIN
    INSERT INTO subscription_tallies (list_id, status, ever_confirmed, n)
        VALUES (old.list_id, old.status, old.confirmed_at IS NOT NULL, -1),
               (new.list_id, new.status, new.confirmed_at IS NOT NULL, 1);
END;

-- Consent events per day, act and channel, for the dashboard's chart and
-- its count of expired consent; kept the same way.
CREATE TABLE act_tallies (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    day     BIGINT NOT NULL,
    act     TEXT NOT NULL,
    channel TEXT NOT NULL,
    n       BIGINT NOT NULL
);
-- A bulk load leaves the tables their size once folded (PostgreSQL keeps
-- the emptied pages): reads and folds go through these indexes instead.
CREATE INDEX act_tallies_day ON act_tallies (day, act, channel);
CREATE INDEX act_tallies_channel ON act_tallies (channel);
INSERT INTO act_tallies (day, act, channel, n)
    SELECT occurred_at / 86400000 * 86400000, act, channel, COUNT(*)
    FROM consent_events GROUP BY 1, 2, 3;

CREATE TRIGGER act_tallies_insert AFTER INSERT ON consent_events BEGIN
    INSERT INTO act_tallies (day, act, channel, n)
        VALUES (new.occurred_at / 86400000 * 86400000, new.act, new.channel, 1);
END;
CREATE TRIGGER act_tallies_delete AFTER DELETE ON consent_events BEGIN
    INSERT INTO act_tallies (day, act, channel, n)
        VALUES (old.occurred_at / 86400000 * 86400000, old.act, old.channel, -1);
END;

-- Confirmed subscriptions awaiting an answer to a reconfirmation, counted
-- by the dashboard: with the status in the index, the count reads only
-- those, not every confirmed subscription.
DROP INDEX subscriptions_reconfirming;
CREATE INDEX subscriptions_reconfirming ON subscriptions (status, reconfirm_sent_at)
    WHERE reconfirm_sent_at IS NOT NULL;
