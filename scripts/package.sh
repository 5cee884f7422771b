#!/usr/bin/env bash
# Builds the Debian package of pain-intake with dpkg-deb (files from packaging/).
#
#   scripts/package.sh                       release build (cargo leptos build --release
#                                            --precompress), then the package in target/deb/
#   scripts/package.sh --binary target/debug/pain-intake --site target/site --out DIR
#                                            package a build that already exists (the
#                                            package test uses the debug build)
# Options:
#   --binary PATH    the server binary; its build's hash.txt must be beside it
#   --site DIR       the built site (pkg/ with CSS, JS, WASM; public/ files)
#   --out DIR        where the .deb goes (default target/deb)
#   --compress TYPE  xz (default, smallest), gzip (fast), zstd or none
#   --no-strip       keep the binary's symbols (default: stripped, as Debian ships binaries)
# Prints the path of the .deb on the last line. Needs dpkg-deb and dpkg-shlibdeps
# (apt install dpkg-dev). Maintainer: $DEBFULLNAME <$DEBEMAIL>, as for Debian's own
# tools, else git's user.name and user.email.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

die() { echo "package.sh: $*" >&2; exit 1; }

binary=
site=
out=target/deb
compress=xz
strip=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --site) site=${2:?--site needs a folder}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --compress) compress=${2:?--compress needs a type}; shift 2 ;;
    --no-strip) strip=no; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

for tool in dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt install dpkg-dev"
done

if [ -z "$binary" ]; then
  [ -z "$site" ] || die "--site goes with --binary"
  echo "==> cargo leptos build --release --precompress (about 10 minutes from scratch)"
  cargo leptos build --release --precompress
  binary="${CARGO_TARGET_DIR:-target}/release/pain-intake"
fi
# cargo-leptos writes the site to site-root in Cargo.toml, relative to the project.
site=${site:-target/site}

[ -x "$binary" ] || die "no server binary at $binary (build it first, or leave out --binary)"
hash_file="$(dirname "$binary")/hash.txt"
# The asset names carry content hashes (hash-files in Cargo.toml); the server finds them
# in hash.txt beside its executable, so it must travel with the binary.
[ -f "$hash_file" ] || die "no hash.txt beside $binary: build with cargo leptos, which writes it"
[ -d "$site/pkg" ] || die "no built site at $site (pkg/ is missing): run cargo leptos build"
case "$compress" in xz|gzip|zstd|none) ;; *) die "--compress must be xz, gzip, zstd or none" ;; esac

version=$(awk -F'"' '/^\[/ { section = $0 } section == "[package]" && /^version *=/ { print $2; exit }' Cargo.toml)
[ -n "$version" ] || die "cannot read the version from Cargo.toml"
arch=$(dpkg --print-architecture)
maintainer="${DEBFULLNAME:-$(git config user.name 2>/dev/null || true)} <${DEBEMAIL:-$(git config user.email 2>/dev/null || true)}>"
case "$maintainer" in " <"*|*"<>") die "say who builds the package: set DEBFULLNAME and DEBEMAIL (or git's user.name and user.email)" ;; esac
# Reproducible file times: the last commit's, unless the caller chose one.
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null); then
  export SOURCE_DATE_EPOCH
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# dpkg-shlibdeps expects the Debian source layout: debian/control, debian/<package>/.
root="$work/debian/pain-intake"
mkdir -p "$root/DEBIAN"
umask 022

# The binary lives in /usr/lib/pain-intake beside its hash.txt; /usr/bin/pain-intake is a
# link to it (the server resolves the link to find hash.txt).
install -D -m 0755 "$binary" "$root/usr/lib/pain-intake/pain-intake"
if [ "$strip" = yes ]; then
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/lib/pain-intake/pain-intake"
fi
install -m 0644 "$hash_file" "$root/usr/lib/pain-intake/hash.txt"
mkdir -p "$root/usr/bin"
ln -s ../lib/pain-intake/pain-intake "$root/usr/bin/pain-intake"

mkdir -p "$root/usr/share/pain-intake"
cp -R "$site" "$root/usr/share/pain-intake/site"
find "$root/usr/share/pain-intake/site" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +

# The settings: readable by root and (after postinst) the pain-intake group only.
install -D -m 0640 packaging/pain-intake.env "$root/etc/pain-intake/pain-intake.env"
install -D -m 0644 packaging/pain-intake.service "$root/lib/systemd/system/pain-intake.service"

doc="$root/usr/share/doc/pain-intake"
mkdir -p "$doc"
install -m 0644 packaging/deb/copyright "$doc/copyright"
# What an administrator needs, from the README: installing, settings, commands.
awk '/^## / { keep = ($0 == "## Install on a server" || $0 == "## Configuration" || $0 == "## Command line") } keep' \
  README.md >"$work/README.md"
grep -q '^## Install on a server' "$work/README.md" || die "README.md has no \"## Install on a server\" section"
gzip -9n <"$work/README.md" >"$doc/README.md.gz"
# The licences of the Rust crates built into the server and the WASM.
{
  echo "Rust crates built into pain-intake (server) and its WebAssembly (browser), with"
  echo "their licences as declared on crates.io: name version | licence"
  echo
  {
    cargo tree --offline -e normal,no-proc-macro --no-default-features --features ssr --prefix none -f '{p} | {l}'
    cargo tree --offline -e normal,no-proc-macro --no-default-features --features hydrate \
      --target wasm32-unknown-unknown --prefix none -f '{p} | {l}'
  } | sed 's/ (\*)$//' | grep -v '^pain-intake v' | sort -u
} >"$work/crates.txt" || die "cargo tree failed: cannot list the crates' licences"
gzip -9n <"$work/crates.txt" >"$doc/third-party-crates.txt.gz"
# Debian's changelog format; the history itself is the git log of the commit named.
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (with uncommitted changes)"; fi
{
  echo "pain-intake ($version) unstable; urgency=medium"
  echo
  echo "  * Built from commit $commit."
  echo "    Its git log has the changes."
  echo
  echo " -- $maintainer  $(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")"
} | gzip -9n >"$doc/changelog.gz"

install -m 0644 packaging/deb/conffiles "$root/DEBIAN/conffiles"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"
install -D -m 0644 packaging/deb/lintian-overrides "$root/usr/share/lintian/overrides/pain-intake"

# Depends: the shared libraries the binary links, with the versions its symbols need.
printf 'Source: pain-intake\n\nPackage: pain-intake\nArchitecture: any\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e"debian/pain-intake/usr/lib/pain-intake/pain-intake" 2>/dev/null)
depends=${shlibs#shlibs:Depends=}
if [ -z "$depends" ] || [ "$depends" = "$shlibs" ]; then die "dpkg-shlibdeps found no dependencies ($shlibs)"; fi

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  -e "s|@DEPENDS@|$depends|" -e "s|@MAINTAINER@|$maintainer|" packaging/deb/control.in >"$root/DEBIAN/control"

# Checksums of every file but the settings, for `dpkg --verify` and debsums.
(cd "$root" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/pain-intake_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Z"$compress" "$root" "$deb" >/dev/null
echo "==> $deb ($(du -h "$deb" | cut -f1); Depends: $depends, adduser)"
echo "$deb"
