# The two commands a newcomer needs (see README.md):
#   make run    build and run the app at http://127.0.0.1:3000, installing missing tools
#   make test   run every test suite (unit, HTTP, CLI, SQLite + PostgreSQL, browser)
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run run-release test e2e bench tools screenshots package

run: tools
	DEV_MODE=true cargo leptos serve

# Production settings: an encryption key is required (`pain-intake keys generate`).
run-release:
	@test -n "$$ENCRYPTION_KEYS$$ENCRYPTION_KEYS_FILE" || { echo 'set ENCRYPTION_KEYS first, e.g. export ENCRYPTION_KEYS="k1:$$(head -c 32 /dev/urandom | base64)" (keep it: it opens the data)'; exit 1; }
	scripts/install-tools.sh release
	cargo leptos build --release --precompress
	LEPTOS_SITE_ROOT=target/site ./target/release/pain-intake serve

# The Debian package of a release build → target/deb/ (README: "Install on a server").
package:
	scripts/install-tools.sh package
	scripts/package.sh

test:
	scripts/install-tools.sh test
	scripts/test.sh

# Every patient page at 390×844 and 1280×800, to look at: end2end/screenshots/out/.
screenshots:
	scripts/install-tools.sh test
	cargo leptos build
	scripts/e2e.sh --config screenshots/playwright.config.ts

# Release build under load: prints the figures and budgets, writes BENCHMARKS.md.
bench:
	bench/run.sh

# Browser tests only, against the current build.
e2e:
	cargo leptos build
	scripts/e2e.sh

tools:
	scripts/install-tools.sh
