#!/usr/bin/env bash
# Browser tests: starts the freshly built server on a free loopback port with an empty
# SQLite database, runs Playwright in Debian's Chromium against it, and stops the server.
# Expects `cargo leptos build` to have produced target/debug/pain-intake and target/site.
set -euo pipefail
cd "$(dirname "$0")/.."

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
workdir=$(mktemp -d)
# A fresh key per run; the browser tests read it to check what is stored on disk.
export ENCRYPTION_KEYS="e2e-1:$(head -c 32 /dev/urandom | base64)"
log="$workdir/server.log"
DATABASE_URL="sqlite://$workdir/intake.db" LEPTOS_SITE_ROOT=target/site CLINIC_NAME="Test Pain Clinic" MEDICAL_REVIEWER="Dr. Test Reviewer" \
  API_RATE_LIMIT_PER_MINUTE=1000 SIGN_IN_RATE_LIMIT_PER_MINUTE=1000 CLINIC_NPI=1234567893 \
  CLINIC_PHONE=214-555-0100 CLINIC_ADDRESS="100 Main St, Dallas, TX 75201" CLINIC_HOURS_TEXT="Monday to Friday, 8 a.m. to 5 p.m." \
  PRIVACY_NOTICE_URL=https://clinic.example/privacy CLINIC_LOGO=/favicon.svg \
  ./target/debug/pain-intake serve --dev --listen "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  if ! kill -0 "$server" 2>/dev/null; then cat "$log"; echo "the server did not start" >&2; exit 1; fi
  sleep 0.1
done

cd end2end
status=0
E2E_PORT=$port E2E_DB="$workdir/intake.db" npx playwright test "$@" || status=$?
if [ $status -ne 0 ]; then echo "--- server log ---"; cat "$log"; fi
exit $status
