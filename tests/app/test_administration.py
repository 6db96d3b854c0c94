"""The admin and planning use cases against a real central store on 127.0.0.1.

Each answer is checked against the server's own view (its register, its planning) or
against the file it came from; errors of the world must arrive as sentences in both
languages with the server's row/column problems.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from fieldapp.app.administration import (
    Administration,
    CentralOffline,
    NotAllowed,
    Refused,
    VenueConflict,
)
from fieldapp.app.demo import load_demo_world
from fieldapp.app.planning import (
    Planning,
    PlanningConflict,
    glance,
    monday_of,
    round_state,
    week,
)
from fieldapp.core.entities import Assignment, AssignmentForm, GroupRole, Role
from fieldapp.core.inspection import new_id
from fieldapp.protocol.models import AssignmentState, PlannedAssignment, PlannedRound
from fieldapp.sync.transport import CentralLine, Credentials, RetryPolicy
from tests.support.central import (
    ADMIN,
    BOA,
    BOA_SAME_TEAM,
    SUPERVISOR_CENTRUM,
    Central,
    running_central,
)

SHOP = "cs-prinsestraat-84"
CLOSING = "cs-weimar-12"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("admin-app"), "adminapp") as running:
        yield running


_OPEN: list[CentralLine] = []


@pytest.fixture(autouse=True)
def _close_lines() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def line(url: str, username: str, retry: RetryPolicy | None = None) -> CentralLine:
    opened = CentralLine(
        url, device_id="admin-test", credentials=Credentials(username, "demo"), retry=retry
    )
    _OPEN.append(opened)
    return opened


def admin(central: Central) -> Administration:
    return Administration(line(central.url, ADMIN), ADMIN)


def test_a_venue_edit_is_versioned_and_closing_keeps_the_venue(central: Central) -> None:
    work = admin(central)
    venue = next(v for v in work.registers().venues if v.id == CLOSING)
    version = work.venue_version(CLOSING)
    assert version is not None
    changed = venue.model_copy(update={"operator": "Nieuwe Exploitant B.V."})
    edit = work.save_venue(changed, version)
    assert edit.version == version + 1 and edit.after.operator == "Nieuwe Exploitant B.V."
    # A second screen still at the old version crosses the edit: it gets the venue as it is.
    with pytest.raises(VenueConflict) as crossed:
        work.save_venue(venue.model_copy(update={"opening_hours": "ma-zo 9-23"}), version)
    assert crossed.value.version == version + 1
    assert crossed.value.venue is not None
    assert crossed.value.venue.operator == "Nieuwe Exploitant B.V."
    work.close_venue(CLOSING)
    stored = central.store.register.venues()[CLOSING]
    assert stored.operator == "Nieuwe Exploitant B.V." and stored.active is False
    history = work.venue_history(CLOSING)
    # Newest first: the closing, then the operator's change.
    assert history[0].after.active is False and history[0].before is not None
    assert history[0].before.active is True
    assert history[1].after.operator == "Nieuwe Exploitant B.V."


def test_an_import_preview_names_row_and_column_and_changes_nothing(
    central: Central, tmp_path: Path
) -> None:
    work = admin(central)
    before = central.store.register.venues()
    file = tmp_path / "horeca.csv"
    file.write_text(
        "id;name;kind;street;house_number;postcode;lat;lon;area\n"
        "bar-nieuw-1;Café Nieuw;bar;Lange Poten;3;2511 CL;52,0792;4,3131;centrum\n"
        "bar-nieuw-2;Café Fout;bar;Spui;9;B-1000;52,07;4,31;centrum\n"
        "bar-nieuw-3;Café Zoek;bar;Spui;11;2511 BL;52,07;4,31;nergens\n",
        encoding="utf-8",
    )
    preview = work.preview_import("venues", file)
    assert preview.dry_run
    assert any("row 3" in p and "postcode" in p for p in preview.problems), preview.problems
    assert any("row 4" in p and "area" in p for p in preview.problems), preview.problems
    with pytest.raises(Refused) as refused:
        work.apply_import("venues", file)
    assert refused.value.status == 422
    assert any("postcode" in p for p in refused.value.problems)
    assert refused.value.text("nl") and refused.value.text("en")
    assert central.store.register.venues() == before


def test_a_broken_form_file_is_refused_with_file_line_col(central: Central, tmp_path: Path) -> None:
    broken = tmp_path / "kapot.yaml"
    broken.write_text("id: kapot\nversion: '1'\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(Refused) as refused:
        admin(central).publish_form(broken)
    assert refused.value.problems
    assert all(p.startswith("kapot.yaml:") for p in refused.value.problems)
    line_col = refused.value.problems[0].split(":")[1:3]
    assert all(part.strip().isdigit() for part in line_col), refused.value.problems


def test_people_are_added_moved_deactivated_and_given_a_new_password(central: Central) -> None:
    work = admin(central)
    name = f"bob.{new_id()[:6]}"
    made = work.add_user(name, "Bob Jansen", Role.BOA, "team-centrum")
    assert made.one_time_password
    assert central.sign_in(name, made.one_time_password).status_code == 200
    moved = work.change_user(name, team="team-west", display_name="Bob J.")
    assert (moved.user.team, moved.user.display_name) == ("team-west", "Bob J.")
    fresh = work.reset_password(name)
    assert fresh.one_time_password and fresh.one_time_password != made.one_time_password
    assert central.sign_in(name, made.one_time_password).status_code == 401
    work.change_user(name, active=False)
    users = {u.username: u for u in work.users()}
    assert users[name].active is False
    # The right password of a deactivated account: 403 account_deactivated, so the
    # person's device locks its profile (a wrong password stays a plain 401).
    refused = central.sign_in(name, fresh.one_time_password)
    assert refused.status_code == 403 and refused.json()["code"] == "account_deactivated"


def test_a_typing_mistake_is_named_before_anything_is_sent(central: Central) -> None:
    with pytest.raises(Refused) as refused:
        admin(central).add_user("Not A Name", "x", Role.BOA, None)
    assert any(p.startswith("username") for p in refused.value.problems)


def test_a_boa_is_told_plainly_she_may_not(central: Central) -> None:
    work = Administration(line(central.url, BOA), BOA)
    with pytest.raises(NotAllowed) as refused:
        work.users()
    assert refused.value.text("en").startswith("You may not do that")
    assert refused.value.text("nl").startswith("Dat mag u niet")


def test_offline_is_a_sentence_that_names_the_central_store() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    closed = line(f"http://127.0.0.1:{port}", SUPERVISOR_CENTRUM, retry=RetryPolicy(attempts=1))
    with pytest.raises(CentralOffline) as offline:
        Planning(closed, SUPERVISOR_CENTRUM).board()
    assert "central store" in offline.value.text("en")
    assert "centrale opslag" in offline.value.text("nl")


def _values(**extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "id": f"t-{new_id()[:8]}",
        "form_id": "coffeeshop_inspection",
        "venue": SHOP,
        "assignee": BOA,
        "due": date(2026, 12, 20),
        "note": {"nl": "Let op de voorraad."},
        "priority": "high",
    }
    values.update(extra)
    return values


def test_two_supervisors_crossing_edits_get_the_current_state(central: Central) -> None:
    first = Planning(line(central.url, SUPERVISOR_CENTRUM), SUPERVISOR_CENTRUM)
    second = Planning(line(central.url, SUPERVISOR_CENTRUM), SUPERVISOR_CENTRUM)
    values = _values()
    planned = first.save(values)
    key = planned.assignment.id
    assert planned.version == 1
    moved = second.save({**values, "assignee": BOA_SAME_TEAM, "version": 1}, key)
    assert moved.version == 2
    with pytest.raises(PlanningConflict) as crossed:
        first.save({**values, "note": {"nl": "Mijn tekst"}, "version": 1}, key)
    assert crossed.value.assignment is not None
    assert crossed.value.assignment.version == 2
    assert crossed.value.assignment.assignment.assignee == BOA_SAME_TEAM
    with pytest.raises(PlanningConflict):
        first.cancel(key, 1)
    assert first.cancel(key, 2).state is AssignmentState.CANCELLED
    board = first.board()
    assert {a.assignment.id for a in board.assignments} >= {key}
    assert [t.id for t in board.teams] == ["team-centrum", "team-west"]


def _planned(key: str, due: date, state: AssignmentState, **extra: object) -> PlannedAssignment:
    assignment = Assignment(
        id=key, form_id=AssignmentForm("coffeeshop_inspection"), venue=SHOP, due=due, **extra
    )
    return PlannedAssignment(
        assignment=assignment, version=1, team="team-centrum", state=state, inspections=0
    )


_S = AssignmentState


@pytest.mark.parametrize(
    ("test", "control", "cancelled", "expected"),
    [
        (_S.PLANNED, _S.PLANNED, False, _S.PLANNED),
        (_S.STARTED, _S.PLANNED, False, _S.STARTED),
        (_S.DONE, _S.PLANNED, False, _S.STARTED),  # the second visit still to come
        (_S.DONE, _S.OVERDUE, False, _S.OVERDUE),
        (_S.DONE, _S.DONE, False, _S.DONE),
        (_S.DONE, _S.CANCELLED, False, _S.DONE),
        (_S.CANCELLED, _S.CANCELLED, False, _S.CANCELLED),
        (_S.OVERDUE, _S.OVERDUE, True, _S.CANCELLED),
        (None, None, False, _S.PLANNED),  # its assignments not (yet) in the list
    ],
)
def test_a_round_s_state_is_that_of_its_two_visits(
    test: AssignmentState | None,
    control: AssignmentState | None,
    cancelled: bool,
    expected: AssignmentState,
) -> None:
    planned = load_demo_world().rounds[0]
    halves = [
        PlannedAssignment(
            assignment=planned.assignment_for(role),
            version=1,
            team="team-uitgaan",
            state=state,
            inspections=0,
        )
        for role, state in ((GroupRole.TEST, test), (GroupRole.CONTROL, control))
        if state is not None
    ]
    plan = PlannedRound(
        round=planned,
        version=1,
        team="team-uitgaan",
        cancelled=cancelled,
        assignments={role.value: planned.assignment_for(role).id for role in GroupRole},
    )
    others = [_planned("x", date(2026, 1, 1), _S.OVERDUE, assignee=BOA)]  # not the round's
    assert round_state(plan, [*halves, *others]) is expected


def test_the_glance_and_the_week_count_what_the_list_holds() -> None:
    monday = date(2026, 12, 14)
    rows = [
        _planned("a", monday, AssignmentState.OVERDUE, assignee=BOA),
        _planned("b", monday + timedelta(days=2), AssignmentState.PLANNED, team="team-centrum"),
        _planned(
            "c",
            monday + timedelta(days=1),
            AssignmentState.PLANNED,
            team="team-centrum",
            due_until=monday + timedelta(days=3),
        ),
        _planned("d", monday, AssignmentState.CANCELLED, team="team-centrum"),
        _planned("e", monday + timedelta(days=9), AssignmentState.DONE, assignee=BOA),
    ]
    seen = glance(rows)
    assert (seen.overdue, seen.unassigned, seen.planned, seen.done) == (1, 2, 2, 1)
    assert seen.unassigned_ids == ["b", "c"]
    days = week(rows, monday_of(monday + timedelta(days=4)))
    assert [[p.assignment.id for p in day] for day in days] == [
        ["a"],
        ["c"],
        ["b", "c"],
        ["c"],
        [],
        [],
        [],
    ]
