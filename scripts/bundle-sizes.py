#!/usr/bin/env python3
"""Gzipped download (WASM + JS, gzip -9) of the release build's three bundles.

The full bundle (`gigforge.*`) is what staff pages load; the islands bundles
(scripts/build-gigger-wasm.sh) are what gigger pages load: `gigforge-gigger.*` on the gig
form page, `gigforge-light.*` on the sign-in and profile pages; the feed, job, quiz and
My gigs pages load none. Issue 4 budgets these at 250 KB. The last line sums the gigger
side up (scripts/test.sh prints it in its summary).
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
light = bundle("gigforge-light")
if full:
    print(f"full bundle (staff pages): WASM + JS {full[0] / 1024:.0f} KB raw, {full[1] / 1024:.0f} KB gzipped")
if light:
    print(f"light bundle (sign-in, profile): WASM + JS {light[0] / 1024:.0f} KB raw, {light[1] / 1024:.0f} KB gzipped")
if gigger:
    print(f"gigger bundle (gig form): WASM + JS {gigger[0] / 1024:.0f} KB raw, {gigger[1] / 1024:.0f} KB gzipped")
if gigger and light:
    print(f"gigger pages (goal 250 KB gzipped): gig form {gigger[1] / 1024:.0f} KB, sign-in and profile {light[1] / 1024:.0f} KB, feed, job, quiz, My gigs 0 KB")
else:
    print("islands bundles not built (scripts/build-gigger-wasm.sh): gigger pages load a bigger bundle")
