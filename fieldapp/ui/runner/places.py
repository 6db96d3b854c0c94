"""Where things are: the venue question with its registry picker, and the geopoint.

The venue picker searches the registry by name, street or postcode, recently used venues
first. A geopoint comes from the device position (QtPositioning, loaded only when asked
for), from the chosen venue's coordinates, from a point picked on the offline map when the
device has the municipality's tile file (`fieldapp.ui.runner.map`), from a place in the
registry, or typed as 'latitude, longitude'.

Once the device knows where it is (`HerePosition`), the picker lists venues nearest first
with their distance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLocale,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.maps import MapTiles, open_map_tiles
from fieldapp.app.venues import VenueDirectory
from fieldapp.core.engine import Field
from fieldapp.core.entities import Venue, VenueKind
from fieldapp.core.errors import FieldappError
from fieldapp.core.expr import Value
from fieldapp.core.geo import Point, distance_m, nearest_first
from fieldapp.ui.devices import DeviceSupport, PositionFix
from fieldapp.ui.models import MODEL_ROLE, Column, LoadedTableModel
from fieldapp.ui.runner.questions import QuestionWidget, _LineEdit
from fieldapp.ui.runner.services import RunnerServices
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.widgets import FlowLayout, enable_kinetic_scrolling, make_button, make_label

if TYPE_CHECKING:
    from fieldapp.ui.runner.map import MapPicker

#: The venue id of a row, for views and tests.
VENUE_ID_ROLE = MODEL_ROLE


def venue_kind_name(kind: VenueKind) -> str:
    names = {
        VenueKind.COFFEESHOP: QCoreApplication.translate("Venues", "coffeeshop"),
        VenueKind.CLUB: QCoreApplication.translate("Venues", "club"),
        VenueKind.BAR: QCoreApplication.translate("Venues", "bar"),
    }
    return names[kind]


def distance_text(metres: float) -> str:
    """A distance as the person's language writes it (QLocale): '120 m', '1,4 km' in Dutch,
    '1.4 km' in English, '12 km'. Tens of metres at most: a phone's fix is no finer."""
    # The language's own numbers (as the form's number questions write them): the app's
    # default locale is English in the Netherlands, which writes a decimal comma.
    locale = QLocale(QLocale().language())
    rounded = max(10, round(metres / 10) * 10)
    if rounded < 1000:
        return f"{locale.toString(rounded)} m"
    kilometres = metres / 1000
    if kilometres < 9.95:
        return f"{locale.toString(kilometres, 'f', 1)} km"
    return f"{locale.toString(round(kilometres))} km"


