"""The home's lists and the counts in their tabs, on real profiles and real widgets.

A count beside a list is the number of rows a person can scroll to, and a list filtered
for a mystery guest (door tests only) filters in the store's query, before paging: a
match beyond the first page of other inspections is listed.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from fieldapp.app.demo import load_demo_world
from fieldapp.app.session import SignedIn, sign_in
from fieldapp.app.settings import Settings
from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import KdfParams
from fieldapp.store.seed import replay_answers
from fieldapp.ui.app import build_context
from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.home import HomeScreen
from fieldapp.ui.lists import InspectionColumn
from fieldapp.ui.models import PAGE
from tests.support.store import fill_draft, sample_photo, walked

WAIT = 15_000


@pytest.fixture
def context(qtbot: QtBot, tmp_path: Path) -> Iterator[AppContext]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings = (
        Settings.load(tmp_path).with_value("idle_lock_minutes", 0).with_value("language", "nl")
    )
    built = build_context(app, tmp_path, settings, start_bug_log(tmp_path))
    built.kdf = KdfParams.fast_for_tests()
    yield built
    built.tasks.wait()
    built.translations.remove()
    if built.signed_in is not None:
        built.signed_in.profile.close()


def signed_in(context: AppContext, username: str) -> SignedIn:
    signed = sign_in(context.home, username, "demo", load_demo_world(), kdf=context.kdf)
    context.signed_in = signed
    return signed


def open_home(qtbot: QtBot, context: AppContext, signed: SignedIn) -> HomeScreen:
    titles = {choice.form_id: dict(choice.definition.title) for choice in signed.forms}
    home = HomeScreen(context, signed, titles)
    qtbot.addWidget(home)
    qtbot.waitUntil(
        lambda: (
            home.loaded
            and context.tasks.pending == 0
            and not any(model.loading for _page, model in home.lists.values())
        ),
        timeout=WAIT,
    )
    return home


def shown_count(home: HomeScreen, status: InspectionStatus | None) -> int | None:
    """The number in a tab's title ("Concepten (2)"), None when it shows none."""
    page = home.assignments if status is None else home.lists[status][0]
    found = re.search(r"\((\d+)\)$", home.tabs.tabText(home.tabs.indexOf(page)))
    return int(found.group(1)) if found else None


def scrollable_rows(home: HomeScreen, status: InspectionStatus) -> int:
    """Every row the list gives when a person scrolls to its end."""
    _page, model = home.lists[status]
    while model.canFetchMore():
        model.fetchMore()
        home.context.tasks.wait()
        QApplication.processEvents()
    return model.rowCount()


def finalize_for(signed: SignedIn, assignment_id: str, form_id: str, seed: int) -> None:
    """Do an assignment's work through the store's use cases and finalize it."""
    profile = signed.profile
    filled, _place = walked(profile, form_id, seed)
    inspection_id = profile.start_inspection(form_id, assignment_id=assignment_id)
    photos = [sample_photo(n) for n in range(3)]
    replay_answers(profile, inspection_id, filled, photos, random.Random(seed))
    profile.finalize(inspection_id)


def test_the_assignments_count_is_the_number_of_assignments_listed(
    qtbot: QtBot, context: AppContext
) -> None:
    signed = signed_in(context, "fatima.elamrani")
    assignments = signed.profile.assignments("fatima.elamrani")
    assert len(assignments) == 3
    done = assignments[0]
    finalize_for(signed, done.id, done.form_id.value, seed=3)
    home = open_home(qtbot, context, signed)
    qtbot.waitUntil(lambda: home.assignments_model.rowCount() == 3, timeout=WAIT)
    # The finalized one is listed (with its state), so it is counted.
    assert shown_count(home, None) == 3
    assert shown_count(home, InspectionStatus.FINALIZED) == 1


def test_a_mystery_guests_counts_are_the_door_tests_listed(
    qtbot: QtBot, context: AppContext
) -> None:
    signed = signed_in(context, "mg-noord-3")
    profile = signed.profile
    for _ in range(2):
        profile.start_inspection("door_test")
    # Inspections of other checklists on the device (a tester's earlier role, a shared
    # profile) are not listed for a mystery guest, so they are not counted either.
    for _ in range(3):
        profile.start_inspection("neighbourhood_patrol")
    home = open_home(qtbot, context, signed)
    drafts = home.lists[InspectionStatus.DRAFT][1]
    assert drafts.rowCount() == 2
    assert all(drafts.record(row).form_id == "door_test" for row in range(2))
    assert shown_count(home, InspectionStatus.DRAFT) == 2 == home.count(InspectionStatus.DRAFT)


