-- Sequences (contract §18): a list's series of messages after a person
-- confirms, each step a delay after the one before.
CREATE TABLE sequences (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id      BIGINT NOT NULL REFERENCES lists (id),
    name         TEXT NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT 0,
    -- Enrolling those already confirmed when it was activated: the last
    -- subscription enrolled, moved in the transaction that enrolled it;
    -- NULL when there is no one left to enrol.
    enrol_after  BIGINT,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX sequences_list ON sequences (list_id);

CREATE TABLE sequence_steps (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sequence_id BIGINT NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    delay_ms    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (sequence_id, position)
);

-- One row per person in a sequence, whatever its length: the step that
-- goes next and when. `due_at` is NULL while a step's copy is on its
-- way, and once the person finished or left; the partial index holds only
-- the people waiting for a step, so that looking for due steps reads the
-- due ones and nothing else.
CREATE TABLE sequence_enrolments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sequence_id     BIGINT NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    next_position   INTEGER NOT NULL,
    -- When the previous step was sent (for the first, the confirmation):
    -- the next step's delay counts from it.
    since           BIGINT NOT NULL,
    due_at          BIGINT,
    enrolled_at     BIGINT NOT NULL,
    UNIQUE (sequence_id, subscription_id)
);
CREATE INDEX sequence_enrolments_due ON sequence_enrolments (sequence_id, due_at)
    WHERE due_at IS NOT NULL;

-- A step's copy names its step; composed from it when it goes, so that an
-- edit reaches the copies not yet sent.
ALTER TABLE outbox ADD COLUMN sequence_step_id BIGINT;
CREATE INDEX outbox_sequence_step ON outbox (sequence_step_id)
    WHERE sequence_step_id IS NOT NULL;
