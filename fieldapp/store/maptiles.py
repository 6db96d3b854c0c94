"""Map tiles from an MBTiles file the municipality provides, read-only and never downloaded.

An MBTiles file (https://github.com/mapbox/mbtiles-spec) is an SQLite database with a
`metadata(name, value)` table and `tiles(zoom_level, tile_column, tile_row, tile_data)`,
which may be a view (mb-util writes one over deduplicated images). Rows are TMS, counted
from the south; `MapTiles.tile` takes the XYZ row the screens use and flips it.

The file is opened read-only through an SQLite URI (`mode=ro`), so a file on a read-only
share or in a folder the person may not write works, and nothing is ever written to it.
A file that is not an MBTiles raster tile set is refused with `MapTilesUnreadable`, and
the screens offer the registry list instead. One connection serves every thread behind a
lock: tile reads are single indexed lookups, far cheaper than decoding the image.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from fieldapp.core.slippy import TILE_SIZE, GeoBounds, lat_lon_of, tms_row
from fieldapp.store.errors import MapTilesUnreadable

__all__ = ["RASTER_FORMATS", "MapTiles", "TileSetInfo"]

#: Tile formats the screens can draw (what Qt's image readers decode).
RASTER_FORMATS = ("png", "jpg", "jpeg", "webp")


@dataclass(frozen=True, slots=True)
class TileSetInfo:
    """What the file's metadata says, with what it leaves out taken from the tiles."""

    name: str
    format: str
    min_zoom: int
    max_zoom: int
    #: Where the tiles are: the metadata's `bounds`, else where the shallowest zoom's tiles lie.
    bounds: GeoBounds | None
    #: The view to open at as (latitude, longitude, zoom), when the metadata has one.
    centre: tuple[float, float, int] | None
    #: The sources' credit line as the file gives it (it may hold simple HTML).
    attribution: str


class MapTiles:
    """One opened MBTiles file: its `info` and its tiles, safe to read from any thread."""

    def __init__(self, path: Path, connection: sqlite3.Connection, info: TileSetInfo) -> None:
        self.path = path
        self.info = info
        self._connection: sqlite3.Connection | None = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> MapTiles:
        """Open `path` read-only; `MapTilesUnreadable` when it is not a usable tile set."""
        path = Path(path)
        if not path.is_file():
            raise MapTilesUnreadable(path.name, "het bestand is er niet", "the file is not there")
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise MapTilesUnreadable(
                path.name, "het bestand kan niet worden geopend", "the file cannot be opened"
            ) from error
        try:
            info = _read_info(connection, path.name)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise MapTilesUnreadable(
                path.name,
                "het is geen MBTiles-bestand of het is beschadigd",
                "it is not an MBTiles file or it is damaged",
            ) from error
        except MapTilesUnreadable:
            connection.close()
            raise
        return cls(path, connection, info)

    def tile(self, zoom: int, x: int, y: int) -> bytes | None:
        """The image bytes of tile (`x`, `y`) at `zoom`, y counted from the north (XYZ);
        None where the file has no such tile, or once the tile set is closed."""
        if zoom < 0 or not (0 <= x < 1 << zoom and 0 <= y < 1 << zoom):
            return None
        with self._lock:
            if self._connection is None:
                return None
            try:
                row = self._connection.execute(
                    "SELECT tile_data FROM tiles "
                    "WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                    (zoom, x, tms_row(y, zoom)),
                ).fetchone()
            except sqlite3.DatabaseError as error:
                raise MapTilesUnreadable(
                    self.path.name,
                    "een kaartvlak kan niet worden gelezen",
                    "a map tile cannot be read",
                ) from error
        if row is None or row[0] is None:
            return None
        return bytes(row[0])

    def close(self) -> None:
        """Let go of the file; reads still under way after this find no tiles."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _read_info(connection: sqlite3.Connection, file_name: str) -> TileSetInfo:
    def refused(nl: str, en: str) -> MapTilesUnreadable:
        return MapTilesUnreadable(file_name, nl, en)

    names = {
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        )
    }
    if not {"metadata", "tiles"} <= names:
        raise refused("het is geen MBTiles-bestand", "it is not an MBTiles file")
    metadata: dict[str, str] = {}
    for name, value in connection.execute("SELECT name, value FROM metadata"):
        if isinstance(name, str) and value is not None:
            metadata[name.strip().lower()] = str(value).strip()
    tile_format = metadata.get("format", "png").lower()
    if tile_format == "pbf":
        raise refused(
            "het bevat vectorkaartvlakken, fieldapp toont alleen rasterkaartvlakken (PNG, JPEG)",
            "it holds vector tiles, and fieldapp shows raster tiles only (PNG, JPEG)",
        )
    if tile_format not in RASTER_FORMATS:
        raise refused(
            f"het kaartvlakformaat {tile_format!r} is onbekend",
            f"its tile format {tile_format!r} is unknown",
        )
    min_zoom = _whole(metadata.get("minzoom"))
    max_zoom = _whole(metadata.get("maxzoom"))
    if min_zoom is None or max_zoom is None:
        # Older files leave the zoom range out; the tiles themselves tell it.
        low, high = connection.execute(
            "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles"
        ).fetchone()
        if low is None:
            raise refused("het bevat geen kaartvlakken", "it holds no map tiles")
        min_zoom = int(low) if min_zoom is None else min_zoom
        max_zoom = int(high) if max_zoom is None else max_zoom
    elif connection.execute("SELECT 1 FROM tiles LIMIT 1").fetchone() is None:
        raise refused("het bevat geen kaartvlakken", "it holds no map tiles")
    if not 0 <= min_zoom <= max_zoom <= 24:
        raise refused(
            f"de zoomniveaus {min_zoom} tot {max_zoom} kloppen niet",
            f"its zoom levels {min_zoom} to {max_zoom} are not valid",
        )
    bounds = GeoBounds.parse(metadata.get("bounds", "")) or _bounds_of_tiles(connection, min_zoom)
    return TileSetInfo(
        name=metadata.get("name", ""),
        format=tile_format,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        bounds=bounds,
        centre=_centre(metadata.get("center", "")),
        attribution=metadata.get("attribution", ""),
    )


def _bounds_of_tiles(connection: sqlite3.Connection, zoom: int) -> GeoBounds | None:
    """Where the tiles of the shallowest zoom lie, for a file whose metadata does not say."""
    first_x, last_x, first_row, last_row = connection.execute(
        "SELECT MIN(tile_column), MAX(tile_column), MIN(tile_row), MAX(tile_row) "
        "FROM tiles WHERE zoom_level = ?",
        (zoom,),
    ).fetchone()
    if first_x is None:
        return None
    # TMS rows: the highest row is the northernmost tile.
    north, west = lat_lon_of(first_x * TILE_SIZE, tms_row(last_row, zoom) * TILE_SIZE, zoom)
    south, east = lat_lon_of(
        (last_x + 1) * TILE_SIZE, (tms_row(first_row, zoom) + 1) * TILE_SIZE, zoom
    )
    return GeoBounds(west, south, east, north)


def _whole(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def _centre(text: str) -> tuple[float, float, int] | None:
    """MBTiles' 'center' is 'longitude,latitude,zoom'; returned as (lat, lon, zoom)."""
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lon, lat, zoom = float(parts[0]), float(parts[1]), int(float(parts[2]))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 24):
        return None
    return lat, lon, zoom
