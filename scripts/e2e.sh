#!/usr/bin/env bash
# Browser tests: starts the freshly built server on a free loopback port with an empty
# SQLite database, and a second one, with its own database, whose real-time eligibility
# checks go to a CORE server the eligibility spec runs inside Playwright (E2E_CORE_PORT);
# runs Playwright in Debian's Chromium against them, and stops the servers.
# Expects `cargo leptos build` to have produced target/debug/pain-intake and target/site.
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
eligibility_port=$(free_port)
core_port=$(free_port)
workdir=$(mktemp -d)
# A fresh key per run; the browser tests read it to check what is stored on disk.
export ENCRYPTION_KEYS="e2e-1:$(head -c 32 /dev/urandom | base64)"
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

# start NAME PORT [VAR=value …]: the server on PORT with the database NAME.db, logging to NAME.log.
start() {
  local name=$1 listen=$2
  shift 2
  env DATABASE_URL="sqlite://$workdir/$name.db" LEPTOS_SITE_ROOT=target/site CLINIC_NAME="Test Pain Clinic" \
    MEDICAL_REVIEWER="Dr. Test Reviewer" API_RATE_LIMIT_PER_MINUTE=1000 SIGN_IN_RATE_LIMIT_PER_MINUTE=1000 \
    CLINIC_NPI=1234567893 CLINIC_PHONE=214-555-0100 CLINIC_ADDRESS="100 Main St, Dallas, TX 75201" \
    CLINIC_HOURS_TEXT="Monday to Friday, 8 a.m. to 5 p.m." PRIVACY_NOTICE_URL=https://clinic.example/privacy \
    CLINIC_LOGO=/favicon.svg "$@" \
    ./target/debug/pain-intake serve --dev --listen "127.0.0.1:$listen" >"$workdir/$name.log" 2>&1 &
  servers+=($!)
  local pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$listen/readyz" >/dev/null 2>&1 && return 0
    if ! kill -0 "$pid" 2>/dev/null; then cat "$workdir/$name.log"; echo "the $name server did not start" >&2; exit 1; fi
    sleep 0.1
  done
}

start intake "$port"
start eligibility "$eligibility_port" ELIGIBILITY_ENDPOINT="http://127.0.0.1:$core_port/core" \
  ELIGIBILITY_ENVELOPE=soap ELIGIBILITY_RECEIVER_ID=CLEARINGHOUSE ELIGIBILITY_USERNAME=core-e2e \
  ELIGIBILITY_PASSWORD=core-e2e-password X12_SENDER_ID=CLINICSUBMIT ELIGIBILITY_TIMEOUT_SECONDS=10

cd end2end
status=0
E2E_PORT=$port E2E_DB="$workdir/intake.db" E2E_ELIGIBILITY_PORT=$eligibility_port \
  E2E_ELIGIBILITY_DB="$workdir/eligibility.db" E2E_CORE_PORT=$core_port \
  npx playwright test "$@" || status=$?
if [ $status -ne 0 ]; then
  for name in intake eligibility; do echo "--- $name server log ---"; cat "$workdir/$name.log"; done
fi
exit $status
