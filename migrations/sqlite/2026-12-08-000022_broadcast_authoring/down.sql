DROP TABLE media;
DROP INDEX broadcasts_archive;
ALTER TABLE broadcasts DROP COLUMN public;
ALTER TABLE outbox DROP COLUMN retried_at;
ALTER TABLE outbox DROP COLUMN refused;
