-- The facilitator's decision about a written workshop answer: shown on the projector's wall
-- (shown = 1), and maybe placed on one of the study's themes (theme_id), or kept off it
-- (shown = 0). decided_value is the text the decision was made about: when the phone changes its
-- answer, the decision no longer matches and the answer waits in the queue again. An answer with
-- no row here waits too.
CREATE TABLE workshop_reviews (
    workshop_id   TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    question_id   TEXT NOT NULL,
    round         BIGINT NOT NULL,
    decided_value TEXT NOT NULL,
    shown         BIGINT NOT NULL,
    theme_id      TEXT,
    decided_at    BIGINT NOT NULL,
    PRIMARY KEY (workshop_id, token_hash, question_id, round),
    FOREIGN KEY (workshop_id, token_hash, question_id, round)
        REFERENCES workshop_answers (workshop_id, token_hash, question_id, round) ON DELETE CASCADE
);
