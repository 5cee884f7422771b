#!/usr/bin/env bash
# Every test suite, in the order that fails fastest: formatting and lints, then unit, HTTP
# and command-line tests on SQLite and PostgreSQL (one `cargo test`), then the Debian
# package of a real build (as root) and the browser tests against that build.
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

# The Debian package of that debug build, installed, run and purged for real: it needs
# root and dpkg (a Debian machine or container; systemd need not run).
if [ "$(id -u)" -eq 0 ] && command -v dpkg >/dev/null; then
  echo "==> Debian package (scripts/package-test.sh: install, run as its user, purge)"
  scripts/package-test.sh
else
  echo "==> Debian package test SKIPPED: it needs root and dpkg (run sudo scripts/package-test.sh)"
fi

echo "==> browser tests (Playwright in Debian Chromium)"
scripts/e2e.sh
