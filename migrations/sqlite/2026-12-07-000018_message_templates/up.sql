-- The messages' wording as the operators edit it (contract §15). Every
-- save, restore and reset appends a version; the newest of a kind and
-- language is in force. A version without parts is a return to the
-- built-in default.
CREATE TABLE message_templates (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL,
    lang      TEXT NOT NULL,
    subject   TEXT,
    html      TEXT,
    body_text TEXT,
    saved_by  TEXT NOT NULL,
    saved_at  BIGINT NOT NULL
);
CREATE INDEX message_templates_kind_lang ON message_templates (kind, lang, id);