def test_a_door_test_beyond_a_first_page_of_other_drafts_is_listed(
    qtbot: QtBot, context: AppContext
) -> None:
    signed = signed_in(context, "mg-noord-3")
    profile = signed.profile
    door_test = profile.start_inspection("door_test")
    # A page's worth of newer drafts of another checklist comes first in the store.
    for _ in range(PAGE):
        profile.start_inspection("neighbourhood_patrol")
    home = open_home(qtbot, context, signed)
    assert scrollable_rows(home, InspectionStatus.DRAFT) == 1
    assert home.lists[InspectionStatus.DRAFT][1].record(0).inspection_id == door_test
    assert shown_count(home, InspectionStatus.DRAFT) == 1
    page, _model = home.lists[InspectionStatus.DRAFT]
    assert page.currentWidget() is page.table


def test_a_count_over_more_than_a_page_is_every_row_scrolled_to(
    qtbot: QtBot, context: AppContext
) -> None:
    signed = signed_in(context, "kevin.sitaldin")
    for _ in range(PAGE + 7):
        signed.profile.start_inspection("neighbourhood_patrol")
    home = open_home(qtbot, context, signed)
    drafts = home.lists[InspectionStatus.DRAFT][1]
    assert drafts.rowCount() == PAGE and drafts.canFetchMore()
    assert shown_count(home, InspectionStatus.DRAFT) == PAGE + 7
    assert scrollable_rows(home, InspectionStatus.DRAFT) == PAGE + 7
    assert shown_count(home, InspectionStatus.DRAFT) == PAGE + 7


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_assignment_instructions_cut_on_the_home_screen(qtbot: QtBot, context: AppContext) -> None:
    """Issue 15, defect 5: every assignment row is as tall as its instructions need."""
    signed = signed_in(context, "fatima.elamrani")
    home = open_home(qtbot, context, signed)
    home.resize(1000, 800)
    home.show()
    qtbot.waitUntil(lambda: home.assignments_model.rowCount() == 3, timeout=WAIT)
    qtbot.waitExposed(home)
    table = home.assignments.table
    qtbot.wait(1)
    heights = [table.rowHeight(row) for row in range(home.assignments_model.rowCount())]
    for row, height in enumerate(heights):
        assert height >= max(44, table.sizeHintForRow(row)), row
    # The patrol's instructions take three lines at this width: its row grows to hold them.
    assert max(heights) > min(heights), heights


def store_counts(signed: SignedIn, form_ids: tuple[str, ...] | None) -> dict[str | None, int]:
    """Every home tab's rows counted another way: all of the store's inspections and
    assignments read whole and sorted here, not by the lists' own queries."""
    profile = signed.profile
    user = signed.user
    counts: dict[str | None, int] = {
        None: sum(
            1
            for assignment in profile.assignments()
            if (assignment.assignee == user.username or assignment.team == user.team)
            and (form_ids is None or assignment.form_id.value in form_ids)
        )
    }
    for summary in profile.inspections():
        if form_ids is None or summary.form_id in form_ids:
            counts[summary.status.value] = counts.get(summary.status.value, 0) + 1
    return counts


@pytest.mark.parametrize("username", ["fatima.elamrani", "mg-noord-3"])
def test_every_home_tab_counts_the_rows_it_shows_and_the_store_holds(
    qtbot: QtBot, context: AppContext, username: str
) -> None:
    """Every home tab's count is the rows its list shows and what the store holds (issue 15)."""
    signed = signed_in(context, username)
    profile = signed.profile
    mine = profile.assignments(username)
    form_ids = ("door_test",) if username.startswith("mg-") else None
    # Work in every state the lists show: drafts, an assignment begun, one finalized.
    for assignment in mine[:1]:
        finalize_for(signed, assignment.id, assignment.form_id.value, seed=5)
    for assignment in mine[1:2]:
        profile.start_inspection(assignment.form_id.value, assignment_id=assignment.id)
    for form_id in ("door_test", "neighbourhood_patrol", "door_test"):
        profile.start_inspection(form_id)
    home = open_home(qtbot, context, signed)
    qtbot.waitUntil(lambda: home.assignments_model.rowCount() > 0, timeout=WAIT)
    expected = store_counts(signed, form_ids)
    assert shown_count(home, None) == home.assignments_model.rowCount() == expected[None]
    for status, (_page, model) in home.lists.items():
        rows = scrollable_rows(home, status)
        assert shown_count(home, status) == rows == expected.get(status.value, 0), status
        assert model.rowCount() == rows


