-- A theme's definition: what it is, its scope (what it covers) and its boundaries (what it does
-- not); and the vivid extracts chosen to show it, each one of its codings (gone with the coding).
ALTER TABLE themes ADD COLUMN definition TEXT NOT NULL DEFAULT '';
ALTER TABLE themes ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE themes ADD COLUMN boundaries TEXT NOT NULL DEFAULT '';

CREATE TABLE theme_extracts (
    theme_id  TEXT NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    coding_id TEXT NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
    PRIMARY KEY (theme_id, coding_id)
);
CREATE INDEX theme_extracts_by_coding ON theme_extracts (coding_id);
