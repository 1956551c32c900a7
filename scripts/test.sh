#!/usr/bin/env bash
# Runs the checks in order: lint, unit and integration tests, then browser tests on a release build.
#   scripts/test.sh [all|lint|unit|e2e]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

lint() {
    step "cargo fmt --check"
    cargo fmt --all -- --check
    step "clippy (server side)"
    cargo clippy -p app --features ssr --all-targets -- -D warnings
    cargo clippy -p server --all-targets -- -D warnings
    step "clippy (browser side)"
    cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
}

unit() {
    step "unit and integration tests (SQLite)"
    cargo test -p app --features ssr
    cargo test -p server
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
