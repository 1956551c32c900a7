# The two commands: `make run` serves the platform, `make test` runs every test.
# Both install what is missing first (scripts/install-tools.sh), pinned and idempotent.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/.tools/bin:$(CURDIR)/.tools/node_modules/.bin:$(PATH)

.PHONY: run test tools build lint unit e2e load qualcoder-check writeup-check

run: ## Build (release) and serve the Sam study at http://127.0.0.1:3000 with an SQLite file in data/
	scripts/install-tools.sh build
	cargo leptos serve --release

test: ## Formatting, lints, unit, integration and browser tests
	scripts/install-tools.sh test
	scripts/test.sh

build: ## Release build: target/release/server and target/site
	scripts/install-tools.sh build
	cargo leptos build --release

lint:
	scripts/test.sh lint

unit:
	scripts/test.sh unit

e2e:
	scripts/test.sh e2e

load:
	scripts/test.sh load

qualcoder-check: ## QualCoder's own importer on the analysis tests' coded .qdpx (needs QualCoder's source)
	scripts/qualcoder-check.sh

writeup-check: ## python-docx opens the write-up pack's Word document from the analysis test
	scripts/writeup-check.sh
