"""Picking a venue as a field worker expects: nearest first, its history, the last visit.

The position comes from the device layer's own signal, as the position source delivers
it; distances are checked against an equirectangular estimate computed here, not with the
code under test.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton
from pytestqt.qtbot import QtBot

from fieldapp.app.inspections import FormChoice
from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.entities import Venue
from fieldapp.core.formfile import load_form_file
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.ui.devices import DeviceSupport
from fieldapp.ui.i18n import Translations
from fieldapp.ui.new_inspection import NewInspectionDialog
from fieldapp.ui.runner.places import VenueListModel, VenuePicker, distance_text
from fieldapp.ui.window import MainWindow
from tests.support.qt import child
from tests.support.store import fill_draft
from tests.ui.test_app import WAIT, Person, context, person, stray_windows, window

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

__all__ = ["context", "person", "stray_windows", "window"]

#: Where the officer stands in the tests: the Buitenhof, in the centre of The Hague.
BUITENHOF = (52.0799, 4.3113)


def rough_metres(lat: float, lon: float, venue: Venue) -> float:
    """An equirectangular estimate, good to a fraction of a percent within a city."""
    mean = math.radians((lat + venue.lat) / 2)
    dx = math.radians(venue.lon - lon) * math.cos(mean)
    dy = math.radians(venue.lat - lat)
    return 6_371_000 * math.hypot(dx, dy)


def rows(model: VenueListModel) -> list[Venue]:
    return [model.venue_at(row) for row in range(model.rowCount())]


@pytest.fixture
def directory() -> RegistryDirectory:
    world = load_world(seeds_directory())
    return RegistryDirectory(world.venues, world.areas)


@pytest.fixture
def dutch() -> Iterator[None]:
    app = QApplication.instance()
    assert app is not None
    translations = Translations(app)
    translations.apply("nl")
    yield
    translations.remove()


def coffeeshop_choice() -> FormChoice:
    engine = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    return FormChoice(engine.form_id, engine.version, engine.definition, "venue")


def assert_nearest_first(model: VenueListModel, here: tuple[float, float]) -> None:
    listed = rows(model)
    distances = [model.distance(venue.id) for venue in listed]
    assert all(d is not None for d in distances)
    for venue, metres in zip(listed, distances, strict=True):
        assert metres == pytest.approx(rough_metres(*here, venue), rel=0.01)
    assert distances == sorted(distances)  # type: ignore[type-var]


def test_the_new_inspection_dialog_sorts_nearest_first_once_a_position_arrives(
    qtbot: QtBot, directory: RegistryDirectory, dutch: None
) -> None:
    devices = DeviceSupport()
    choice = coffeeshop_choice()
    dialog = NewInspectionDialog([choice], directory, "nl", devices=devices)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    dialog.show()
    dialog.choose_form(choice)
    model = dialog.venue_model
    # As before: by name (nothing recent yet), and a grey line says where we stand.
    before = rows(model)
    assert [v.name.casefold() for v in before] == sorted(v.name.casefold() for v in before)
    note = dialog.position_note
    assert note.isVisible() and "onbekend" in note.text()
    assert model.distance(before[0].id) is None
    # The person has moved the cursor to a venue far down the list.
    picked = before[-1]
    dialog.list.setCurrentIndex(model.index(len(before) - 1, 0))

    with qtbot.waitSignal(dialog.position.changed, timeout=WAIT):
        devices.located.emit(*BUITENHOF)
    assert_nearest_first(model, BUITENHOF)
    assert rows(model) != before
    current = dialog.current_venue()
    assert current is not None and current.id == picked.id  # the selection stayed
    assert "dichtstbijzijnde" in dialog.step.text()
    assert "positie" in note.text().casefold() and "onbekend" not in note.text()
    # Distances as a Dutch reader writes them, with a decimal comma above a kilometre.
    texts = [str(model.index(row, 0).data()) for row in range(model.rowCount())]
    assert all(re.search(r"\n(\d+ m|\d+,\d km|\d+ km) · ", text) for text in texts), texts
    assert any(re.search(r"\n\d+,\d km · ", text) for text in texts)

    # A search still filters, and what it finds is still nearest first.
    qtbot.keyClicks(dialog.search, "straat")
    found = rows(model)
    assert found and len(found) < len(before)
    assert all("straat" in venue.street.casefold() for venue in found)
    assert_nearest_first(model, BUITENHOF)


def test_the_venue_question_picker_sorts_nearest_first_once_a_position_arrives(
    qtbot: QtBot, directory: RegistryDirectory
) -> None:
    devices = DeviceSupport()
    picker = VenuePicker(directory, None, [], devices=devices)
    qtbot.addWidget(picker)
    picker.show()
    assert picker.position_note.text() == "Position unknown: the list is not sorted by distance."
    first_by_name = picker.model.venue_at(0)
    with qtbot.waitSignal(picker.position.changed, timeout=WAIT):
        devices.located.emit(*BUITENHOF)
    assert_nearest_first(picker.model, BUITENHOF)
    assert picker.list.currentIndex().row() == picker.model.row_of(first_by_name.id)
    # A picker opened a moment later starts from that position at once.
    again = VenuePicker(directory, None, [], devices=devices)
    qtbot.addWidget(again)
    assert_nearest_first(again.model, BUITENHOF)


def test_distances_are_written_as_the_language_writes_numbers() -> None:
    default = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
        assert [distance_text(m) for m in (3, 118, 996, 1_420, 9_940, 12_345)] == [
            "10 m",
            "120 m",
            "1,0 km",
            "1,4 km",
            "9,9 km",
            "12 km",
        ]
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.Netherlands))
        assert distance_text(1_420) == "1.4 km"
    finally:
        QLocale.setDefault(default)


def test_a_new_inspection_starts_from_the_venues_history(
    person: Person, window: MainWindow, qtbot: QtBot
) -> None:
    person.sign_in("fatima.elamrani")
    person.click(person.home.new_button)
    qtbot.waitUntil(lambda: window.findChild(NewInspectionDialog) is not None, timeout=WAIT)
    dialog = window.findChild(NewInspectionDialog)
    assert isinstance(dialog, NewInspectionDialog)
    person.click(child(dialog, QPushButton, "form_coffeeshop_inspection"))
    dialog.list.setCurrentIndex(dialog.venue_model.index(1, 0))
    venue = dialog.current_venue()
    assert venue is not None
    person.click(child(dialog, QPushButton, "venue_history_button"))
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=WAIT)
    assert dialog.history_venue.text().startswith(venue.name)
    assert dialog.history_list.count() >= 1
    assert dialog.start.text() == "Nieuwe controle hier"
    carry = child(dialog, QCheckBox, "carry_over")
    if carry.isVisible():
        carry.setChecked(False)  # this test is about the history; the carry-over is below
    person.click(dialog.start)
    runner = person.runner()
    assert runner.session.answers[("venue", None)] == venue.id
    assert runner.carried.isHidden()


def test_the_last_visit_carries_over_into_the_new_inspection(
    person: Person, window: MainWindow, qtbot: QtBot
) -> None:
    person.sign_in("fatima.elamrani")
    signed = window.context.signed_in
    assert signed is not None
    profile = signed.profile
    # An earlier visit, finalized on this device (on the store's own thread, as the app
    # uses it): filled in validly by the seed's walker.
    visited: list[str] = []

    def earlier_visit() -> None:
        inspection_id = fill_draft(profile, "coffeeshop_inspection", 5)
        profile.finalize(inspection_id)
        visited.append(profile.inspection(inspection_id).venue_id or "")

    window.context.tasks.run(earlier_visit, serial=True)
    qtbot.waitUntil(lambda: bool(visited), timeout=WAIT)
    venue_id = visited[0]

    person.click(person.home.new_button)
    qtbot.waitUntil(lambda: window.findChild(NewInspectionDialog) is not None, timeout=WAIT)
    dialog = window.findChild(NewInspectionDialog)
    assert isinstance(dialog, NewInspectionDialog)
    person.click(child(dialog, QPushButton, "form_coffeeshop_inspection"))
    row = dialog.venue_model.row_of(venue_id)
    assert row is not None
    dialog.list.setCurrentIndex(dialog.venue_model.index(row, 0))
    carry = child(dialog, QCheckBox, "carry_over")
    qtbot.waitUntil(carry.isVisible, timeout=WAIT)
    last = dialog.last_visit
    assert last is not None
    assert "Neem over van de vorige controle" in carry.text()
    assert carry.isChecked()
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    runner = person.runner()
    for name, value in last.answers.items():
        assert runner.session.answers[(name, None)] == value
    assert runner.carried.isVisible()
    assert "Controleer deze antwoorden ter plaatse" in runner.carried_text.text()
