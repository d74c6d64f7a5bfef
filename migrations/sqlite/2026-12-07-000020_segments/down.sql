DROP TABLE bulk_actions;
DROP TRIGGER subscriber_fields_search_delete;
DROP TRIGGER subscriber_fields_search_unindex_delete;
DROP TRIGGER subscriber_fields_search_update;
DROP TRIGGER subscriber_fields_search_unindex_update;
DROP TRIGGER subscriber_fields_search_insert;
DROP TRIGGER subscriber_fields_search_unindex_insert;
DROP TRIGGER subscribers_search_update;
DROP TRIGGER subscribers_search_unindex;
DROP TRIGGER subscribers_search_delete;
DROP TRIGGER subscribers_search_insert;
DROP TABLE subscribers_search;
DROP VIEW subscribers_searched;
CREATE VIRTUAL TABLE subscribers_search USING fts5(
    email,
    content = 'subscribers',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO subscribers_search (subscribers_search, rank) VALUES ('secure-delete', 1);
INSERT INTO subscribers_search (subscribers_search) VALUES ('rebuild');
CREATE TRIGGER subscribers_search_insert AFTER INSERT ON subscribers BEGIN
    INSERT INTO subscribers_search (rowid, email) VALUES (new.id, new.email);
END;
CREATE TRIGGER subscribers_search_delete AFTER DELETE ON subscribers BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email)
        VALUES ('delete', old.id, old.email);
END;
CREATE TRIGGER subscribers_search_update AFTER UPDATE OF email ON subscribers BEGIN
    INSERT INTO subscribers_search (subscribers_search, rowid, email)
        VALUES ('delete', old.id, old.email);
    INSERT INTO subscribers_search (rowid, email) VALUES (new.id, new.email);
END;
DROP TABLE segments;
