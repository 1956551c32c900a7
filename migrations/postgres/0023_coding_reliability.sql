-- The coding-reliability mode: while a study has a row here, the coders compared are given Cohen's
-- kappa per code. Off by default: reflexive thematic analysis does not score agreement.
CREATE TABLE coding_reliability (
    study_slug     TEXT PRIMARY KEY,
    switched_on_by TEXT REFERENCES staff(id) ON DELETE SET NULL,
    switched_on_at BIGINT NOT NULL
);
