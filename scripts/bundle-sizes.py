#!/usr/bin/env python3
"""Gzipped download (WASM + JS, gzip -9) of the release build's two bundles.

The full bundle (`gigforge.*`, every page) is what staff pages load; the gigger bundle
(`gigforge-gigger.*`, scripts/build-gigger-wasm.sh) is what every gigger and public page
loads, and the figure issue 4 budgets at 250 KB. The last line is the gigger figure
(scripts/test.sh prints it in its summary).
Usage: scripts/bundle-sizes.py SITE_ROOT/pkg
"""
import glob
import gzip
import os
import sys

pkg = sys.argv[1] if len(sys.argv) > 1 else "target/site/pkg"


def gz(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), compresslevel=9))


def bundle(name):
    """(raw bytes, gzipped bytes) of NAME.HASH.wasm + NAME.HASH.js, or None if not built."""
    files = [p for ext in ("wasm", "js") for p in glob.glob(os.path.join(pkg, f"{name}.*.{ext}"))]
    # `gigforge.*` must not pick up `gigforge-gigger.*` (it cannot: the dot comes first).
    if not any(p.endswith(".wasm") for p in files):
        return None
    return sum(os.path.getsize(p) for p in files), sum(gz(p) for p in files)


full = bundle("gigforge")
gigger = bundle("gigforge-gigger")
if full:
    print(f"full bundle (staff pages): WASM + JS {full[0] / 1024:.0f} KB raw, {full[1] / 1024:.0f} KB gzipped")
if gigger:
    print(f"gigger bundle (gigger pages): WASM + JS {gigger[0] / 1024:.0f} KB raw, {gigger[1] / 1024:.0f} KB gzipped (goal 250 KB)")
else:
    print("gigger bundle not built (scripts/build-gigger-wasm.sh): gigger pages load the full bundle")
