#!/usr/bin/env bash
# Runs the checks in order: lint, unit and integration tests, then browser tests on a release build.
#   scripts/test.sh [all|lint|unit|e2e]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

# The integration tests run on SQLite and again on this PostgreSQL server, each test in a fresh database.
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://127.0.0.1:5432/test}"

ensure_postgres() {
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        step "starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
}

# Each run names its databases vignette_test_<run>_…, so runs side by side never drop each other's.
export TEST_RUN_ID="${TEST_RUN_ID:-$$}"

drop_test_databases() {
    psql "$TEST_POSTGRES_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'vignette\_test\_${TEST_RUN_ID}\_%'" |
        while read -r name; do psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$name\""; done
}

lint() {
    step "cargo fmt --check"
    cargo fmt --all -- --check
    step "clippy (server side)"
    cargo clippy -p app --features ssr --all-targets -- -D warnings
    cargo clippy -p server --all-targets -- -D warnings
    step "clippy (browser side)"
    cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
}

# cargo-nextest runs every test in a process of its own: each test server is alone in its process,
# as in production (several servers in one process made page renders hang now and then), and a test
# that hangs is ended after two minutes (.config/nextest.toml) instead of stalling the run.
unit() {
    step "unit and integration tests (SQLite)"
    cargo nextest run -p app --features ssr
    TEST_DATABASE=sqlite cargo nextest run -p server
    step "integration tests (PostgreSQL at $TEST_POSTGRES_URL)"
    ensure_postgres
    drop_test_databases
    TEST_DATABASE=postgres cargo nextest run -p server
    drop_test_databases
}

e2e() {
    step "release build"
    cargo leptos build --release
    step "browser tests (Chromium, hydrated and without JavaScript)"
    (cd end2end && npx playwright test)
}

case "${1:-all}" in
    all) lint; unit; e2e ;;
    lint) lint ;;
    unit) unit ;;
    e2e) e2e ;;
    *) echo "usage: $0 [all|lint|unit|e2e]" >&2; exit 2 ;;
esac
