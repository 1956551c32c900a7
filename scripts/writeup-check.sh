#!/usr/bin/env bash
# Opens the Word document of the write-up pack the analysis test downloads (SQLite and
# PostgreSQL) with python-docx and checks its headings, quotes, redaction and method log
# (scripts/writeup/check.py). python-docx comes from PyPI into .tools/writeup-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.tools/writeup-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r scripts/writeup/requirements.txt
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for engine in sqlite postgres; do
    WRITEUP_KEEP_DIR="$out" TEST_DATABASE=$engine TEST_RUN_ID="w$RANDOM" \
        TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://127.0.0.1:5432/test} \
        cargo nextest run -p server --test integration --no-fail-fast \
        -E 'test(/analysis::the_write_up_pack/)' >/dev/null
done
"$venv/bin/python" scripts/writeup/check.py "$out"/*.docx
