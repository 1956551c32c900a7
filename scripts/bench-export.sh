#!/usr/bin/env bash
# Export benchmark (not part of `make test`): seeds 10,000 complete Sam responses into a fresh
# SQLite database, then times `server export` (release build) for the wide CSV, the .qdpx
# project and the .xlsx workbook, with peak memory, against `sqlite3 -csv` dumping the same
# answer rows (into a file, and to /dev/null).
#
#   scripts/bench-export.sh [PARTICIPANTS]      # default 10000; needs sqlite3 and /usr/bin/time
#   BENCH_KEEP=1 scripts/bench-export.sh 100    # keeps the database and exports, prints where
#   BENCH_ROUNDS=9 scripts/bench-export.sh      # runs each command 9 times (default 5), medians
#
# Peak RSS growth is the export's peak minus that of `server export --format codebook-csv`, the
# same process start (studies, database, migrations) without reading any response.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PARTICIPANTS="${1:-10000}"
WORK="$(mktemp -d)"
if [ -n "${BENCH_KEEP:-}" ]; then echo "files in $WORK" >&2; else trap 'rm -rf "$WORK"' EXIT; fi
DB="$WORK/bench.db"
SERVER="${CARGO_TARGET_DIR:-$ROOT/target}/release/server"

command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (Debian package sqlite3)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (Debian package time)" >&2; exit 1; }
(cd "$ROOT" && cargo build --release -p server >&2)

export DATABASE_URL="sqlite://$DB" STUDIES_DIR="$ROOT/studies" RUST_LOG=warn
# Creates and migrates the database.
"$SERVER" export --study sam --format codebook-csv --out "$WORK/codebook.csv" >/dev/null

echo "seeding $PARTICIPANTS submitted responses" >&2
sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
INSERT OR IGNORE INTO studies (slug, version, definition, loaded_on) VALUES ('sam', '1.0.0', '(benchmark)', '2026-01-01');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PARTICIPANTS)
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
SQL

# Appends "seconds peak_kb" of one run of a command (its output to /dev/null) to the file $1.
measure() {
    local record=$1
    shift
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null
    cat "$WORK/time" >>"$record"
}

# Prints "median_seconds peak_kb" of the runs recorded in $1 (peak: the largest of them).
summary() {
    local seconds kb
    seconds=$(cut -d' ' -f1 "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    kb=$(cut -d' ' -f2 "$1" | sort -n | tail -1)
    echo "$seconds $kb"
}

# The first export after seeding scans every answer for identifiers (once per response); warm up
# so that the baseline and the measured runs do the same work before and after the export.
"$SERVER" export --study sam --format codebook-csv --out "$WORK/codebook.csv" >/dev/null 2>&1
# Machines are noisy: every command runs ROUNDS times, the rounds interleaved, and the medians
# are compared.
ROUNDS="${BENCH_ROUNDS:-5}"
DUMP_SQL="SELECT r.participant_number, r.submitted_on, a.question_id, a.value FROM responses r
          JOIN answers a ON a.response_id = r.id WHERE r.study_slug = 'sam' AND r.participant_number IS NOT NULL
          ORDER BY r.participant_number, a.question_id"
for _ in $(seq "$ROUNDS"); do
    measure "$WORK/base" "$SERVER" export --study sam --format codebook-csv --out "$WORK/codebook.csv"
    # The exports write files, so the dump that they are compared with writes one too; the dump
    # to /dev/null is shown beside it, for the cost of the query and the formatting alone.
    measure "$WORK/dump" sqlite3 -csv -cmd ".output $WORK/dump.csv" "$DB" "$DUMP_SQL"
    measure "$WORK/dump-null" sqlite3 -csv "$DB" "$DUMP_SQL"
    measure "$WORK/csv" "$SERVER" export --study sam --format csv-wide --out "$WORK/wide.csv"
    measure "$WORK/qdpx" "$SERVER" export --study sam --format qdpx --out "$WORK/sam.qdpx"
    measure "$WORK/xlsx" "$SERVER" export --study sam --format xlsx --out "$WORK/sam.xlsx"
done
read -r base_s base_kb < <(summary "$WORK/base")
read -r dump_s dump_kb < <(summary "$WORK/dump")
read -r null_s null_kb < <(summary "$WORK/dump-null")

rows=$(($(wc -l <"$WORK/wide.csv")))
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf '%s participants, %s answers; dump %s bytes; wide CSV %s lines, %s bytes; .qdpx %s bytes; .xlsx %s bytes\n' \
    "$PARTICIPANTS" "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM answers')" "$(stat -c %s "$WORK/dump.csv")" "$rows" \
    "$(stat -c %s "$WORK/wide.csv")" "$(stat -c %s "$WORK/sam.qdpx")" "$(stat -c %s "$WORK/sam.xlsx")"
printf 'median of %s runs each\n' "$ROUNDS"
printf '| run | seconds | peak RSS (MB) | RSS growth over start (MB) | time / dump to a file | time / dump to /dev/null |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
printf '| sqlite3 -csv dump to a file | %s | %s | – | 1.00 | %s |\n' "$dump_s" $((dump_kb / 1024)) "$(ratio "$dump_s" "$null_s")"
printf '| sqlite3 -csv dump to /dev/null | %s | %s | – | %s | 1.00 |\n' "$null_s" $((null_kb / 1024)) "$(ratio "$null_s" "$dump_s")"
printf '| server export, start only (codebook) | %s | %s | 0 | – | – |\n' "$base_s" $((base_kb / 1024))
for format in csv qdpx xlsx; do
    read -r seconds kb < <(summary "$WORK/$format")
    printf '| server export %s | %s | %s | %s | %s | %s |\n' "$format" "$seconds" $((kb / 1024)) \
        $(((kb - base_kb) / 1024)) "$(ratio "$seconds" "$dump_s")" "$(ratio "$seconds" "$null_s")"
done
