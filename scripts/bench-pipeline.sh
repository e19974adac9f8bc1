#!/usr/bin/env bash
# The end-to-end pipeline benchmark (bench/pipeline_e2e.py; make bench-pipeline).
#
# Installs its Python packages once into a venv outside the repository (aiohttp for
# signing the giggers in, Pillow for the test photo), builds the load client
# (bench/load), starts the private PostgreSQL cluster, then runs the benchmark with the
# arguments given (--help lists them). It needs a
# release build (make build) and psql + pgbench (Debian: postgresql-client).
# Environment: BENCH_VENV (default ~/.cache/gigforge/bench-venv), GIGFORGE_BIN or
# CARGO_TARGET_DIR to pick the binary.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${BENCH_VENV:-$HOME/.cache/gigforge/bench-venv}

say() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }

if ! "$VENV/bin/python" -c 'import aiohttp, PIL' 2>/dev/null; then
  say "installing aiohttp and Pillow into $VENV (once)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'aiohttp>=3.9,<4' 'Pillow>=10,<13'
fi
# The simulated giggers' client (bench/load): a small crate of its own, built in seconds.
if [[ " $* " != *" --client python "* ]]; then
  say "building the load client (bench/load)"
  (cd "$ROOT" && cargo build --release --quiet -p gigforge-load)
fi
"$ROOT/scripts/pg.sh" start
exec "$VENV/bin/python" "$ROOT/bench/pipeline_e2e.py" "$@"
