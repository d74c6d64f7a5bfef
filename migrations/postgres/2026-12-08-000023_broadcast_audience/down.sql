ALTER TABLE tokens DROP COLUMN broadcast_id;
ALTER TABLE broadcasts DROP COLUMN segment_id;
DROP TABLE broadcast_lists;
