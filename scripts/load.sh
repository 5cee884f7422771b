#!/usr/bin/env bash
# Load figures (issue 7): 1,000 intakes from 50 concurrent clients on SQLite and
# PostgreSQL, in process, with every durability setting as in production. Prints the
# time and rate; the same test in `make test` asserts the row count and unique references.
# Usage: scripts/load.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)
export TEST_POSTGRES_URL
cargo test "$@" --features ssr --test http_api concurrency -- --nocapture 2>&1 | grep '^load:'
