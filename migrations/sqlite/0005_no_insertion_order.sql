-- Nothing in the file may tell when a participant took part more finely than the day.
--
-- An ordinary SQLite table numbers its rows (rowid) in the order they were inserted, so the file
-- kept the order of consents and of every answer saved. Responses and answers are now stored by
-- their keys alone (WITHOUT ROWID): responses by a random id, answers by response and question.
-- The scan of a response for identifiers records the day, not the second.
--
-- A parent table cannot be swapped while rows reference it (dropping it would delete them, and
-- renaming it moves their references), so the tables that reference responses are set aside,
-- dropped and made again around it.
CREATE TABLE answers_kept AS SELECT * FROM answers;
CREATE TABLE redactions_kept AS SELECT * FROM redactions;
CREATE TABLE redaction_scans_kept AS SELECT * FROM redaction_scans;
DROP TABLE answers;
DROP TABLE redaction_scans;
DROP TABLE redactions;

CREATE TABLE responses_by_key (
    id                  TEXT PRIMARY KEY,           -- random UUID, never sequential
    study_slug          TEXT NOT NULL REFERENCES studies(slug),
    study_version       TEXT NOT NULL,
    token_hash          TEXT NOT NULL UNIQUE,       -- SHA-256 of the resume token; the token itself is never stored
    consent_version     TEXT NOT NULL,
    step_reached        INTEGER NOT NULL,
    started_on          TEXT NOT NULL,
    updated_on          TEXT NOT NULL,
    submitted_on        TEXT,
    participant_number  INTEGER,
    withdrawal_hash     TEXT,
    masked_start_minute BIGINT,
    minutes_to_complete BIGINT,
    UNIQUE (study_slug, participant_number)
) WITHOUT ROWID;
INSERT INTO responses_by_key (id, study_slug, study_version, token_hash, consent_version,
                              step_reached, started_on, updated_on, submitted_on,
                              participant_number, withdrawal_hash, masked_start_minute,
                              minutes_to_complete)
    SELECT id, study_slug, study_version, token_hash, consent_version, step_reached, started_on,
           updated_on, submitted_on, participant_number, withdrawal_hash, masked_start_minute,
           minutes_to_complete
    FROM responses;
DROP TABLE responses;
ALTER TABLE responses_by_key RENAME TO responses;
CREATE UNIQUE INDEX responses_by_withdrawal_hash ON responses (withdrawal_hash);

CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_on  TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;
INSERT INTO answers (response_id, question_id, value, updated_on)
    SELECT response_id, question_id, value, updated_on FROM answers_kept;
DROP TABLE answers_kept;

-- As in 0004.
CREATE TABLE redactions (
    id          TEXT PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    start_at    BIGINT NOT NULL,
    end_at      BIGINT NOT NULL,
    detector    TEXT NOT NULL,
    found_text  TEXT,
    descriptor  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'erased')),
    decided_by  TEXT,
    decided_at  BIGINT,
    CHECK (start_at >= 0 AND end_at > start_at)
);
CREATE INDEX redactions_by_answer ON redactions (response_id, question_id);
CREATE INDEX redactions_by_status ON redactions (status, response_id);
INSERT INTO redactions (id, response_id, question_id, start_at, end_at, detector, found_text,
                        descriptor, status, decided_by, decided_at)
    SELECT id, response_id, question_id, start_at, end_at, detector, found_text, descriptor,
           status, decided_by, decided_at
    FROM redactions_kept;
DROP TABLE redactions_kept;

CREATE TABLE redaction_scans (
    response_id TEXT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
    scanned_at  BIGINT NOT NULL     -- midnight UTC of the day of the scan
);
INSERT INTO redaction_scans (response_id, scanned_at)
    SELECT response_id, scanned_at - scanned_at % 86400 FROM redaction_scans_kept;
DROP TABLE redaction_scans_kept;
