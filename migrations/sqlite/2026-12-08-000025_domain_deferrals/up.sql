-- A recipient domain whose server answered 4xx (contract §19): its
-- messages wait until `until`, while other domains keep flowing. The wait
-- at least doubles with each 4xx in a row, up to an hour; a message the
-- domain accepts ends it.
CREATE TABLE domain_deferrals (
    domain  TEXT PRIMARY KEY,
    until   BIGINT NOT NULL,
    wait_ms BIGINT NOT NULL
);
