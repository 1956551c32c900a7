-- Thematic analysis: a study's codes, and codings, each a span of one submitted answer in Unicode
-- code points over its stored (redacted) text, with the words it covered and a hash of the whole
-- answer then, so a later change to the answer shows. A coding belongs to its response: a
-- withdrawal deletes it. Coders are staff; a removed account leaves its codings without a name.
CREATE TABLE codes (
    id          TEXT PRIMARY KEY,
    study_slug  TEXT NOT NULL,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    created_by  TEXT REFERENCES staff(id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (study_slug, name)
);

CREATE TABLE codings (
    id          TEXT PRIMARY KEY,
    study_slug  TEXT NOT NULL,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    code_id     TEXT NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    coder       TEXT REFERENCES staff(id) ON DELETE SET NULL,
    start_point BIGINT NOT NULL,
    end_point   BIGINT NOT NULL,
    extract     TEXT NOT NULL,
    answer_hash TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX codings_by_question ON codings (study_slug, question_id);
CREATE INDEX codings_by_code ON codings (code_id);
CREATE INDEX codings_by_response ON codings (response_id);
