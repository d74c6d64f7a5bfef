-- Background work has one home. Every process that runs it (`serve` or
-- `worker`) registers here and renews its heartbeat every few seconds; what
-- a process whose heartbeat stopped had claimed is given back to the others.
CREATE TABLE processes (
    id           TEXT PRIMARY KEY NOT NULL,
    role         TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

-- A job: its kind, what it needs (JSON), when it may run and who holds it.
-- A job keeps its progress in the rows it works on, so whichever process
-- claims it next carries on where the last one stopped.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
    run_at      BIGINT NOT NULL,
    claimed_by  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    request_id  TEXT,
    created_at  BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_claimed ON jobs (claimed_by) WHERE claimed_by IS NOT NULL;

-- When each scheduled job is next due. The process that moves the time on
-- queues the run, so a schedule runs once however many processes there are.
CREATE TABLE schedules (
    name        TEXT PRIMARY KEY NOT NULL,
    next_run_at BIGINT NOT NULL
);

-- Outbox claims name a process and end with its heartbeat, not with a lease.
ALTER TABLE outbox DROP COLUMN claimed_until;
UPDATE outbox SET claimed_by = NULL;
CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;

-- Imports: the uploaded file is kept in the database until the import job
-- has read it, and the job's place in it is kept on the import. Refused
-- lines are rows of their own instead of one growing text.
-- The reports written before, kept aside while the table is rebuilt.
CREATE TEMP TABLE old_reports AS SELECT id, report FROM imports WHERE report <> '';

CREATE TABLE imports_rebuilt (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id       BIGINT NOT NULL REFERENCES lists (id),
    admin_email   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('uploading', 'running', 'done', 'failed')),
    total         INTEGER NOT NULL,
    processed     INTEGER NOT NULL,
    added         INTEGER NOT NULL,
    skipped       INTEGER NOT NULL,
    file_size     BIGINT NOT NULL DEFAULT 0,
    cursor_offset BIGINT NOT NULL DEFAULT 0,
    cursor_line   BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT
);
INSERT INTO imports_rebuilt (id, list_id, admin_email, status, total, processed, added, skipped, created_at, finished_at)
    SELECT id, list_id, admin_email, status, total, processed, added, skipped, created_at, finished_at FROM imports;
DROP TABLE imports;
ALTER TABLE imports_rebuilt RENAME TO imports;

CREATE TABLE import_chunks (
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE import_problems (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line      BIGINT NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX import_problems_import ON import_problems (import_id, id);
-- Each "line N: reason" of the reports written before.
INSERT INTO import_problems (import_id, line, reason)
WITH RECURSIVE split(import_id, rest, line) AS (
    SELECT id, report, NULL FROM old_reports
    UNION ALL
    SELECT import_id,
           substr(rest, instr(rest, char(10)) + 1),
           substr(rest, 1, instr(rest, char(10)) - 1)
    FROM split WHERE instr(rest, char(10)) > 0
)
SELECT import_id,
       CAST(substr(line, 6, instr(line, ':') - 6) AS INTEGER),
       substr(line, instr(line, ':') + 2)
FROM split WHERE line LIKE 'line %: %';
DROP TABLE old_reports;

-- The mailbox an address most likely reaches: lowercase, without a +tag.
-- What is sent is counted by it, so that Victim@, VICTIM@ and victim+1@
-- share one cap; the address itself stays as typed.
ALTER TABLE subscribers ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
UPDATE subscribers SET email_key = lower(
    CASE WHEN instr(substr(email, 1, instr(email, '@') - 1), '+') > 1
         THEN substr(email, 1, instr(email, '+') - 1) || substr(email, instr(email, '@'))
         ELSE email
    END);
CREATE INDEX subscribers_mailbox ON subscribers (email_key);
