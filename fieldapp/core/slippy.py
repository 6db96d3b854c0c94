"""The slippy-map grid: latitude and longitude to Web Mercator tile pixels at a zoom, and back.

At zoom z the world is 2^z by 2^z tiles of 256 pixels (EPSG:3857, as OpenStreetMap, PDOK
and MBTiles use it), x growing east from 180° W and y growing south from about 85.05° N.
Points are given in *world pixels* at a zoom: tile x·256 plus the pixel inside the tile.
MBTiles files number their rows the other way up (TMS: row 0 in the south); `tms_row`
flips one into the other. Pure arithmetic, no Qt, no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "MAX_LATITUDE",
    "TILE_SIZE",
    "GeoBounds",
    "lat_lon_of",
    "metres_per_pixel",
    "tile_of",
    "tms_row",
    "world_pixel",
    "world_size",
]

#: Pixels along one side of a tile.
TILE_SIZE = 256
#: Web Mercator's edge: the latitude at which the square world ends.
MAX_LATITUDE = 85.0511287798066
#: The earth's equatorial radius in metres, as EPSG:3857 takes it.
_EARTH_RADIUS = 6_378_137.0


def world_size(zoom: int) -> int:
    """Pixels along one side of the whole world at `zoom`."""
    return TILE_SIZE << zoom


def world_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Where (`lat`, `lon`) lies at `zoom`, in world pixels from the north-west corner."""
    size = world_size(zoom)
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = (lon + 180.0) / 360.0 * size
    sin_lat = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin_lat) / (1 - sin_lat)) / (4 * math.pi)) * size
    return x, y


def lat_lon_of(x: float, y: float, zoom: int) -> tuple[float, float]:
    """The latitude and longitude of world pixel (`x`, `y`) at `zoom`."""
    size = world_size(zoom)
    lon = x / size * 360.0 - 180.0
    mercator = math.pi * (1 - 2 * y / size)
    lat = math.degrees(math.atan(math.sinh(mercator)))
    return lat, lon


def tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """The tile (x, y, counted from the north-west) that holds (`lat`, `lon`) at `zoom`."""
    x, y = world_pixel(lat, lon, zoom)
    last = (1 << zoom) - 1
    return min(last, max(0, int(x // TILE_SIZE))), min(last, max(0, int(y // TILE_SIZE)))


def tms_row(row: int, zoom: int) -> int:
    """The same row counted from the other pole: XYZ (north first) <-> TMS (south first)."""
    return (1 << zoom) - 1 - row


def metres_per_pixel(lat: float, zoom: int) -> float:
    """How many metres on the ground one pixel spans at `lat` and `zoom`."""
    return 2 * math.pi * _EARTH_RADIUS * math.cos(math.radians(lat)) / world_size(zoom)


@dataclass(frozen=True, slots=True)
class GeoBounds:
    """A box of latitude and longitude, as MBTiles' `bounds` gives it (west, south, east, north)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> GeoBounds | None:
        """'4.18,52.00,4.42,52.14' as bounds; None when it is not four numbers in order."""
        parts = text.split(",")
        if len(parts) != 4:
            return None
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            return None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            return None
        return cls(west, south, east, north)

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    @property
    def centre(self) -> tuple[float, float]:
        """The middle as (latitude, longitude)."""
        return (self.south + self.north) / 2, (self.west + self.east) / 2
