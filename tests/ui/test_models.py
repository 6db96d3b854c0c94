"""Every item model of the app, checked with qtmodeltester, on real store records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
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
    AssignmentTableModel,
    FormColumn,
    FormTableModel,
    InspectionTableModel,
    TeamTableModel,
    status_text,
)
from fieldapp.ui.models import (
    PAGE,
    RECORD_ROLE,
    SORT_ROLE,
    Column,
    LoadedTableModel,
    Page,
    PageSource,
)
from fieldapp.ui.new_inspection import AREA_ID_ROLE, AreaListModel
from fieldapp.ui.runner.places import VENUE_ID_ROLE, VenueListModel
from fieldapp.ui.runner.progress import Progress
from fieldapp.ui.runner.sections import (
    APPLIES_ROLE,
    PAGE_KEY_ROLE,
    PROGRESS_ROLE,
    SectionListModel,
)
from tests.support.store import DEMO_RULES

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
    opened = open_profile(
        home,
        "fatima.elamrani",
        "demo",
        kdf=KdfParams.fast_for_tests(),
        password_rules=DEMO_RULES,
    )
    opened.replace_reference_data(demo_reference(world))
    for venue in world.venues_of_kind(world.venues[0].kind)[:5]:
        opened.start_inspection("coffeeshop_inspection", venue_id=venue.id)
    yield opened
    opened.close()


def sync_pages(
    profile: Profile, status: InspectionStatus
) -> PageSource[LocalInspectionSummary, int]:
    """Fetches pages at once, as the task runner would a moment later."""

    def fetch(
        offset: int | None,
        limit: int,
        done: Callable[[Page[LocalInspectionSummary, int]], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        start = offset or 0
        rows = profile.inspections(status, limit=limit, offset=start)
        done(Page(rows, start + limit if len(rows) == limit else None, profile.count(status)))

    return fetch


def test_inspection_list_model(qtmodeltester: ModelTester, profile: Profile) -> None:
    model = InspectionTableModel(sync_pages(profile, InspectionStatus.DRAFT), TITLES, "nl")
    model.reload()
    qtmodeltester.check(model)
    assert model.rowCount() == 5 and model.total == 5
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
            form_version="2026.3",
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

    def fetch(
        offset: int | None,
        limit: int,
        done: Callable[[Page[LocalInspectionSummary, int]], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        start = offset or 0
        rows = fake[start : start + limit]
        end = start + len(rows)
        pending.append(lambda: done(Page(rows, end if end < len(fake) else None, len(fake))))

    model = InspectionTableModel(fetch, TITLES, "nl")
    model.reload()
    assert model.rowCount() == 0 and model.loading
    pending.pop()()
    assert model.rowCount() == PAGE and model.canFetchMore(QModelIndex())
    assert model.total == PAGE + 50
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
    forms.set_rows([("door_test", TITLES["door_test"], "2026.3", 25, 9, "Mystery guest")])
    qtmodeltester.check(forms)
    assert forms.data(forms.index(0, 0)) == "Deurtest uitgaansleven"
    assert forms.headerData(0, Qt.Orientation.Horizontal) is not None


def test_area_and_venue_models(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    world = load_world(seeds_directory())
    areas = AreaListModel()
    areas.set_areas(world.areas)
    qtmodeltester.check(areas)
    assert areas.data(areas.index(0, 0), AREA_ID_ROLE) == world.areas[0].id
    assert areas.data(areas.index(0, 0), RECORD_ROLE) is world.areas[0]
    venues = VenueListModel()
    venues.set_venues(world.venues, [world.venues[0].id])
    qtmodeltester.check(venues)
    assert "\n" in str(venues.data(venues.index(0, 0)))
    assert venues.data(venues.index(0, 0), VENUE_ID_ROLE) == world.venues[0].id
    first = world.venues[0]
    spoken = venues.data(venues.index(0, 0), Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == f"{first.name}, {first.address}"


def test_section_list_model(qtmodeltester: ModelTester) -> None:
    sections = SectionListModel()
    qtmodeltester.check(sections)  # empty: no pages, no summary row
    sections.set_pages(["intro", "stock"], ["Intro", "Voorraad"], "Samenvatting")
    qtmodeltester.check(sections)
    assert sections.rowCount() == 3 and sections.summary_row == 2
    assert sections.data(sections.index(2, 0)) == "Samenvatting"
    assert sections.data(sections.index(2, 0), PAGE_KEY_ROLE) == ""
    assert sections.data(sections.index(2, 0), PROGRESS_ROLE) is None
    assert sections.update_page(1, False, Progress(answered=1, total=4))
    assert not sections.update_page(1, False, Progress(answered=1, total=4))
    assert not sections.applies(1) and sections.applies(2)
    assert not sections.flags(sections.index(1, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert sections.data(sections.index(1, 0), APPLIES_ROLE) is False
    assert sections.data(sections.index(1, 0)) == "Voorraad\ndoes not apply"
    sections.update_page(0, True, Progress(answered=1, total=4))
    assert sections.data(sections.index(0, 0), PROGRESS_ROLE) == Progress(answered=1, total=4)
    assert sections.data(sections.index(0, 0)) == "Intro\n1 of 4 answered"
    sections.set_titles(["Introduction", "Stock"], "Summary")
    assert sections.data(sections.index(0, 0)).startswith("Introduction\n")
    assert sections.data(sections.index(2, 0)) == "Summary"
    qtmodeltester.check(sections)


def test_a_table_sorts_by_its_columns_sort_keys(qtmodeltester: ModelTester) -> None:
    forms = FormTableModel("nl")
    forms.set_rows(
        [
            ("door_test", TITLES["door_test"], "2026.3", 25, 9, "Mystery guest"),
            ("coffeeshop_inspection", TITLES["coffeeshop_inspection"], "2026.5", 120, 14, "Boa"),
            ("neighbourhood_patrol", TITLES["neighbourhood_patrol"], "2026.3", 40, 6, "Boa"),
        ]
    )
    qtmodeltester.check(forms)
    kept = QPersistentModelIndex(forms.index(0, 0))
    # By number of questions, not by their text ("120" < "25" < "40").
    forms.sort(FormColumn.QUESTIONS, Qt.SortOrder.DescendingOrder)
    assert [forms.form_id(row) for row in range(3)] == [
        "coffeeshop_inspection",
        "neighbourhood_patrol",
        "door_test",
    ]
    assert forms.data(forms.index(0, FormColumn.QUESTIONS), SORT_ROLE) == 120
    assert forms.data(forms.index(0, FormColumn.QUESTIONS)) == "120"
    assert kept.row() == 2 and kept.data() == "Deurtest uitgaansleven"
    forms.sort(FormColumn.TITLE)
    assert forms.data(forms.index(0, 0)) == "Coffeeshopcontrole"
    qtmodeltester.check(forms)


def test_rows_without_a_sort_key_go_last_either_way(qtmodeltester: ModelTester) -> None:
    due: list[tuple[str, date | None]] = [
        ("b", date(2026, 3, 2)),
        ("none", None),
        ("a", date(2026, 3, 1)),
    ]
    model = LoadedTableModel[tuple[str, date | None]](
        [
            Column(lambda: "Name", lambda item: item[0]),
            Column(
                lambda: "Due",
                lambda item: "" if item[1] is None else item[1].isoformat(),
                sort_key=lambda item: item[1],
                alignment=Qt.AlignmentFlag.AlignRight,
            ),
        ]
    )
    model.set_rows(due)
    model.sort(1)
    assert [model.record(row)[0] for row in range(3)] == ["a", "b", "none"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [model.record(row)[0] for row in range(3)] == ["b", "a", "none"]
    assert model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) == (
        Qt.AlignmentFlag.AlignRight
    )
    assert model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Due"
    qtmodeltester.check(model)


def test_a_paged_list_that_cannot_fetch_says_so_and_stops(qtmodeltester: ModelTester) -> None:
    refused = OSError("disk I/O error")

    def fetch(
        offset: int | None,
        limit: int,
        done: Callable[[Page[LocalInspectionSummary, int]], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        failed(refused)

    model = InspectionTableModel(fetch, TITLES, "nl")
    errors: list[object] = []
    model.failed.connect(errors.append)
    model.reload()
    assert errors == [refused]
    assert not model.loading and model.complete and not model.canFetchMore(QModelIndex())
    assert model.rowCount() == 0 and model.total is None
    qtmodeltester.check(model)


def test_the_outbox_says_in_plain_words_why_something_is_not_sent() -> None:
    from dataclasses import replace

    from fieldapp.store import OutboxInfo, OutboxState, Review

    base = LocalInspectionSummary(
        inspection_id="0" * 32,
        form_id="door_test",
        form_version="2026.3",
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