def test_tab_counts_differ_from_the_rows_while_the_lists_reload(
    qtbot: QtBot, context: AppContext
) -> None:
    """Issue 15 item 14: while the store is busy, a reloading list kept its old count in
    its tab above no rows ("Concepten (3)" over "No drafts"); count and rows now agree at
    every moment."""
    signed = signed_in(context, "fatima.elamrani")
    profile = signed.profile
    for form_id in ("neighbourhood_patrol", "coffeeshop_inspection", "neighbourhood_patrol"):
        profile.start_inspection(form_id)
    done = profile.assignments("fatima.elamrani")[0]
    finalize_for(signed, done.id, done.form_id.value, seed=7)
    home = open_home(qtbot, context, signed)
    busy = threading.Event()
    go_on = threading.Event()

    def hold() -> None:
        busy.set()
        go_on.wait(WAIT / 1000)

    # The store's lane is busy (an autosave, a sync's bookkeeping) when the lists reload.
    context.tasks.run(hold, serial=True)
    assert busy.wait(WAIT / 1000)
    try:
        home.refresh()
        QApplication.processEvents()
        assert shown_count(home, None) == home.assignments_model.rowCount() == 3
        for status, (_page, model) in home.lists.items():
            assert shown_count(home, status) == model.rowCount(), status
        assert home.lists[InspectionStatus.DRAFT][1].rowCount() == 3
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: context.tasks.pending == 0, timeout=WAIT)
    expected = store_counts(signed, None)
    for status, (_page, model) in home.lists.items():
        assert shown_count(home, status) == model.rowCount() == expected.get(status.value, 0)


def test_the_drafts_list_shows_no_findings(qtbot: QtBot, context: AppContext) -> None:
    """Issue 15 item 14: a draft's row said nothing of what it found so far; it shows how
    many findings its answers add up to and the most severe one's title, as the engine
    works them out from the saved answers, and follows a change to an answer."""
    signed = signed_in(context, "fatima.elamrani")
    profile = signed.profile
    with_findings = None
    for seed in range(1, 40):
        inspection_id = fill_draft(profile, "coffeeshop_inspection", seed)
        if profile.resume(inspection_id).outcomes():
            with_findings = inspection_id
            break
        profile.discard_draft(inspection_id)
    assert with_findings is not None
    plain = profile.start_inspection("neighbourhood_patrol")
    expected = [outcome.name for outcome in profile.resume(with_findings).outcomes()]
    form = next(choice for choice in signed.forms if choice.form_id == "coffeeshop_inspection")
    labels = {outcome.name: outcome.label["nl"] for outcome in form.definition.outcomes}
    home = open_home(qtbot, context, signed)
    _page, model = home.lists[InspectionStatus.DRAFT]

    def cell(inspection_id: str) -> str:
        for row in range(model.rowCount()):
            if model.record(row).inspection_id == inspection_id:
                return str(model.index(row, InspectionColumn.FINDINGS).data())
        raise AssertionError(inspection_id)

    count = f"{len(expected)} bevinding" + ("en" if len(expected) > 1 else "")
    assert cell(with_findings) == f"{count} · {labels[expected[0]]}"
    assert cell(plain) == ""
    # An answer changes: the list shows the findings of the answers as saved now.
    before = profile.resume(with_findings)
    flipped = "no" if before.value("hard_drugs_found") == "yes" else "yes"
    profile.set_answer(with_findings, "hard_drugs_found", flipped)
    after = [outcome.name for outcome in profile.resume(with_findings).outcomes()]
    assert after != expected
    home.refresh()
    qtbot.waitUntil(lambda: context.tasks.pending == 0 and not model.loading, timeout=WAIT)
    if after:
        count = f"{len(after)} bevinding" + ("en" if len(after) > 1 else "")
        assert cell(with_findings) == f"{count} · {labels[after[0]]}"
    else:
        assert cell(with_findings) == ""


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_tab_walked_through_every_cell_of_a_list_before_leaving_it(
    qtbot: QtBot, context: AppContext
) -> None:
    """Before: Tab in a list moved from cell to cell (Qt's default for tables), so a
    keyboard user pressed it five times a row to get past the assignments. Now Tab goes
    on to the next control at once; the arrow keys move within the list."""
    signed = signed_in(context, "fatima.elamrani")
    home = open_home(qtbot, context, signed)
    qtbot.waitUntil(lambda: home.assignments_model.rowCount() == 3, timeout=WAIT)
    home.show()
    home.activateWindow()
    qtbot.waitExposed(home)
    table = home.findChild(QTableView, "table_assignments")
    assert table is not None and table.isVisible()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()
    assert table.currentIndex().row() == 1
