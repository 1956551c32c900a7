-- A study's draft: its file as it is being edited in the researcher area, one draft per study.
-- A copy of a study has a draft under its new slug before it has a version. Publishing the draft
-- makes a version of it and deletes it. `revision` counts saves, so that two people editing at
-- once never overwrite each other's change unseen.
CREATE TABLE study_drafts (
    study_slug  TEXT PRIMARY KEY,
    definition  TEXT NOT NULL,
    -- The version the draft started from; NULL for a new study.
    based_on    BIGINT,
    created_by  TEXT REFERENCES staff(id) ON DELETE SET NULL,
    revision    BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
