-- Identifiers found in submitted free-text answers, for a researcher to review before export.
-- Positions count Unicode code points of the stored answer. An accepted finding is replaced by
-- its descriptor in every export; the stored answer keeps the original until a researcher erases
-- it, after which found_text is NULL and the positions are those of the descriptor.
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

-- Submitted responses whose answers have been scanned for identifiers, so that only new
-- submissions are scanned when the review queue opens. Inserting the row claims the scan, so two
-- app instances never scan one response twice.
CREATE TABLE redaction_scans (
    response_id TEXT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
    scanned_at  BIGINT NOT NULL
);
