"""Distances on the earth: how far a venue is from where the officer stands.

The haversine formula on a sphere of the earth's mean radius: within a city it is off by
less than half a percent from the ellipsoid, far below what a phone's position is off by.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

#: The earth's mean radius (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True, slots=True)
class Point:
    """A position in degrees (WGS 84), as a device or the venue registry gives it."""

    lat: float
    lon: float


class Placed(Protocol):
    """Anything with a position, such as a `Venue` of the registry."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


P = TypeVar("P", bound=Placed)


def distance_m(a: Placed, b: Placed) -> float:
    """The great-circle distance between two positions, in metres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(b.lon - a.lon) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    # min(): rounding can lift h a hair above 1 for two points on opposite sides.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def nearest_first(places: Iterable[P], here: Placed) -> list[P]:
    """`places` by their distance from `here`, nearest first; equal distances keep their
    order (a sorted list stays sorted by name among places at one address)."""
    return sorted(places, key=lambda place: distance_m(here, place))
