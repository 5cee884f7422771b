#!/usr/bin/env bash
# Starts the local PostgreSQL cluster if it is down, gives the `postgres` role a password
# for TCP logins, and drops databases left by earlier test runs. Prints the admin URL
# the tests use (each test creates its own database from it).
set -euo pipefail
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

read -r version cluster port status <<<"$(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $3, $4}')"
if [ -z "${version:-}" ]; then
  echo "no PostgreSQL cluster found; install the postgresql package" >&2
  exit 1
fi
if [ "$status" != online ]; then
  as_root pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 1 50); do
  as_postgres "pg_isready -q -p $port" && break
  sleep 0.2
done
as_postgres "psql -q -p $port -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
# Databases from earlier runs (tests name theirs pi_test_*).
# One psql session drops them all (a session per database took minutes for a few hundred).
echo "SELECT format('DROP DATABASE IF EXISTS %I', datname) FROM pg_database WHERE datname LIKE 'pi_test_%' \\gexec" |
  as_postgres "psql -q -p $port" >/dev/null
echo "postgres://postgres:postgres@127.0.0.1:$port/postgres"
