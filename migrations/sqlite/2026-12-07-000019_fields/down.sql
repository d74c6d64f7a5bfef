ALTER TABLE imports DROP COLUMN header;
DROP TABLE subscriber_fields;
DROP TABLE list_fields;
DROP TABLE fields;