class HerePosition(QObject):
    """Where the officer stands, for listing venues nearest first.

    Asked of the device once when a picker opens, without waiting (`DeviceSupport.locate`);
    a position found in the last two minutes is used at once. `note()` is the grey line
    under the search box.

    Signals:
        changed(): a position arrived, or asking for one ended without it.
    """

    changed = Signal()

    def __init__(self, devices: DeviceSupport | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.here: Point | None = None
        self.asking = False
        self._devices = devices
        if devices is None:
            return
        devices.located.connect(self._located)
        devices.not_located.connect(self._not_located)
        recent = devices.recent_position()
        if recent is not None:
            self.here = Point(*recent)
        if devices.locate():
            self.asking = True
        elif not devices.probed:
            # The app probes its devices a moment after it starts: ask once it knows.
            devices.changed.connect(self._probed)

    def _probed(self) -> None:
        if self._devices is not None and self.here is None and self._devices.locate():
            self.asking = True
            self.changed.emit()

    def _located(self, latitude: float, longitude: float) -> None:
        self.here = Point(latitude, longitude)
        self.asking = False
        self.changed.emit()

    def _not_located(self) -> None:
        if self.asking:
            self.asking = False
            self.changed.emit()

    def note(self) -> str:
        if self.here is not None:
            return self.tr("Nearest first, from your position.")
        if self.asking:
            return self.tr("Finding your position…")
        return self.tr("Position unknown: the list is not sorted by distance.")


class VenueListModel(LoadedTableModel[Venue]):
    """Venues as a list: name on the first line, address on the second; with the
    officer's position, nearest first with the distance."""

    def __init__(self, parent: QObject | None = None) -> None:
        self._recent: set[str] = set()
        self._distances: dict[str, float] = {}
        super().__init__(
            [
                Column(
                    lambda: "",
                    self._text,
                    sort_key=lambda venue: venue.name.casefold(),
                    accessible=lambda venue: f"{venue.name}, {venue.address}",
                )
            ],
            roles={VENUE_ID_ROLE: lambda venue: venue.id},
            parent=parent,
        )

    def set_venues(
        self, venues: list[Venue], recent: Iterable[str] = (), here: Point | None = None
    ) -> None:
        """Show `venues` in their order, or nearest first when `here` is known."""
        self._recent = set(recent)
        if here is None:
            self._distances = {}
        else:
            self._distances = {venue.id: distance_m(here, venue) for venue in venues}
            venues = nearest_first(venues, here)
        self.set_rows(venues)

    def venue_at(self, row: int) -> Venue:
        return self.record(row)

    def row_of(self, venue_id: str) -> int | None:
        """The row that shows the venue, or None when the list does not hold it."""
        return next(
            (row for row in range(self.rowCount()) if self.record(row).id == venue_id), None
        )

    def distance(self, venue_id: str) -> float | None:
        """Metres from the officer's position, or None without one."""
        return self._distances.get(venue_id)

    def _text(self, venue: Venue) -> str:
        second = f"{venue.address} · {venue_kind_name(venue.kind)}"
        metres = self._distances.get(venue.id)
        if metres is not None:
            second = f"{distance_text(metres)} · {second}"
        if venue.id in self._recent:
            second += " · " + QCoreApplication.translate("Venues", "recently used")
        return f"{venue.name}\n{second}"


class VenuePicker(QDialog):
    """Search the registry and choose a venue; Enter or a double tap chooses."""

    def __init__(
        self,
        directory: VenueDirectory,
        kinds: frozenset[VenueKind] | None,
        recent: Iterable[str],
        parent: QWidget | None = None,
        devices: DeviceSupport | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("venue_picker")
        self.setModal(True)
        self._directory = directory
        self._kinds = kinds
        self._recent = list(recent)
        self.chosen: Venue | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        self.heading = make_label(role="heading")
        self.position = HerePosition(devices, self)
        self.position.changed.connect(self._position_changed)
        self.position_note = make_label(role="muted")
        self.position_note.setObjectName("venue_position_note")
        self.search = QLineEdit()
        self.search.setObjectName("venue_search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh)
        self.search.installEventFilter(self)
        self.model = VenueListModel(self)
        self.list = QListView()
        self.list.setObjectName("venue_list")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(2)
        self.list.activated.connect(lambda index: self._choose(index.row()))
        enable_kinetic_scrolling(self.list)
        self.empty = make_label(role="muted")
        self.cancel = make_button()
        self.cancel.clicked.connect(self.reject)
        self.choose = make_button(role="primary")
        self.choose.setObjectName("choose_venue")
        self.choose.clicked.connect(self._choose_current)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.choose)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.position_note)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.retranslate()
        self._refresh()
        self.resize(720, 600)

    def _position_changed(self) -> None:
        self.position_note.setText(self.position.note())
        # Re-sorted nearest first; the venue the person had under the cursor stays chosen.
        self._refresh(keep=True)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Choose a venue"))
        self.heading.setText(self.tr("Choose a venue"))
        self.search.setPlaceholderText(self.tr("Search by name, street or postcode"))
        self.search.setAccessibleName(self.tr("Search venues"))
        self.list.setAccessibleName(self.tr("Venues"))
        self.empty.setText(self.tr("No venue matches. Check the spelling or search by street."))
        self.cancel.setText(self.tr("Cancel"))
        self.choose.setText(self.tr("Choose"))
        self.position_note.setText(self.position.note())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrow keys in the search box move through the list; Enter picks.
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentIndex().row()
                row = row + (1 if key == Qt.Key.Key_Down else -1)
                row = max(0, min(self.model.rowCount() - 1, row))
                self.list.setCurrentIndex(self.model.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose_current()
                return True
        return super().eventFilter(watched, event)

    def _refresh(self, *, keep: bool = False) -> None:
        current = self.list.currentIndex()
        kept = self.model.venue_at(current.row()).id if keep and current.isValid() else None
        venues = self._directory.search(self.search.text(), self._kinds)
        self.model.set_venues(venues, self._recent, self.position.here)
        row = self.model.row_of(kept) if kept is not None else None
        if venues:
            self.list.setCurrentIndex(self.model.index(row or 0, 0))
        self.empty.setVisible(not venues)
        self.choose.setEnabled(bool(venues))

    def _choose_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self._choose(index.row())

    def _choose(self, row: int) -> None:
        self.chosen = self.model.venue_at(row)
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        directory: VenueDirectory,
        kinds: frozenset[VenueKind] | None,
        recent: Iterable[str],
        done: Callable[[Venue], None],
        devices: DeviceSupport | None = None,
    ) -> VenuePicker:
        """Open the picker; `done(venue)` runs when one is chosen. With `devices` it asks
        where the device is and lists the venues nearest first once it knows."""
        dialog = cls(directory, kinds, recent, parent, devices)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.chosen is not None:
                done(dialog.chosen)

        dialog.finished.connect(finished)
        dialog.open()
        QTimer.singleShot(0, dialog.search.setFocus)
        return dialog


class VenueQuestion(QuestionWidget):
    """The chosen venue's name and address, and a button to choose from the registry."""

    def __init__(
        self,
        field: Field,
        row: str | None,
        texts: FormTexts,
        services: RunnerServices,
        kinds: frozenset[VenueKind] | None,
        recent: Callable[[], list[str]],
        parent: QWidget | None = None,
    ) -> None:
        self._kinds = kinds
        self._recent = recent
        super().__init__(field, row, texts, services, parent)

    def build(self) -> None:
        self._venue_id = ""
        self._name = make_label(role="value")
        self._choose = make_button(role="primary")
        self._choose.setObjectName("choose_venue_button")
        self._choose.clicked.connect(self.open_picker)
        self._clear = make_button(role="link")
        self._clear.clicked.connect(self._cleared)
        row = QHBoxLayout()
        row.addWidget(self._choose)
        row.addWidget(self._clear)
        row.addStretch(1)
        self.body.addWidget(self._name)
        self.body.addLayout(row)
        self._choose.setVisible(self.editable)

    def editor(self) -> QWidget | None:
        return self._choose

    def _retranslate_editor(self) -> None:
        self._choose.setText(
            self.tr("Choose another venue…") if self._venue_id else self.tr("Choose venue…")
        )
        self._clear.setText(self.tr("Clear answer"))
        self._describe()

    def open_picker(self) -> VenuePicker:
        return VenuePicker.ask(
            self,
            self.services.venues,
            self._kinds,
            self._recent(),
            self._picked,
            self.services.devices,
        )

    def _picked(self, venue: Venue) -> None:
        self.services.venues.note_used(venue.id)
        self._show(venue.id)
        self.emit_answer(venue.id)

    def _cleared(self) -> None:
        self._show("")
        self.emit_answer("")

    def _describe(self) -> None:
        venue = self.services.venues.venue(self._venue_id) if self._venue_id else None
        if venue is not None:
            self._name.setText(f"{venue.name}\n{venue.address}")
        elif self._venue_id:
            self._name.setText(self._venue_id)
        else:
            self._name.setText(self.tr("No venue chosen yet"))
        self._clear.setVisible(bool(self._venue_id) and self.editable)

    def _show(self, value: Value) -> None:
        self._venue_id = value if isinstance(value, str) else ""
        self._retranslate_editor()


_COORDINATES = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d+(?:[.,]\d+)?)\s*$")


