"""The planning and administration screens, driven as a person would, against a real central store.

Every check compares what the screen shows or did with what the central store itself holds
(read over its own HTTP API or its register), never with the screen's own numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from fieldapp.app.demo import load_demo_world
from fieldapp.app.planning import AssignmentState
from fieldapp.app.review.desk import ReviewDesk
from fieldapp.app.session import KdfParams, SignedIn, sign_in
from fieldapp.app.settings import Settings
from fieldapp.core.formfile import form_files, load_form_file
from fieldapp.core.inspection import new_id
from fieldapp.core.locations import forms_directory
from fieldapp.sync.transport import CentralLine, Credentials, RetryPolicy
from fieldapp.ui.app import build_context
from fieldapp.ui.central.admin import AdminPanel
from fieldapp.ui.central.admin_pages import UserDialog
from fieldapp.ui.central.base import (
    NARROWEST_COLUMN,
    fill,
    fitted_widths,
    make_table,
    select_key,
    selected_key,
    set_headers,
)
from fieldapp.ui.central.names import form_name, state_name
from fieldapp.ui.central.plan_dialogs import AssignmentDialog, RoundDialog
from fieldapp.ui.central.planning import PlanningPanel
from fieldapp.ui.central.venue_pages import VenueDialog, VenuesPage
from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.theme import apply_theme
from tests.support.central import (
    ADMIN,
    BOA,
    BOA_SAME_TEAM,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    running_central,
)
from tests.support.tcpgate import TcpGate

WAIT = 20_000
SHOP = "cs-prinsestraat-84"
CLUB = "club-grotemarkt-20"

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("screens"), "screens") as running:
        yield running


@pytest.fixture
def context(qtbot: QtBot, tmp_path: Path) -> Iterator[AppContext]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    home = tmp_path / "home"
    home.mkdir()
    settings = Settings.load(home).with_value("idle_lock_minutes", 0)
    built = build_context(app, home, settings, start_bug_log(home))
    built.kdf = KdfParams.fast_for_tests()
    yield built
    built.tasks.wait()
    built.translations.remove()


def desks(url: str, retry: RetryPolicy | None = None) -> Callable[[SignedIn], ReviewDesk]:
    def make(signed: SignedIn) -> ReviewDesk:
        line = CentralLine(
            url,
            device_id="screens-test",
            credentials=Credentials(signed.user.username, "demo"),
            retry=retry,
        )
        return ReviewDesk(line, signed.user.username)

    return make


def signed_as(context: AppContext, username: str) -> SignedIn:
    return sign_in(context.home, username, "demo", load_demo_world(), kdf=context.kdf)


def planning_panel(qtbot: QtBot, context: AppContext, username: str) -> PlanningPanel:
    panel = PlanningPanel(context, signed_as(context, username))
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    panel.confirm = lambda _question: True
    qtbot.waitUntil(lambda: panel.board is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(panel.people), timeout=WAIT)
    return panel


def server_assignments(central: Central, username: str) -> dict[str, dict[str, Any]]:
    with central.client(username) as client:
        answer = client.get("/v1/planning/assignments")
    assert answer.status_code == 200
    return {a["assignment"]["id"]: a for a in answer.json()["assignments"]}


def dialog_of(panel: PlanningPanel, kind: type[QDialog]) -> Any:
    found = [d for d in panel.findChildren(kind) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def choose(combo: Any, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_the_glance_counts_what_the_central_store_holds(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    context.review_desk = desks(central.url)
    panel = planning_panel(qtbot, context, SUPERVISOR_CENTRUM)
    listed = server_assignments(central, SUPERVISOR_CENTRUM).values()
    overdue = sum(1 for a in listed if a["state"] == "overdue")
    unassigned = sum(
        1
        for a in listed
        if a["assignment"].get("assignee") is None and a["state"] not in ("done", "cancelled")
    )
    assert panel.overdue.text().endswith(str(overdue))
    assert panel.unassigned.text().endswith(str(unassigned))
    panel.unassigned.click()
    assert panel.list.rowCount() == unassigned
    panel.show_filter.setCurrentIndex(PlanningPanel.EVERYTHING)
    assert panel.list.rowCount() == len(listed)


def test_plan_reassign_and_a_crossing_edit_keeps_the_typed_text(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    context.review_desk = desks(central.url)
    panel = planning_panel(qtbot, context, SUPERVISOR_CENTRUM)
    before = set(server_assignments(central, SUPERVISOR_CENTRUM))

    qtbot.mouseClick(panel.new_assignment, Qt.MouseButton.LeftButton)
    dialog = dialog_of(panel, AssignmentDialog)
    choose(dialog.venue, SHOP)
    choose(dialog.who, f"person:{BOA}")
    due = date.today() + timedelta(days=3)
    dialog.due.setDate(dialog.due.date().addDays(3))
    choose(dialog.priority, "high")
    dialog.note_nl.setPlainText("Let op de voorraad.")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    (key,) = set(server_assignments(central, SUPERVISOR_CENTRUM)) - before
    stored = server_assignments(central, SUPERVISOR_CENTRUM)[key]
    assert stored["assignment"]["assignee"] == BOA
    assert stored["assignment"]["due"] == due.isoformat()
    assert stored["assignment"]["note"] == {"nl": "Let op de voorraad."}
    assert stored["version"] == 1

    # The supervisor opens it to change it; meanwhile someone else reassigns it.
    panel.open_assignment(key)
    dialog = dialog_of(panel, AssignmentDialog)
    plan = {k: v for k, v in stored["assignment"].items() if v is not None}
    for dropped in ("paired_test", "group_role"):
        plan.pop(dropped, None)
    with central.client(SUPERVISOR_CENTRUM) as other:
        moved = other.put(
            f"/v1/planning/assignments/{key}",
            json={**plan, "assignee": BOA_SAME_TEAM, "version": 1},
        )
        assert moved.status_code == 200, moved.text
    dialog.note_nl.setPlainText("Mijn eigen aanwijzing.")
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=WAIT)
    assert dialog.isVisible(), "a conflict must not close the dialog"
    assert dialog.note_nl.toPlainText() == "Mijn eigen aanwijzing."
    shown = [dialog.banner.problems.item(i).text() for i in range(dialog.banner.problems.count())]
    assert any(panel.names.person(BOA_SAME_TEAM) in line for line in shown), shown
    assert dialog.version == 2
    # Saving again builds on the current version: the supervisor's text wins, knowingly.
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    stored = server_assignments(central, SUPERVISOR_CENTRUM)[key]
    assert stored["version"] == 3
    assert stored["assignment"]["note"] == {"nl": "Mijn eigen aanwijzing."}

    # Cancel it from the list.
    panel.show_filter.setCurrentIndex(PlanningPanel.EVERYTHING)
    panel.views.setCurrentWidget(panel.list)
    assert select_key(panel.list, key)
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(panel.cancel, Qt.MouseButton.LeftButton)
    assert server_assignments(central, SUPERVISOR_CENTRUM)[key]["state"] == "cancelled"


def at_its_minimum_width(dialog: QDialog) -> bool:
    return dialog.width() == dialog.minimumWidth()


def test_the_several_days_box_was_cut_to_meerdere_dagen_t(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Before: in the assignment dialog at its own width, in Dutch, the box beside the
    due date read "Meerdere dagen, t": the dates kept their width and the box's words gave
    way. The box and the last day have a line of their own now; its words are whole."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")  # the theme's borders and spacing are what made it too wide
    context.review_desk = desks(central.url)
    for language in ("nl", "en"):
        context.change_setting("language", language)
        context.translations.apply(language)
        panel = planning_panel(qtbot, context, SUPERVISOR_CENTRUM)
        qtbot.mouseClick(panel.new_assignment, Qt.MouseButton.LeftButton)
        dialog = dialog_of(panel, AssignmentDialog)
        dialog.resize(dialog.minimumWidth(), dialog.height())
        qtbot.waitUntil(partial(at_its_minimum_width, dialog), timeout=WAIT)
        box = dialog.several
        assert box.text().startswith("Meerdere" if language == "nl" else "Several")
        assert box.width() >= box.sizeHint().width(), (language, box.width())
        dialog.reject()
    app.setStyleSheet("")


def test_a_door_test_round_is_planned_with_two_testers(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    context.review_desk = desks(central.url)
    panel = planning_panel(qtbot, context, SUPERVISOR_UITGAAN)
    qtbot.mouseClick(panel.new_round, Qt.MouseButton.LeftButton)
    dialog = dialog_of(panel, RoundDialog)
    for stepper in (dialog.start, dialog.end, dialog.gap):  # not against the frame
        edit = stepper.findChild(QLineEdit)
        assert edit is not None and edit.textMargins().left() >= 6
    choose(dialog.venue, CLUB)
    assert dialog.test_tester.count() >= 2
    dialog.test_tester.setCurrentIndex(0)
    dialog.control_tester.setCurrentIndex(1)
    test, control = dialog.test_tester.currentData(), dialog.control_tester.currentData()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    with central.client(SUPERVISOR_UITGAAN) as client:
        rounds = client.get("/v1/planning/rounds").json()["rounds"]
    mine = [r for r in rounds if r["round"]["venue"] == CLUB and r["round"]["test_tester"] == test]
    assert mine and mine[-1]["round"]["control_tester"] == control
    assert panel.rounds.rowCount() == len(rounds)

    # The demo's door-test assignments belong to rounds the planning holds: opening one
    # opens its round, so the tester's half is changed with the other half.
    board = panel.board
    assert board is not None
    planned_rounds = {r.round.id for r in board.rounds}
    door = next(
        p
        for p in board.assignments
        if p.assignment.form_id.value == "door_test" and p.round in planned_rounds
    )
    panel.open_assignment(door.assignment.id)
    opened = dialog_of(panel, RoundDialog)
    assert opened.planned is not None and opened.planned.round.id == door.round
    opened.reject()


def _rounds_shown(panel: PlanningPanel) -> dict[str, str]:
    """Each round of the rounds list by id, with the state its row shows."""
    shown: dict[str, str] = {}
    for row in range(panel.rounds.rowCount()):
        key, state = panel.rounds.item(row, 0), panel.rounds.item(row, 6)
        assert key is not None and state is not None
        shown[str(key.data(Qt.ItemDataRole.UserRole))] = state.text()
    return shown


def test_the_rounds_list_said_planned_for_rounds_the_glance_counted_overdue(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Before: the door-test rounds list said "planned" for every round not cancelled,
    while the glance above it counted the assignments of last year's rounds as overdue.
    Each round's state now comes from its two assignments, as the central store has them.
    The store's clock is moved past the rounds still to come, so that they are late."""
    later = timedelta(days=40)
    central.clock.advance(later)
    # Tokens signed for before have expired by then; those signed for after are undone.
    kept = dict(central.tokens)
    central.tokens.clear()
    try:
        context.review_desk = desks(central.url)
        panel = planning_panel(qtbot, context, SUPERVISOR_UITGAAN)
        assignments = server_assignments(central, SUPERVISOR_UITGAAN)
        states = {key: a["state"] for key, a in assignments.items()}
        with central.client(SUPERVISOR_UITGAAN) as client:
            rounds = client.get("/v1/planning/rounds").json()["rounds"]
        late = {
            r["round"]["id"]
            for r in rounds
            if not r["cancelled"]
            and "overdue" in {states.get(i) for i in r["assignments"].values()}
        }
        assert late  # the rounds of December, with no visits in this store
        overdue = state_name(AssignmentState.OVERDUE)  # in the screen's language
        shown = _rounds_shown(panel)
        assert {key for key, text in shown.items() if text == overdue} == late
        assert panel.overdue.text().endswith(str(sum(s == "overdue" for s in states.values())))
    finally:
        central.clock.advance(-later)
        central.tokens.clear()
        central.tokens.update(kept)


