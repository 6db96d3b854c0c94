"""Deterministic images for synthetic data: street-scene photos and signatures.

The small PNGs are made with zlib and struct only (store tests need many, fast); the
demo's photos (`street_photo`) are phone-sized JPEGs drawn with Pillow. The same seed gives
the same bytes; `with_note` adds a text chunk so two inspections never share a file hash.
"""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image, ImageDraw

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
    """The same picture with `note` in it: a tEXt chunk (before IEND) in a PNG, a comment
    segment (after the start of image) in a JPEG."""
    if png.startswith(b"\xff\xd8"):
        text = note.encode("utf-8")[:60000]
        return png[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + png[2:]
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


def street_photo(seed: int, width: int = 1024, height: int = 768) -> bytes:
    """A JPEG the size of a real (downscaled) phone photo: a street with façades, windows,
    a pavement and a shop sign, different per seed. The demo's photos are this size, so a
    report shows them as it shows a boa's."""
    rng = random.Random(seed)
    sky = (rng.randint(120, 200), rng.randint(150, 210), rng.randint(200, 255))
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(height // 5, height // 3)
    x = 0
    while x < width:
        span = rng.randint(width // 8, width // 4)
        tint = (rng.randint(90, 180), rng.randint(60, 140), rng.randint(50, 120))
        top = rng.randint(height // 12, horizon)
        draw.rectangle((x, top, x + span, height), fill=tint)
        for wy in range(top + 24, height - height // 5, 72):
            for wx in range(x + 16, x + span - 40, 64):
                draw.rectangle((wx, wy, wx + 32, wy + 44), fill=(40, 50, 70))
        x += span
    pavement = height - height // 6
    draw.rectangle((0, pavement, width, height), fill=(110, 110, 115))
    sign = (rng.randint(40, width // 2), horizon + 20)
    draw.rectangle((*sign, sign[0] + width // 3, sign[1] + 60), fill=(240, 230, 200))
    draw.text((sign[0] + 16, sign[1] + 20), f"Weimarstraat {seed % 400}", fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=75, optimize=False)
    return out.getvalue()


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
