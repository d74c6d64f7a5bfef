ALTER TABLE lists DROP COLUMN language;
