DROP INDEX subscriptions_reconfirming;
CREATE INDEX subscriptions_reconfirming ON subscriptions (reconfirm_sent_at)
    WHERE reconfirm_sent_at IS NOT NULL;
DROP TRIGGER act_tallies_delete;
DROP TRIGGER act_tallies_insert;
DROP TABLE act_tallies;
DROP TRIGGER subscription_tallies_update;
DROP TRIGGER subscription_tallies_delete;
DROP TRIGGER subscription_tallies_insert;
DROP TABLE subscription_tallies;
DROP TRIGGER subscribers_search_update;
DROP TRIGGER subscribers_search_delete;
DROP TRIGGER subscribers_search_insert;
DROP TABLE subscribers_search;
