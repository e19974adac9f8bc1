#!/usr/bin/env python3
"""Draws Gigforge's app icons (a white "G" on green) as PNG and ICO with the standard
library only, so the icons can be rebuilt anywhere: python3 scripts/make-icons.py"""
import math, struct, zlib, pathlib

GREEN, WHITE = (11, 110, 79), (255, 255, 255)

def pixel(x, y, n):
    # Coordinates in a 512 grid, sampled 4x per pixel for smooth edges.
    u, v = x * 512 / n, y * 512 / n
    r = 96
    cx, cy = min(max(u, r), 512 - r), min(max(v, r), 512 - r)
    if (u - cx) ** 2 + (v - cy) ** 2 > r * r:
        return None
    d = math.hypot(u - 256, v - 256)
    angle = math.degrees(math.atan2(v - 256, u - 256)) % 360
    if 92 <= d <= 148 and not (285 <= angle <= 360):  # the ring, open at the top right
        return WHITE
    if 232 <= v <= 288 and 256 <= u <= 404:  # the G's bar
        return WHITE
    if 232 <= v <= 400 and 348 <= u <= 404:  # the G's stem
        return WHITE
    return GREEN

def render(n):
    rows = []
    for y in range(n):
        row = bytearray([0])
        for x in range(n):
            acc = [0, 0, 0, 0]
            for sy in (0.125, 0.375, 0.625, 0.875):
                for sx in (0.125, 0.375, 0.625, 0.875):
                    c = pixel(x + sx, y + sy, n)
                    if c:
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            a = acc[3] // 16
            if a:
                row += bytes([acc[0] * 255 // acc[3], acc[1] * 255 // acc[3], acc[2] * 255 // acc[3], a])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))

public = pathlib.Path(__file__).resolve().parent.parent / "public"
(public / "icons").mkdir(exist_ok=True)
for size in (192, 512):
    (public / "icons" / f"icon-{size}.png").write_bytes(render(size))
png48 = render(48)
ico = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 48, 48, 0, 0, 1, 32, len(png48), 22) + png48
(public / "favicon.ico").write_bytes(ico)
