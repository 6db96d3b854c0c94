"""Small deterministic PNG images for synthetic data: street-scene photos and signatures.

Made with zlib and struct only, so seeding needs no imaging library. The same seed gives
the same bytes; `with_note` adds a text chunk so two inspections never share a file hash.
"""

from __future__ import annotations

import random
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_png(width: int, height: int, rows: list[bytes], colour: bool) -> bytes:
    """A PNG from raw rows (RGB when `colour`, else 8-bit grey)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if colour else 0, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def with_note(png: bytes, note: str) -> bytes:
    """The same picture with a tEXt chunk (before IEND) carrying `note`."""
    end = png.rindex(b"IEND") - 4
    return png[:end] + _chunk(b"tEXt", b"Comment\x00" + note.encode("latin-1")) + png[end:]


def photo(seed: int, width: int = 96, height: int = 72) -> bytes:
    """A street-scene-like photo: sky, façades with windows, pavement, some sensor noise."""
    rng = random.Random(seed)
    sky = (rng.randint(120, 200), rng.randint(150, 210), rng.randint(200, 255))
    horizon = rng.randint(height // 4, height // 2)
    facades = []
    x = 0
    while x < width:
        span = rng.randint(12, 30)
        tint = (rng.randint(90, 180), rng.randint(60, 140), rng.randint(50, 120))
        top = rng.randint(4, horizon)
        facades.append((x, x + span, top, tint))
        x += span
    rows = []
    for y in range(height):
        row = bytearray()
        for px in range(width):
            if y > height - 12:
                base: tuple[int, int, int] = (110, 110, 115)  # pavement
            else:
                base = sky
                for start, stop, top, tint in facades:
                    if start <= px < stop and y >= top:
                        window = (px - start) % 6 in (2, 3) and (y - top) % 8 in (3, 4, 5)
                        base = (40, 50, 70) if window else tint
                        break
            noise = rng.randint(-6, 6)
            row += bytes(min(255, max(0, channel + noise)) for channel in base)
        rows.append(bytes(row))
    return encode_png(width, height, rows, colour=True)


def signature(seed: int, width: int = 200, height: int = 60) -> bytes:
    """A scribbled signature: one dark random-walk stroke on white."""
    rng = random.Random(seed)
    pixels = [bytearray(b"\xff" * width) for _ in range(height)]
    x, y = 8.0, height / 2
    dy = 0.0
    while x < width - 8:
        dy = max(-2.5, min(2.5, dy + rng.uniform(-1.2, 1.2)))
        y = max(4.0, min(height - 5.0, y + dy))
        for thickness in (0, 1):
            pixels[int(y) + thickness][int(x)] = 20
        x += rng.uniform(0.4, 1.1)
    return encode_png(width, height, [bytes(row) for row in pixels], colour=False)
