#!/usr/bin/env bash
# Builds the gigger pages' two small WASM bundles (app/src/ui/bundle.rs): the `frontend`
# crate without its `staff` feature, so no page's code but theirs is linked in:
# - gigforge-gigger: `gig-form` only, the gig form's browser code without a framework
#   (app/src/gigs/pages/live), for the gig page;
# - gigforge-light: `hydrate` only, the islands (app/src/ui/island.rs) of the sign-in and
#   profile pages.
# Run after `cargo leptos build --release`, which builds the server and the full bundle;
# `make build` and `make test` run both. Build them from the same sources as the server:
# an island's exported name hashes its code.
#
# Writes pkg/NAME.HASH.js and .wasm into the site directory and hash-gigger.txt /
# hash-light.txt beside the server binary (the format of cargo-leptos's hash.txt), which the
# server reads to pick the bundle per page. Without them the server falls back to a bigger
# bundle (in the end the full one).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
PKG="$SITE_ROOT/pkg"
BIN_DIR="$TARGET/release"

[ -x "$BIN_DIR/gigforge" ] || { echo "build-gigger-wasm: no release server in $BIN_DIR: run cargo leptos build --release first" >&2; exit 1; }

build_bundle() {
  local KIND=$1 FEATURES=$2 NAME=gigforge-$1 work js_hash wasm_hash
  # The environment cargo-leptos gives its WASM build (`cargo leptos build -vv` prints it):
  # erased views, as the server renders them (both sides must agree, docs/decisions.md).
  # Its own target directory per bundle: in a shared one, the feature sets would overwrite each
  # other's frontend.wasm and each build would relink the others.
  LEPTOS_OUTPUT_NAME=gigforge LEPTOS_SITE_ROOT="$SITE_ROOT" LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend \
    LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt \
    RUSTFLAGS="--cfg erase_components" \
    cargo build --package=frontend --lib --target-dir="$TARGET/front-$KIND" \
    --target=wasm32-unknown-unknown --no-default-features $FEATURES --profile=wasm-release

  work=$(mktemp -d)
  wasm-bindgen --target=web --no-typescript --out-name="$NAME" --out-dir="$work" \
    "$TARGET/front-$KIND/wasm32-unknown-unknown/wasm-release/frontend.wasm"

  # Content hashes in the names: the service worker and browsers keep /pkg/NAME.HASH.* forever.
  hash_of() { sha256sum "$1" | cut -c1-22; }
  js_hash=$(hash_of "$work/$NAME.js")
  wasm_hash=$(hash_of "$work/${NAME}_bg.wasm")
  rm -f "$PKG/$NAME".*
  # (No crate of ours uses inline JS snippets today; if one does, they go along.)
  if [ -d "$work/snippets" ]; then cp -r "$work/snippets" "$PKG/"; fi
  cp "$work/$NAME.js" "$PKG/$NAME.$js_hash.js"
  cp "$work/${NAME}_bg.wasm" "$PKG/$NAME.$wasm_hash.wasm"
  printf 'js: %s\nwasm: %s\n' "$js_hash" "$wasm_hash" >"$BIN_DIR/hash-$KIND.txt"
  echo "$KIND bundle: $PKG/$NAME.$wasm_hash.wasm ($(stat -c %s "$PKG/$NAME.$wasm_hash.wasm") bytes)"
  rm -rf "$work"
}

build_bundle gigger "--features=gig-form"
build_bundle light "--features=hydrate"
