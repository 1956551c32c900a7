-- "Read" marks: which written answers each researcher has read while getting familiar with the
-- data. They go with the response (a withdrawal) or the account.
CREATE TABLE answer_reads (
    study_slug  TEXT NOT NULL,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    reader      TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    read_at     BIGINT NOT NULL,
    PRIMARY KEY (response_id, question_id, reader)
);
CREATE INDEX answer_reads_by_reader ON answer_reads (study_slug, reader);
