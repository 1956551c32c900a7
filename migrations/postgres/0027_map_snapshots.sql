-- Dated snapshots of a study's thematic map, kept as the SVG drawn then, to see how the themes
-- changed over the analysis. Names no participant.
CREATE TABLE map_snapshots (
    id          TEXT PRIMARY KEY,
    study_slug  TEXT NOT NULL,
    taken_by    TEXT REFERENCES staff(id) ON DELETE SET NULL,
    taken_at    BIGINT NOT NULL,
    svg         TEXT NOT NULL
);
CREATE INDEX map_snapshots_by_study ON map_snapshots (study_slug, taken_at);
