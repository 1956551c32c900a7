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
sqlite3 -cmd ".parameter set :participants $PARTICIPANTS" "$DB" <"$ROOT/scripts/bench-seed.sql"

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
