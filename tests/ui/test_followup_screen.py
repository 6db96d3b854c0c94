"""The supervisor's follow-up tab, driven as a person would, against a real central store.

A finding is made real first (a coffeeshop checklist filled in with the form engine, pushed
as a device pushes it and approved over HTTP); every check afterwards compares what the
screen did with what the central store holds, read over its own HTTP API.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from fieldapp.core.followup import ActionState
from fieldapp.ui.central.base import select_key
from fieldapp.ui.central.followup import FollowUpPanel, day_text
from fieldapp.ui.central.followup_dialogs import ActionDialog
from fieldapp.ui.context import AppContext
from tests.server.test_followup import MINOR_INSIDE, approve, coffeeshop_version, push_as
from tests.support.central import BOA_WEST, SUPERVISOR_CENTRUM, Central, running_central
from tests.support.samples import SampleWorld
from tests.ui.test_central_screens import context, desks, signed_as

__all__ = ["context"]

WAIT = 20_000
SHOP = "cs-weimar-255"  # in team-west's wijk: Ingrid supervises it

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("followup-ui"), "followup") as running:
        yield running


@pytest.fixture(scope="module")
def finding(central: Central) -> str:
    """An approved criterion-J finding at SHOP; the venue's id."""
    samples = SampleWorld.load()
    visited = datetime.combine(central.clock().date() - timedelta(days=2), datetime.min.time())
    version = coffeeshop_version(
        samples, ("screen", 1), SHOP, visited.replace(hour=21), **MINOR_INSIDE
    )
    push_as(central, BOA_WEST, version)
    approve(central, version)
    return SHOP


def followup_panel(qtbot: QtBot, context: AppContext, username: str) -> FollowUpPanel:
    panel = FollowUpPanel(context, signed_as(context, username))
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitUntil(lambda: panel.board is not None, timeout=WAIT)
    return panel


def server_actions(central: Central, venue: str) -> list[dict[str, Any]]:
    with central.client(SUPERVISOR_CENTRUM) as client:
        answer = client.get("/v1/followup/actions", params={"venue_id": venue})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["actions"])


def cells(table: Any, row: int) -> list[str]:
    return [table.item(row, column).text() for column in range(table.columnCount())]


