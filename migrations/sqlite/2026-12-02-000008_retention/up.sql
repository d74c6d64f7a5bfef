-- Re-permission (contract §10): when each subscription's last positive act
-- was, and when it was last asked to confirm again.
ALTER TABLE subscriptions ADD COLUMN consented_at BIGINT;
ALTER TABLE subscriptions ADD COLUMN reconfirm_sent_at BIGINT;
UPDATE subscriptions SET consented_at = confirmed_at WHERE status = 'confirmed';
CREATE INDEX subscriptions_consent_age ON subscriptions (status, consented_at);
CREATE INDEX subscriptions_reconfirming ON subscriptions (reconfirm_sent_at)
    WHERE reconfirm_sent_at IS NOT NULL;
-- The pending purge looks for old requests only.
CREATE INDEX subscriptions_pending_age ON subscriptions (status, created_at);
