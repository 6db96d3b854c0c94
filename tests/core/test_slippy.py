"""The slippy-map grid against the OpenStreetMap wiki's formula, and the TMS flip."""

from __future__ import annotations

import math

from fieldapp.core.slippy import (
    GeoBounds,
    lat_lon_of,
    metres_per_pixel,
    tile_of,
    tms_row,
    world_pixel,
)
from tests.support.maptiles import osm_pixel


def test_the_slippy_grid_agrees_with_the_openstreetmap_formula() -> None:
    for lat, lon in ((52.0799, 4.3113), (52.1, 4.2), (-33.86, 151.21), (0.0, 0.0)):
        for zoom in (0, 12, 17):
            ours = world_pixel(lat, lon, zoom)
            theirs = osm_pixel(lat, lon, zoom)
            assert math.isclose(ours[0], theirs[0], abs_tol=1e-6)
            assert math.isclose(ours[1], theirs[1], abs_tol=1e-6)
            back = lat_lon_of(*ours, zoom)
            assert math.isclose(back[0], lat, abs_tol=1e-9)
            assert math.isclose(back[1], lon, abs_tol=1e-9)
    # The Hague's Spui at zoom 16 is OpenStreetMap's tile 16/33552/21623.
    x, y = osm_pixel(52.0799, 4.3113, 16)
    assert tile_of(52.0799, 4.3113, 16) == (int(x // 256), int(y // 256)) == (33552, 21623)
    assert tms_row(21623, 16) == 43912 and tms_row(tms_row(7, 5), 5) == 7


def test_bounds_parse_as_mbtiles_writes_them_and_refuse_nonsense() -> None:
    bounds = GeoBounds.parse("4.18, 52.00, 4.42, 52.14")
    assert bounds == GeoBounds(4.18, 52.0, 4.42, 52.14)
    assert bounds.contains(52.0799, 4.3113) and not bounds.contains(51.92, 4.47)
    assert bounds.centre == (52.07, 4.30)
    for nonsense in ("", "4.18,52.00,4.42", "4.42,52.00,4.18,52.14", "a,b,c,d", "0,0,0,0"):
        assert GeoBounds.parse(nonsense) is None


def test_a_pixel_at_zoom_17_in_the_hague_is_under_a_metre() -> None:
    # 156543.03 m per pixel at zoom 0 on the equator, halved per zoom, times cos(latitude).
    expected = 156543.03392804097 / 2**17 * math.cos(math.radians(52.08))
    assert math.isclose(metres_per_pixel(52.08, 17), expected, rel_tol=1e-9)
    assert 0.7 < expected < 0.8