def parse_coordinates(text: str) -> str | None:
    """'52.0776, 4.2917' or '52,0776 4,2917' as ODK's 'latitude longitude'; None if not."""
    match = _COORDINATES.match(text)
    if match is None:
        # Dutch decimal commas with a comma between: '52,0776, 4,2917'
        parts = [p.strip() for p in text.split(", ")]
        if len(parts) != 2:
            return None
        match = _COORDINATES.match(" ".join(parts))
        if match is None:
            return None
    latitude = float(match[1].replace(",", "."))
    longitude = float(match[2].replace(",", "."))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return f"{latitude:.6f} {longitude:.6f}"


class GeopointQuestion(QuestionWidget):
    """A location from the device, from the form's venue, picked on the map, from a place in
    the registry, or typed.

    "Use the venue's location" is offered only when the form has a venue (a patrol has
    none), "Pick on the map…" only when the device has a map tile file. A position the
    device cannot find is a hint beside the buttons, not an error: the map, the registry
    or typing still answers the question. A tile file that turns out to be broken is a
    hint too, and the registry list opens in the map's place.
    """

    def __init__(
        self,
        field: Field,
        row: str | None,
        texts: FormTexts,
        services: RunnerServices,
        venue_lookup: Callable[[], Venue | None],
        parent: QWidget | None = None,
        *,
        has_venue: bool = True,
    ) -> None:
        self._venue_lookup = venue_lookup
        self._has_venue = has_venue
        #: This question asked the device where it is and waits for the answer.
        self._waiting = False
        super().__init__(field, row, texts, services, parent)
        services.devices.fixed.connect(self._located)
        services.devices.not_located.connect(self._not_located)

    def build(self) -> None:
        self._value = ""
        self._line = _LineEdit()
        self._line.setObjectName("coordinates")
        self._line.setMinimumWidth(300)
        self._line.setMaximumWidth(360)
        self._line.editingFinished.connect(self._typed)
        self._line.submitted.connect(self._typed)
        self._line.submitted.connect(self.submitted)
        self._here = make_button()
        self._here.setObjectName("use_position")
        self._here.clicked.connect(self._locate)
        self._venue = make_button()
        self._venue.setObjectName("use_venue_location")
        self._venue.clicked.connect(self._from_venue)
        self._map = make_button()
        self._map.setObjectName("pick_on_map")
        self._map.clicked.connect(self.pick_on_map)
        #: The open map, for tests and for not opening a second one.
        self.map_picker: MapPicker | None = None
        self._place = make_button()
        self._place.setObjectName("pick_place")
        self._place.clicked.connect(self.pick_place)
        self._status = make_label(role="muted")
        self._status.setObjectName("location_status")
        row = FlowLayout()
        row.addWidget(self._line)
        row.addWidget(self._here)
        row.addWidget(self._venue)
        row.addWidget(self._map)
        row.addWidget(self._place)
        self.body.addLayout(row)
        self.body.addWidget(self._status)
        self._line.setReadOnly(not self.editable)
        self._venue.setVisible(self.editable and self._has_venue)
        self._map.setVisible(self.editable and self.services.map_tiles is not None)
        self._place.setVisible(self.editable)
        self.services.devices.changed.connect(self._devices_known)
        self._devices_known()

    def editor(self) -> QWidget | None:
        return self._line

    def _devices_known(self) -> None:
        self._here.setVisible(self.editable and self.services.devices.position)

    def _retranslate_editor(self) -> None:
        self._line.setPlaceholderText(self.tr("latitude, longitude"))
        self._here.setText(self.tr("Use my position"))
        self._venue.setText(self.tr("Use the venue's location"))
        self._map.setText(self.tr("Pick on the map…"))
        self._map.setAccessibleDescription(
            self.tr("Pick the point on the offline map of the municipality")
        )
        self._place.setText(self.tr("Pick a place…"))
        self._place.setAccessibleDescription(
            self.tr("Choose a venue or street address from the registry")
        )
        self._status.setText(self._status_text())

    def _status_text(self) -> str:
        if not self._value:
            return self.tr("No location yet. Type it, or use the buttons.")
        parts = self._value.split()
        text = self.tr("Location: %1, %2").replace("%1", parts[0]).replace("%2", parts[1])
        if len(parts) >= 4:
            text += " " + self.tr("(accuracy %1 m)").replace("%1", f"{float(parts[3]):.0f}")
        return text

    def _typed(self) -> None:
        text = self._line.text()
        if not text.strip():
            if self._value:
                self._set("", emit=True)
            self.set_local_problem(None)
            return
        point = parse_coordinates(text)
        if point is None:
            self.set_local_problem(
                self.tr("Type the location as latitude, longitude, e.g. 52.0799, 4.3113.")
            )
            return
        self.set_local_problem(None)
        if point != self._value:
            self._set(point, emit=True)

    def _from_venue(self) -> None:
        venue = self._venue_lookup()
        if venue is None:
            self.set_local_problem(self.tr("Choose the venue first."))
            return
        self.set_local_problem(None)
        self._set(f"{venue.lat:.6f} {venue.lon:.6f}", emit=True)

    def pick_place(self) -> VenuePicker:
        """Choose a place from the registry (nearest first once the device knows where it
        is); its position answers the question."""
        return VenuePicker.ask(
            self,
            self.services.venues,
            None,
            [],
            self._picked_place,
            devices=self.services.devices,
        )

    def _picked_place(self, venue: Venue) -> None:
        self.set_local_problem(None)
        self._set(f"{venue.lat:.6f} {venue.lon:.6f}", emit=True)

    def pick_on_map(self) -> None:
        """Open the tile file off the UI thread, then the map; a broken file opens the list."""
        path = self.services.map_tiles
        if path is None or self.map_picker is not None:
            return
        self._map.setEnabled(False)
        self.services.tasks.run(
            lambda: open_map_tiles(path), self._map_opened, self._map_refused, context=self
        )

    def _map_opened(self, tiles: MapTiles) -> None:
        from fieldapp.ui.runner.map import MapPicker

        self._map.setEnabled(True)
        parts = self._value.split()
        start = (float(parts[0]), float(parts[1])) if len(parts) >= 2 else None
        self.map_picker = MapPicker.ask(
            self,
            tiles,
            self.services.tasks,
            self.services.venues.search(""),
            start,
            self.services.devices,
            self.texts.language,
            self._picked_point,
        )
        self.map_picker.finished.connect(self._map_closed)

    def _map_closed(self) -> None:
        self.map_picker = None

    def _map_refused(self, error: BaseException) -> None:
        self._map.setEnabled(True)
        if not isinstance(error, FieldappError):
            self.services.tasks.failed.emit(error)  # a bug: the window logs it
            return
        # The file is there but cannot serve: say why, and offer the registry list instead.
        self._map.setVisible(False)
        self._status.setText(error.text(self.texts.language))
        self.pick_place()

    def _picked_point(self, lat: float, lon: float) -> None:
        self.set_local_problem(None)
        self._set(f"{lat:.6f} {lon:.6f}", emit=True)

    def _locate(self) -> None:
        if not self.services.devices.locate():
            self.set_local_problem(self.tr("This device cannot tell its position."))
            return
        self._waiting = True
        self._status.setText(self.tr("Finding your position…"))

    def _located(self, fix: PositionFix) -> None:
        # Every fix of the device passes here; only the one this question asked for counts.
        if not self._waiting:
            return
        self._waiting = False
        point = f"{fix.latitude:.6f} {fix.longitude:.6f}"
        if fix.accuracy is not None:
            point += f" {fix.altitude or 0.0:.1f} {fix.accuracy:.1f}"
        self.set_local_problem(None)
        self._set(point, emit=True)

    def _not_located(self, *_args: object) -> None:
        if not self._waiting:
            return  # another screen's question went unanswered
        self._waiting = False
        # The world's doing (no fix indoors, GPS off): a hint with the ways on, not an error.
        self._status.setText(
            self.tr("No position found. Pick a place, or type the location.")
            if not self._has_venue
            else self.tr(
                "No position found. Use the venue's location, pick a place, or type the location."
            )
        )

    def _set(self, point: str, *, emit: bool) -> None:
        self._value = point
        parts = point.split()
        shown = f"{parts[0]}, {parts[1]}" if len(parts) >= 2 else ""
        if self._line.text() != shown:
            self._line.setText(shown)
        self._status.setText(self._status_text())
        if emit:
            self.emit_answer(point)

    def _show(self, value: Value) -> None:
        self._set(value if isinstance(value, str) else "", emit=False)
