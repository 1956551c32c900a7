-- Memos on a participant, on one of their answers or on a coding belong to that response (and
-- that coding): a withdrawal, or removing the coding, deletes them with it. Other memos have
-- neither.
ALTER TABLE analysis_memos ADD COLUMN response_id TEXT REFERENCES responses(id) ON DELETE CASCADE;
ALTER TABLE analysis_memos ADD COLUMN coding_id TEXT REFERENCES codings(id) ON DELETE CASCADE;
CREATE INDEX analysis_memos_by_response ON analysis_memos (response_id);
CREATE INDEX analysis_memos_by_coding ON analysis_memos (coding_id);
