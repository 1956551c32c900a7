#!/usr/bin/env bash
# Runs QualCoder's own REFI-QDA importer, headless, on the coded project the analysis tests
# export (SQLite and PostgreSQL), and checks every coding arrived at its place with its words
# (scripts/qualcoder/check.py); then the way back: QualCoder's own exporter writes a project
# coded further there, which our import reads through its diff (an ignored integration test
# this script runs). QualCoder is not on PyPI and GitHub cannot be reached from these
# machines: QUALCODER_SRC names a checkout of its source (by default a copy of the mirror the
# search tool's fetch makes). Its Python needs come from PyPI into .tools/qualcoder-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=/work/.mirror/ccbogel+QualCoder/repo
src=${QUALCODER_SRC:-.tools/qualcoder-src}
if [ ! -f "$src/src/qualcoder/refi.py" ]; then
    if [ ! -d "$mirror" ]; then
        echo "QualCoder's source is not here: set QUALCODER_SRC to a checkout of it" >&2
        exit 2
    fi
    mkdir -p "$src"
    git --git-dir="$mirror" archive HEAD | tar -x -C "$src"
fi
venv=.tools/qualcoder-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r scripts/qualcoder/requirements.txt
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for engine in sqlite postgres; do
    QDPX_KEEP_DIR="$out" TEST_DATABASE=$engine TEST_RUN_ID="q$RANDOM" \
        TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://127.0.0.1:5432/test} \
        cargo nextest run -p server --test integration --no-fail-fast \
        -E 'test(/analysis_project::the_project_holds_every_coding/)' >/dev/null
done
status=0
for project in "$out"/*.qdpx; do
    echo "== $(basename "$project")"
    QT_QPA_PLATFORM=offscreen "$venv/bin/python" scripts/qualcoder/check.py \
        --qualcoder-src "$src" --qdpx "$project" || status=1
done
for engine in sqlite postgres; do
    echo "== QualCoder's export back through the import diff ($engine)"
    QUALCODER_PYTHON="$PWD/$venv/bin/python" QUALCODER_SRC="$PWD/$src" \
        TEST_DATABASE=$engine TEST_RUN_ID="q$RANDOM" \
        TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://127.0.0.1:5432/test} \
        cargo nextest run -p server --test integration --no-fail-fast --run-ignored only \
        -E 'test(/a_project_coded_further_in_qualcoder/)' || status=1
done
exit $status
