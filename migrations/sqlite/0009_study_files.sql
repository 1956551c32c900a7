-- Studies are published from files at start and, since this release, from the researcher area.
-- A start must not undo what was published in the app, so the catalogue remembers the text each
-- study's file had when it was last read: only a file that changed since then becomes a new
-- version. Until now every version came from the files, so the newest one is the file's text.
ALTER TABLE studies ADD COLUMN file_definition TEXT;
UPDATE studies SET file_definition = definition;
