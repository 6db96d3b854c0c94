"""Small real MBTiles files for the map tests, written with plain sqlite3 as the spec lays out.

Tiles are given by their XYZ address (row 0 in the north, as the screens count); the file
stores TMS rows (row 0 in the south), as gdal, mb-util and every MBTiles writer do. The
tile position of a point is computed here with the OpenStreetMap wiki's formula, not with
`fieldapp.core.slippy`, so the tests check the app against another derivation.
"""

from __future__ import annotations

import math
import sqlite3
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path

#: The schema of the MBTiles 1.3 spec.
SCHEMA = """
CREATE TABLE metadata (name TEXT, value TEXT);
CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
"""


def write_mbtiles(
    path: Path, tiles: Mapping[tuple[int, int, int], bytes], metadata: Mapping[str, str]
) -> Path:
    """An MBTiles file at `path` holding `tiles` {(zoom, x, y north-first): image bytes}."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        connection.executemany("INSERT INTO metadata VALUES (?, ?)", list(metadata.items()))
        connection.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, (2**z - 1) - y, data) for (z, x, y), data in tiles.items()],
        )
        connection.commit()
    finally:
        connection.close()
    return path


def osm_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """World pixel of a point, by the OpenStreetMap wiki's formula (Slippy map tilenames)."""
    n = 2.0**zoom
    lat_rad = math.radians(lat)
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * n
    return x * 256, y * 256


def osm_lat_lon(x: float, y: float, zoom: int) -> tuple[float, float]:
    """The point at a world pixel, by the wiki's inverse formula."""
    n = 2.0**zoom * 256
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    return lat, lon


def solid_png(red: int, green: int, blue: int, size: int = 4) -> bytes:
    """A small one-colour PNG, written by hand (no Qt): enough for the store's tests."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((red, green, blue)) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )
