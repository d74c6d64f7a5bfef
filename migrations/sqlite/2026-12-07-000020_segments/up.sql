-- Saved segments (contract §16): each condition kept as the form sent it,
-- a JSON array of {what, op, value}, read back through the fields and
-- lists of the moment.
CREATE TABLE segments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    matching   TEXT NOT NULL,
    rules      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The search index grows from the address to the name and the values of
-- text fields, read through a view, one line per value so that no match
-- spans two of them. An external-content index is told what it held when
-- a row goes ('delete' with the old values, read before the change), and
-- with 'secure-delete' (see 000013) the trigrams of an erased address
-- leave its pages.
DROP TRIGGER subscribers_search_insert;
DROP TRIGGER subscribers_search_delete;
DROP TRIGGER subscribers_search_update;
DROP TABLE subscribers_search;

CREATE VIEW subscribers_searched AS
    SELECT s.id, s.email, COALESCE(s.name, '') AS name,
           COALESCE((SELECT group_concat(sf.value, char(10))
                     FROM subscriber_fields sf JOIN fields f ON f.id = sf.field_id
                     WHERE sf.subscriber_id = s.id AND f.kind = 'text'), '') AS fields
    FROM subscribers s;

CREATE VIRTUAL TABLE subscribers_search USING fts5(
    email,
    name,
    fields,
    content = 'subscribers_searched',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO subscribers_search (subscribers_search, rank) VALUES ('secure-delete', 1);
INSERT INTO subscribers_search (subscribers_search) VALUES ('rebuild');

CREATE TRIGGER subscribers_search_insert AFTER INSERT ON subscribers BEGIN
    INSERT INTO subscribers_search (rowid, email, name, fields)
        VALUES (new.id, new.email, COALESCE(new.name, ''), '');
END;
CREATE TRIGGER subscribers_search_delete BEFORE DELETE ON subscribers BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email, name, fields)
        SELECT 'delete', id, email, name, fields FROM subscribers_searched WHERE id = old.id;
END;
CREATE TRIGGER subscribers_search_unindex BEFORE UPDATE OF email, name ON subscribers BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email, name, fields)
        SELECT 'delete', id, email, name, fields FROM subscribers_searched WHERE id = old.id;
END;
CREATE TRIGGER subscribers_search_update AFTER UPDATE OF email, name ON subscribers BEGIN
    INSERT INTO subscribers_search (rowid, email, name, fields)
        SELECT id, email, name, fields FROM subscribers_searched WHERE id = new.id;
END;

-- A text field's value changes what the person's row holds. When the
-- person goes too (the foreign key's cascade), the view has nothing left
-- and these do nothing.
CREATE TRIGGER subscriber_fields_search_unindex_insert BEFORE INSERT ON subscriber_fields
    WHEN (SELECT kind FROM fields WHERE id = new.field_id) = 'text'
BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email, name, fields)
        SELECT 'delete', id, email, name, fields FROM subscribers_searched
        WHERE id = new.subscriber_id;
END;
CREATE TRIGGER subscriber_fields_search_insert AFTER INSERT ON subscriber_fields
    WHEN (SELECT kind FROM fields WHERE id = new.field_id) = 'text'
BEGIN
    INSERT INTO subscribers_search (rowid, email, name, fields)
        SELECT id, email, name, fields FROM subscribers_searched WHERE id = new.subscriber_id;
END;
CREATE TRIGGER subscriber_fields_search_unindex_update BEFORE UPDATE OF value ON subscriber_fields
    WHEN (SELECT kind FROM fields WHERE id = old.field_id) = 'text'
BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email, name, fields)
        SELECT 'delete', id, email, name, fields FROM subscribers_searched
        WHERE id = old.subscriber_id;
END;
CREATE TRIGGER subscriber_fields_search_update AFTER UPDATE OF value ON subscriber_fields
    WHEN (SELECT kind FROM fields WHERE id = new.field_id) = 'text'
BEGIN
    INSERT INTO subscribers_search (rowid, email, name, fields)
        SELECT id, email, name, fields FROM subscribers_searched WHERE id = new.subscriber_id;
END;
CREATE TRIGGER subscriber_fields_search_unindex_delete BEFORE DELETE ON subscriber_fields
    WHEN (SELECT kind FROM fields WHERE id = old.field_id) = 'text'
BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email, name, fields)
        SELECT 'delete', id, email, name, fields FROM subscribers_searched
        WHERE id = old.subscriber_id;
END;
CREATE TRIGGER subscriber_fields_search_delete AFTER DELETE ON subscriber_fields
    WHEN (SELECT kind FROM fields WHERE id = old.field_id) = 'text'
BEGIN
    INSERT INTO subscribers_search (rowid, email, name, fields)
        SELECT id, email, name, fields FROM subscribers_searched WHERE id = old.subscriber_id;
END;

-- An action on every subscriber a filter selects (§16), walked by id by a
-- job: `after` is the last one done, moved in the transaction that did
-- it, so that a job resumed after a crash does no one twice.
CREATE TABLE bulk_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    action      TEXT NOT NULL,
    list_id     BIGINT REFERENCES lists (id),
    filter      TEXT NOT NULL,
    operator    TEXT NOT NULL,
    after_id    BIGINT NOT NULL,
    changed     BIGINT NOT NULL,
    unchanged   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    finished_at BIGINT
);
