"""The MBTiles reader: TMS rows, metadata, missing tiles, and files it must refuse."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from fieldapp.core.slippy import GeoBounds, tms_row
from fieldapp.store.errors import MapTilesUnreadable
from fieldapp.store.maptiles import MapTiles
from tests.support.maptiles import SCHEMA, osm_lat_lon, solid_png, write_mbtiles

RED = solid_png(255, 0, 0)
BLUE = solid_png(0, 0, 255)
HAGUE = {
    "name": "Den Haag",
    "format": "png",
    "minzoom": "15",
    "maxzoom": "16",
    "bounds": "4.30,52.07,4.33,52.09",
    "center": "4.3113,52.0799,16",
    "attribution": '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap</a>',
}


def test_tiles_are_read_by_their_north_first_row_from_the_south_first_file(
    tmp_path: Path,
) -> None:
    # Two tiles in one column, one above the other: which is which is the TMS flip.
    path = write_mbtiles(
        tmp_path / "hague.mbtiles", {(16, 33552, 21626): RED, (16, 33552, 21627): BLUE}, HAGUE
    )
    with sqlite3.connect(path) as raw:
        stored = dict(
            raw.execute("SELECT tile_row, tile_data FROM tiles WHERE zoom_level = 16").fetchall()
        )
    assert stored == {2**16 - 1 - 21626: RED, 2**16 - 1 - 21627: BLUE}
    tiles = MapTiles.open(path)
    assert tiles.tile(16, 33552, 21626) == RED
    assert tiles.tile(16, 33552, 21627) == BLUE
    # A tile the file does not have, and one outside the world, are simply not there.
    assert tiles.tile(16, 33553, 21626) is None
    assert tiles.tile(16, -1, 21626) is None
    assert tiles.tile(16, 33552, 2**16) is None
    tiles.close()
    assert tiles.tile(16, 33552, 21626) is None


def test_metadata_gives_bounds_zooms_format_centre_and_attribution(tmp_path: Path) -> None:
    tiles = MapTiles.open(write_mbtiles(tmp_path / "hague.mbtiles", {(15, 1, 1): RED}, HAGUE))
    info = tiles.info
    assert (info.name, info.format, info.min_zoom, info.max_zoom) == ("Den Haag", "png", 15, 16)
    assert info.bounds == GeoBounds(4.30, 52.07, 4.33, 52.09)
    assert info.centre == (52.0799, 4.3113, 16)
    assert "© OpenStreetMap" in info.attribution
    tiles.close()


def test_zoom_levels_and_bounds_missing_from_the_metadata_come_from_the_tiles(
    tmp_path: Path,
) -> None:
    path = write_mbtiles(
        tmp_path / "bare.mbtiles",
        {(12, 2096, 1351): RED, (14, 8385, 5405): RED, (13, 4192, 2702): BLUE},
        {"name": "bare"},
    )
    info = MapTiles.open(path).info
    assert (info.min_zoom, info.max_zoom, info.format) == (12, 14, "png")
    assert info.centre is None and info.attribution == ""
    # Without `bounds` the shallowest zoom's tiles say where the map is: tile 12/2096/1351.
    north, west = osm_lat_lon(2096 * 256, 1351 * 256, 12)
    south, east = osm_lat_lon(2097 * 256, 1352 * 256, 12)
    assert info.bounds is not None
    for ours, theirs in zip(
        (info.bounds.west, info.bounds.south, info.bounds.east, info.bounds.north),
        (west, south, east, north),
        strict=True,
    ):
        assert abs(ours - theirs) < 1e-9


def test_an_mb_util_file_with_tiles_as_a_view_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deduplicated.mbtiles"
    with sqlite3.connect(path) as raw:
        raw.executescript(
            """
            CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                              tile_id TEXT);
            CREATE TABLE images (tile_data BLOB, tile_id TEXT);
            CREATE TABLE metadata (name TEXT, value TEXT);
            CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level,
                map.tile_column AS tile_column, map.tile_row AS tile_row,
                images.tile_data AS tile_data
                FROM map JOIN images ON images.tile_id = map.tile_id;
            INSERT INTO metadata VALUES ('format', 'png'), ('minzoom', '3'), ('maxzoom', '3');
            INSERT INTO images VALUES (x'00', 'empty');
            INSERT INTO map VALUES (3, 4, 5, 'empty');
            """
        )
    assert MapTiles.open(path).tile(3, 4, tms_row(5, 3)) == b"\x00"


@pytest.mark.parametrize(
    ("contents", "dutch", "english"),
    [
        (b"this is not a database at all" * 100, "geen MBTiles-bestand", "not an MBTiles file"),
        (b"", "geen MBTiles-bestand", "not an MBTiles file"),
    ],
)
def test_a_file_that_is_not_sqlite_is_refused_with_a_sentence(
    tmp_path: Path, contents: bytes, dutch: str, english: str
) -> None:
    path = tmp_path / "broken.mbtiles"
    path.write_bytes(contents)
    with pytest.raises(MapTilesUnreadable) as refused:
        MapTiles.open(path)
    assert "broken.mbtiles" in refused.value.text("nl") and dutch in refused.value.text("nl")
    assert english in refused.value.text("en")
    assert "Kies een plek uit de lijst" in refused.value.text("nl")


def test_sqlite_files_that_are_no_raster_tile_set_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "profile.mbtiles"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(MapTilesUnreadable, match="not an MBTiles file"):
        MapTiles.open(other)
    vector = write_mbtiles(
        tmp_path / "vector.mbtiles", {(14, 1, 1): b"\x1a\x00"}, {"format": "pbf"}
    )
    with pytest.raises(MapTilesUnreadable) as refused:
        MapTiles.open(vector)
    assert "vector tiles" in refused.value.text("en")
    assert "vectorkaartvlakken" in refused.value.text("nl")
    empty = tmp_path / "empty.mbtiles"
    with sqlite3.connect(empty) as raw:
        raw.executescript(SCHEMA)
    with pytest.raises(MapTilesUnreadable, match="holds no map tiles"):
        MapTiles.open(empty)
    with pytest.raises(MapTilesUnreadable, match="not there"):
        MapTiles.open(tmp_path / "absent.mbtiles")


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_file_in_a_folder_nobody_may_write_opens_and_stays_as_it_was(tmp_path: Path) -> None:
    """Read-only (`mode=ro`): no journal beside it, not a byte changed (root ignores the
    permissions, but not the mode)."""
    folder = tmp_path / "maps"
    folder.mkdir()
    path = write_mbtiles(folder / "hague.mbtiles", {(16, 33552, 21626): RED}, HAGUE)
    before = path.read_bytes()
    path.chmod(stat.S_IRUSR)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        tiles = MapTiles.open(path)
        assert tiles.tile(16, 33552, 21626) == RED
        tiles.close()
        assert sorted(p.name for p in folder.iterdir()) == ["hague.mbtiles"]
        assert path.read_bytes() == before
    finally:
        folder.chmod(stat.S_IRWXU)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_tiles_are_read_from_many_threads_at_once(tmp_path: Path) -> None:
    tiles_in = {
        (16, 33552 + dx, 21626 + dy): solid_png(dx * 40, dy * 40, 0)
        for dx in range(4)
        for dy in range(4)
    }
    tiles = MapTiles.open(write_mbtiles(tmp_path / "hague.mbtiles", tiles_in, HAGUE))
    found: dict[tuple[int, int, int], bytes | None] = {}

    def read(key: tuple[int, int, int]) -> None:
        found[key] = tiles.tile(*key)

    threads = [threading.Thread(target=read, args=(key,)) for key in tiles_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == tiles_in


def test_a_file_damaged_after_opening_is_refused_tile_by_tile_with_a_sentence(
    tmp_path: Path,
) -> None:
    path = write_mbtiles(
        tmp_path / "hague.mbtiles",
        {(16, x, y): solid_png(x % 256, y % 256, 0, 64) for x in range(60) for y in range(20)},
        HAGUE,
    )
    tiles = MapTiles.open(path)
    # A copy overwritten while the map is open (a half-finished replacement): every page
    # after the first two is garbage.
    damaged = bytearray(path.read_bytes())
    damaged[8192:] = b"\xab" * (len(damaged) - 8192)
    path.write_bytes(bytes(damaged))
    with pytest.raises(MapTilesUnreadable) as refused:
        tiles.tile(16, 59, 19)
    assert "kaartvlak kan niet worden gelezen" in refused.value.text("nl")
    assert "a map tile cannot be read" in refused.value.text("en")
    tiles.close()
