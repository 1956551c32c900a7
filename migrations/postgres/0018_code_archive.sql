-- An archived code is no longer offered while coding; its codings and history stay.
ALTER TABLE codes ADD COLUMN archived_at BIGINT;
