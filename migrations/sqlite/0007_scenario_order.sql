-- A study may deal its scenario pages in balanced orders. Each version of a study counts the
-- participants dealt so far; consent takes the next number in the same transaction as the new
-- response, so instances sharing the database never deal the same place twice. The salt, drawn
-- when the counter is made, shuffles each block of orders.
CREATE TABLE assignment_draws (
    study_slug           TEXT NOT NULL,
    study_version_number BIGINT NOT NULL,
    draws                BIGINT NOT NULL,
    salt                 BIGINT NOT NULL,
    PRIMARY KEY (study_slug, study_version_number),
    FOREIGN KEY (study_slug, study_version_number) REFERENCES study_versions (study_slug, number)
);

-- The order the participant is shown the varied pages in: their slugs, space-separated. NULL when
-- the study's order is fixed.
ALTER TABLE responses ADD COLUMN scenario_order TEXT;
