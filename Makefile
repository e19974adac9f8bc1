# Gigforge: `make run` starts everything locally; `make test` runs what CI runs.
# Both install missing tools first (scripts/install-tools.sh) and, unless DATABASE_URL
# is set, use a private PostgreSQL cluster under .data/ (scripts/pg.sh).

SHELL := /bin/bash
PORT ?= 3000
export CARGO_TARGET_DIR ?= $(CURDIR)/target
BIN := $(CARGO_TARGET_DIR)/release/gigforge
# Where cargo-leptos puts the site (WASM, JS, CSS, public files); read by the server.
export LEPTOS_SITE_ROOT := $(CURDIR)/target/site

.PHONY: run build tools db stop-db test bench bench-feed bench-qc bench-pipeline lighthouse check fmt clippy clean-data help

help:
	@echo "make run      build and serve Gigforge on http://127.0.0.1:$(PORT) with demo data"
	@echo "make test     everything CI runs: fmt, clippy, unit + integration tests, WASM build, browser tests"
	@echo "make stop-db  stop the private PostgreSQL cluster (data stays in .data/)"
	@echo "make bench    import 1,000,000 units through the HTTP endpoint and time it (bench/README.md)"
	@echo "make bench-feed  the gigger feed at 10,000 jobs with 10 k and 10 M units, p50/p99"
	@echo "make bench-qc    QC decisions/s: 2,000 submissions with one 200 KB photo each, then 2,000 JSON-only"
	@echo "make bench-pipeline  16 simulated giggers reserve and submit against the release server, vs pgbench"
	@echo "make lighthouse  Lighthouse mobile scores of the feed, job and gig-form pages (needs a release build)"

tools:
	@scripts/install-tools.sh

db:
	@if [ -z "$$DATABASE_URL" ]; then scripts/pg.sh start && scripts/pg.sh create-db gigforge; fi

stop-db:
	@scripts/pg.sh stop

# The server and the full WASM bundle (cargo-leptos), then the gigger pages' two
# islands-only bundles (app/src/ui/bundle.rs).
build: tools
	cargo leptos build --release
	scripts/build-gigger-wasm.sh

run: build db
	@export DATABASE_URL=$${DATABASE_URL:-$$(scripts/pg.sh url gigforge)}; \
	 $(BIN) seed --if-empty && \
	 echo && echo "Gigforge: http://127.0.0.1:$(PORT)  (Ctrl-C stops the server; data stays in .data/)" && echo && \
	 exec $(BIN) serve --port $(PORT)

test: tools
	@scripts/test.sh

# Drops and recreates the database gigforge_bench on the private cluster, or on the server
# of BENCH_DATABASE_URL (a URL whose user may create databases) when that is set.
bench:
	@if [ -z "$$BENCH_DATABASE_URL" ]; then scripts/pg.sh start; fi
	@export DATABASE_URL=$${BENCH_DATABASE_URL:-$$(scripts/pg.sh url postgres)}; \
	 cargo bench -p server --bench import_units

# The feed with 10,000 live jobs at 10 k and at 10 M units (database gigforge_bench_feed).
bench-feed:
	@if [ -z "$$BENCH_DATABASE_URL" ]; then scripts/pg.sh start; fi
	@export DATABASE_URL=$${BENCH_DATABASE_URL:-$$(scripts/pg.sh url postgres)}; \
	 cargo bench -p server --bench feed

# QC throughput: submissions queued first, then drained by the QC and ledger workers in
# one process. Fresh database gigforge_bench_qc. Options: BENCH_SUBMISSIONS, BENCH_WORKERS
# (bench/README.md), e.g. make bench-qc BENCH_WORKERS=1.
bench-qc:
	@if [ -z "$$BENCH_DATABASE_URL" ]; then scripts/pg.sh start; fi
	@export DATABASE_URL=$${BENCH_DATABASE_URL:-$$(scripts/pg.sh url postgres)}; \
	 cargo bench -p server --bench qc

# End to end against the release build (make build first): simulated giggers reserve and
# submit (JSON, then with a 200 KB photo) while the stage workers run, then pgbench with the
# same writes. Fresh databases gigforge_bench_e2e and gigforge_bench_pgbench, dropped after.
# Options: make bench-pipeline ARGS="-n 32 -d 60" (scripts/bench-pipeline.sh --help).
bench-pipeline:
	@scripts/bench-pipeline.sh $(ARGS)

# Scores the release build in place (make build or make test first): a fresh database
# gigforge_lighthouse, a server on a free port, reports in target/lighthouse/.
lighthouse:
	@scripts/lighthouse.sh

check:
	cargo check -p app --features ssr
	cargo check -p frontend --target wasm32-unknown-unknown

fmt:
	cargo fmt --all

clippy:
	cargo clippy -p app -p server --all-targets --features app/ssr -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
