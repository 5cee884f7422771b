#!/usr/bin/env bash
# Installs what building and testing pain-intake needs, skipping whatever is already there.
# Everything comes from crates.io, npm or Debian apt; nothing else is downloaded.
#   scripts/install-tools.sh          build tools (wasm target, cargo-leptos, wasm-bindgen)
#   scripts/install-tools.sh test     also Chromium, PostgreSQL, promtool and the browser-test packages
#   scripts/install-tools.sh release  also wasm-opt (binaryen from npm) for release builds
#   scripts/install-tools.sh package  release tools and dpkg-dev (dpkg-shlibdeps) for the .deb
#   scripts/install-tools.sh bench    release and test tools, and the oha load generator
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10
# Must equal the wasm-bindgen version pinned in Cargo.toml / Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)

say() { echo "==> $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=no
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_updated" = no ]; then as_root apt-get update -qq; apt_updated=yes; fi
  say "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo clippy --version >/dev/null 2>&1 || ! cargo fmt --version >/dev/null 2>&1; then
  say "rustup component add clippy rustfmt"
  rustup component add clippy rustfmt
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # Not --locked: that lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

install_wasm_opt() {
    if ! command -v wasm-opt >/dev/null || ! wasm-opt --version | grep -Eq 'version (1[2-9][0-9])'; then
      say "npm install -g binaryen (wasm-opt; Debian's is too old)"
      as_root npm install -g binaryen >/dev/null
    fi
}

install_test_tools() {
    # dpkg-dev, systemd and adduser: the Debian package test (package-test.sh) builds,
    # verifies and installs the package; systemd need not run, its analyzer is used.
    # prometheus: its promtool checks /metrics (tests/metrics.rs); Debian ships the tool
    # only with the server, whose service the install enables. The tests need only the
    # tool, so a server this script installed is stopped and disabled where systemd runs.
    local fresh_prometheus=no
    dpkg -s prometheus >/dev/null 2>&1 || fresh_prometheus=yes
    apt_install chromium postgresql sqlite3 dpkg-dev systemd adduser curl prometheus
    if [ "$fresh_prometheus" = yes ] && [ -d /run/systemd/system ]; then
      as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
    fi
    if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
      say "npm ci (end2end: Playwright test runner and axe-core; no browser download)"
      (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    fi
}

case "${1:-}" in
  release) install_wasm_opt ;;
  package)
    install_wasm_opt
    apt_install dpkg-dev
    ;;
  test) install_test_tools ;;
  bench)
    install_wasm_opt
    install_test_tools
    if ! command -v oha >/dev/null; then
      say "cargo install oha (the load generator; about 10 minutes on 2 cores, once)"
      cargo install oha --version 1.16.0 --locked
    fi
    ;;
esac
