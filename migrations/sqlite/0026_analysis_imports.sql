-- A coded project file read for import, waiting for its importer to accept what it would change
-- item by item: the plan (JSON) of the codings it adds, removes and moves. Nothing else is
-- written until then; gone once applied or discarded, or with its importer's account.
CREATE TABLE analysis_imports (
    id          TEXT PRIMARY KEY,
    study_slug  TEXT NOT NULL,
    importer    TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    plan        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX analysis_imports_by_importer ON analysis_imports (importer);
