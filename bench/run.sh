#!/usr/bin/env bash
# `make bench` (issue 8): builds the release as it ships (wasm-opt, hashed and
# precompressed assets), starts it on loopback against SQLite and then PostgreSQL, drives
# it with oha at 64 connections, measures page weight and time to interactive in
# Chromium on a slow-phone profile, and prints one report, also written to BENCHMARKS.md.
# Then the scale runs (operations issue): a million generated submissions on each
# database, the staff queue at 16 connections (first page, a filtered page, a deep page,
# a name search) and a 100,000-row CSV export with the server's memory sampled.
# Exits 1 when a budget is missed; latency budgets are ratios to floors measured in the
# same run (bench/report.cjs).
#
# BENCH_SCALE sets the number of generated submissions (default 1,000,000; 0 skips the
# scale runs, and the report then says so). BENCH_SCALE_DIR puts the million-row
# databases elsewhere (about 5 GB each): the SQLite file, and a PostgreSQL tablespace for
# the scale database (its WAL stays with the server). The report says where they were.
# BENCH_SCALE_ONLY=1 reruns only the scale runs into the last run's folder (the rest of
# its report is kept), reusing its generated SQLite database when it is still there.
#
# Every run is bounded in count (-n) and in time (`timeout`). Databases live under
# target/bench on the same disk as the app's data would, so fsync costs what it costs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/install-tools.sh bench
cargo leptos build --release --precompress

CONNECTIONS=64
SCALE=${BENCH_SCALE:-1000000}
SCALE_CONNECTIONS=16
SCALE_DIR=${BENCH_SCALE_DIR:-}
PORT=${BENCH_PORT:-3100}
BASE="http://127.0.0.1:$PORT"
work="target/bench/run"
SCALE_ONLY=${BENCH_SCALE_ONLY:-}
if [ -z "$SCALE_ONLY" ]; then rm -rf "$work"; fi
mkdir -p "$work/oha"
PG_ADMIN=$(scripts/ensure-postgres.sh)
PG_DB="pi_test_bench_$$"
PG_URL="${PG_ADMIN%/*}/$PG_DB"
export ENCRYPTION_KEYS="bench-1:$(head -c 32 /dev/urandom | base64)"
STAFF_EMAIL=bench.clinician@example.org
STAFF_PASSWORD='bench: correct horse battery staple'
ADMIN_EMAIL=bench.admin@example.org

server=""
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
cleanup() {
  stop_server
  psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
  psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS ${PG_DB}_scale" >/dev/null 2>&1 || true
  psql "$PG_ADMIN" -q -c "DROP TABLESPACE IF EXISTS pi_bench_scale_$$" >/dev/null 2>&1 || true
  if [ -n "$SCALE_DIR" ]; then rm -rf "$SCALE_DIR/pg-$$" "$SCALE_DIR"/scale-$$.db*; fi
}
trap cleanup EXIT

# Production settings, except: loopback HTTP, sign-in and API limits out of the way of
# a single load generator, two-factor for admins only (the bench signs in a clinician),
# and the bare-INSERT floor routed.
start_server() { # name database_url [VAR=value...]
  local name=$1 url=$2
  shift 2
  env "$@" DATABASE_URL="$url" LEPTOS_SITE_ROOT=target/site LISTEN_ADDR="127.0.0.1:$PORT" PUBLIC_URL="$BASE" \
    CLINIC_NAME="Bench Pain Clinic" CLINIC_NPI=1234567893 STAFF_TWO_FACTOR=admins BENCH_FLOORS=true \
    API_RATE_LIMIT_PER_MINUTE=100000000 SIGN_IN_RATE_LIMIT_PER_MINUTE=100000000 \
    ./target/release/pain-intake serve >"$work/server-$name.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -fs "$BASE/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$work/server-$name.log"; echo "the server did not start" >&2; exit 1; }
    sleep 0.1
  done
  echo "the server did not become ready" >&2
  exit 1
}

peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$server/status"; }

# load NAME COUNT [oha options...] URL: one bounded oha run, its JSON kept for the report.
load() {
  local name=$1 count=$2
  shift 2
  echo "  $name: $count requests"
  timeout 300 oha --no-tui --output-format json -c "$CONNECTIONS" -n "$count" "$@" >"$work/oha/$name.json"
}

# warm COUNT [oha options...] URL: unrecorded requests before a read-only run, so its
# figures are the server's steady state, not its first second (allocator arenas, SQLite's
# page cache, the staff queue's page cache). Runs that write get none: their first
# requests are part of what they measure.
warm() {
  local count=$1
  shift
  timeout 120 oha --no-tui -c "$CONNECTIONS" -n "$count" "$@" >/dev/null
}

