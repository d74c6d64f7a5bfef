-- An erasure is itself a link of the chain (contract §11): it names the
-- digests of the events whose content it removed, so that a link marked
-- erased by hand, with no erasure naming it, is caught.
CREATE TABLE ledger_erasures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at BIGINT NOT NULL,
    -- The erased events' digests, a JSON array in the order of their links.
    digests     TEXT NOT NULL
);

-- A link is now an event's or an erasure's.
CREATE TABLE consent_ledger_linked (
    position   BIGINT PRIMARY KEY,
    event_id   BIGINT UNIQUE,
    erasure_id BIGINT UNIQUE,
    digest     TEXT NOT NULL,
    chain      TEXT NOT NULL,
    erased_at  BIGINT,
    CHECK ((event_id IS NULL) <> (erasure_id IS NULL))
);
INSERT INTO consent_ledger_linked (position, event_id, digest, chain, erased_at)
    SELECT position, event_id, digest, chain, erased_at FROM consent_ledger;
DROP TRIGGER consent_ledger_append_only;
DROP TRIGGER consent_ledger_kept;
DROP TABLE consent_ledger;
ALTER TABLE consent_ledger_linked RENAME TO consent_ledger;

-- A link is written once; the only change allowed is marking an erasure.
CREATE TRIGGER consent_ledger_append_only BEFORE UPDATE ON consent_ledger
WHEN NEW.position IS NOT OLD.position OR NEW.event_id IS NOT OLD.event_id
  OR NEW.erasure_id IS NOT OLD.erasure_id
  OR NEW.digest IS NOT OLD.digest OR NEW.chain IS NOT OLD.chain
  OR OLD.erased_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;
CREATE TRIGGER consent_ledger_kept BEFORE DELETE ON consent_ledger
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;
CREATE TRIGGER ledger_erasures_kept BEFORE UPDATE ON ledger_erasures
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;
CREATE TRIGGER ledger_erasures_not_deleted BEFORE DELETE ON ledger_erasures
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;
