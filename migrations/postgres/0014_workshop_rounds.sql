-- A workshop's co-facilitator: another trainer's account that may steer it too (optional).
-- Asking a step again: `round` counts the times the step now shown has been asked (1 at first,
-- and again on moving to another step); each round's answers are kept, so the screen can show
-- how the same phones moved between one round and the next.
ALTER TABLE workshops ADD COLUMN co_facilitator TEXT REFERENCES staff(id) ON DELETE SET NULL;
ALTER TABLE workshops ADD COLUMN round BIGINT NOT NULL DEFAULT 1;
