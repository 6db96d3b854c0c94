"""Where the device's map tile file is found: IT's preset first, then the home's maps folder."""

from __future__ import annotations

from pathlib import Path

from fieldapp.app.maps import MAP_TILES_VARIABLE, MAPS_FOLDER, find_map_tiles


def test_without_a_tile_file_there_is_no_map(tmp_path: Path) -> None:
    assert find_map_tiles(tmp_path, {}) is None
    (tmp_path / MAPS_FOLDER).mkdir()
    (tmp_path / MAPS_FOLDER / "readme.txt").write_text("put the map here\n")
    assert find_map_tiles(tmp_path, {}) is None


def test_the_homes_maps_folder_is_shared_by_every_profile(tmp_path: Path) -> None:
    maps = tmp_path / MAPS_FOLDER
    maps.mkdir()
    (maps / "zz-old.MBTiles").write_bytes(b"")
    (maps / "den-haag.mbtiles").write_bytes(b"")
    # The first by name: a second file never changes which map a device shows at random.
    assert find_map_tiles(tmp_path, {}) == maps / "den-haag.mbtiles"


def test_it_presets_a_file_or_a_folder_and_it_wins_over_the_home(tmp_path: Path) -> None:
    (tmp_path / "home" / MAPS_FOLDER).mkdir(parents=True)
    (tmp_path / "home" / MAPS_FOLDER / "home.mbtiles").write_bytes(b"")
    share = tmp_path / "share"
    share.mkdir()
    (share / "gemeente.mbtiles").write_bytes(b"")
    home = tmp_path / "home"
    assert find_map_tiles(home, {MAP_TILES_VARIABLE: str(share)}) == share / "gemeente.mbtiles"
    named = share / "gemeente.mbtiles"
    assert find_map_tiles(home, {MAP_TILES_VARIABLE: f"  {named}  "}) == named
    # A preset that names nothing (a share not mounted) leaves the home's file.
    assert (
        find_map_tiles(home, {MAP_TILES_VARIABLE: str(tmp_path / "offline")})
        == home / MAPS_FOLDER / "home.mbtiles"
    )
