-- Several studies share an instance, and a researcher reads only the studies they are a member
-- of (owners read every study and add members). A study is named by its slug without a reference
-- to `studies`: an account can be given a study from the command line before the server has first
-- read that study's file. Until now every researcher read every study, and keeps doing so.
CREATE TABLE study_members (
    study_slug TEXT NOT NULL,
    staff_id   TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    added_on   TEXT NOT NULL,
    PRIMARY KEY (study_slug, staff_id)
);

INSERT INTO study_members (study_slug, staff_id, added_on)
    SELECT studies.slug, staff.id, studies.loaded_on
    FROM studies CROSS JOIN staff
    WHERE staff.role = 'researcher';
