-- The scan of a response for identifiers records the day, not the second: nothing in the
-- database may tell when a participant took part more finely than the day.
UPDATE redaction_scans SET scanned_at = scanned_at - scanned_at % 86400;
