-- Independent coding: while a study has a row here, each coder sees only their own codings until
-- they release theirs (coding_releases), and others' only once those have released too.
CREATE TABLE independent_coding (
    study_slug TEXT PRIMARY KEY,
    started_by TEXT REFERENCES staff(id) ON DELETE SET NULL,
    started_at BIGINT NOT NULL
);

CREATE TABLE coding_releases (
    study_slug  TEXT NOT NULL,
    coder       TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    released_at BIGINT NOT NULL,
    PRIMARY KEY (study_slug, coder)
);
