-- Every wording of a study that participants could see is kept: a changed study file becomes a
-- new version instead of replacing the old one, and each response names the version it started on,
-- so it is shown, checked and exported with the wording its participant saw. Responses made before
-- versions were kept belong to the wording stored then (version 1).
CREATE TABLE study_versions (
    study_slug   TEXT NOT NULL REFERENCES studies(slug),
    number       BIGINT NOT NULL,            -- 1, 2, … in the order published
    label        TEXT NOT NULL,              -- the file's own `version`
    definition   TEXT NOT NULL,              -- the file, exactly as published
    published_on TEXT NOT NULL,
    PRIMARY KEY (study_slug, number)
);

INSERT INTO study_versions (study_slug, number, label, definition, published_on)
    SELECT slug, 1, version, definition, loaded_on FROM studies;

ALTER TABLE responses ADD COLUMN study_version_number BIGINT NOT NULL DEFAULT 1;
