#!/usr/bin/env bash
# The Debian package, installed for real (as root, on a Debian machine or container; a
# running systemd is not needed): builds the .deb from the debug build that `cargo leptos
# build` made (${CARGO_TARGET_DIR:-target}/debug/pain-intake and target/site), installs
# it, checks the user, owners and modes, the unit (systemd-analyze), a reinstall that
# keeps the key and the settings, runs the installed server as its user with the
# installed settings until /readyz answers, backs it up the way the README says, then
# removes and purges it and checks what is left. Stops at the first failure with the
# reason. Leaves the machine as it found it: refuses to run where pain-intake is
# installed or has left files, and its cleanup purges the package and deletes the
# system user it created.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
step() { echo "==> [$(($(date +%s) - start)) s] $*"; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run it as root: it installs and purges the package"
for tool in dpkg dpkg-deb dpkg-shlibdeps systemd-analyze runuser setpriv curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done

binary="${CARGO_TARGET_DIR:-target}/debug/pain-intake"
site=target/site
[ -x "$binary" ] || fail "no debug build at $binary: run cargo leptos build first"

USER_NAME=pain-intake
ENV_FILE=/etc/pain-intake/pain-intake.env
KEY_FILE=/etc/pain-intake/encryption-keys
DATA=/var/lib/pain-intake
UNIT=/lib/systemd/system/pain-intake.service
WANTS=/etc/systemd/system/multi-user.target.wants/pain-intake.service

# Never touch a real installation.
if dpkg-query -W -f='${Status}' pain-intake 2>/dev/null | grep -qv 'not-installed'; then
  fail "pain-intake is installed here (dpkg-query -W pain-intake); this test would purge it"
fi
for path in /etc/pain-intake "$DATA" /usr/lib/pain-intake "$WANTS"; do
  [ ! -e "$path" ] || fail "$path exists already; this test would delete it"
done
user_existed=no
if getent passwd "$USER_NAME" >/dev/null; then user_existed=yes; fi

work=$(mktemp -d)
server=
cleanup() {
  status=$?
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if dpkg-query -W -f='${Status}' pain-intake 2>/dev/null | grep -qv 'not-installed'; then
    dpkg --purge pain-intake >/dev/null 2>&1 || echo "package-test: cleanup: dpkg --purge pain-intake failed" >&2
  fi
  if [ "$user_existed" = no ] && getent passwd "$USER_NAME" >/dev/null; then
    userdel "$USER_NAME" || echo "package-test: cleanup: userdel $USER_NAME failed" >&2
  fi
  if [ "$user_existed" = no ] && getent group "$USER_NAME" >/dev/null; then
    groupdel "$USER_NAME" || echo "package-test: cleanup: groupdel $USER_NAME failed" >&2
  fi
  if [ $status -ne 0 ] && [ -s "$work/server.log" ]; then
    echo "--- server log ---" >&2
    cat "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

# owner group mode of a path, e.g. "root pain-intake 640".
mode_of() { stat -c '%U %G %a' "$1"; }
expect_mode() {
  local got
  got=$(mode_of "$1") || fail "$1 is missing"
  [ "$got" = "$2" ] || fail "$1 is \"$got\" (owner group mode), expected \"$2\""
}

step "package the debug build (scripts/package.sh --binary $binary --site $site)"
scripts/package.sh --binary "$binary" --site "$site" --out "$work" --compress gzip >"$work/package.log" 2>&1 ||
  { cat "$work/package.log" >&2; fail "scripts/package.sh failed"; }
deb=$(tail -n 1 "$work/package.log")
[ -f "$deb" ] || fail "scripts/package.sh printed no package path"
echo "    $(basename "$deb"): $(du -h "$deb" | cut -f1); $(dpkg-deb -f "$deb" Depends)"

step "dpkg -i (fresh install)"
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "dpkg -i failed"; }
[ "$(dpkg-query -W -f='${Status}' pain-intake)" = "install ok installed" ] || fail "dpkg does not list pain-intake as installed"
grep -q "made a new encryption key in $KEY_FILE" "$work/install.log" || fail "the install did not say it made the key"

step "the user, the files, their owners and modes"
getent passwd "$USER_NAME" >/dev/null || fail "no $USER_NAME user"
getent group "$USER_NAME" >/dev/null || fail "no $USER_NAME group"
uid=$(id -u "$USER_NAME")
[ "$uid" -lt 1000 ] || fail "$USER_NAME is not a system user (uid $uid)"
[ "$(getent passwd "$USER_NAME" | cut -d: -f6)" = "$DATA" ] || fail "$USER_NAME's home is not $DATA"
[ "$(getent passwd "$USER_NAME" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "$USER_NAME can log in"
expect_mode "$ENV_FILE" "root $USER_NAME 640"
expect_mode "$KEY_FILE" "root $USER_NAME 640"
expect_mode "$DATA" "$USER_NAME $USER_NAME 750"
expect_mode "$UNIT" "root root 644"
grep -qx "$ENV_FILE" /var/lib/dpkg/info/pain-intake.conffiles || fail "$ENV_FILE is not a conffile"
keys=$(grep -v '^#' "$KEY_FILE" | grep -c .) || true
[ "$keys" = 1 ] || fail "$KEY_FILE holds $keys keys, expected 1"
grep -Eqx '[0-9]{4}-[0-9]{2}:[A-Za-z0-9+/]{43}=' "$KEY_FILE" || fail "$KEY_FILE has no key line in the id:base64key form"
[ "$(readlink -f /usr/bin/pain-intake)" = /usr/lib/pain-intake/pain-intake ] || fail "/usr/bin/pain-intake does not lead to /usr/lib/pain-intake/pain-intake"
[ -f /usr/lib/pain-intake/hash.txt ] || fail "no hash.txt beside the installed binary"
[ -d /usr/share/pain-intake/site/pkg ] || fail "no site in /usr/share/pain-intake/site"
[ -f /usr/share/doc/pain-intake/copyright ] || fail "no copyright file"
zgrep -q '^## Install on a server' /usr/share/doc/pain-intake/README.md.gz || fail "the README excerpt lacks the install section"
[ -L "$WANTS" ] || fail "the service was not enabled ($WANTS is missing)"
# Every setting the program knows is explained in the settings file.
settings=$(/usr/bin/pain-intake serve --help | grep -o '\[env: [A-Z0-9_]*' | cut -c7- | sort -u)
[ -n "$settings" ] || fail "pain-intake serve --help lists no settings"
for name in $settings; do
  grep -Eq "^#? ?$name=" "$ENV_FILE" || fail "$ENV_FILE does not mention $name"
done
dpkg --verify pain-intake || fail "dpkg --verify found changed files"

step "systemd-analyze verify and security (the installed unit)"
# No filter needed: in this container (no systemd running) verify checks the unit file,
# the binary it starts and the names it uses, and prints nothing when all is right.
verify_out=$(systemd-analyze verify "$UNIT" 2>&1) || { echo "$verify_out" >&2; fail "systemd-analyze verify failed"; }
[ -z "$verify_out" ] || { echo "$verify_out" >&2; fail "systemd-analyze verify warned"; }
# The sandbox's exposure score (0 best, 10 worst) must stay at 2.0 or better.
security_out=$(systemd-analyze security --offline=yes --threshold=20 "$UNIT" 2>&1) ||
  { echo "$security_out" | grep -v '^✓' >&2; fail "the unit's exposure is above 2.0"; }
echo "    $(echo "$security_out" | grep -o 'Overall exposure level.*')"

step "reinstall: the key is never replaced, the settings keep local edits"
key_before=$(sha256sum "$KEY_FILE")
echo "# package-test: a local edit" >>"$ENV_FILE"
dpkg -i "$deb" >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log" >&2; fail "reinstalling failed"; }
[ "$(sha256sum "$KEY_FILE")" = "$key_before" ] || fail "reinstalling changed the key"
grep -qx "# package-test: a local edit" "$ENV_FILE" || fail "reinstalling lost the local edit of $ENV_FILE"
expect_mode "$ENV_FILE" "root $USER_NAME 640"
expect_mode "$KEY_FILE" "root $USER_NAME 640"
expect_mode "$DATA" "$USER_NAME $USER_NAME 750"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "serve as $USER_NAME with the installed settings on 127.0.0.1:$port"
# As the unit would, minus systemd: the service's user, its settings file (not DEV_MODE,
# so the key is required), its umask; only the port differs. The address reaches the
# inner script as its $0, and the single quotes are meant (SC2016).
# shellcheck disable=SC2016
(umask 077 && exec setpriv --reuid "$USER_NAME" --regid "$USER_NAME" --init-groups --reset-env \
  sh -c 'set -a; . /etc/pain-intake/pain-intake.env; exec env LISTEN_ADDR="$0" /usr/bin/pain-intake serve' \
  "127.0.0.1:$port") >"$work/server.log" 2>&1 &
server=$!
ready=no
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then ready=yes; break; fi
  kill -0 "$server" 2>/dev/null || fail "the server stopped before it was ready"
  sleep 0.5
done
[ "$ready" = yes ] || fail "/readyz did not answer 200 within 60 s"
echo "    /readyz 200 after $(($(date +%s) - start)) s from the start of the test"
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "/healthz did not answer 200"
home=$(curl -fsS "http://127.0.0.1:$port/") || fail "the home page did not answer 200"
css="/pkg/pain-intake.$(awk '$1 == "css:" { print $2 }' /usr/lib/pain-intake/hash.txt).css"
grep -qF "$css" <<<"$home" || fail "the home page does not link $css (hash.txt not found beside the binary?)"
curl -fsS -o /dev/null "http://127.0.0.1:$port$css" || fail "$css is not served from /usr/share/pain-intake/site"
[ "$(stat -c %U "$DATA/pain-intake.db")" = "$USER_NAME" ] || fail "the database is not owned by $USER_NAME"

step "stop the server (SIGTERM)"
kill -TERM "$server"
stopped=no
for _ in $(seq 1 60); do
  if ! kill -0 "$server" 2>/dev/null; then stopped=yes; break; fi
  sleep 0.5
done
[ "$stopped" = yes ] || fail "the server did not stop within 30 s of SIGTERM"
code=0
wait "$server" || code=$?
server=
[ "$code" = 0 ] || fail "the server exited with $code after SIGTERM, expected 0"

step "backup as the README says (as_app pain-intake backup)"
as_app() { runuser -u pain-intake -- sh -c 'set -a; . /etc/pain-intake/pain-intake.env; exec "$@"' sh "$@"; }
as_app pain-intake backup --to "$DATA/backup-test.db" >"$work/backup.log" 2>&1 ||
  { cat "$work/backup.log" >&2; fail "pain-intake backup failed"; }
[ "$(stat -c %U "$DATA/backup-test.db")" = "$USER_NAME" ] || fail "the backup is not owned by $USER_NAME"

step "dpkg -r: the program goes, the settings, key and data stay"
dpkg -r pain-intake >"$work/remove.log" 2>&1 || { cat "$work/remove.log" >&2; fail "dpkg -r failed"; }
for path in /usr/lib/pain-intake /usr/bin/pain-intake; do
  if [ -e "$path" ]; then fail "$path is still there after dpkg -r"; fi
done
for path in "$ENV_FILE" "$KEY_FILE" "$DATA/pain-intake.db"; do
  [ -f "$path" ] || fail "dpkg -r deleted $path"
done

step "dpkg --purge: everything of the package goes, and it says so"
dpkg --purge pain-intake >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge failed"; }
grep -q "purged: deleted /var/lib/pain-intake" "$work/purge.log" || fail "the purge did not say it deleted $DATA"
grep -q "purged: deleted the encryption key" "$work/purge.log" || fail "the purge did not say it deleted the key"
if dpkg-query -W -f='${Status}' pain-intake 2>/dev/null | grep -qv 'not-installed'; then
  fail "dpkg still lists pain-intake after the purge"
fi
for path in /etc/pain-intake "$DATA" /usr/lib/pain-intake /usr/bin/pain-intake /usr/share/pain-intake \
  /usr/share/doc/pain-intake "$UNIT" "$WANTS" /etc/systemd/system/pain-intake.service \
  /var/lib/systemd/deb-systemd-helper-enabled/pain-intake.service \
  /var/lib/systemd/deb-systemd-helper-masked/pain-intake.service; do
  if [ -e "$path" ] || [ -L "$path" ]; then fail "$path is still there after the purge"; fi
done
left=$(find /etc /var /usr /opt /srv /tmp /run -xdev -user "$USER_NAME" 2>/dev/null | head -n 5)
[ -z "$left" ] || fail "files owned by $USER_NAME are left: $left"

step "passed ($(($(date +%s) - start)) s)"
