-- A message is composed when it is sent, from its kind, its subscription's
-- list and the links it carries, which are kept here until then. A queued
-- row stays small: the composed message was most of what a signup wrote.
-- Rows queued before carry their composed message in `message`.
ALTER TABLE outbox ADD COLUMN confirm_link TEXT;
ALTER TABLE outbox ADD COLUMN unsubscribe_link TEXT;
