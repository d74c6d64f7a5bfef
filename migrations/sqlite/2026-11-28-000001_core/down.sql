DROP TABLE outbox;
DROP TABLE consent_events;
DROP TABLE tokens;
DROP TABLE subscriptions;
DROP TABLE subscribers;
DROP TABLE consent_wordings;
DROP TABLE lists;
DROP TABLE settings;
