DELETE FROM tokens WHERE purpose IN ('rejoin', 'record', 'erase');
ALTER TABLE tokens DROP CONSTRAINT tokens_purpose_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_purpose_check CHECK (purpose IN ('confirm', 'unsubscribe'));
