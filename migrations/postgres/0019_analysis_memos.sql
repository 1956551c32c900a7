-- Memos of the analysis, each dated and signed: the reflexive journal ('journal'), and memos on a
-- code ('code:<id>'), a theme ('theme:<id>') or a pair of one of the researchers' themes and one
-- of the published study's ('pair:<theme id>:<published theme id>', with how they relate). Memos
-- are added, never edited, so the journal keeps its history.
CREATE TABLE analysis_memos (
    id         TEXT PRIMARY KEY,
    study_slug TEXT NOT NULL,
    subject    TEXT NOT NULL,
    relation   TEXT,
    body       TEXT NOT NULL,
    author     TEXT REFERENCES staff(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX analysis_memos_by_subject ON analysis_memos (study_slug, subject, created_at);
