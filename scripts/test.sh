#!/usr/bin/env bash
# Runs the checks in order: lint, unit and integration tests, then browser tests on a release build.
#   scripts/test.sh [all|lint|unit|e2e|load]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/bin:$ROOT/.tools/node_modules/.bin:$PATH"

# Each step's wall time is printed at the end, slowest first, to show where a run's time goes.
step_name="" step_started=$SECONDS step_times=()
end_step() {
    if [ -n "$step_name" ]; then step_times+=("$((SECONDS - step_started))s  $step_name"); fi
    step_name="" step_started=$SECONDS
}
step() {
    end_step
    step_name="$*"
    printf '\n==> %s\n' "$*"
}
time_per_step() {
    end_step
    printf '\n==> time per step (%ss in all)\n' "$SECONDS"
    printf '%s\n' "${step_times[@]}" | sort -rn
}
trap time_per_step EXIT

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
    step "layers: no import cycle between top-level modules, no feature importing another"
    python3 scripts/check-layers.py
    step "cargo fmt --check"
    cargo fmt --all -- --check
    step "clippy (server side)"
    cargo clippy -p domain --all-targets -- -D warnings
    cargo clippy -p app --features ssr --all-targets -- -D warnings
    cargo clippy -p server --all-targets -- -D warnings
    cargo clippy -p loadtest --all-targets -- -D warnings
    step "clippy (browser side)"
    cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
}

# cargo-nextest runs every test in a process of its own: each test server is alone in its process,
# as in production (several servers in one process made page renders hang now and then), and a test
# that hangs is ended after two minutes (.config/nextest.toml) instead of stalling the run.
unit() {
    step "unit and integration tests (SQLite)"
    cargo nextest run -p domain
    cargo nextest run -p app --features ssr
    cargo nextest run -p loadtest
    TEST_DATABASE=sqlite cargo nextest run -p server
    step "integration tests (PostgreSQL at $TEST_POSTGRES_URL)"
    ensure_postgres
    drop_test_databases
    TEST_DATABASE=postgres cargo nextest run -p server
    drop_test_databases
    step "QualCoder's own importer on the coded .qdpx the analysis test exports (both engines)"
    scripts/qualcoder-check.sh
    step "python-docx opens the write-up pack's Word document (both engines)"
    scripts/writeup-check.sh
    drop_test_databases
}

# A short run of the load tool against the release build, on SQLite and on PostgreSQL: every
# answer acknowledged must be in the database, no request may hang. Then a workshop of 100 phones
# following its live feed: on SQLite one instance, on PostgreSQL two (the phones take turns), every
# phone must hear every step and every answer must be stored. (The 200-respondent runs and the
# benchmark are run by hand: README.md, "The load tool".)
load() {
    step "load smoke run: 40 respondents and a 100-phone workshop on SQLite, then on PostgreSQL"
    # A debug build of the tool: its parts are already built for the integration tests, while a
    # release build would recompile the app without cargo-leptos's settings.
    cargo build -p loadtest
    local dir
    dir=$(mktemp -d)
    run_load "sqlite://$dir/load.db" 1
    ensure_postgres
    local name="vignette_test_${TEST_RUN_ID}_load"
    psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
    run_load "${TEST_POSTGRES_URL%/*}/$name" 2
    drop_test_databases
    rm -rf "$dir"
}

# Serves the release build as $2 instances on $1 and runs the load tool against them; the servers
# are stopped with SIGTERM afterwards, as a deployment would stop them.
run_load() {
    local database=$1 instances=$2 port=${LOAD_PORT:-3390} status=0 pids=() urls=()
    for index in $(seq 0 $((instances - 1))); do
        DATABASE_URL="$database" LISTEN_ADDR="127.0.0.1:$((port + index))" LEPTOS_SITE_ROOT=target/site \
            RUST_LOG=warn target/release/server &
        pids+=($!)
        urls+=(--url "http://127.0.0.1:$((port + index))")
        for _ in $(seq 1 100); do
            curl -sf "http://127.0.0.1:$((port + index))/readyz" >/dev/null && break
            sleep 0.1
        done
    done
    target/debug/loadtest run "${urls[@]}" --database-url "$database" \
        --respondents 40 --think-ms 0-100 --ramp-seconds 2 || status=$?
    target/debug/loadtest workshop "${urls[@]}" --database-url "$database" --phones 100 || status=$?
    kill -TERM "${pids[@]}"
    for pid in "${pids[@]}"; do
        wait "$pid" || status=$?
    done
    return "$status"
}

e2e() {
    step "release build"
    cargo leptos build --release
    # grid-paging.spec.ts seeds its server through the load tool's journeys.
    cargo build -p loadtest
    step "browser tests (Chromium, hydrated and without JavaScript)"
    (cd end2end && npx playwright test)
}

case "${1:-all}" in
    all) lint; unit; e2e; load ;;
    lint) lint ;;
    unit) unit ;;
    e2e) e2e ;;
    load) load ;;
    *) echo "usage: $0 [all|lint|unit|e2e|load]" >&2; exit 2 ;;
esac
