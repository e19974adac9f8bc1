#!/usr/bin/env bash
# Everything CI runs, in order, with a summary: formatting, clippy on both sides, unit
# and integration tests against a real PostgreSQL (a fresh database per test), the
# release build (WASM size reported), and the browser tests against the real server.
# Exits non-zero if any step fails.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export LEPTOS_SITE_ROOT=$ROOT/target/site
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-always}
BIN=$CARGO_TARGET_DIR/release/gigforge
E2E_PORT=${E2E_PORT:-3100}

declare -a NAMES RESULTS TIMES
failed=0
step() {
  local name=$1; shift
  printf '\n\033[1;34m==> %s\033[0m\n' "$name"
  local start=$SECONDS
  if "$@"; then RESULTS+=("pass"); else RESULTS+=("FAIL"); failed=1; fi
  NAMES+=("$name"); TIMES+=($((SECONDS - start)))
}
skip() { NAMES+=("$1"); RESULTS+=("skipped ($2)"); TIMES+=(0); }

summary() {
  printf '\n\033[1m%-34s %-22s %s\033[0m\n' "step" "result" "seconds"
  for i in "${!NAMES[@]}"; do
    local colour='\033[32m'; [ "${RESULTS[$i]}" = pass ] || colour='\033[31m'
    printf "%-34s ${colour}%-22s\033[0m %s\n" "${NAMES[$i]}" "${RESULTS[$i]}" "${TIMES[$i]}"
  done
  [ -n "${SIZE_REPORT:-}" ] && printf '\n%s\n' "$SIZE_REPORT"
  printf '\ntotal %s s: ' "$SECONDS"
  if [ $failed = 0 ]; then printf '\033[1;32mall steps passed\033[0m\n'; else printf '\033[1;31msome steps failed\033[0m\n'; fi
}

# A database server: the caller's (TEST_DATABASE_ADMIN_URL, a URL whose user may create
# databases) or the private cluster.
if [ -n "${TEST_DATABASE_ADMIN_URL:-}" ]; then
  db_url() { echo "${TEST_DATABASE_ADMIN_URL%/*}/$1"; }
  create_db() { psql "$TEST_DATABASE_ADMIN_URL" -qc "create database $1" 2>/dev/null || true; }
  drop_db() { psql "$TEST_DATABASE_ADMIN_URL" -qc "drop database if exists $1 with (force)"; }
else
  scripts/pg.sh start || exit 1
  db_url() { scripts/pg.sh url "$1"; }
  create_db() { scripts/pg.sh create-db "$1"; }
  drop_db() { scripts/pg.sh drop-db "$1"; }
fi

rust_tests() {
  # sqlx::test makes a fresh database per test on the server DATABASE_URL names.
  create_db gigforge_test && DATABASE_URL=$(db_url gigforge_test) cargo test -p app -p server -p gigforge-load --lib --bins --tests
}

release_build() {
  cargo leptos build --release || return 1
  scripts/build-gigger-wasm.sh || return 1
  SIZE_REPORT=$(scripts/bundle-sizes.py "$LEPTOS_SITE_ROOT/pkg" | tail -1)
  scripts/bundle-sizes.py "$LEPTOS_SITE_ROOT/pkg"
}

browser_tests() {
  scripts/install-tools.sh chromium playwright || return 1
  local work
  work=$(mktemp -d)
  drop_db gigforge_e2e && create_db gigforge_e2e || return 1
  export DATABASE_URL
  DATABASE_URL=$(db_url gigforge_e2e)
  "$BIN" seed >/dev/null || return 1
  (cd end2end && GIGFORGE_BIN=$BIN E2E_PORT=$E2E_PORT OTP_SINK="file:$work/otp.jsonl" \
    OTP_SINK_FILE="$work/otp.jsonl" DATA_DIR="$work/data" SESSION_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    RUST_LOG=warn PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test ${PLAYWRIGHT_ARGS:-})
  local status=$?
  rm -rf "$work"
  return $status
}

# `scripts/test.sh browser [playwright args]` runs only the browser tests against the
# release build already in place (for iterating on end2end/ specs).
if [ "${1:-}" = browser ]; then
  shift
  export PLAYWRIGHT_ARGS="$*"
  step "browser tests (Playwright)" browser_tests
  summary
  exit $failed
fi

step "cargo fmt --check" cargo fmt --all --check
step "clippy (server side, ssr)" cargo clippy -p app -p server -p gigforge-load --all-targets -- -D warnings
step "clippy (browser side, hydrate)" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
step "unit + integration tests" rust_tests
step "release build (server + WASM)" release_build
if [ "${RESULTS[-1]}" = pass ]; then
  step "browser tests (Playwright)" browser_tests
else
  skip "browser tests (Playwright)" "no release build"
fi
summary
exit $failed
