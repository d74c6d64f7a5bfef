DROP TRIGGER segment_changes_list_language ON lists;
DROP FUNCTION segment_rebuild_all();
DROP TRIGGER segment_changes_bounce ON bounces;
DROP TRIGGER segment_changes_field ON subscriber_fields;
DROP TRIGGER segment_changes_subscription ON subscriptions;
DROP FUNCTION segment_changes_note();
DROP TABLE segment_changes;
ALTER TABLE segments DROP COLUMN built_through;
DROP TABLE segment_members;
