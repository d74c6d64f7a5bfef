-- A broadcast goes to one or more lists, and optionally to a segment of
-- them (contract §17): one copy per person, whatever number of its lists
-- they are on. `broadcasts.list_id` stays the first list, whose language
-- and name its copies take.
CREATE TABLE broadcast_lists (
    broadcast_id BIGINT NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    list_id      BIGINT NOT NULL REFERENCES lists (id),
    PRIMARY KEY (broadcast_id, list_id)
);
INSERT INTO broadcast_lists (broadcast_id, list_id) SELECT id, list_id FROM broadcasts;

-- No foreign key: a segment deleted under a broadcast leaves it with no
-- members, so that it goes to nobody rather than to the whole lists.
ALTER TABLE broadcasts ADD COLUMN segment_id BIGINT;

-- The broadcast whose copy carried an unsubscribe link: that link leaves
-- every list the copy was addressed through.
ALTER TABLE tokens ADD COLUMN broadcast_id BIGINT;
