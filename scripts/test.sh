#!/usr/bin/env bash
# Every test suite, in the order that fails fastest: formatting and lints, then unit, HTTP
# and command-line tests on SQLite and PostgreSQL (one `cargo test`), then the browser
# tests against a real build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# A one-shot CI build gains nothing from incremental state; it only costs disk and time.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)
export TEST_POSTGRES_URL

echo "==> cargo fmt --check and clippy (server, tests and the browser build; warnings are errors)"
cargo fmt --check
cargo clippy --features ssr --all-targets -- -D warnings
cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

echo "==> cargo test (unit, HTTP and CLI tests; SQLite and PostgreSQL)"
cargo test --features ssr

echo "==> cargo leptos build (server and WASM for the browser tests)"
cargo leptos build

echo "==> browser tests (Playwright in Debian Chromium)"
scripts/e2e.sh