def the_dialog(panel: FollowUpPanel) -> ActionDialog:
    found = [d for d in panel.findChildren(ActionDialog) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_a_proposal_is_confirmed_its_letter_answered_decided_and_in_the_dossier(
    central: Central, finding: str, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    context.review_desk = desks(central.url)
    panel = followup_panel(qtbot, context, SUPERVISOR_CENTRUM)
    board = panel.board
    assert board is not None
    [measure] = [m for m in board.proposals if m.venue_id == finding]
    assert measure.proposed_step == "closure_6_months"
    assert select_key(panel.proposals, measure.measure_id)
    row = panel.proposals.currentRow()
    assert "Sluiting 6 maanden" in cells(panel.proposals, row)

    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    due = central.clock().date() + timedelta(days=14)
    stored = {a["kind"]: a for a in server_actions(central, finding)}
    letter = stored["letter_of_intent"]
    assert letter["due"] == due.isoformat()

    panel.views.setCurrentWidget(panel.actions_page)
    assert select_key(panel.action_list, letter["action_id"])
    shown = cells(panel.action_list, panel.action_list.currentRow())
    assert shown[0] == day_text(due)
    assert "Voornemen (brief)" in shown

    panel.open_action(letter["action_id"])
    dialog = the_dialog(panel)
    qtbot.waitUntil(lambda: dialog.log.rowCount() == 1, timeout=WAIT)  # "created"
    today = central.clock().date()
    dialog.response_date.setDate(QDate(today.year, today.month, today.day))
    dialog.response_text.setText("De exploitant betwist de leeftijd.")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.response_text.text() == ""
    index = dialog.state.findData("decided")
    assert index >= 0
    dialog.state.setCurrentIndex(index)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)

    with central.client(SUPERVISOR_CENTRUM) as client:
        answer = client.get(f"/v1/followup/actions/{letter['action_id']}")
    assert answer.status_code == 200, answer.text
    action = answer.json()
    assert action["state"] == "decided"
    [response] = [e for e in action["events"] if e["kind"] == "response"]
    assert response["text"] == "De exploitant betwist de leeftijd."
    assert response["response_date"] == today.isoformat()
    logged = [cells(dialog.log, row)[-1] for row in range(dialog.log.rowCount())]
    assert any("De exploitant betwist de leeftijd." in line for line in logged), logged
    dialog.accept()

    # The dossier, saved where the supervisor chose, names the venue and the response.
    panel.views.setCurrentWidget(panel.file_page)
    target = tmp_path / "dossier.pdf"
    panel.choose_target = lambda _title, _name: target
    with qtbot.waitSignal(panel.file_loaded, timeout=WAIT):
        panel.venue.setCurrentIndex(panel.venue.findData(finding))
    assert panel.file_table.rowCount() >= 3
    qtbot.mouseClick(panel.dossier_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.saved_pdf == target, timeout=WAIT)
    text = pdf_text(target)
    venue = next(v for v in board.venues if v.id == finding)
    assert venue.name in text
    assert "De exploitant betwist de leeftijd." in text


def test_a_typed_note_stays_when_someone_else_changed_the_action(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    today = central.clock().date()
    with central.client(SUPERVISOR_CENTRUM) as client:
        created = client.post(
            "/v1/followup/actions",
            json={
                "kind": "other",
                "owner": SUPERVISOR_CENTRUM,
                "due": (today - timedelta(days=1)).isoformat(),
                "title": "Bel de exploitant terug",
            },
        )
        assert created.status_code == 201, created.text
    action_id = created.json()["action_id"]
    context.review_desk = desks(central.url)
    panel = followup_panel(qtbot, context, SUPERVISOR_CENTRUM)
    # Overdue: counted at the top, in the tab's title and in a banner line.
    assert panel.late()
    assert str(len(panel.late())) in panel.tab_title()
    assert panel.alert.isVisible()
    panel.open_action(action_id)
    dialog = the_dialog(panel)
    qtbot.waitUntil(lambda: dialog.log.rowCount() == 1, timeout=WAIT)
    with central.client(SUPERVISOR_CENTRUM) as other:
        moved = other.post(
            f"/v1/followup/actions/{action_id}/events",
            json={"version": 1, "kind": "state", "state": "waiting_response"},
        )
        assert moved.status_code == 200, moved.text
    dialog.note.setText("Mijn notitie")
    qtbot.mouseClick(dialog.add_note, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.action.version == 2, timeout=WAIT)
    assert dialog.banner.isVisible()
    assert dialog.note.text() == "Mijn notitie"
    assert dialog.action.state.value == "waiting_response"
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        qtbot.mouseClick(dialog.add_note, Qt.MouseButton.LeftButton)
    with central.client(SUPERVISOR_CENTRUM) as client:
        events = client.get(f"/v1/followup/actions/{action_id}").json()["events"]
    assert [e["kind"] for e in events] == ["created", "state", "note"]


def test_the_follow_up_tab_in_english_leaves_no_dutch(
    central: Central, finding: str, context: AppContext, qtbot: QtBot
) -> None:
    from tests.ui.test_app import DUTCH_WORDS, visible_words

    context.change_setting("language", "en")
    context.translations.apply("en")
    try:
        context.review_desk = desks(central.url)
        panel = followup_panel(qtbot, context, SUPERVISOR_CENTRUM)
        assert panel.confirm_button.text() == "Confirm"
        assert panel.views.tabText(0) == "Proposals"
        for view in (panel.proposals_page, panel.actions_page, panel.file_page):
            panel.views.setCurrentWidget(view)
            qtbot.wait(20)
            dutch = visible_words(panel) & DUTCH_WORDS
            assert dutch == set(), (view.objectName(), dutch)
    finally:
        context.translations.apply("nl")


def test_another_step_needs_a_reason_and_a_new_action_is_owned_and_due(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    from fieldapp.ui.central.followup_dialogs import DecisionDialog, NewActionDialog

    venue = "cs-weimar-268"
    visited = datetime.combine(central.clock().date() - timedelta(days=3), datetime.min.time())
    version = coffeeshop_version(
        SampleWorld.load(), ("screen", 2), venue, visited.replace(hour=21), **MINOR_INSIDE
    )
    push_as(central, BOA_WEST, version)
    approve(central, version)
    context.review_desk = desks(central.url)
    panel = followup_panel(qtbot, context, SUPERVISOR_CENTRUM)
    assert panel.board is not None
    [measure] = [m for m in panel.board.proposals if m.venue_id == venue]
    assert select_key(panel.proposals, measure.measure_id)
    qtbot.mouseClick(panel.other_step, Qt.MouseButton.LeftButton)
    [dialog] = [d for d in panel.findChildren(DecisionDialog) if d.isVisible()]
    index = dialog.step.findData("closure_12_months")
    assert index >= 0
    dialog.step.setCurrentIndex(index)
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.banner.isVisible()  # no reason yet
    dialog.reason.setPlainText("Tweede keer binnen een jaar volgens het register.")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    with central.client(SUPERVISOR_CENTRUM) as client:
        measures = client.get("/v1/followup/measures", params={"venue_id": venue}).json()
    [stored] = measures["measures"]
    assert (stored["state"], stored["decided_step"]) == ("changed", "closure_12_months")
    assert stored["reason"] == "Tweede keer binnen een jaar volgens het register."

    panel.views.setCurrentWidget(panel.actions_page)
    qtbot.mouseClick(panel.new_action, Qt.MouseButton.LeftButton)
    [new] = [d for d in panel.findChildren(NewActionDialog) if d.isVisible()]
    assert new.owner.findData(SUPERVISOR_CENTRUM) >= 0
    assert new.owner.findData(BOA_WEST) >= 0  # a boa of her team
    new.kind.setCurrentIndex(new.kind.findData("conversation"))
    new.venue.setCurrentIndex(new.venue.findData(venue))
    new.owner.setCurrentIndex(new.owner.findData(BOA_WEST))
    new.title.setText("Gesprek met de exploitant")
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        qtbot.mouseClick(new.save, Qt.MouseButton.LeftButton)
    [made] = [a for a in server_actions(central, venue) if a["kind"] == "conversation"]
    assert made["owner"] == BOA_WEST
    assert made["due"] == (date.today() + timedelta(days=14)).isoformat()
    assert made["title"] == "Gesprek met de exploitant"


def re_inspection_of_the_supervisor(central: Central, title: str) -> str:
    """A re-inspection the supervisor owns, due in ten days, made over the API: its id."""
    due = central.clock().date() + timedelta(days=10)
    with central.client(SUPERVISOR_CENTRUM) as client:
        created = client.post(
            "/v1/followup/actions",
            json={
                "kind": "re_inspection",
                "owner": SUPERVISOR_CENTRUM,
                "due": due.isoformat(),
                "title": title,
            },
        )
    assert created.status_code == 201, created.text
    return str(created.json()["action_id"])


def test_an_action_could_not_be_handed_to_another_owner(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """The owner of an action is chosen in its dialog among the supervisor and the boa's
    of her teams; the change lands on the server and in the log."""
    action_id = re_inspection_of_the_supervisor(central, "Hercontrole voorraad")
    context.review_desk = desks(central.url)
    panel = followup_panel(qtbot, context, SUPERVISOR_CENTRUM)
    qtbot.waitUntil(lambda: bool(panel.people), timeout=WAIT)
    panel.open_action(action_id)
    dialog = the_dialog(panel)
    qtbot.waitUntil(lambda: dialog.log.rowCount() == 1, timeout=WAIT)
    index = dialog.owner.findData(BOA_WEST)
    assert index >= 0, [dialog.owner.itemData(i) for i in range(dialog.owner.count())]
    assert dialog.owner.findData("mg-noord-3") < 0  # a mystery guest owns no action
    dialog.owner.setCurrentIndex(index)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        qtbot.mouseClick(dialog.owner_button, Qt.MouseButton.LeftButton)
    with central.client(SUPERVISOR_CENTRUM) as client:
        stored = client.get(f"/v1/followup/actions/{action_id}").json()
    assert stored["owner"] == BOA_WEST
    assert [e["kind"] for e in stored["events"]] == ["created", "owner"]


def test_an_action_waiting_for_a_response_showed_state_open_in_its_dialog(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    """Before: the list of states to move to sat beside the label "Status", so an action
    waiting for the operator's response read "Status: Open" under a heading that said it
    was waiting. The list offers only the moves, and says so."""
    action_id = re_inspection_of_the_supervisor(central, "Hercontrole na brief")
    context.review_desk = desks(central.url)
    panel = followup_panel(qtbot, context, SUPERVISOR_CENTRUM)
    panel.open_action(action_id)
    dialog = the_dialog(panel)
    qtbot.waitUntil(lambda: dialog.log.rowCount() == 1, timeout=WAIT)
    dialog.state.setCurrentIndex(dialog.state.findData("waiting_response"))
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state.findData("waiting_response") < 0, timeout=WAIT)
    assert dialog.state.currentData() == "open"  # a move back, not the state it is in
    assert dialog.state_label.text() == "Nieuwe status"
    assert "Wacht op zienswijze" in dialog.summary.text()


def test_an_empty_proposals_table_said_nothing_of_why_it_was_empty(
    context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: with nothing to decide, the proposals tab showed only column headers, and
    the actions tab the same with no open action. Each now says there is nothing, and why
    proposals come."""
    with running_central("sqlite", tmp_path / "central", "followup-empty") as central:
        with central.client(SUPERVISOR_CENTRUM) as client:
            proposed = client.get("/v1/followup/measures", params={"state": "proposed"})
            actions = client.get("/v1/followup/actions")
        assert proposed.status_code == 200 and actions.status_code == 200
        # Read over HTTP: the fresh store proposes nothing to this supervisor.
        assert proposed.json()["measures"] == []
        context.review_desk = desks(central.url)
        panel = followup_panel(qtbot, context, SUPERVISOR_CENTRUM)
        assert panel.proposals.rowCount() == 0
        assert panel.no_proposals.isVisible()
        assert panel.no_proposals.text().startswith("Geen voorstellen om over te beslissen.")
        panel.views.setCurrentWidget(panel.actions_page)
        open_actions = [a for a in actions.json()["actions"] if ActionState(a["state"]).is_open]
        # Nor has it an open action for her.
        assert open_actions == []
        assert panel.action_list.rowCount() == 0
        assert panel.no_actions.isVisible()
        assert panel.no_actions.text().startswith("Geen openstaande acties.")
        panel.close_line()
