-- Codes within codes: a code may sit inside another of its study (the code tree). A code whose
-- parent goes (merged away) moves to the top.
ALTER TABLE codes ADD COLUMN parent_id TEXT REFERENCES codes(id) ON DELETE SET NULL;
