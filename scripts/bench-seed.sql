-- Seeds :participants complete, submitted Sam responses into a migrated SQLite database, for the
-- benchmarks: `sqlite3 -cmd ".parameter set :participants 10000" DB < scripts/bench-seed.sql`.
PRAGMA journal_mode = WAL;
BEGIN;
INSERT OR IGNORE INTO studies (slug, version, definition, loaded_on) VALUES ('sam', '1.0.0', '(benchmark)', '2026-01-01');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :participants)
INSERT INTO responses (id, study_slug, study_version, token_hash, consent_version, step_reached,
                       started_on, updated_on, submitted_on, participant_number, withdrawal_hash, minutes_to_complete)
SELECT printf('00000000-0000-4000-8000-%012d', i), 'sam', '1.0.0', printf('token-%d', i), 'sam-consent-1', 8,
       '2026-01-01', '2026-01-02', '2026-01-02', i, printf('withdrawal-%d', i), 20 + i % 30
FROM n;
WITH q(id, kind) AS (VALUES
  ('setting', 'setting'), ('role', 'role'), ('experience', 'months'),
  ('r1', 'text'), ('r2', 'text'), ('r3', 'text'),
  ('money_right_thing', 'text'), ('money_responsibilities', 'text'),
  ('money_support', 'likert'), ('money_outcome', 'likert'), ('money_confidence', 'likert'),
  ('medication_right_thing', 'text'), ('medication_responsibilities', 'text'),
  ('medication_support', 'likert'), ('medication_outcome', 'likert'), ('medication_confidence', 'likert'),
  ('social_right_thing', 'text'), ('social_responsibilities', 'text'),
  ('social_support', 'likert'), ('social_outcome', 'likert'), ('social_confidence', 'likert'),
  ('attitude_substance_first', 'likert'), ('attitude_unwise_decisions', 'likert'),
  ('attitude_setbacks', 'likert'), ('attitude_decide_with_sam', 'likert'), ('attitude_strengths', 'likert'))
INSERT INTO answers (response_id, question_id, value, updated_on)
SELECT r.id, q.id,
       CASE q.kind
         WHEN 'setting' THEN CASE r.participant_number % 3 WHEN 0 THEN 'community' WHEN 1 THEN 'inpatient' ELSE 'other' END
         WHEN 'role' THEN CASE r.participant_number % 2 WHEN 0 THEN 'support_worker' ELSE 'senior_support_worker' END
         WHEN 'months' THEN CAST(r.participant_number % 120 AS TEXT)
         WHEN 'likert' THEN CAST(1 + (r.participant_number + length(q.id)) % 5 AS TEXT)
         ELSE printf('Participant %d on %s: I would talk it through with Sam, weigh the risks with them, '
                     || 'agree a plan, and check in afterwards. Sam''s strengths, "cooking", drawing, '
                     || 'their brother, matter — ŵ 😀. Supervision, the care plan, and Sam''s own choice.',
                     r.participant_number, q.id)
       END,
       '2026-01-02'
FROM responses r CROSS JOIN q;
COMMIT;
