-- Workshops: a trainer runs a study's vignette live with a room of staff on their phones.
-- A workshop asks a plan of steps (a page of the study, and which of its questions) at a fixed
-- version of the study. Its state (the step shown, whether answering is open, whether results
-- are shown) counts its changes in `revision`, so that a phone or a projector that missed one
-- knows. Flags are 0 or 1. Answers are kept until `delete_after` (unix seconds), then deleted.
CREATE TABLE workshops (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    study_slug     TEXT NOT NULL,
    study_version  BIGINT NOT NULL,
    -- JSON: [{"page": "scenario-money", "questions": ["money_support", …]}, …]
    plan           TEXT NOT NULL,
    created_by     TEXT REFERENCES staff(id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL,
    keep_days      BIGINT NOT NULL,
    delete_after   BIGINT,
    step           BIGINT NOT NULL,
    answering_open BIGINT NOT NULL,
    results_shown  BIGINT NOT NULL,
    joining_open   BIGINT NOT NULL,
    revision       BIGINT NOT NULL
);

-- A phone in the room: only the hash of its cookie's token; no name, address or browser.
CREATE TABLE workshop_devices (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL,
    joined_at   BIGINT NOT NULL,
    PRIMARY KEY (workshop_id, token_hash)
);

-- One answer per device and question (and round, when a question is asked again); changing an
-- answer replaces it.
CREATE TABLE workshop_answers (
    workshop_id TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    question_id TEXT NOT NULL,
    round       BIGINT NOT NULL,
    value       TEXT NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (workshop_id, token_hash, question_id, round),
    FOREIGN KEY (workshop_id, token_hash) REFERENCES workshop_devices(workshop_id, token_hash) ON DELETE CASCADE
);
