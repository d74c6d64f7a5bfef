-- Tamper-evident consent (contract §11). Each consent event has a digest of
-- its fields and a place in one chain: chain = SHA-256(previous chain ||
-- digest). The ledger has no foreign key to the events, so an erasure
-- removes an event's content and keeps its digest and its link.
CREATE TABLE consent_ledger (
    -- 1, 2, 3… in the order the events were recorded.
    position  BIGINT PRIMARY KEY,
    event_id  BIGINT NOT NULL UNIQUE,
    digest    TEXT NOT NULL,
    chain     TEXT NOT NULL,
    -- Set when an erasure removed the event's content.
    erased_at BIGINT
);

-- The newest link, locked by every transaction that appends one, so that
-- the chain stays linear however many processes write.
CREATE TABLE ledger_head (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    position     BIGINT NOT NULL,
    chain        TEXT NOT NULL,
    -- Events up to this id were recorded before the ledger existed; they
    -- are chained once, at the next start.
    legacy_until BIGINT NOT NULL
);
INSERT INTO ledger_head (id, position, chain, legacy_until)
SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000', COALESCE(MAX(id), 0) FROM consent_events;

-- Each run of the verification, for the dashboard.
CREATE TABLE ledger_checks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    checked_at   BIGINT NOT NULL,
    events       BIGINT NOT NULL,
    head         TEXT NOT NULL,
    -- The first event that no longer matches, and how; NULL when intact.
    broken_event BIGINT,
    problem      TEXT
);

-- A link is written once; the only change allowed is marking an erasure.
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
