-- Who each segment chooses, kept behind the commit (contract §16): a count
-- at ten million subscribers reads these rows instead of testing every
-- person against every condition.
CREATE TABLE segment_members (
    segment_id    BIGINT NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    PRIMARY KEY (segment_id, subscriber_id)
);
CREATE INDEX segment_members_subscriber ON segment_members (subscriber_id);

-- How far a segment's members were built from scratch, by subscriber id;
-- NULL once they all were. A saved change starts it again from 0.
ALTER TABLE segments ADD COLUMN built_through BIGINT DEFAULT 0;

-- People whose membership may have changed since the builder last looked.
-- Only written while there is a segment: without one a signup pays nothing.
CREATE TABLE segment_changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id BIGINT NOT NULL
);

CREATE TRIGGER segment_changes_subscription_insert AFTER INSERT ON subscriptions
    WHEN EXISTS (SELECT 1 FROM segments)
BEGIN
    INSERT INTO segment_changes (subscriber_id) VALUES (new.subscriber_id);
END;
CREATE TRIGGER segment_changes_subscription_update
    AFTER UPDATE OF status, confirmed_at ON subscriptions
    WHEN EXISTS (SELECT 1 FROM segments)
BEGIN
    INSERT INTO segment_changes (subscriber_id) VALUES (new.subscriber_id);
END;
CREATE TRIGGER segment_changes_subscription_delete AFTER DELETE ON subscriptions
    WHEN EXISTS (SELECT 1 FROM segments)
BEGIN
    INSERT INTO segment_changes (subscriber_id) VALUES (old.subscriber_id);
END;
CREATE TRIGGER segment_changes_field_insert AFTER INSERT ON subscriber_fields
    WHEN EXISTS (SELECT 1 FROM segments)
BEGIN
    INSERT INTO segment_changes (subscriber_id) VALUES (new.subscriber_id);
END;
CREATE TRIGGER segment_changes_field_update AFTER UPDATE OF value ON subscriber_fields
    WHEN EXISTS (SELECT 1 FROM segments)
BEGIN
    INSERT INTO segment_changes (subscriber_id) VALUES (new.subscriber_id);
END;
CREATE TRIGGER segment_changes_field_delete AFTER DELETE ON subscriber_fields
    WHEN EXISTS (SELECT 1 FROM segments)
BEGIN
    INSERT INTO segment_changes (subscriber_id) VALUES (old.subscriber_id);
END;
CREATE TRIGGER segment_changes_bounce AFTER INSERT ON bounces
    WHEN EXISTS (SELECT 1 FROM segments)
BEGIN
    INSERT INTO segment_changes (subscriber_id) VALUES (new.subscriber_id);
END;
-- A list's language is a condition's subject: every segment is rebuilt.
CREATE TRIGGER segment_changes_list_language AFTER UPDATE OF language ON lists
    WHEN old.language <> new.language
BEGIN
    UPDATE segments SET built_through = 0;
END;
