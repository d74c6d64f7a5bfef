-- A list's pages and messages speak its language (contract §12).
ALTER TABLE lists ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
