"""The offline map of a patrol's location question: open it, tap or key a point, use it.

The tile file is a real MBTiles file written in the test, its tiles painted with QImage;
the tile that holds a known point (the Spui) carries a red mark exactly there, placed by
the OpenStreetMap wiki's formula. Tapping the red mark on the screen and using the point
must answer the question with the Spui's latitude and longitude.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.formfile import load_form_file
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.ui.runner.map import MapPicker, MapView, plain_attribution
from fieldapp.ui.runner.media import png_bytes
from fieldapp.ui.runner.places import GeopointQuestion, VenuePicker
from fieldapp.ui.runner.runner import FormRunner
from fieldapp.ui.runner.services import DeviceSupport, RunnerServices
from fieldapp.ui.runner.sink import MemoryAnswerSink
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import apply_theme, current_colours
from tests.support.maptiles import osm_lat_lon, osm_pixel, write_mbtiles
from tests.support.qt import child

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 12, 4, 21, 30)
#: The Spui in The Hague: the point the red mark shows.
SPUI = (52.0799, 4.3113)
#: Where the map opens: 150 px east and 80 px south of the Spui at zoom 16.
OPENS_AT = osm_lat_lon(osm_pixel(*SPUI, 16)[0] + 150, osm_pixel(*SPUI, 16)[1] + 80, 16)
ZOOMS = (15, 16)
ATTRIBUTION = "Sample tiles for tests | &copy; <b>fieldapp</b>"


def sample_tile(zoom: int, x: int, y: int) -> bytes:
    """A light tile with its edges drawn, and the red mark where the Spui is."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor("#f2efe4") if (x + y) % 2 else QColor("#e8efe4"))
    painter = QPainter(image)
    painter.setPen(QColor("#b8b2a0"))
    painter.drawRect(0, 0, 255, 255)
    painter.drawText(8, 20, f"{zoom}/{x}/{y}")
    spot_x, spot_y = osm_pixel(*SPUI, zoom)
    if int(spot_x // 256) == x and int(spot_y // 256) == y:
        left, top = int(spot_x % 256) - 3, int(spot_y % 256) - 3
        painter.fillRect(left, top, 7, 7, QColor(255, 0, 0))
    painter.end()
    return png_bytes(image)


def sample_tiles(path: Path) -> Path:
    """Tiles at zoom 15 and 16 for about 1.5 km around the Spui, with bounds to match."""
    x16, y16 = (int(v // 256) for v in osm_pixel(*SPUI, 16))
    west, east, north, south = x16 - 4, x16 + 4, y16 - 3, y16 + 3
    tiles: dict[tuple[int, int, int], bytes] = {}
    for x in range(west, east + 1):
        for y in range(north, south + 1):
            tiles[(16, x, y)] = sample_tile(16, x, y)
            tiles.setdefault((15, x // 2, y // 2), sample_tile(15, x // 2, y // 2))
    top_lat, left_lon = osm_lat_lon(west * 256, north * 256, 16)
    bottom_lat, right_lon = osm_lat_lon((east + 1) * 256, (south + 1) * 256, 16)
    return write_mbtiles(
        path,
        tiles,
        {
            "name": "Sample tiles",
            "format": "png",
            "minzoom": "15",
            "maxzoom": "16",
            "bounds": f"{left_lon},{bottom_lat},{right_lon},{top_lat}",
            "center": f"{OPENS_AT[1]},{OPENS_AT[0]},16",
            "attribution": ATTRIBUTION,
        },
    )


def make_services(map_tiles: Path | None) -> RunnerServices:
    world = load_world(seeds_directory())
    return RunnerServices(
        tasks=TaskRunner(),
        venues=RegistryDirectory(world.venues, world.areas),
        devices=DeviceSupport(),
        clock=lambda: NOW,
        map_tiles=map_tiles,
    )


@pytest.fixture(scope="module")
def tile_file(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_tiles(tmp_path_factory.mktemp("maps") / "sample.mbtiles")


@pytest.fixture
def with_map(qtbot: QtBot, tile_file: Path) -> Iterator[RunnerServices]:
    services = make_services(tile_file)
    yield services
    services.tasks.wait()


def patrol_location(qtbot: QtBot, services: RunnerServices) -> tuple[FormRunner, GeopointQuestion]:
    """A patrol with one observation, at its location question."""
    session = load_form_file(forms_directory() / "neighbourhood_patrol.yaml").session(
        clock=lambda: NOW
    )
    runner = FormRunner(session, MemoryAnswerSink(), services, "nl", subject="Test")
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    runner.activateWindow()
    runner.go_to_page(runner._page_of["observations"])
    runner.add_row("observations")
    row = runner.session.rows["observations"][-1]
    runner.answer(("category", row), "nuisance")
    location = runner.question_widget("observation_location", row)
    assert isinstance(location, GeopointQuestion)
    qtbot.waitUntil(location.isVisible)
    return runner, location


def open_map(qtbot: QtBot, location: GeopointQuestion) -> MapPicker:
    button = child(location, QPushButton, "pick_on_map")
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: location.map_picker is not None)
    picker = location.map_picker
    assert isinstance(picker, MapPicker)
    qtbot.waitExposed(picker)
    return picker


def red_mark(view: MapView) -> tuple[float, float] | None:
    """The middle of the pure red pixels on the screen, or None while its tile is not drawn."""
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    line = image.bytesPerLine()
    data = bytes(image.constBits())
    # ARGB32 is stored B, G, R, A on little-endian machines, A, R, G, B on big-endian ones.
    found = [
        (spot.start() % line // 4, spot.start() // line)
        for pattern in (b"\x00\x00\xff\xff", b"\xff\xff\x00\x00")
        for spot in re.finditer(re.escape(pattern), data)
        if spot.start() % 4 == 0
    ]
    if not found:
        return None
    return (
        sum(x for x, _ in found) / len(found) + 0.5,
        sum(y for _, y in found) / len(found) + 0.5,
    )


def wheel(view: MapView, where: QPointF, delta: int) -> None:
    event = QWheelEvent(
        where,
        view.mapToGlobal(where),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view, event)


def answer_of(runner: FormRunner) -> tuple[float, float] | None:
    row = runner.session.rows["observations"][-1]
    value = runner.session.value("observation_location", row)
    if not isinstance(value, str) or not value:
        return None
    lat, lon = value.split()[:2]
    return float(lat), float(lon)


def degrees_per_pixel(zoom: int) -> tuple[float, float]:
    """One screen pixel at the Spui, in latitude and longitude."""
    x, y = osm_pixel(*SPUI, zoom)
    below = osm_lat_lon(x + 1, y + 1, zoom)
    return abs(below[0] - SPUI[0]), abs(below[1] - SPUI[1])


def test_tapping_the_spui_on_the_map_answers_with_the_spuis_position(
    qtbot: QtBot, with_map: RunnerServices
) -> None:
    runner, location = patrol_location(qtbot, with_map)
    picker = open_map(qtbot, location)
    view = picker.map
    assert view.zoom == 16
    assert not picker.use.isEnabled()
    qtbot.waitUntil(lambda: red_mark(view) is not None)
    mark = red_mark(view)
    assert mark is not None
    # The map opened 150 px east and 80 px south of the Spui: the mark is there.
    assert abs(mark[0] - (view.width() / 2 - 150)) <= 1.5
    assert abs(mark[1] - (view.height() / 2 - 80)) <= 1.5
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(round(mark[0]), round(mark[1])))
    assert picker.use.isEnabled()
    shown = [float(part) for part in re.findall(r"-?\d+\.\d+", picker.where.text())]
    lat_step, lon_step = degrees_per_pixel(16)
    assert abs(shown[0] - SPUI[0]) <= 1.5 * lat_step
    assert abs(shown[1] - SPUI[1]) <= 1.5 * lon_step
    with qtbot.waitSignal(picker.finished):
        qtbot.mouseClick(picker.use, Qt.MouseButton.LeftButton)
    answer = answer_of(runner)
    assert answer is not None
    assert abs(answer[0] - SPUI[0]) <= 1.5 * lat_step
    assert abs(answer[1] - SPUI[1]) <= 1.5 * lon_step
    # As a typed answer: the coordinates in the box, the status line below it.
    line = child(location, QLineEdit, "coordinates")
    assert line.text() == f"{answer[0]:.6f}, {answer[1]:.6f}"
    assert location.shown_issue is None
    qtbot.waitUntil(lambda: location.map_picker is None)
    # Opened again, the map shows the answer with its pin, in the middle.
    picker = open_map(qtbot, location)
    assert picker.map.picked == answer and picker.map.centre == answer
    assert picker.use.isEnabled()
    picker.reject()


def test_dragging_moves_the_map_and_does_not_pick(qtbot: QtBot, with_map: RunnerServices) -> None:
    _runner, location = patrol_location(qtbot, with_map)
    picker = open_map(qtbot, location)
    view = picker.map
    before = osm_pixel(*view.centre, view.zoom)
    start = QPoint(view.width() // 2, view.height() // 2)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):
        qtbot.mouseMove(view, start + QPoint(-10 * step, 5 * step))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(-100, 50))
    after = osm_pixel(*view.centre, view.zoom)
    assert abs(after[0] - before[0] - 100) < 1e-6 and abs(after[1] - before[1] + 50) < 1e-6
    assert view.picked is None and not picker.use.isEnabled()
    picker.reject()


def test_the_keyboard_pans_zooms_picks_and_uses_the_point(
    qtbot: QtBot, with_map: RunnerServices
) -> None:
    runner, location = patrol_location(qtbot, with_map)
    picker = open_map(qtbot, location)
    view = picker.map
    picker.activateWindow()
    qtbot.waitUntil(view.hasFocus)
    # The focus ring: the theme's focus colour along the map's edge.
    edge = view.grab().toImage().pixelColor(view.width() // 3, 2)
    assert edge == QColor(current_colours().focus)
    before = osm_pixel(*view.centre, view.zoom)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    after = osm_pixel(*view.centre, view.zoom)
    assert abs(after[0] - before[0] - 96) < 1e-6 and abs(after[1] - before[1] - 96) < 1e-6
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom == 15
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom == 15  # the file's shallowest zoom
    assert not view.zoom_out_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom == 16
    middle = view.centre
    # Enter without a pin puts it in the middle; the next Enter uses it.
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.picked == middle and picker.isVisible()
    assert "52.0" in picker.where.text()
    with qtbot.waitSignal(picker.finished):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert answer_of(runner) == (round(middle[0], 6), round(middle[1], 6))
    # Escape closes the map and leaves the answer as it was.
    qtbot.waitUntil(lambda: location.map_picker is None)
    picker = open_map(qtbot, location)
    qtbot.keyClick(picker.map, Qt.Key.Key_Left)
    qtbot.keyClick(picker.map, Qt.Key.Key_Space)
    with qtbot.waitSignal(picker.finished):
        qtbot.keyClick(picker.map, Qt.Key.Key_Escape)
    assert picker.result() == QDialog.DialogCode.Rejected
    assert answer_of(runner) == (round(middle[0], 6), round(middle[1], 6))


def test_the_buttons_and_wheel_zoom_within_the_files_levels(
    qtbot: QtBot, with_map: RunnerServices
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    try:
        _runner, location = patrol_location(qtbot, with_map)
        picker = open_map(qtbot, location)
        view = picker.map
        qtbot.waitUntil(lambda: picker.use.height() >= 44)
        for button in (view.zoom_in_button, view.zoom_out_button, picker.use, picker.cancel):
            assert button.height() >= 44, button.objectName()
    finally:
        app.setStyleSheet("")
    qtbot.mouseClick(view.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.zoom_in_button, Qt.MouseButton.LeftButton)
    # Two levels past the file's deepest tiles, enlarged, and no further.
    assert view.zoom == 18 and not view.zoom_in_button.isEnabled()
    qtbot.mouseClick(view.zoom_out_button, Qt.MouseButton.LeftButton)
    assert view.zoom == 17
    # The wheel zooms around the pointer: the point under it stays put.
    pointer = QPointF(200, 150)
    under = view.point_at(pointer)
    wheel(view, pointer, -120)
    assert view.zoom == 16
    assert view.place_of(under).x() == pytest.approx(200, abs=1e-6)
    assert view.place_of(under).y() == pytest.approx(150, abs=1e-6)
    assert plain_attribution(ATTRIBUTION) == "Sample tiles for tests | © fieldapp"
    assert view.attribution == plain_attribution(ATTRIBUTION)
    # Far outside the file's area the map is grey and says so.
    assert view.has_tiles_in_view()
    view.show_point((51.9225, 4.4792))  # Rotterdam
    assert not view.has_tiles_in_view()
    corner = view.grab().toImage().pixelColor(view.width() // 2, 4)
    assert corner == QColor("#c9ccd0")
    back = child(view, QPushButton, "map_back")
    assert back.isVisible()
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert view.has_tiles_in_view() and not back.isVisible()
    assert view.zoom == 15  # as wide as the file goes: its area does not fit at 15 either
    picker.reject()


def test_without_a_tile_file_the_map_is_not_offered_and_the_list_is(qtbot: QtBot) -> None:
    services = make_services(None)
    _runner, location = patrol_location(qtbot, services)
    assert not child(location, QPushButton, "pick_on_map").isVisible()
    place = child(location, QPushButton, "pick_place")
    assert place.isVisible()
    qtbot.mouseClick(place, Qt.MouseButton.LeftButton)
    picker = location.findChild(VenuePicker)
    assert isinstance(picker, VenuePicker)
    qtbot.waitExposed(picker)
    picker.reject()
    services.tasks.wait()


def test_a_broken_tile_file_says_why_and_opens_the_list_instead(
    qtbot: QtBot, tmp_path: Path
) -> None:
    broken = tmp_path / "den-haag.mbtiles"
    broken.write_bytes(b"<html>the download failed</html>" * 40)
    services = make_services(broken)
    _runner, location = patrol_location(qtbot, services)
    button = child(location, QPushButton, "pick_on_map")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: location.findChild(VenuePicker) is not None)
    assert location.map_picker is None
    assert not button.isVisible()
    status = [label.text() for label in location.findChildren(type(location._status))]
    assert any("den-haag.mbtiles" in text and "geen MBTiles-bestand" in text for text in status)
    picker = location.findChild(VenuePicker)
    assert picker is not None
    picker.reject()
    services.tasks.wait()


def test_a_tile_file_damaged_while_the_map_is_open_says_so_on_the_map(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = sample_tiles(tmp_path / "sample.mbtiles")
    services = make_services(path)
    _runner, location = patrol_location(qtbot, services)
    picker = open_map(qtbot, location)
    view = picker.map
    qtbot.waitUntil(lambda: red_mark(view) is not None)
    damaged = bytearray(path.read_bytes())
    damaged[8192:] = b"\xab" * (len(damaged) - 8192)
    path.write_bytes(bytes(damaged))
    view.zoom_by(-1)  # tiles of another zoom, not read yet
    qtbot.waitUntil(lambda: bool(view.trouble))
    assert "sample.mbtiles" in view.trouble and "kaartvlak" in view.trouble
    # The point can still be picked (a known place) and used.
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert picker.use.isEnabled()
    picker.reject()
    services.tasks.wait()


def test_the_devices_position_shows_and_opens_the_map_there(
    qtbot: QtBot, with_map: RunnerServices
) -> None:
    _runner, location = patrol_location(qtbot, with_map)
    picker = open_map(qtbot, location)
    view = picker.map
    assert not picker.my_position.isVisible()
    near = osm_lat_lon(osm_pixel(*SPUI, 16)[0] - 300, osm_pixel(*SPUI, 16)[1] + 40, 16)
    # The device's position source finds it.
    picker_devices = with_map.devices
    picker_devices.located.emit(*near)
    assert view.position == near and view.centre == near
    assert picker.my_position.isVisible() and view.picked is None
    view.pan_by(400, 0)
    qtbot.mouseClick(picker.my_position, Qt.MouseButton.LeftButton)
    assert view.centre == near and view.picked == near
    # Opened again a moment later, the fix just found shows at once.
    picker.reject()
    qtbot.waitUntil(lambda: location.map_picker is None)
    picker = open_map(qtbot, location)
    assert picker.map.position == near and picker.my_position.isVisible()
    # Without a fix nothing moves and no button appears.
    picker.reject()
    qtbot.waitUntil(lambda: location.map_picker is None)
    picker_devices.last_fix = None
    picker = open_map(qtbot, location)
    before = picker.map.centre
    picker_devices.not_located.emit()
    assert picker.map.position is None and picker.map.centre == before
    assert not picker.my_position.isVisible()
    picker.reject()
