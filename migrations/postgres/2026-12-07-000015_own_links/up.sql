-- Links a person asks for from their own page (contract §10): to join a
-- list again, to their consent record, to the page that erases them.
ALTER TABLE tokens DROP CONSTRAINT tokens_purpose_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_purpose_check
    CHECK (purpose IN ('confirm', 'unsubscribe', 'rejoin', 'record', 'erase'));
