-- Split rooms: a workshop may deal its phones the study's versions of the vignette, balanced;
-- each phone keeps the version it was dealt at joining (none when the study has one wording).
-- Research donation: a phone may give its workshop answers to the study's research data. They
-- become a submitted response whose `source` says it came from a workshop; the phone keeps a
-- link to it so later answers join it too. Deleting the workshop keeps the donated response.
ALTER TABLE workshops ADD COLUMN split_variants BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workshop_devices ADD COLUMN variant TEXT;
ALTER TABLE workshop_devices ADD COLUMN donated_response TEXT REFERENCES responses(id) ON DELETE SET NULL;
ALTER TABLE responses ADD COLUMN source TEXT NOT NULL DEFAULT 'survey';
