"""Every item model of the app, checked with qtmodeltester, on real store records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldapp.app.demo import demo_reference
from fieldapp.app.inspections import assignment_rows
from fieldapp.app.session import KdfParams
from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.store import LocalInspectionSummary, Profile, open_profile
from fieldapp.ui.lists import (
    PAGE,
    RECORD_ROLE,
    AssignmentTableModel,
    FormTableModel,
    InspectionTableModel,
    TeamTableModel,
    status_text,
)
from fieldapp.ui.new_inspection import AreaListModel
from fieldapp.ui.runner.places import VenueListModel

TITLES = {
    "coffeeshop_inspection": {"nl": "Coffeeshopcontrole", "en": "Coffeeshop inspection"},
    "door_test": {"nl": "Deurtest uitgaansleven", "en": "Nightlife door test"},
    "neighbourhood_patrol": {"nl": "Wijkronde", "en": "Neighbourhood patrol"},
}


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    """A demo profile with drafts and finalized inspections, made once for this module."""
    home: Path = tmp_path_factory.mktemp("models")
    world = load_world(seeds_directory())
    opened = open_profile(home, "fatima.elamrani", "demo", kdf=KdfParams.fast_for_tests())
    opened.replace_reference_data(demo_reference(world))
    for venue in world.venues_of_kind(world.venues[0].kind)[:5]:
        opened.start_inspection("coffeeshop_inspection", venue_id=venue.id)
    yield opened
    opened.close()


def sync_loader(
    profile: Profile, status: InspectionStatus
) -> Callable[[int, int, Callable[[list[LocalInspectionSummary]], None]], None]:
    """Loads pages at once, as the task runner would a moment later."""

    def load(offset: int, limit: int, done: Callable[[list[LocalInspectionSummary]], None]) -> None:
        done(profile.inspections(status, limit=limit, offset=offset))

    return load


def test_inspection_list_model(qtmodeltester: ModelTester, profile: Profile) -> None:
    model = InspectionTableModel(sync_loader(profile, InspectionStatus.DRAFT), TITLES, "nl")
    model.reload()
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    assert not model.canFetchMore(QModelIndex())  # fewer than a page: complete
    summary = model.data(model.index(0, 0), RECORD_ROLE)
    assert isinstance(summary, LocalInspectionSummary)
    assert model.data(model.index(0, 0)) == "Coffeeshopcontrole"
    assert status_text(summary) == "Draft: continue where you left off"
    model.set_language("en")
    assert model.data(model.index(0, 0)) == "Coffeeshop inspection"
    qtmodeltester.check(model)


def test_inspection_list_loads_page_by_page(qtmodeltester: ModelTester) -> None:
    pending: list[Callable[[], None]] = []
    fake = [
        LocalInspectionSummary(
            inspection_id=f"{n:032x}",
            form_id="door_test",
            form_version="2026.1",
            status=InspectionStatus.SENT,
            author="mg-noord-3",
            venue_id=None,
            venue_name="Club Marktlicht",
            area_id=None,
            area_name=None,
            assignment_id=None,
            started_at=datetime(2026, 12, 1, tzinfo=UTC),
            updated_at=datetime(2026, 12, 1, tzinfo=UTC),
            version_id=None,
            base_version_id=None,
            outcomes=(),
            outbox=None,
            review=None,
        )
        for n in range(PAGE + 50)
    ]

    def load(offset: int, limit: int, done: Callable[[list[LocalInspectionSummary]], None]) -> None:
        pending.append(lambda: done(fake[offset : offset + limit]))

    model = InspectionTableModel(load, TITLES, "nl")
    model.reload()
    assert model.rowCount() == 0 and model.loading
    pending.pop()()
    assert model.rowCount() == PAGE and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    pending.pop()()
    assert model.rowCount() == PAGE + 50 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)
    # An answer to a load that a reload replaced is dropped.
    model.reload()
    stale = pending.pop()
    model.reload()
    stale()
    assert model.rowCount() == 0


def test_assignment_team_and_form_models(qtmodeltester: ModelTester, profile: Profile) -> None:
    rows = assignment_rows(profile, "fatima.elamrani")
    assignments = AssignmentTableModel(TITLES, "nl")
    assignments.set_rows(rows)
    qtmodeltester.check(assignments)
    assert assignments.rowCount() == 3
    assert assignments.data(assignments.index(0, 4)) == "Not started"
    overview = AssignmentTableModel(TITLES, "nl", show_assignee=True)
    overview.set_people({"fatima.elamrani": "Fatima El Amrani", "team-centrum": "Team Centrum"})
    overview.set_rows(assignment_rows(profile, None))
    qtmodeltester.check(overview)
    people = {overview.data(overview.index(row, 4)) for row in range(overview.rowCount())}
    assert "Team Centrum" in people

    team = TeamTableModel()
    team.set_rows([("Fatima El Amrani", "Handhaver", "Team Centrum")])
    qtmodeltester.check(team)
    forms = FormTableModel("nl")
    forms.set_rows([("door_test", TITLES["door_test"], "2026.1", 25, 9, "Mystery guest")])
    qtmodeltester.check(forms)
    assert forms.data(forms.index(0, 0)) == "Deurtest uitgaansleven"
    assert forms.headerData(0, Qt.Orientation.Horizontal) is not None


def test_area_and_venue_models(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    world = load_world(seeds_directory())
    areas = AreaListModel()
    areas.set_areas(world.areas)
    qtmodeltester.check(areas)
    venues = VenueListModel()
    venues.set_venues(world.venues, [world.venues[0].id])
    qtmodeltester.check(venues)
    assert "\n" in str(venues.data(venues.index(0, 0)))


def test_the_outbox_says_in_plain_words_why_something_is_not_sent() -> None:
    from dataclasses import replace

    from fieldapp.store import OutboxInfo, OutboxState, Review

    base = LocalInspectionSummary(
        inspection_id="0" * 32,
        form_id="door_test",
        form_version="2026.1",
        status=InspectionStatus.FINALIZED,
        author="mg-noord-3",
        venue_id=None,
        venue_name=None,
        area_id=None,
        area_name=None,
        assignment_id=None,
        started_at=datetime(2026, 12, 1, tzinfo=UTC),
        updated_at=datetime(2026, 12, 1, tzinfo=UTC),
        version_id="1" * 32,
        base_version_id=None,
        outcomes=(),
        outbox=None,
        review=None,
    )
    waiting = OutboxInfo("1" * 32, OutboxState.PENDING, base.updated_at, 0, None, None, None, None)
    assert status_text(replace(base, outbox=waiting)) == "Waiting to be sent at the next sync"
    retrying = replace(waiting, attempts=3, last_error="the central store cannot be reached")
    assert status_text(replace(base, outbox=retrying)) == (
        "Sending failed (3 attempts): the central store cannot be reached. "
        "It is tried again automatically."
    )
    held = replace(retrying, state=OutboxState.HELD, last_error="this version conflicts")
    assert "Ask your supervisor" in status_text(replace(base, outbox=held))
    review = Review("returned", "1" * 32, "ricardo.pinas", base.updated_at, "Toon nalopen", {})
    returned = replace(base, status=InspectionStatus.RETURNED, review=review)
    assert status_text(returned) == "Returned by ricardo.pinas: Toon nalopen"
