-- The first level of reviewing a theme: whether each of its collated extracts fits it ('fits') or
-- not ('misfit'). Gone with the theme or the coding.
CREATE TABLE extract_reviews (
    theme_id    TEXT NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    coding_id   TEXT NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
    verdict     TEXT NOT NULL,
    reviewer    TEXT REFERENCES staff(id) ON DELETE SET NULL,
    reviewed_at BIGINT NOT NULL,
    PRIMARY KEY (theme_id, coding_id)
);
CREATE INDEX extract_reviews_by_coding ON extract_reviews (coding_id);