def test_a_fresh_demo_counted_the_world_s_past_rounds_as_24_overdue_assignments(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Before: a fresh demo store made an assignment of each half of the world's 12 past
    door-test rounds. With no visits in the store, the coordinator's planning read "Te
    laat: 24", every past round "te laat", and the testers' homes listed rounds of 2025
    as not started. Those rounds are the world's history, run before the store existed:
    they give no assignment, and the rounds list shows them as done."""
    context.review_desk = desks(central.url)
    panel = planning_panel(qtbot, context, SUPERVISOR_UITGAAN)
    today = central.clock().date()
    history = {r.id for r in load_demo_world().rounds if r.date < today}
    assert len(history) == 12
    assignments = server_assignments(central, SUPERVISOR_UITGAAN).values()
    assert not {a["assignment"]["paired_test"] for a in assignments} & history
    assert not any(a["state"] == "overdue" for a in assignments)
    assert panel.overdue.text().endswith(" 0"), panel.overdue.text()
    shown = _rounds_shown(panel)
    assert {key: shown[key] for key in history} == dict.fromkeys(
        history, state_name(AssignmentState.DONE)
    )
    # A round of the history has nothing to change: the screen's buttons say so...
    panel.views.setCurrentWidget(panel.rounds)
    past_key = sorted(history)[0]
    select_key(panel.rounds, past_key)
    assert not panel.edit.isEnabled() and not panel.cancel.isEnabled()
    assert "niets aan te wijzigen" in panel.edit.toolTip()
    # ...and so does the store, in plain words.
    with central.client(SUPERVISOR_UITGAAN) as client:
        before = client.get("/v1/planning/rounds").json()["rounds"]
        past = next(r for r in before if r["round"]["id"] in history)
        assert past["assignments"] == {}
        answer = client.post(
            f"/v1/planning/rounds/{past['round']['id']}/cancel", json={"version": past["version"]}
        )
    assert answer.status_code == 409, answer.text
    assert "before it was planned here" in answer.json()["message"]["en"]


def test_the_rounds_list_showed_last_year_above_the_coming_rounds_under_still_to_do(
    context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: the door-test rounds were listed oldest first, so a fresh demo showed its
    rounds of 2025 on top and the coming ones below the fold, under a filter reading
    "Nog te doen" that sifts only the list view. The coming rounds now come first, soonest
    on top, then the past ones, latest on top; the filter shows with the list only."""
    with running_central("sqlite", tmp_path / "central", "roundorder") as central:
        context.review_desk = desks(central.url)
        panel = planning_panel(qtbot, context, SUPERVISOR_UITGAAN)
        with central.client(SUPERVISOR_UITGAAN) as client:
            listed = client.get("/v1/planning/rounds").json()["rounds"]
        # The dates as the store holds them, apart from the screen.
        dates = {r["round"]["id"]: date.fromisoformat(r["round"]["date"]) for r in listed}
        today = central.clock().date()
        shown = [dates[key] for key in _rounds_shown(panel)]
        coming = [day for day in shown if day >= today]
        assert coming and shown[: len(coming)] == sorted(coming)
        past = [day for day in dates.values() if day < today]
        assert shown[len(coming) :] == sorted(past, reverse=True)
        assert len(shown) == len(dates)
        panel.views.setCurrentWidget(panel.rounds)
        assert not panel.show_filter.isVisible()
        panel.views.setCurrentWidget(panel.list)
        assert panel.show_filter.isVisible()
        panel.close_line()


def test_offline_the_screen_says_so_and_loses_nothing_typed(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    port = urlsplit(central.url).port
    assert port is not None
    gate = TcpGate("127.0.0.1", port).open()
    try:
        context.review_desk = desks(f"http://127.0.0.1:{gate.port}", RetryPolicy(attempts=1))
        panel = planning_panel(qtbot, context, SUPERVISOR_CENTRUM)
        before = set(server_assignments(central, SUPERVISOR_CENTRUM))
        qtbot.mouseClick(panel.new_assignment, Qt.MouseButton.LeftButton)
        dialog = dialog_of(panel, AssignmentDialog)
        choose(dialog.venue, SHOP)
        choose(dialog.who, f"person:{BOA}")
        text = f"Offline getypt {new_id()[:6]}"
        dialog.note_nl.setPlainText(text)
        gate.shut()
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=WAIT)
        assert "centrale opslag" in dialog.banner.text.text()
        assert dialog.isVisible() and dialog.note_nl.toPlainText() == text
        assert set(server_assignments(central, SUPERVISOR_CENTRUM)) == before
        gate.open()
        with qtbot.waitSignal(panel.loaded, timeout=WAIT):
            qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
        (key,) = set(server_assignments(central, SUPERVISOR_CENTRUM)) - before
        assert server_assignments(central, SUPERVISOR_CENTRUM)[key]["assignment"]["note"] == {
            "nl": text
        }
        panel.close_line()
    finally:
        gate.close()


def admin_panel(qtbot: QtBot, context: AppContext, central: Central) -> AdminPanel:
    context.review_desk = desks(central.url)
    panel = AdminPanel(context, signed_as(context, ADMIN))
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    panel.confirm = lambda _question: True
    qtbot.waitUntil(lambda: panel.venues.registers is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(panel.people.users) and bool(panel.forms.forms), timeout=WAIT)
    return panel


def open_venue_dialog(qtbot: QtBot, page: VenuesPage) -> VenueDialog:
    page.edit_selected()
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in page.findChildren(VenueDialog)), timeout=WAIT
    )
    found: VenueDialog = next(d for d in page.findChildren(VenueDialog) if d.isVisible())
    return found


