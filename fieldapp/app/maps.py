"""Finding and opening the map tile file a device has, for the map that picks a point.

The municipality provides the map as one MBTiles file (docs/maps.md); nothing is
downloaded while the app runs. The file is looked for, in this order:

1. `FIELDAPP_MAP_TILES`, which IT sets for every user of a machine: an `.mbtiles` file, or
   a folder that holds one;
2. `<home>/maps/`, beside `profiles/`, so every profile on the device shares one copy.

In a folder the first `.mbtiles` file by name is used. Without a file the screens offer
the registry list instead of the map.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from fieldapp.store.errors import MapTilesUnreadable
from fieldapp.store.maptiles import MapTiles, TileSetInfo

__all__ = [
    "MAPS_FOLDER",
    "MAP_TILES_VARIABLE",
    "MapTiles",
    "MapTilesUnreadable",
    "TileSetInfo",
    "find_map_tiles",
    "open_map_tiles",
]

#: The environment variable in which IT names the tile file (or its folder) for a machine.
MAP_TILES_VARIABLE = "FIELDAPP_MAP_TILES"
#: The folder below the home folder that holds the tile file every profile shares.
MAPS_FOLDER = "maps"
_SUFFIX = ".mbtiles"


def find_map_tiles(home: Path, environment: Mapping[str, str] | None = None) -> Path | None:
    """The tile file this device has, or None: IT's preset first, then `<home>/maps/`."""
    env = os.environ if environment is None else environment
    preset = env.get(MAP_TILES_VARIABLE, "").strip()
    if preset:
        found = _tile_file_in(Path(preset).expanduser())
        if found is not None:
            return found
    return _tile_file_in(Path(home) / MAPS_FOLDER)


def open_map_tiles(path: Path) -> MapTiles:
    """Open the tile file read-only; `MapTilesUnreadable` (a sentence) when it cannot serve."""
    return MapTiles.open(path)


def _tile_file_in(place: Path) -> Path | None:
    if place.is_file():
        return place
    try:
        candidates = sorted(
            entry
            for entry in place.iterdir()
            if entry.suffix.lower() == _SUFFIX and entry.is_file()
        )
    except OSError:  # no such folder, or not allowed to list it: no map, the list remains
        return None
    return candidates[0] if candidates else None
