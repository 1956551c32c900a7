-- Survey responses (PostgreSQL). Kept column for column with migrations/sqlite, so one set of
-- queries in app/src/storage serves both. Dates are 'YYYY-MM-DD' text and nothing finer, so that
-- no timestamp can single out a participant; no IP address or user agent is stored anywhere.
CREATE TABLE studies (
    slug        TEXT PRIMARY KEY,
    version     TEXT NOT NULL,
    definition  TEXT NOT NULL,
    loaded_on   TEXT NOT NULL
);

CREATE TABLE responses (
    id                 TEXT PRIMARY KEY,           -- random UUID, never sequential
    study_slug         TEXT NOT NULL REFERENCES studies(slug),
    study_version      TEXT NOT NULL,
    token_hash         TEXT NOT NULL UNIQUE,       -- SHA-256 of the resume token; the token itself is never stored
    consent_version    TEXT NOT NULL,
    step_reached       BIGINT NOT NULL,
    started_on         TEXT NOT NULL,
    updated_on         TEXT NOT NULL,
    submitted_on       TEXT,
    participant_number BIGINT,
    UNIQUE (study_slug, participant_number)
);

CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_on  TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
);

-- The last participant number given out per study; its row is locked by the submit transaction,
-- so concurrent submits (from any number of app instances) get distinct, gap-free numbers.
CREATE TABLE participant_counters (
    study_slug  TEXT PRIMARY KEY REFERENCES studies(slug),
    last_number BIGINT NOT NULL
);