def test_venues_are_searched_filtered_edited_and_their_history_shown(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    panel = admin_panel(qtbot, context, central)
    page = panel.venues
    register = central.store.register.venues()
    open_venues = [v for v in register.values() if v.active]
    assert page.table.rowCount() == len(open_venues)
    choose(page.kind, "club")
    assert page.table.rowCount() == sum(1 for v in open_venues if v.kind.value == "club")
    choose(page.kind, "")
    area = register[SHOP].area
    choose(page.area, area)
    assert page.table.rowCount() == sum(1 for v in open_venues if v.area == area)
    page.search.setText("prinsestraat 84")
    assert page.table.rowCount() == 1

    page.table.selectRow(0)
    dialog = open_venue_dialog(qtbot, page)
    dialog.fields["operator"].setText("Groene Vlinder B.V.")
    dialog.fields["postcode"].setText("2513ca")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT, check_params_cb=lambda k: k == "venues"):
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    stored = central.store.register.venues()[SHOP]
    assert stored.operator == "Groene Vlinder B.V." and stored.postcode == "2513 CA"

    # A mistake is named and keeps the dialog open with what was typed.
    page.table.selectRow(0)
    dialog = open_venue_dialog(qtbot, page)
    dialog.fields["postcode"].setText("B-1000")
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=WAIT)
    assert dialog.isVisible() and dialog.fields["postcode"].text() == "B-1000"
    problems = dialog.banner.problems
    assert any("postcode" in problems.item(i).text() for i in range(problems.count()))
    # Someone else changes the venue meanwhile: the dialog shows it as it is now and keeps
    # the typed text; saving again builds on the current version.
    dialog.fields["postcode"].setText("2513 CA")
    dialog.fields["opening_hours"].setText("ma-zo 10:00-23:00")
    now = central.store.register.venues()[SHOP]
    with central.client(ADMIN) as other:
        moved = other.put(
            f"/v1/admin/venues/{SHOP}",
            json={
                "venue": now.model_copy(update={"operator": "Andere B.V."}).model_dump(mode="json"),
                "version": dialog.version,
            },
        )
        assert moved.status_code == 200, moved.text
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(
            "Andere B.V." in dialog.banner.problems.item(i).text()
            for i in range(dialog.banner.problems.count())
        ),
        timeout=WAIT,
    )
    assert dialog.isVisible() and dialog.fields["opening_hours"].text() == "ma-zo 10:00-23:00"
    with qtbot.waitSignal(panel.loaded, timeout=WAIT, check_params_cb=lambda k: k == "venues"):
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert central.store.register.venues()[SHOP].opening_hours == "ma-zo 10:00-23:00"

    page.history_selected()
    qtbot.waitUntil(lambda: bool(page.findChildren(QDialog, "venue_history_dialog")), timeout=WAIT)
    history = page.findChildren(QDialog, "venue_history_dialog")[-1]
    edits = history.findChild(QListWidget, "venue_history_list")
    assert edits is not None
    first = edits.item(0).text()
    assert "ma-zo 10:00-23:00" in first and ADMIN in first


