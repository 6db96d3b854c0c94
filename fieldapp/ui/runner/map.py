"""Picking a point on the offline map: the municipality's tiles, venues, position and a pin.

The map draws the tiles of one MBTiles file (`fieldapp.app.maps`); nothing is downloaded.
Tiles are read and decoded off the UI thread through the app's `TaskRunner` and kept
decoded in a small most-recently-used cache, so panning back is free. While a tile is on
its way, a coarser tile already in the cache stands in for it, scaled up; beyond the
file's deepest zoom its deepest tiles are enlarged. Where the file has no tiles the map is
plain grey, and a view with no tiles at all says so.

Fingers and mice: drag to pan, tap to pick, pinch or the wheel to zoom, 44 px zoom buttons.
Keyboard: arrows pan, + and − zoom, space picks the point under the cross in the middle,
Enter uses the picked point (or picks the middle first), Escape cancels.
"""

from __future__ import annotations

import html
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGestureEvent,
    QHBoxLayout,
    QPinchGesture,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.maps import MapTiles, MapTilesUnreadable
from fieldapp.core.entities import Venue
from fieldapp.core.slippy import (
    MAX_LATITUDE,
    TILE_SIZE,
    lat_lon_of,
    metres_per_pixel,
    world_pixel,
    world_size,
)
from fieldapp.ui.devices import DeviceSupport
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import TOUCH, current_colours
from fieldapp.ui.widgets import make_button, make_label

__all__ = ["MapPicker", "MapView"]

#: Decoded tiles kept: about 130 of 256 KiB each, enough for a full-screen view and its rim.
CACHE_TILES = 128
#: How many levels beyond the file's deepest zoom the map still enlarges its tiles.
OVERZOOM = 2
#: Pixels an arrow key moves the map.
KEY_STEP = 96
#: The zoom a known point opens at (clamped to what the file has).
CLOSE_ZOOM = 17

TileKey = tuple[int, int, int]
LatLon = tuple[float, float]

_TAG = re.compile(r"<[^>]+>")
#: Map-drawn colours that do not follow the theme: the tiles' own background.
_NO_TILES = QColor("#c9ccd0")
#: Text and lines drawn on the map's own white boxes and halos, in every theme.
_INK = QColor("#1a1f24")
#: Markers keep their colours in every theme: they stand on the tiles, not on the app.
_VENUE = QColor("#1d5fa7")
_PIN = QColor("#c5221f")
_LOADING = QColor("#e4e6e9")


