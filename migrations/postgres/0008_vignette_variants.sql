-- A study may word its vignette in several ways and deal them out at consent, balanced from the
-- same counter as the scenario order. The variant's id, as the study file names it; NULL when the
-- study has no variants.
ALTER TABLE responses ADD COLUMN vignette_variant TEXT;