def test_a_supervisor_could_not_edit_the_venues_of_her_areas_on_a_screen(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Before: the central store let a supervisor change the venues in her teams' areas,
    but only an administrator's tab had a venue screen. Now the planning tab has the
    register: she changes venues in her areas, reads the others, and adds or imports none."""
    context.review_desk = desks(central.url)
    panel = planning_panel(qtbot, context, SUPERVISOR_CENTRUM)
    page = panel.venues
    panel.views.setCurrentWidget(page)
    assert not panel.action_bar.isVisible()  # the planning buttons are not for venues
    qtbot.waitUntil(lambda: page.registers is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(page.editable_areas), timeout=WAIT)
    assert page.editable_areas is not None
    assert "zeeheldenkwartier" in page.editable_areas and "laak" not in page.editable_areas
    assert not page.new.isVisible() and not page.import_button.isVisible()
    assert "Zeeheldenkwartier" in page.scope.text()

    mine, theirs = "cs-zoutman-78", "cs-rijswijkseweg-140"  # zeeheldenkwartier, laak
    select_key(page.table, theirs)
    assert not page.edit.isEnabled() and not page.close_venue.isEnabled()
    page.edit_selected()  # outside her areas: she reads the record, no edit dialog
    qtbot.waitUntil(lambda: bool(page.findChildren(QDialog, "venue_history_dialog")), timeout=WAIT)
    assert not any(d.isVisible() for d in page.findChildren(VenueDialog))

    select_key(page.table, mine)
    assert page.edit.isEnabled()
    dialog = open_venue_dialog(qtbot, page)
    offered = {dialog.area.itemData(i) for i in range(dialog.area.count())}
    assert offered == page.editable_areas  # she cannot move a venue out of her areas
    dialog.fields["opening_hours"].setText("ma-za 11:00-22:00")
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    stored = central.store.register.venues()[mine]
    assert stored.opening_hours == "ma-za 11:00-22:00"
    history = central.store.register.venue_history(mine)
    assert history[-1].actor == SUPERVISOR_CENTRUM


def _checked_venue_file(qtbot: QtBot, page: Any, path: Path, name: str) -> Path:
    """A venues file of one good row (bar-NAME-1) and one with a foreign postcode, written
    to `path` and checked on the import page until its problems show."""
    page.start("venues")
    path.write_text(
        "id;name;kind;street;house_number;postcode;lat;lon;area\n"
        f"bar-{name}-1;Café {name.title()};bar;Lange Poten;3;2511 CL;52,0792;4,3131;centrum\n"
        f"bar-{name}-2;Café Fout;bar;Spui;9;B-1000;52,07;4,31;centrum\n",
        encoding="utf-8",
    )
    page.path.setText(str(path))
    qtbot.mouseClick(page.check, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.banner.problems.count() > 0, timeout=WAIT)
    return path


def test_an_import_is_checked_first_and_applied_only_when_clean(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    panel = admin_panel(qtbot, context, central)
    page = panel.imports
    bad = _checked_venue_file(qtbot, page, tmp_path / "bad.csv", "scherm")
    # Issue 12: the problems in the screen's language (Dutch here), not the server's English.
    assert context.language == "nl"
    assert page.banner.problems.item(0).text() == (
        "rij 3, kolom postcode: 'B-1000' is geen Nederlandse postcode (1234 AB)"
    )
    assert not page.apply.isEnabled()
    assert "bar-scherm-1" not in central.store.register.venues()

    good = tmp_path / "good.csv"
    good.write_text(
        bad.read_text(encoding="utf-8").splitlines()[0]
        + "\n"
        + bad.read_text(encoding="utf-8").splitlines()[1]
        + "\n",
        encoding="utf-8",
    )
    page.path.setText(str(good))
    qtbot.mouseClick(page.check, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.apply.isEnabled, timeout=WAIT)
    assert "bar-scherm-1" not in central.store.register.venues()
    qtbot.mouseClick(page.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "bar-scherm-1" in central.store.register.venues(), timeout=WAIT)
    qtbot.waitUntil(lambda: not page.apply.isEnabled(), timeout=WAIT)
    assert page.result.text().startswith("1 ")


def test_a_file_with_problems_said_nothing_was_changed_and_then_1_added(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: under "The file has 1 problem; nothing was changed." the check's counts
    read "Proefimport: 1 toegevoegd", as if one venue had been added after all. The counts
    are those of the rows without problems, and say that nothing is imported yet."""
    panel = admin_panel(qtbot, context, central)
    page = panel.imports
    _checked_venue_file(qtbot, page, tmp_path / "half.csv", "half")
    qtbot.waitUntil(lambda: bool(page.result.text()), timeout=WAIT)
    assert context.language == "nl"
    assert page.result.text() == (
        "Rijen zonder problemen: 1 toegevoegd · 0 gewijzigd · 0 ongewijzigd "
        "(er wordt niets geïmporteerd zolang het bestand problemen heeft)"
    )
    assert "bar-half-1" not in central.store.register.venues()


def test_the_venue_table_cut_its_state_column_and_teams_listed_area_ids(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Before, at 1280 pixels: each column of the venue table was as wide as its longest
    cell, so 'State' was cut off at the edge behind one long area name; and the teams
    table listed its areas by their register ids. Now the columns fit the table (the
    widest give up room; a cut cell has its text as a tooltip), and areas have names."""
    panel = admin_panel(qtbot, context, central)
    panel.resize(1024, 768)  # the window less its margins on a small laptop
    for page, table in (
        (panel.venues, panel.venues.table),
        (panel.people, panel.people.team_table),
        (panel.people, panel.people.user_table),
    ):
        panel.pages.setCurrentWidget(page)
        qtbot.waitUntil(table.isVisible, timeout=WAIT)
        header = table.horizontalHeader()
        last = header.count() - 1
        # Every column begins inside the visible width and the last ends there.
        assert header.sectionPosition(last) + header.sectionSize(last) <= (
            table.viewport().width()
        ), table.objectName()
        assert all(header.sectionSize(c) >= 60 for c in range(header.count()))
    # A column the person dragged keeps its width when the window changes size.
    panel.pages.setCurrentWidget(panel.venues)
    venues = panel.venues.table
    qtbot.waitUntil(venues.isVisible, timeout=WAIT)
    venues.horizontalHeader().resizeSection(0, 333)
    panel.resize(1100, 768)
    qtbot.waitUntil(lambda: venues.viewport().width() > 1000, timeout=WAIT)
    assert venues.horizontalHeader().sectionSize(0) == 333
    areas = {area.id: area.name for area in central.store.register.areas().values()}
    table = panel.people.team_table
    cells = [table.item(row, 3) for row in range(table.rowCount())]
    shown = {cell.text() for cell in cells if cell is not None}
    teams = central.store.administration.teams()
    assert len(shown) == len(teams)
    for team in teams:
        assert ", ".join(areas[a] for a in team["areas"]) in shown


@pytest.mark.parametrize("available", [400, 700, 1000, 2000])
def test_fitted_widths_cut_the_widest_columns_first(available: int) -> None:
    natural = [220, 105, 225, 120, 290, 60, 170, 80]
    widths = fitted_widths(natural, available)
    if sum(natural) <= available:
        assert widths == natural
        return
    narrowest = [min(w, NARROWEST_COLUMN) for w in natural]
    assert sum(widths) <= max(available, sum(narrowest))
    assert all(low <= w <= n for low, w, n in zip(narrowest, widths, natural, strict=True))
    # One cap for all: a column is cut only if it ends at the widest width left.
    cap = max(widths)
    assert all(w in (n, cap, NARROWEST_COLUMN) for w, n in zip(widths, natural, strict=True))
    assert sum(widths) >= min(available, sum(natural)) - len(natural)


def test_forms_people_and_passwords(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    panel = admin_panel(qtbot, context, central)
    broken = tmp_path / "kapot.yaml"
    broken.write_text("id: kapot\nversion: '1'\ntitle: [unclosed\n", encoding="utf-8")
    panel.forms.publish(broken)
    qtbot.waitUntil(lambda: panel.forms.banner.problems.count() > 0, timeout=WAIT)
    assert panel.forms.banner.problems.item(0).text().startswith("kapot.yaml:")
    live = [f for f in panel.forms.forms if f.live]
    assert {f.form_id for f in live} == {
        "coffeeshop_inspection",
        "door_test",
        "neighbourhood_patrol",
    }

    people = panel.people
    dialog = people.open_user(None)
    assert isinstance(dialog, UserDialog)
    name = f"bob.{new_id()[:6]}"
    dialog.username.setText(name)
    dialog.display_name.setText("Bob Jansen")
    choose(dialog.role, "boa")
    choose(dialog.team, "team-centrum")
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: people.user(name) is not None, timeout=WAIT)
    told = people.banner.text.text()
    password = told.split(": ", 1)[1].split(" ", 1)[0]
    assert central.sign_in(name, password).status_code == 200


def test_the_admin_window_has_the_administration_tab_and_tries_a_form_out(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    from fieldapp.ui.runner.runner import FormRunner
    from fieldapp.ui.window import MainWindow

    context.review_desk = desks(central.url)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window.sign_in.accounts_ready, timeout=WAIT)
    window.sign_in.choose(ADMIN)
    window.sign_in.password.setText("demo")
    window.sign_in.submit()
    qtbot.waitUntil(lambda: window.home is not None, timeout=WAIT)
    panel = window.findChild(AdminPanel)
    assert panel is not None
    tabs = window.home.tabs  # type: ignore[union-attr]
    assert tabs.tabText(tabs.indexOf(panel)) == "Beheer"
    # Before: the administrator's home explained "the work of your teams", a supervisor's
    # text; an administrator leads no team.
    intro = window.home.intro  # type: ignore[union-attr]
    tabs.setCurrentIndex(1)
    assert intro.isVisible()
    assert "uw teams" not in intro.text() and "Beheer" in intro.text()
    tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: bool(panel.forms.forms), timeout=WAIT)
    panel.pages.setCurrentWidget(panel.forms)
    assert select_key(
        panel.forms.table, f"{panel.forms.forms[0].form_id}/{panel.forms.forms[0].form_version}"
    )
    qtbot.mouseClick(panel.forms.try_out, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.preview is not None, timeout=WAIT)
    assert isinstance(window.preview, FormRunner)
    window.close()
    context.tasks.wait()


def test_a_new_form_version_goes_live_and_retiring_it_brings_back_the_older(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    from fieldapp.core.locations import forms_directory

    panel = admin_panel(qtbot, context, central)
    page = panel.forms
    source = (forms_directory() / "door_test.yaml").read_text(encoding="utf-8")
    assert 'version: "2026.3"' in source
    newer = tmp_path / "door_test.yaml"
    newer.write_text(source.replace('version: "2026.3"', 'version: "2026.9"'), encoding="utf-8")
    page.publish(newer)
    qtbot.waitUntil(
        lambda: any(f.form_version == "2026.9" and f.live for f in page.forms), timeout=WAIT
    )
    assert not any(
        f.form_id == "door_test" and f.form_version == "2026.3" and f.live for f in page.forms
    )
    assert select_key(page.table, "door_test/2026.9")
    qtbot.mouseClick(page.retire, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(f.form_version == "2026.9" and f.retired for f in page.forms), timeout=WAIT
    )
    with central.client(ADMIN) as client:
        listed = client.get("/v1/admin/forms").json()["forms"]
    live = {(f["form_id"], f["form_version"]) for f in listed if f["live"]}
    assert ("door_test", "2026.3") in live and ("door_test", "2026.9") not in live

    # Deactivating a person from the people page: the central store refuses her sign-in.
    people = panel.people
    name = f"carla.{new_id()[:6]}"
    with central.client(ADMIN) as client:
        made = client.post(
            "/v1/admin/users",
            json={"username": name, "display_name": "Carla", "role": "boa", "team": "team-west"},
        )
        assert made.status_code == 201, made.text
        password = made.json()["one_time_password"]
    people.load()
    qtbot.waitUntil(lambda: people.user(name) is not None, timeout=WAIT)
    assert select_key(people.user_table, name)
    qtbot.mouseClick(people.active, Qt.MouseButton.LeftButton)

    def deactivated() -> bool:
        user = people.user(name)
        return user is not None and not user.active

    qtbot.waitUntil(deactivated, timeout=WAIT)
    assert central.sign_in(name, password).status_code == 403  # account_deactivated


def test_the_administration_pages_stayed_dutch_after_switching_to_english(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Before: switching the language to English left the import, areas, people and forms
    pages in Dutch (their buttons, headers, "ja"/"nee", roles and states): only the
    venues page followed the change."""
    from tests.ui.test_app import DUTCH_WORDS, visible_words

    def no_dutch(page: QWidget) -> bool:
        return not visible_words(page) & DUTCH_WORDS

    panel = admin_panel(qtbot, context, central)
    pages = (panel.imports, panel.areas, panel.people, panel.forms)
    qtbot.waitUntil(
        lambda: bool(panel.areas.areas and panel.people.users and panel.forms.forms),
        timeout=WAIT,
    )
    context.change_setting("language", "en")
    context.translations.apply("en")  # what the main window does on the change
    try:
        for page in pages:
            panel.pages.setCurrentWidget(page)
            qtbot.waitUntil(page.isVisible, timeout=WAIT)
            # The change reaches the widgets as a posted event.
            qtbot.waitUntil(partial(no_dutch, page), timeout=WAIT)
        assert "Deactivate" in panel.people.active.text()
        # The English screens call a boa what the homes and the sign-in call one.
        users = panel.people.user_table
        roles = [users.item(row, 2) for row in range(users.rowCount())]
        assert "enforcement officer" in {cell.text() for cell in roles if cell is not None}
        table = panel.areas.table
        column = [table.item(row, 3) for row in range(table.rowCount())]
        assert {cell.text() for cell in column if cell is not None} == {"yes", "no"}
    finally:
        context.translations.apply("nl")


def test_a_refilled_table_moved_the_selection_to_another_person(qtbot: QtBot) -> None:
    """Before: a table filled again (a reload, or a change of language on the people page)
    kept the selection on the same row number; sorted by name the other way round, that
    row was now another person, and "Deactivate" would have acted on her. The chosen row
    stays chosen by its key; a row that is gone leaves nothing chosen."""
    table = make_table("people")
    qtbot.addWidget(table)
    set_headers(table, ["Naam", "Gebruikersnaam"])
    rows = [["Anna", "anna"], ["Bram", "bram"], ["Cees", "cees"], ["Dirk", "dirk"]]
    fill(table, rows, [user for _, user in rows])
    table.sortItems(0, Qt.SortOrder.DescendingOrder)
    table.selectRow(0)
    assert selected_key(table) == "dirk"
    fill(table, rows, [user for _, user in rows])
    assert selected_key(table) == "dirk"
    fill(table, rows[:3], [user for _, user in rows[:3]])
    assert selected_key(table) is None
    # Nor does choosing the row again scroll a long list away from where the person was.
    many = [[f"Persoon {n:03d}", f"p{n:03d}"] for n in range(100)]
    fill(table, many, [user for _, user in many])
    table.resize(400, 300)
    table.show()
    table.sortItems(0, Qt.SortOrder.DescendingOrder)
    table.selectRow(0)
    bar = table.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    fill(table, many, [user for _, user in many])
    assert bar.value() == bar.maximum() // 2 and selected_key(table) == "p099"


def test_a_municipality_s_own_form_was_named_by_its_id_on_the_forms_page(
    context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: the forms page named the shipped forms by their titles and any other form by
    its id ("horeca_inspection"), the only name the app knew for it. A form a municipality
    publishes is named by its file's own title, in the screen's language."""
    source = (forms_directory() / "coffeeshop_inspection.yaml").read_text(encoding="utf-8")
    shipped_title = 'title: {nl: "Coffeeshopcontrole", en: "Coffeeshop inspection"}'
    assert "id: coffeeshop_inspection\n" in source and shipped_title in source
    own = tmp_path / "horeca_inspection.yaml"
    own.write_text(
        source.replace("id: coffeeshop_inspection\n", "id: horeca_inspection\n").replace(
            shipped_title, 'title: {nl: "Horecacontrole", en: "Hospitality inspection"}'
        ),
        encoding="utf-8",
    )
    # The names the file itself gives, read apart from the central store and the screen.
    title = load_form_file(own).definition.title
    with running_central("sqlite", tmp_path / "central", "ownform") as central:
        panel = admin_panel(qtbot, context, central)
        page = panel.forms
        page.publish(own)
        qtbot.waitUntil(
            lambda: any(f.form_id == "horeca_inspection" for f in page.forms), timeout=WAIT
        )
        assert title["nl"] in page.banner.text.text()

        def names() -> set[str]:
            cells = (page.table.item(row, 0) for row in range(page.table.rowCount()))
            return {cell.text() for cell in cells if cell is not None}

        assert title["nl"] in names() and "horeca_inspection" not in names()
        assert form_name("coffeeshop_inspection") in names()
        context.change_setting("language", "en")
        context.translations.apply("en")  # what the main window does on the change
        try:
            qtbot.waitUntil(lambda: title["en"] in names(), timeout=WAIT)
            assert "Coffeeshop inspection" in names()
        finally:
            context.translations.apply("nl")


def test_offline_at_start_the_tab_says_so_and_refresh_loads_it_later(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    port = urlsplit(central.url).port
    assert port is not None
    gate = TcpGate("127.0.0.1", port)
    try:
        context.review_desk = desks(f"http://127.0.0.1:{gate.port}", RetryPolicy(attempts=1))
        panel = PlanningPanel(context, signed_as(context, SUPERVISOR_CENTRUM))
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: panel.banner.isVisible(), timeout=WAIT)
        assert "centrale opslag" in panel.banner.text.text()
        assert panel.board is None
        gate.open()
        with qtbot.waitSignal(panel.loaded, timeout=WAIT):
            qtbot.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)
        assert not panel.banner.isVisible()
        assert len(panel.visible_assignments()) > 0
        panel.close_line()
    finally:
        gate.close()


def test_planning_and_venues_in_english_leave_no_dutch(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Issue 15, defect 8, on the supervisor's planning tab with a real central store: the
    list, week, rounds and venues views in English show no Dutch word of the app's own."""
    from tests.ui.test_app import DUTCH_WORDS, visible_words

    context.change_setting("language", "en")
    context.translations.apply("en")  # what the main window does on the change
    try:
        context.review_desk = desks(central.url)
        panel = planning_panel(qtbot, context, SUPERVISOR_CENTRUM)
        for view in (panel.list, panel.week_page, panel.rounds, panel.venues):
            panel.views.setCurrentWidget(view)
            if view is panel.venues:
                qtbot.waitUntil(lambda: panel.venues.registers is not None, timeout=WAIT)
            qtbot.wait(20)
            dutch = visible_words(panel) & DUTCH_WORDS
            assert dutch == set(), (view.objectName(), dutch)
    finally:
        # The locale is the process's: the next test starts in Dutch again.
        context.translations.apply("nl")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_planning_and_the_forms_page_named_the_door_test_unlike_the_homes_and_pdfs(
    context: AppContext, language: str
) -> None:
    """Before: planning and the forms page said "Deurtest" where the homes, the review and
    the PDFs say the form's title, "Deurtest uitgaansleven". Each shipped form is named by
    its title, in the screen's language."""
    context.translations.apply(language)
    for path in form_files(forms_directory()):
        engine = load_form_file(path)
        assert form_name(engine.form_id) == engine.definition.title[language]