def plain_attribution(text: str) -> str:
    """The credit line without the HTML some tile files put in it."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


class MapView(QWidget):
    """The map itself: tiles, venue markers, the device position and the picked point.

    Signals:
        picked_changed(): a point was picked (tap, space) or moved.
        confirm_requested(): Enter: use the picked point.
    """

    picked_changed = Signal()
    confirm_requested = Signal()

    def __init__(
        self,
        tiles: MapTiles,
        tasks: TaskRunner,
        venues: Sequence[Venue] = (),
        language: str = "nl",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("map_view")
        #: For sentences of the world (`FieldappError`), which carry both languages.
        self.language = language
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.grabGesture(Qt.GestureType.PinchGesture)
        self.tiles = tiles
        self._tasks = tasks
        self._venues = list(venues)
        info = tiles.info
        self.min_zoom = info.min_zoom
        self.max_zoom = min(info.max_zoom + OVERZOOM, 22)
        self.zoom = max(self.min_zoom, min(CLOSE_ZOOM, info.max_zoom))
        self.centre: LatLon = info.bounds.centre if info.bounds is not None else (0.0, 0.0)
        if info.centre is not None:
            self.centre = info.centre[:2]
            self.zoom = max(self.min_zoom, min(self.max_zoom, info.centre[2]))
        self._fit_pending = info.centre is None and info.bounds is not None
        self.picked: LatLon | None = None
        self.position: LatLon | None = None
        self.attribution = plain_attribution(info.attribution)
        #: A sentence when the file could not be read while the map was open.
        self.trouble = ""
        self._cache: OrderedDict[TileKey, QImage | None] = OrderedDict()
        self._pending: set[TileKey] = set()
        self._wanted: set[TileKey] = set()
        self._press: QPointF | None = None
        self._press_centre = (0.0, 0.0)
        self._dragging = False
        self._wheel = 0
        self.zoom_in_button = make_button("+")
        self.zoom_in_button.setObjectName("map_zoom_in")
        self.zoom_out_button = make_button("−")
        self.zoom_out_button.setObjectName("map_zoom_out")
        for button, step in ((self.zoom_in_button, 1), (self.zoom_out_button, -1)):
            button.setParent(self)
            button.setFixedSize(TOUCH + 4, TOUCH + 4)
            button.setFont(_bigger(button.font(), 1.5))
            button.clicked.connect(lambda _checked=False, step=step: self.zoom_by(step))
        self.back_button = make_button(role="primary")
        self.back_button.setParent(self)
        self.back_button.setObjectName("map_back")
        self.back_button.clicked.connect(self.show_all)
        self.retranslate()
        self._moved()

    # -- what the dialog asks -------------------------------------------------------

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Map"))
        self.setAccessibleDescription(
            self.tr(
                "Drag to move the map and tap to pick a point. Arrow keys move the map, "
                "plus and minus zoom, space picks the point in the middle, Enter uses it."
            )
        )
        self.zoom_in_button.setAccessibleName(self.tr("Zoom in"))
        self.zoom_in_button.setToolTip(self.tr("Zoom in"))
        self.zoom_out_button.setAccessibleName(self.tr("Zoom out"))
        self.zoom_out_button.setToolTip(self.tr("Zoom out"))
        self.back_button.setText(self.tr("Back to the map"))
        self.back_button.adjustSize()
        self._place_buttons()
        self.update()

    def show_point(self, point: LatLon, zoom: int | None = None) -> None:
        """Centre the map on `point`, at `zoom` if given."""
        self.centre = point
        self._fit_pending = False
        if zoom is not None:
            self.zoom = max(self.min_zoom, min(self.max_zoom, zoom))
        self._moved()

    def show_all(self) -> None:
        """The whole area of the tile file, as large as fits."""
        self._fit_bounds()
        self._moved()

    def set_picked(self, point: LatLon | None) -> None:
        self.picked = point
        self.picked_changed.emit()
        self.update()

    def set_position(self, point: LatLon | None) -> None:
        self.position = point
        self.update()

    def zoom_by(self, steps: int, anchor: QPointF | None = None) -> None:
        """Zoom in (positive) or out, keeping the point under `anchor` (or the middle) still."""
        zoom = max(self.min_zoom, min(self.max_zoom, self.zoom + steps))
        if zoom == self.zoom:
            return
        self._fit_pending = False
        if anchor is None:
            self.zoom = zoom
        else:
            held = self.point_at(anchor)
            self.zoom = zoom
            x, y = world_pixel(*held, zoom)
            offset = anchor - self._middle()
            self.centre = self._clamped(x - offset.x(), y - offset.y())
        self._moved()

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the view `dx`, `dy` screen pixels (the map moves the other way)."""
        self._fit_pending = False
        x, y = world_pixel(*self.centre, self.zoom)
        self.centre = self._clamped(x + dx, y + dy)
        self._moved()

    def point_at(self, where: QPointF) -> LatLon:
        """The latitude and longitude under a point of the widget."""
        x, y = world_pixel(*self.centre, self.zoom)
        offset = where - self._middle()
        return lat_lon_of(x + offset.x(), y + offset.y(), self.zoom)

    def place_of(self, point: LatLon) -> QPointF:
        """Where a latitude and longitude is drawn in the widget."""
        cx, cy = world_pixel(*self.centre, self.zoom)
        x, y = world_pixel(*point, self.zoom)
        return self._middle() + QPointF(x - cx, y - cy)

    def has_tiles_in_view(self) -> bool:
        """Whether any tile of the file could be drawn in the current view."""
        return any(self._in_bounds(self.zoom, tx, ty) for tx, ty in self._visible_tiles())

    # -- events -------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._press = event.position()
            self._press_centre = world_pixel(*self.centre, self.zoom)
            self._dragging = False
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        delta = event.position() - self._press
        if not self._dragging and delta.manhattanLength() < QApplication.startDragDistance():
            return
        self._dragging = True
        self._fit_pending = False
        x, y = self._press_centre
        self.centre = self._clamped(x - delta.x(), y - delta.y())
        self._moved()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        if not self._dragging:
            self.set_picked(self.point_at(event.position()))
        self._press = None
        self._dragging = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # A double tap zooms in there, as every map does; the first tap already picked.
        if event.button() == Qt.MouseButton.LeftButton:
            self.zoom_by(1, event.position())

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._wheel += event.angleDelta().y()
        steps = int(self._wheel / 120)
        if steps:
            self._wheel -= steps * 120
            self.zoom_by(steps, event.position())
        event.accept()

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                if pinch.state() == Qt.GestureState.GestureFinished:
                    factor = pinch.totalScaleFactor()
                    steps = round(math.log2(factor)) if factor > 0 else 0
                    if steps:
                        self.zoom_by(steps, QPointF(self.mapFromGlobal(pinch.centerPoint())))
                event.accept(pinch)
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        moves: dict[int, tuple[int, int]] = {
            Qt.Key.Key_Left.value: (-KEY_STEP, 0),
            Qt.Key.Key_Right.value: (KEY_STEP, 0),
            Qt.Key.Key_Up.value: (0, -KEY_STEP),
            Qt.Key.Key_Down.value: (0, KEY_STEP),
        }
        if key in moves:
            self.pan_by(*moves[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_by(-1)
        elif key == Qt.Key.Key_Space:
            self.set_picked(self.centre)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.picked is None:
                self.set_picked(self.centre)
            else:
                self.confirm_requested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fit_pending and self.width() > 0:
            self._fit_bounds()
        self._place_buttons()
        self._moved()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- drawing ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = current_colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.fillRect(self.rect(), _NO_TILES)
        self._draw_tiles(painter)
        self._draw_venues(painter)
        if self.position is not None:
            self._draw_position(painter, self.place_of(self.position))
        if self.picked is not None:
            self._draw_pin(painter, self.place_of(self.picked))
        if self.hasFocus():
            self._draw_cross(painter)
        if not self.has_tiles_in_view() or self.trouble:
            self._draw_message(painter)
        self._draw_scale(painter)
        if self.attribution:
            self._draw_attribution(painter)
        if self.hasFocus():
            painter.setPen(QPen(QColor(colours.focus), 4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(2, 2, -2, -2))
        painter.end()

    def _draw_tiles(self, painter: QPainter) -> None:
        zoom = self.zoom
        left, top = self._top_left()
        deepest = self.tiles.info.max_zoom
        wanted: set[TileKey] = set()
        for tx, ty in self._visible_tiles():
            target = QRectF(tx * TILE_SIZE - left, ty * TILE_SIZE - top, TILE_SIZE, TILE_SIZE)
            if not self._in_bounds(zoom, tx, ty):
                continue
            level = min(zoom, deepest)
            key = _ancestor(zoom, tx, ty, level)
            wanted.add(key)
            if key in self._cache:
                image = self._cache[key]
                self._cache.move_to_end(key)
                if image is not None:
                    painter.drawImage(target, image, _part_of(zoom, tx, ty, level))
                continue
            painter.fillRect(target, _LOADING)
            self._request(key)
            # A coarser tile already decoded stands in until this one arrives.
            for coarser in range(level - 1, max(self.tiles.info.min_zoom, level - 4) - 1, -1):
                stand_in = self._cache.get(_ancestor(zoom, tx, ty, coarser))
                if stand_in is not None:
                    painter.drawImage(target, stand_in, _part_of(zoom, tx, ty, coarser))
                    break
        self._wanted.intersection_update(wanted)
        self._wanted.update(wanted)

    def _draw_venues(self, painter: QPainter) -> None:
        font = _bigger(self.font(), 0.9)
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        area = QRectF(self.rect()).adjusted(-20, -20, 20, 20)
        shown = [(venue, self.place_of((venue.lat, venue.lon))) for venue in self._venues]
        shown = [(venue, spot) for venue, spot in shown if area.contains(spot)]
        painter.setPen(QPen(QColor("white"), 2))
        painter.setBrush(_VENUE)
        for _venue, spot in shown:
            painter.drawEllipse(spot, 7, 7)
        if self.zoom < 16:
            return  # names at city scale would cover the map
        # A name that would overlap one already drawn is left out: the dot still shows.
        taken: list[QRectF] = [QRectF(spot.x() - 8, spot.y() - 8, 16, 16) for _v, spot in shown]
        labels: list[QRectF] = []
        for venue, spot in shown:
            box = QRectF(metrics.boundingRect(venue.name)).translated(spot + QPointF(11, 5))
            box.adjust(-2, -2, 2, 2)
            if any(box.intersects(other) for other in labels) or any(
                box.intersects(dot) for dot in taken if not dot.contains(spot)
            ):
                continue
            labels.append(box)
            _halo_text(painter, spot + QPointF(11, 5), venue.name, _INK)

    def _draw_position(self, painter: QPainter, spot: QPointF) -> None:
        blue = QColor("#1a73e8")
        halo = QColor(blue)
        halo.setAlpha(60)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(halo)
        painter.drawEllipse(spot, 18, 18)
        painter.setPen(QPen(QColor("white"), 3))
        painter.setBrush(blue)
        painter.drawEllipse(spot, 8, 8)

    def _draw_pin(self, painter: QPainter, tip: QPointF) -> None:
        # A pin whose tip is the point: the head sits above it, so it hides nothing there.
        head = tip - QPointF(0, 30)
        path = QPainterPath(tip)
        path.lineTo(head + QPointF(-11, 5))
        path.arcTo(QRectF(head.x() - 12, head.y() - 12, 24, 24), 205, -230)
        path.closeSubpath()
        painter.setPen(QPen(QColor("white"), 2))
        painter.setBrush(_PIN)
        painter.drawPath(path)
        painter.setBrush(QColor("white"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(head, 4.5, 4.5)
        painter.setPen(QPen(QColor("black"), 1))
        painter.drawPoint(tip)

    def _draw_cross(self, painter: QPainter) -> None:
        middle = self._middle()
        for pen in (QPen(QColor("white"), 5), QPen(_INK, 2)):
            painter.setPen(pen)
            painter.drawLine(middle - QPointF(14, 0), middle - QPointF(4, 0))
            painter.drawLine(middle + QPointF(4, 0), middle + QPointF(14, 0))
            painter.drawLine(middle - QPointF(0, 14), middle - QPointF(0, 4))
            painter.drawLine(middle + QPointF(0, 4), middle + QPointF(0, 14))

    def _draw_message(self, painter: QPainter) -> None:
        text = self.trouble or self.tr("No map here: this is outside the map file's area.")
        metrics = QFontMetrics(self.font())
        width = min(self.width() - 40, 460)
        bounding = metrics.boundingRect(0, 0, width - 32, 400, int(Qt.TextFlag.TextWordWrap), text)
        box = QRectF(0, 0, width, bounding.height() + 28)
        box.moveBottom(self.height() / 2 - 24)
        box.moveLeft((self.width() - width) / 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(box, 8, 8)
        painter.setPen(_INK)
        painter.setFont(self.font())
        painter.drawText(
            box.adjusted(16, 14, -16, -14),
            int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
            text,
        )

    def _draw_scale(self, painter: QPainter) -> None:
        per_pixel = metres_per_pixel(self.centre[0], self.zoom)
        metres, width = _scale_length(per_pixel, 120)
        label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
        font = _bigger(self.font(), 0.85)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        base = QPointF(14, self.height() - 14)
        box = QRectF(
            base.x() - 6, base.y() - metrics.height() - 12, width + 12, metrics.height() + 18
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRect(box)
        painter.setPen(QPen(_INK, 2))
        painter.drawLine(base, base + QPointF(width, 0))
        painter.drawLine(base, base - QPointF(0, 6))
        painter.drawLine(base + QPointF(width, 0), base + QPointF(width, -6))
        painter.drawText(base + QPointF(2, -8), label)

    def _draw_attribution(self, painter: QPainter) -> None:
        font = _bigger(self.font(), 0.8)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        text = metrics.elidedText(
            self.attribution, Qt.TextElideMode.ElideLeft, max(80, self.width() - 220)
        )
        width = metrics.horizontalAdvance(text) + 12
        box = QRectF(
            self.width() - width, self.height() - metrics.height() - 6, width, metrics.height() + 6
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 210))
        painter.drawRect(box)
        painter.setPen(_INK)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)

    # -- tiles ----------------------------------------------------------------------

    def _request(self, key: TileKey) -> None:
        if key in self._pending or self.trouble:
            return  # asked already, or the file failed: asking again would fail again
        self._pending.add(key)
        self._wanted.add(key)
        tiles = self.tiles
        # The set itself, not the widget: read on a worker thread, changed only in place.
        wanted = self._wanted

        def read() -> QImage | bool | None:
            if key not in wanted:
                return False  # scrolled past before its turn: not read, not remembered
            data = tiles.tile(*key)
            if data is None:
                return None
            image = QImage.fromData(data)
            # A tile Qt cannot decode is drawn as no tile, like a missing one.
            return None if image.isNull() else image

        self._tasks.run(
            read,
            lambda result: self._arrived(key, result),
            self._read_failed,
            context=self,
        )

    def _arrived(self, key: TileKey, result: QImage | bool | None) -> None:
        self._pending.discard(key)
        if result is False:
            return
        self._cache[key] = result if isinstance(result, QImage) else None
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_TILES:
            self._cache.popitem(last=False)
        self.update()

    def _read_failed(self, error: BaseException) -> None:
        if not isinstance(error, MapTilesUnreadable):
            self._tasks.failed.emit(error)  # a bug: the window logs it
            return
        self._pending.clear()
        self.trouble = error.text(self.language)
        self.update()

    # -- geometry -------------------------------------------------------------------

    def _middle(self) -> QPointF:
        return QPointF(self.width() / 2, self.height() / 2)

    def _top_left(self) -> tuple[float, float]:
        x, y = world_pixel(*self.centre, self.zoom)
        return x - self.width() / 2, y - self.height() / 2

    def _visible_tiles(self) -> list[tuple[int, int]]:
        left, top = self._top_left()
        last = (1 << self.zoom) - 1
        first_x = max(0, math.floor(left / TILE_SIZE))
        first_y = max(0, math.floor(top / TILE_SIZE))
        end_x = min(last, math.floor((left + self.width()) / TILE_SIZE))
        end_y = min(last, math.floor((top + self.height()) / TILE_SIZE))
        middle_x, middle_y = (
            (left + self.width() / 2) / TILE_SIZE,
            (top + self.height() / 2) / TILE_SIZE,
        )
        found = [(tx, ty) for tx in range(first_x, end_x + 1) for ty in range(first_y, end_y + 1)]
        # The middle first: it is where the eye is, so it is read first.
        found.sort(key=lambda t: (t[0] + 0.5 - middle_x) ** 2 + (t[1] + 0.5 - middle_y) ** 2)
        return found

    def _in_bounds(self, zoom: int, tx: int, ty: int) -> bool:
        bounds = self.tiles.info.bounds
        if bounds is None:
            return True
        north, west = lat_lon_of(tx * TILE_SIZE, ty * TILE_SIZE, zoom)
        south, east = lat_lon_of((tx + 1) * TILE_SIZE, (ty + 1) * TILE_SIZE, zoom)
        return not (
            east <= bounds.west
            or west >= bounds.east
            or north <= bounds.south
            or south >= bounds.north
        )

    def _clamped(self, x: float, y: float) -> LatLon:
        size = world_size(self.zoom)
        lat, lon = lat_lon_of(min(size, max(0.0, x)), min(size, max(0.0, y)), self.zoom)
        return max(-MAX_LATITUDE, min(MAX_LATITUDE, lat)), lon

    def _fit_bounds(self) -> None:
        """The deepest zoom at which the whole tile area fits the view."""
        bounds = self.tiles.info.bounds
        assert bounds is not None
        zoom = self.min_zoom
        for candidate in range(self.min_zoom, self.tiles.info.max_zoom + 1):
            west, north = world_pixel(bounds.north, bounds.west, candidate)
            east, south = world_pixel(bounds.south, bounds.east, candidate)
            if east - west <= self.width() and south - north <= self.height():
                zoom = candidate
        self.zoom = zoom
        self.centre = bounds.centre

    def _moved(self) -> None:
        self.zoom_in_button.setEnabled(self.zoom < self.max_zoom)
        self.zoom_out_button.setEnabled(self.zoom > self.min_zoom)
        self.back_button.setVisible(
            self.tiles.info.bounds is not None and not self.has_tiles_in_view()
        )
        self.update()

    def _place_buttons(self) -> None:
        margin = 12
        x = self.width() - self.zoom_in_button.width() - margin
        self.zoom_in_button.move(x, margin)
        self.zoom_out_button.move(x, margin + self.zoom_in_button.height() + 8)
        back = self.back_button
        back.move((self.width() - back.width()) // 2, self.height() // 2 + 24)


class MapPicker(QDialog):
    """The map in a dialog: pick a point, then "Use this point" or Cancel."""

    def __init__(
        self,
        tiles: MapTiles,
        tasks: TaskRunner,
        venues: Sequence[Venue],
        start: LatLon | None,
        devices: DeviceSupport | None,
        language: str = "nl",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("map_picker")
        self.setModal(True)
        self.tiles = tiles
        self.chosen: LatLon | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        self.heading = make_label(role="heading")
        self.hint = make_label(role="muted")
        self.hint.setWordWrap(True)
        self.map = MapView(tiles, tasks, venues, language, self)
        self.map.picked_changed.connect(self._picked)
        self.map.confirm_requested.connect(self._use)
        self.where = make_label()
        self.where.setObjectName("map_picked")
        self.where.setWordWrap(True)
        self.my_position = make_button()
        self.my_position.setObjectName("map_my_position")
        self.my_position.setVisible(False)
        self.my_position.clicked.connect(self._to_position)
        self.cancel = make_button()
        self.cancel.setObjectName("map_cancel")
        self.cancel.clicked.connect(self.reject)
        self.use = make_button(role="primary")
        self.use.setObjectName("map_use_point")
        self.use.setEnabled(False)
        self.use.clicked.connect(self._use)
        buttons = QHBoxLayout()
        buttons.addWidget(self.where, 1)
        buttons.addWidget(self.my_position)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.use)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.map, 1)
        layout.addLayout(buttons)
        if start is not None:
            self.map.show_point(start, CLOSE_ZOOM)
            self.map.set_picked(start)
        self.finished.connect(lambda _result: tiles.close())
        self.retranslate()
        if devices is not None:
            # The device's one position source: a fix of a moment ago shows at once, a
            # fresh one when it comes (and it sorts the venue lists too).
            known = devices.recent_position()
            if known is not None:
                self._located(*known)
            devices.located.connect(self._located)
            devices.locate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Pick a point on the map"))
        self.heading.setText(self.tr("Pick a point on the map"))
        self.hint.setText(
            self.tr(
                "Drag to move the map, tap to pick the point. Keys: arrows move, + and − zoom, "
                "space picks the middle, Enter uses the point."
            )
        )
        self.my_position.setText(self.tr("My position"))
        self.cancel.setText(self.tr("Cancel"))
        self.use.setText(self.tr("Use this point"))
        self._picked()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _picked(self) -> None:
        point = self.map.picked
        self.use.setEnabled(point is not None)
        if point is None:
            self.where.setText(self.tr("Tap the map to pick the point."))
        else:
            self.where.setText(
                self.tr("Picked point: %1, %2")
                .replace("%1", f"{point[0]:.6f}")
                .replace("%2", f"{point[1]:.6f}")
            )

    def _located(self, latitude: float, longitude: float) -> None:
        found = (latitude, longitude)
        self.map.set_position(found)
        self.my_position.setVisible(True)
        if self.map.picked is None:
            self.map.show_point(found, CLOSE_ZOOM)

    def _to_position(self) -> None:
        if self.map.position is not None:
            self.map.show_point(self.map.position, max(self.map.zoom, CLOSE_ZOOM))
            self.map.set_picked(self.map.position)

    def _use(self) -> None:
        if self.map.picked is None:
            return
        self.chosen = self.map.picked
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        tiles: MapTiles,
        tasks: TaskRunner,
        venues: Sequence[Venue],
        start: LatLon | None,
        devices: DeviceSupport | None,
        language: str,
        done: Callable[[float, float], None],
    ) -> MapPicker:
        """Open the map; `done(lat, lon)` runs when a point is used. With `devices` it
        shows where the device is."""
        dialog = cls(tiles, tasks, venues, start, devices, language, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.chosen is not None:
                done(*dialog.chosen)

        dialog.finished.connect(finished)
        dialog.resize(1100, 760)
        dialog.open()
        QTimer.singleShot(0, dialog.map.setFocus)
        return dialog


def _ancestor(zoom: int, tx: int, ty: int, level: int) -> TileKey:
    """The tile at `level` (≤ `zoom`) that covers tile (`tx`, `ty`) of `zoom`."""
    shift = zoom - level
    return level, tx >> shift, ty >> shift


def _part_of(zoom: int, tx: int, ty: int, level: int) -> QRectF:
    """The part of the covering tile at `level` that tile (`tx`, `ty`) of `zoom` shows."""
    shift = zoom - level
    side = TILE_SIZE / (1 << shift)
    mask = (1 << shift) - 1
    return QRectF((tx & mask) * side, (ty & mask) * side, side, side)


def _scale_length(per_pixel: float, most: int) -> tuple[float, float]:
    """A round length (1, 2 or 5 times a power of ten metres) at most `most` pixels long."""
    limit = per_pixel * most
    power = 10 ** math.floor(math.log10(limit))
    for factor in (5, 2, 1):
        if factor * power <= limit:
            return factor * power, factor * power / per_pixel
    return power, power / per_pixel


def _bigger(font: QFont, factor: float) -> QFont:
    bigger = QFont(font)
    size = font.pointSizeF()
    if size > 0:
        bigger.setPointSizeF(size * factor)
    return bigger


def _halo_text(painter: QPainter, at: QPointF, text: str, colour: QColor) -> None:
    """Text with a white edge, readable on any tile."""
    path = QPainterPath()
    path.addText(at, painter.font(), text)
    painter.setPen(QPen(QColor("white"), 3.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(path)
