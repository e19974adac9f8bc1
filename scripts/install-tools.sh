#!/usr/bin/env bash
# Installs the build tools Gigforge needs into ~/.cargo/bin (or node_modules),
# once, from the package registries only. Every step is skipped when the tool
# is already there at the right version, so `make run` / `make test` stay fast.
#
# Why the detours: cargo-leptos 0.3.11's lockfile wants rustc 1.96 and the
# wasm-bindgen 0.2.130 CLI's lockfile wants a webpki-roots the registry lacks;
# both install from their registry source with one dependency pinned back.
# cargo-leptos would download wasm-bindgen and wasm-opt from the internet,
# which is closed here, so both must be on PATH beforehand. Debian's binaryen
# (wasm-opt 108) produces WASM that breaks at runtime: we use npm's binaryen.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' "$(dirname "$0")/../Cargo.lock" 2>/dev/null | sed -n 's/^version = "\(.*\)"/\1/p' || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}
BINARYEN_VERSION=132.0.0
ROOT=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '\033[1;34m[tools]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[tools] %s\033[0m\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs) first"

# Unpacks a crate's registry source into a scratch directory and prints its path.
crate_source() {
  local name=$1 version=$2
  cargo info "$name@$version" >/dev/null 2>&1 || true
  local src
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$name-$version" 2>/dev/null | head -1)
  [ -n "$src" ] || die "could not fetch the source of $name $version from crates.io"
  local work
  work=$(mktemp -d)
  cp -r "$src" "$work/"
  echo "$work/$name-$version"
}

wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then return; fi
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 25 minutes on 2 cores, once)"
  local dir
  dir=$(crate_source cargo-leptos "$CARGO_LEPTOS_VERSION")
  (cd "$dir" && rm -f rust-toolchain.toml rust-toolchain \
    && cargo update -p cargo-util-schemas --precise 0.14.1 \
    && cargo install --path . --locked)
  rm -rf "$(dirname "$dir")"
}

wasm_bindgen_cli() {
  if wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then return; fi
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  local dir
  dir=$(crate_source wasm-bindgen-cli "$WASM_BINDGEN_VERSION")
  (cd "$dir" && { cargo update -p webpki-roots@1.0.11 --precise 1.0.10 2>/dev/null || true; } \
    && cargo install --path . --locked --force)
  rm -rf "$(dirname "$dir")"
}

wasm_opt() {
  # A wrapper in ~/.cargo/bin runs npm's binaryen; cargo-leptos finds it on PATH.
  local dir="${CARGO_HOME:-$HOME/.cargo}/tools/binaryen-$BINARYEN_VERSION"
  local bin="${CARGO_HOME:-$HOME/.cargo}/bin/wasm-opt"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then return; fi
  command -v npm >/dev/null || die "npm not found: install Node.js and npm (apt-get install nodejs npm)"
  say "installing wasm-opt from npm's binaryen@$BINARYEN_VERSION"
  mkdir -p "$dir"
  (cd "$dir" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null)
  cat >"$bin" <<WRAP
#!/bin/sh
exec node "$dir/node_modules/binaryen/bin/wasm-opt" "\$@"
WRAP
  chmod +x "$bin"
}

# Installs a Debian package when we may (root with apt); otherwise says what to install.
apt_install_or_explain() {
  local package=$1 why=$2
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing $package with apt ($why)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  else
    die "$why: install it (sudo apt-get install $package)"
  fi
}

postgres() {
  if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return; fi
  [ -n "${DATABASE_URL:-}" ] && return
  apt_install_or_explain postgresql "PostgreSQL server binaries not found (or set DATABASE_URL)"
}

chromium() {
  [ -x /usr/bin/chromium ] && return
  apt_install_or_explain chromium "/usr/bin/chromium is needed for the browser tests"
}

playwright() {
  if [ -d "$ROOT/end2end/node_modules/@playwright/test" ]; then return; fi
  say "installing Playwright (no browser download: Debian's chromium is used)"
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
}

for step in "${@:-wasm_target cargo_leptos wasm_bindgen_cli wasm_opt postgres}"; do
  for s in $step; do "$s"; done
done
