"""Distances between positions: the haversine against other ways of knowing them."""

from __future__ import annotations

import math

import pytest

from fieldapp.core.geo import EARTH_RADIUS_M, Point, distance_m, nearest_first


def cosine_law_m(a: Point, b: Point) -> float:
    """The spherical law of cosines: the same sphere, another formula."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlon = math.radians(b.lon - a.lon)
    cosine = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(dlon)
    return EARTH_RADIUS_M * math.acos(max(-1.0, min(1.0, cosine)))


def test_a_degree_of_latitude_is_a_ninetieth_of_pole_to_equator() -> None:
    quarter = math.pi / 2 * EARTH_RADIUS_M
    assert distance_m(Point(0, 4.3), Point(90, 4.3)) == pytest.approx(quarter)
    assert distance_m(Point(52, 4.3), Point(53, 4.3)) == pytest.approx(quarter / 90)
    assert distance_m(Point(-10, 0), Point(10, 180)) == pytest.approx(2 * quarter)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Point(52.0799, 4.3113), Point(52.0809, 4.3249)),  # Buitenhof - Den Haag CS
        (Point(52.0809, 4.3249), Point(52.3791, 4.9003)),  # Den Haag CS - Amsterdam CS
        (Point(52.1050, 4.2770), Point(52.1051, 4.2771)),  # a few metres on the beach
    ],
)
def test_the_haversine_agrees_with_the_law_of_cosines(a: Point, b: Point) -> None:
    assert distance_m(a, b) == pytest.approx(cosine_law_m(a, b), rel=1e-6, abs=0.01)
    assert distance_m(a, b) == pytest.approx(distance_m(b, a))
    assert distance_m(a, a) == 0


def test_the_hague_to_amsterdam_is_about_fifty_kilometres() -> None:
    # Railway stations, as the crow flies: 51.3 km on any map's ruler.
    assert distance_m(Point(52.0809, 4.3249), Point(52.3791, 4.9003)) == pytest.approx(
        51_330, rel=0.005
    )


def test_nearest_first_orders_by_distance_and_keeps_ties_in_their_order() -> None:
    here = Point(52.0799, 4.3113)
    north = Point(52.0899, 4.3113)  # about 1.1 km
    east = Point(52.0799, 4.3313)  # about 1.4 km
    beside = Point(52.0800, 4.3113)  # about 11 m
    twin = Point(52.0800, 4.3113)
    assert nearest_first([east, twin, north, beside], here) == [twin, beside, north, east]
    assert nearest_first([east, beside, north, twin], here)[:2] == [beside, twin]
    assert nearest_first([], here) == []
