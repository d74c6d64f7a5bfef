DROP TABLE bulk_actions;
DROP INDEX subscriber_fields_value_trigrams;
DROP INDEX subscribers_name_trigrams;
DROP TABLE segments;
