-- The operators' own fields on a subscriber (contract §16), the lists
-- whose form asks for each, and each subscriber's values.
CREATE TABLE fields (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    -- The label in each language, one line each: "en=Company".
    labels     TEXT NOT NULL,
    -- A choice's options, one a line.
    options    TEXT NOT NULL,
    required   BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE list_fields (
    list_id  BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    field_id BIGINT NOT NULL REFERENCES fields (id) ON DELETE CASCADE,
    PRIMARY KEY (list_id, field_id)
);
CREATE TABLE subscriber_fields (
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    field_id      BIGINT NOT NULL REFERENCES fields (id) ON DELETE CASCADE,
    value         TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, field_id)
);
CREATE INDEX subscriber_fields_field_value ON subscriber_fields (field_id, value);

-- The header line of an uploaded file, so that every step of its import
-- reads the columns by name: an export imports as it was (§16).
ALTER TABLE imports ADD COLUMN header TEXT;
