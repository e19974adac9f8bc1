#!/usr/bin/env python3
"""Gzipped download per page of the split release build (cargo leptos build --split).

A page costs: the main WASM and JS, the split loader, and its route's module with the
shared chunks the manifest lists for it. Prints one line per lazy route and the total of
the heaviest gigger page (the figure issue 4 budgets at 250 KB).
Usage: scripts/bundle-sizes.py SITE_ROOT/pkg
"""
import glob
import gzip
import json
import os
import sys

pkg = sys.argv[1] if len(sys.argv) > 1 else "target/site/pkg"


def gz(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), compresslevel=9))


def one(pattern):
    found = sorted(glob.glob(os.path.join(pkg, pattern)))
    return found[0] if found else None


main_wasm = [p for p in glob.glob(os.path.join(pkg, "gigforge.*.wasm"))]
main_js = one("gigforge.*.js")
loader = one("__wasm_split.*.js")
manifest_path = one("__wasm_split_manifest.*.json")
base = sum(gz(p) for p in main_wasm + [main_js] + ([loader] if loader else []))
if not manifest_path:
    print(f"release bundle (every page, not split): WASM + JS {base / 1024:.0f} KB gzipped (goal for gigger pages: 250 KB)")
    sys.exit(0)
print(f"shell (main WASM + JS + split loader): {base / 1024:.0f} KB gzipped")
manifest = json.load(open(manifest_path))
gigger = ("feed", "profile", "my_gigs", "training_route", "gig_job", "gig_route")
heaviest = 0
for key, chunks in sorted(manifest.items()):
    module = one(f"split_{key}.*.wasm")
    own = gz(module) if module else 0
    shared = sum(gz(p) for c in chunks for p in [os.path.join(pkg, c + ".wasm")] if os.path.exists(p))
    total = base + own + shared
    name = key.strip("_").rsplit("_", 1)[0]
    is_gigger = any(g in name for g in gigger) and "editor" not in name and "list" not in name
    if is_gigger:
        heaviest = max(heaviest, total)
    print(f"{name:32} page {own / 1024:6.0f} KB + shared {shared / 1024:5.0f} KB = {total / 1024:5.0f} KB{'  (gigger)' if is_gigger else ''}")
print(f"heaviest gigger page: {heaviest / 1024:.0f} KB gzipped (goal 250 KB)")
