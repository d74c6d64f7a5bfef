DROP INDEX subscriptions_pending_age;
DROP INDEX subscriptions_reconfirming;
DROP INDEX subscriptions_consent_age;
ALTER TABLE subscriptions DROP COLUMN reconfirm_sent_at;
ALTER TABLE subscriptions DROP COLUMN consented_at;