json_post=(-m POST -H 'Content-Type: application/json')
form_post=(-m POST -H 'Content-Type: application/x-www-form-urlencoded' -H "Origin: $BASE")

draft_cookie() { # starts a pre-screening (as the start button does) and prints its cookie
  curl -s -o /dev/null -D - -X POST -H "Origin: $BASE" "$BASE/intake/start" |
    awk 'tolower($1) == "set-cookie:" { split($2, c, ";"); print c[1] }' | tail -n 1
}

staff_cookie() { # [email]: signs the clinician (or that account) in once and prints the session cookie
  curl -s -o /dev/null -D - -H "Origin: $BASE" \
    --data-urlencode "email=${1:-$STAFF_EMAIL}" --data-urlencode "password=$STAFF_PASSWORD" "$BASE/staff/sign-in" |
    awk 'tolower($1) == "set-cookie:" { split($2, c, ";"); print c[1] }' | tail -n 1
}

queue_session() { # [filter fields for curl --data-urlencode...]: a fresh clinician session with those queue filters
  local cookie
  cookie=$(staff_cookie)
  [ -n "$cookie" ] || { echo "the bench clinician could not sign in" >&2; exit 1; }
  local fields=()
  for f in "$@"; do fields+=(--data-urlencode "$f"); done
  if [ ${#fields[@]} -gt 0 ]; then
    curl -s -o /dev/null -H "Cookie: $cookie" -H "Origin: $BASE" "${fields[@]}" "$BASE/staff/queue"
  fi
  echo "$cookie"
}

rss_kb() { awk "/^$1:/ {print \$2}" "/proc/$server/status"; }

run_on() { # name database_url
  local name=$1 url=$2
  echo "==> $name"
  printf '%s\n' "$STAFF_PASSWORD" | DATABASE_URL="$url" ./target/release/pain-intake user add \
    --email "$STAFF_EMAIL" --name "Bench Clinician" --role clinician >/dev/null
  start_server "$name" "$url"
  local css
  css=$(curl -s "$BASE/learn" | grep -o '/pkg/[^"]*\.css' | head -n 1)
  if [ "$name" = sqlite ]; then
    local page draft
    for page in "static-floor 50000 $BASE$css" "home 20000 $BASE/" "education 20000 $BASE/learn/what-is-ketamine"; do
      set -- $page
      warm 2000 -H 'Accept-Encoding: br, gzip' "$3"
      load "$1" "$2" -H 'Accept-Encoding: br, gzip' "$3"
    done
    # The first step with a saved draft: the draft is read and opened on every request.
    draft=$(draft_cookie)
    warm 2000 -H "Cookie: $draft" -H 'Accept-Encoding: br, gzip' "$BASE/intake/red-flags"
    load wizard-first-step 20000 -H "Cookie: $draft" -H 'Accept-Encoding: br, gzip' "$BASE/intake/red-flags"
    warm 2000 "${json_post[@]}" -D bench/screening.json "$BASE/api/v1/screening"
    load screening 20000 "${json_post[@]}" -D bench/screening.json "$BASE/api/v1/screening"
  fi
  load "insert-floor-$name" 10000 -m POST "$BASE/bench/insert"
  # 500 emergencies first (pinned on top of the queue), then 9,500 timed consult
  # candidates: 10,000 submissions for the queue.
  load "intakes-warmup-$name" 500 "${json_post[@]}" -D bench/intake-emergency.json "$BASE/api/v1/intakes"
  load "intakes-$name" 9500 "${json_post[@]}" -D bench/intake.json "$BASE/api/v1/intakes"
  local cookie
  cookie=$(staff_cookie)
  [ -n "$cookie" ] || { echo "the bench clinician could not sign in" >&2; exit 1; }
  warm 1000 -H "Cookie: $cookie" -H 'Accept-Encoding: br, gzip' "$BASE/staff"
  load "staff-queue-$name" 5000 -H "Cookie: $cookie" -H 'Accept-Encoding: br, gzip' "$BASE/staff"
  if [ "$name" = sqlite ]; then
    load sign-in 1000 "${form_post[@]}" -d "email=bench.clinician%40example.org&password=bench%3A+correct+horse+battery+staple" "$BASE/staff/sign-in"
    echo "  pages in Chromium (4x CPU slowdown, slow 4G)"
    BASE_URL="$BASE" STAFF_COOKIE="$cookie" node bench/pages.cjs "$work/pages.json"
  fi
  echo "$name $(peak_rss_kb)" >>"$work/rss.txt"
  stop_server
}

if [ -z "$SCALE_ONLY" ]; then
  run_on sqlite "sqlite://$work/bench.db"
  psql "$PG_ADMIN" -q -c "CREATE DATABASE $PG_DB" >/dev/null
  run_on postgresql "$PG_URL"
fi

set_cookie() { awk 'tolower($1) == "set-cookie:" { split($2, c, ";"); print c[1] }' | tail -n 1; }

admin_cookie() { # signs the bench admin in, enrolling two-factor on the way (admins must), and prints the cookie
  local cookie next secret code
  cookie=$(curl -s -o /dev/null -D - -H "Origin: $BASE" \
    --data-urlencode "email=$ADMIN_EMAIL" --data-urlencode "password=$STAFF_PASSWORD" "$BASE/staff/sign-in" | set_cookie)
  secret=$(curl -s -H "Cookie: $cookie" "$BASE/staff/enrol" | sed -n 's/.*data-testid="totp-secret">\([A-Z2-7]*\)<.*/\1/p' | head -n 1)
  [ -n "$secret" ] || { echo "the bench admin was not offered an authenticator" >&2; exit 1; }
  # The current RFC 6238 code (SHA-1, 6 digits, 30 s), as an authenticator app shows it.
  code=$(node -e '
    const s = process.argv[1], a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bits = "";
    const bytes = [];
    for (const ch of s) bits += a.indexOf(ch).toString(2).padStart(5, "0");
    for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
    const step = Buffer.alloc(8);
    step.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
    const h = require("crypto").createHmac("sha1", Buffer.from(bytes)).update(step).digest();
    const o = h[19] & 15;
    console.log(String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, "0"));' "$secret")
  next=$(curl -s -o /dev/null -D - -H "Cookie: $cookie" -H "Origin: $BASE" --data-urlencode "code=$code" "$BASE/staff/enrol" | set_cookie)
  echo "${next:-$cookie}"
}

# The scale runs (operations issue): $SCALE generated submissions, written by the
# hidden `bench-generate` command through the real schema (sealed answers, screening
# results, the migrations' triggers), then the staff queue at 16 connections with its
# page cache off (BENCH_NO_QUEUE_CACHE), so each view runs its queries as the first view
# after any change does. The static file at 16 connections on the same server is the
# floor the queue's p99 is judged against. Then a CSV export of about 100,000 rows (the
# last 110 days) with the server's RSS sampled every 20 ms.
scale_on() { # name database_url
  local name=$1 url=$2 role
  echo "==> $name, $SCALE submissions"
  if [ "$name" = sqlite ] && [ -n "$SCALE_ONLY" ] && [ -f "${url#sqlite://}" ] && grep -q "^sqlite $SCALE " "$work/scale.txt"; then
    echo "  reusing the generated database ($(grep "^sqlite " "$work/scale.txt"))"
  else
  sed -i "/^$name /d" "$work/scale.txt"
  for role in clinician admin; do
    local email=$STAFF_EMAIL
    [ "$role" = admin ] && email=$ADMIN_EMAIL
    printf '%s\n' "$STAFF_PASSWORD" | DATABASE_URL="$url" ./target/release/pain-intake user add \
      --email "$email" --name "Bench $role" --role "$role" >/dev/null
  done
  local started ended
  started=$(date +%s.%N)
  DATABASE_URL="$url" ./target/release/pain-intake bench-generate --count "$SCALE" | tee "$work/generate-$name.txt"
  ended=$(date +%s.%N)
  local size
  if [ "$name" = sqlite ]; then
    size=$(du -cb "${url#sqlite://}"* | awk 'END {print $1}')
  else
    size=$(psql "$PG_ADMIN" -At -c "SELECT pg_database_size('${PG_DB}_scale')")
  fi
  echo "$name $SCALE $(echo "$ended - $started" | bc) $size" >>"$work/scale.txt"
  fi
  # Gigabytes were just written (and PostgreSQL's VACUUM dirtied every page again): flush
  # them before measuring, so no checkpoint or writeback of the load lands in a run. The
  # seventh and eighth rounds each saw one PostgreSQL view with a p99 of 0.33 to 0.39 s
  # and a normal median, right after generation.
  if [ "$name" = postgresql ]; then psql "$PG_ADMIN" -q -c "CHECKPOINT" >/dev/null; fi
  sync
  start_server "scale-$name" "$url" BENCH_NO_QUEUE_CACHE=true
  local css
  css=$(curl -s "$BASE/learn" | grep -o '/pkg/[^"]*\.css' | head -n 1)
  CONNECTIONS=$SCALE_CONNECTIONS warm 2000 -H 'Accept-Encoding: br, gzip' "$BASE$css"
  CONNECTIONS=$SCALE_CONNECTIONS load "scale-static-floor-$name" 20000 -H 'Accept-Encoding: br, gzip' "$BASE$css"
  local first filtered search last_name
  first=$(queue_session)
  filtered=$(queue_session outcome=consult_recommended plan=bcbs_tx)
  search=$(queue_session "search=maría martínez")
  last_name=$(queue_session "search=martínez")
  # Page 2,000 as staff reach it: by the Next link of page 1,999, which names the row the
  # page starts after. Typed as a bare page number, it counts its way there (OFFSET):
  # measured too, with fewer requests and no budget.
  local deep
  deep=$(curl -s -H "Cookie: $first" "$BASE/staff?page=1999" | grep -o 'href="[^"]*" rel="next"' | head -n 1 | sed 's/^href="//; s/" rel="next"$//; s/&amp;/\&/g')
  [ -n "$deep" ] || { echo "page 1,999 has no Next link" >&2; exit 1; }
  local run
  for run in "first-page $first /staff 2000" "filtered $filtered /staff 2000" "deep-page $first $deep 2000" \
    "deep-page-number $first /staff?page=2000 200" "search $search /staff 2000" "search-last-name $last_name /staff 2000"; do
    set -- $run
    CONNECTIONS=$SCALE_CONNECTIONS warm $(($4 / 10)) -H "Cookie: $2" -H 'Accept-Encoding: br, gzip' "$BASE$3"
    CONNECTIONS=$SCALE_CONNECTIONS load "scale-$1-$name" "$4" -H "Cookie: $2" -H 'Accept-Encoding: br, gzip' "$BASE$3"
  done
  # The export: RSS before, sampled while the file downloads, the file's rows.
  local admin from before peak rss csv_started csv_ended
  admin=$(admin_cookie)
  from=$(TZ=America/Chicago date -d '110 days ago' +%F)
  curl -s -o /dev/null -H "Cookie: $admin" -H "Origin: $BASE" --data-urlencode "from=$from" "$BASE/staff/queue"
  before=$(rss_kb VmRSS)
  peak=$before
  csv_started=$(date +%s.%N)
  curl -s -H "Cookie: $admin" -o "$work/export-$name.csv" "$BASE/staff/export.csv" &
  local fetch=$!
  while kill -0 "$fetch" 2>/dev/null; do
    rss=$(rss_kb VmRSS)
    [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.02
  done
  wait "$fetch"
  csv_ended=$(date +%s.%N)
  echo "$name $(($(wc -l <"$work/export-$name.csv") - 1)) $before $peak $(echo "$csv_ended - $csv_started" | bc) $(stat -c %s "$work/export-$name.csv")" >>"$work/export.txt"
  rm -f "$work/export-$name.csv"
  stop_server
}

touch "$work/scale.txt"
: >"$work/export.txt"
if [ "$SCALE" -gt 0 ]; then
  scale_db="$work/scale.db"
  pg_where=""
  if [ -n "$SCALE_DIR" ]; then
    scale_db="$SCALE_DIR/scale-$$.db"
    mkdir -p "$SCALE_DIR/pg-$$"
    chown postgres "$SCALE_DIR/pg-$$" 2>/dev/null || true
    psql "$PG_ADMIN" -q -c "CREATE TABLESPACE pi_bench_scale_$$ LOCATION '$SCALE_DIR/pg-$$'" >/dev/null
    pg_where=" TABLESPACE pi_bench_scale_$$"
  fi
  echo "where=$(df -T "$(dirname "$scale_db")" | awk 'NR==2 {print $2 " on " $1 " (" $7 ")"}')" >"$work/scale-where.txt"
  scale_on sqlite "sqlite://$scale_db"
  rm -f "$scale_db"* # several GB: gone before PostgreSQL's copy is written
  psql "$PG_ADMIN" -q -c "CREATE DATABASE ${PG_DB}_scale$pg_where" >/dev/null
  scale_on postgresql "${PG_ADMIN%/*}/${PG_DB}_scale"
  psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS ${PG_DB}_scale" >/dev/null
fi

{
  echo "cpu=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
  echo "cores=$(nproc)"
  echo "memory_gb=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "filesystem=$(df -T "$work" | awk 'NR==2 {print $2 " on " $1}')"
  echo "rustc=$(rustc --version | awk '{print $2}')"
  echo "oha=$(oha --version | awk '{print $2}')"
  echo "chromium=$(chromium --version 2>/dev/null | awk '{print $2}')"
  echo "postgresql=$(psql "$PG_ADMIN" -At -c 'SHOW server_version')"
  echo "pg_synchronous_commit=$(psql "$PG_ADMIN" -At -c 'SHOW synchronous_commit')"
  echo "pg_fsync=$(psql "$PG_ADMIN" -At -c 'SHOW fsync')"
  echo "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations style public Cargo.toml || echo '+changes')"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
} >"$work/machine.txt"

node bench/report.cjs "$work" BENCHMARKS.md
