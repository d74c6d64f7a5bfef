INSERT INTO subscribers_search (subscribers_search, rank) VALUES ('secure-delete', 0);
