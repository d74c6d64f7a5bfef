DROP INDEX subscriptions_reconfirming;
CREATE INDEX subscriptions_reconfirming ON subscriptions (reconfirm_sent_at)
    WHERE reconfirm_sent_at IS NOT NULL;
DROP TRIGGER act_tallies_keep ON consent_events;
DROP FUNCTION act_tallies_keep();
DROP TABLE act_tallies;
DROP TRIGGER subscription_tallies_keep ON subscriptions;
DROP FUNCTION subscription_tallies_keep();
DROP TABLE subscription_tallies;
DROP INDEX subscribers_email_trigrams;
