-- Themes, a layer above codes: each with its central organising concept and its status in the
-- review; a theme may sit within an overarching one (a subtheme), and a code may belong to
-- several themes. The analysis log is append-only: every change to codes, codings and themes,
-- with who made it, is the analysis's audit trail.
CREATE TABLE themes (
    id              TEXT PRIMARY KEY,
    study_slug      TEXT NOT NULL,
    name            TEXT NOT NULL,
    central_concept TEXT NOT NULL,
    status          TEXT NOT NULL,
    parent_id       TEXT REFERENCES themes(id) ON DELETE SET NULL,
    created_by      TEXT REFERENCES staff(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (study_slug, name)
);

CREATE TABLE theme_codes (
    theme_id TEXT NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    code_id  TEXT NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    PRIMARY KEY (theme_id, code_id)
);
CREATE INDEX theme_codes_by_code ON theme_codes (code_id);

CREATE TABLE analysis_log (
    id         BIGSERIAL PRIMARY KEY,
    study_slug TEXT NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT REFERENCES staff(id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX analysis_log_by_study ON analysis_log (study_slug, id);
