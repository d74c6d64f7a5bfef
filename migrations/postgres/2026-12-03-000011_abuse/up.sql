-- Requests turned away before they reached a subscription (contract §14),
-- counted by day so the dashboard can show them without a scan.
CREATE TABLE turned_away (
    day    BIGINT NOT NULL,
    reason TEXT NOT NULL,
    count  BIGINT NOT NULL,
    PRIMARY KEY (day, reason)
);

-- Proof-of-work challenges already used for a signup: each is good once.
-- Kept until it would have expired anyway.
CREATE TABLE spent_challenges (
    challenge  TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX spent_challenges_expiry ON spent_challenges (expires_at);
