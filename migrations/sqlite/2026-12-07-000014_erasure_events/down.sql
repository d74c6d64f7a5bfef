DROP TRIGGER ledger_erasures_kept;
DROP TRIGGER ledger_erasures_not_deleted;
DROP TRIGGER consent_ledger_append_only;
DROP TRIGGER consent_ledger_kept;
CREATE TABLE consent_ledger_events (
    position  BIGINT PRIMARY KEY,
    event_id  BIGINT NOT NULL UNIQUE,
    digest    TEXT NOT NULL,
    chain     TEXT NOT NULL,
    erased_at BIGINT
);
INSERT INTO consent_ledger_events (position, event_id, digest, chain, erased_at)
    SELECT position, event_id, digest, chain, erased_at FROM consent_ledger
    WHERE event_id IS NOT NULL;
DROP TABLE consent_ledger;
ALTER TABLE consent_ledger_events RENAME TO consent_ledger;
CREATE TRIGGER consent_ledger_append_only BEFORE UPDATE ON consent_ledger
WHEN NEW.position IS NOT OLD.position OR NEW.event_id IS NOT OLD.event_id
  OR NEW.digest IS NOT OLD.digest OR NEW.chain IS NOT OLD.chain
  OR OLD.erased_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;
CREATE TRIGGER consent_ledger_kept BEFORE DELETE ON consent_ledger
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;
DROP TABLE ledger_erasures;
