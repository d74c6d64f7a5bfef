ALTER TABLE outbox DROP COLUMN unsubscribe_link;
ALTER TABLE outbox DROP COLUMN confirm_link;
