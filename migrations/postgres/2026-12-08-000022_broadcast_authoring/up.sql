-- Writing and sending broadcasts (contract §17).

-- A copy that failed for a reason other than its recipient is sent once
-- more when the operator asks: `refused` tells the recipient's own refusal
-- (a hard bounce) apart, `retried_at` marks the one retry.
ALTER TABLE outbox ADD COLUMN refused BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE outbox ADD COLUMN retried_at BIGINT;

-- A broadcast shown in the public archive once it is sent.
ALTER TABLE broadcasts ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX broadcasts_archive ON broadcasts (finished_at)
    WHERE public AND status = 'sent';

-- Images for broadcasts. Kept in the database, so that every process that
-- shares it serves the same files and a backup holds them.
CREATE TABLE media (
    id           BIGSERIAL PRIMARY KEY,
    -- The name in its URL, from its content: the same file is stored once.
    name         TEXT NOT NULL UNIQUE,
    -- The name it was uploaded with, shown to the operators.
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
