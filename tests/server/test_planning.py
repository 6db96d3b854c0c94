"""Planning by supervisors over the real HTTP API: scope, versions, derived state, rounds.

What a plan did is checked where it shows: in the change feed each user's device pulls.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldapp.core.inspection import new_id
from fieldapp.protocol.models import HIDDEN_TESTER
from tests.support.central import (
    BACKENDS,
    BOA,
    BOA_SAME_TEAM,
    BOA_WEST,
    MYSTERY_GUEST,
    MYSTERY_GUEST_2,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    make_version,
    pull_all,
    push,
    running_central,
)

SHOP = "cs-prinsestraat-84"  # a coffeeshop in centrum (team-centrum)
CLUB = "club-grotemarkt-20"


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("planning")
    with running_central(request.param, home, "planning") as running:
        yield running


def _seen(central: Central, user: str, kind: str, key: str) -> list[dict[str, Any]]:
    """Every change of one entity that `user`'s device pulls, in order."""
    with central.client(user) as client:
        changes, _ = pull_all(client)
    field = {"assignment": "assignment", "round": "round"}[kind]
    return [c for c in changes if c["kind"] == kind and c[field]["id"] == key]


def _inspection(
    assignee: str | None = BOA, due: date | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"a-{new_id()[:10]}",
        "form_id": "coffeeshop_inspection",
        "venue": SHOP,
        "due": (due or date(2026, 12, 20)).isoformat(),
        "note": {"nl": "Let op de voorraad.", "en": "Check the stock."},
        "priority": "high",
    }
    if assignee is not None:
        body["assignee"] = assignee
    return {**body, **extra}


def test_an_assignment_is_planned_reassigned_with_versions_and_cancelled(
    central: Central,
) -> None:
    draft = _inspection()
    key = draft["id"]
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        planned = supervisor.post("/v1/planning/assignments", json=draft)
        assert planned.status_code == 201, planned.text
        body = planned.json()
        assert (body["version"], body["state"], body["team"]) == (1, "planned", "team-centrum")
        assert body["assignment"]["priority"] == "high"
        assert [c["removed"] for c in _seen(central, BOA, "assignment", key)] == [False]
        assert _seen(central, BOA_SAME_TEAM, "assignment", key) == []

        moved = supervisor.put(
            f"/v1/planning/assignments/{key}",
            json={**draft, "assignee": BOA_SAME_TEAM, "version": 1},
        )
        assert moved.status_code == 200 and moved.json()["version"] == 2
        # The first officer's device drops it, the second one's gets it.
        assert [c["removed"] for c in _seen(central, BOA, "assignment", key)] == [False, True]
        assert [c["removed"] for c in _seen(central, BOA_SAME_TEAM, "assignment", key)] == [False]

        # A second supervisor's edit based on version 1 is stale: 409 with the current state.
        stale = supervisor.put(
            f"/v1/planning/assignments/{key}",
            json={**draft, "note": {"nl": "Andere tekst"}, "version": 1},
        )
        assert stale.status_code == 409
        assert stale.json()["code"] == "edit_conflict"
        current = stale.json()["current"]
        assert (current["version"], current["assignment"]["assignee"]) == (2, BOA_SAME_TEAM)

        assert (
            supervisor.post(
                f"/v1/planning/assignments/{key}/cancel", json={"version": 1}
            ).status_code
            == 409
        )
        cancelled = supervisor.post(f"/v1/planning/assignments/{key}/cancel", json={"version": 2})
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
        assert [c["removed"] for c in _seen(central, BOA_SAME_TEAM, "assignment", key)] == [
            False,
            True,
        ]
        listed = {
            a["assignment"]["id"]: a
            for a in supervisor.get("/v1/planning/assignments").json()["assignments"]
        }
        assert listed[key]["state"] == "cancelled"
        # Demo assignments are planned too: version 1, for the team they belong to.
        assert listed["a-2026-001"]["version"] == 1


def test_a_supervisor_plans_only_for_their_own_teams(central: Central) -> None:
    with central.client(SUPERVISOR_UITGAAN) as other:
        # ricardo leads team-zuidoost and team-uitgaan, not fatima's team-centrum.
        assert other.post("/v1/planning/assignments", json=_inspection()).status_code == 403
        assert other.get("/v1/planning/assignments/a-2026-001").status_code == 404
        ids = {
            a["assignment"]["id"]
            for a in other.get("/v1/planning/assignments").json()["assignments"]
        }
        assert "a-2026-001" not in ids
    with central.client(BOA) as boa:
        assert boa.post("/v1/planning/assignments", json=_inspection()).status_code == 403
        assert boa.get("/v1/planning/assignments").status_code == 403
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        wrong_role = supervisor.post(
            "/v1/planning/assignments", json=_inspection(assignee=None, team="team-west")
        )
        # The shop lies in centrum, which is not an area of team-west.
        assert wrong_role.status_code == 422
        patrol = supervisor.post(
            "/v1/planning/assignments",
            json=_inspection(
                assignee=BOA_WEST, form_id="neighbourhood_patrol", venue=None, area="duindorp"
            ),
        )
        assert patrol.status_code == 201, patrol.text
        bad = supervisor.post(
            "/v1/planning/assignments",
            json=_inspection(venue="nowhere", due_until="2026-01-01"),
        )
        assert bad.status_code == 422
        assert bad.json()["problems"]


def test_the_state_is_derived_from_what_devices_push(central: Central) -> None:
    today = central.clock().date()
    draft = _inspection(due=today - timedelta(days=2))
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        planned = supervisor.post("/v1/planning/assignments", json=draft)
        assert planned.json()["state"] == "overdue"
        with central.client(BOA) as boa:
            version = make_version(
                BOA,
                form_id="coffeeshop_inspection",
                venue_id=SHOP,
                assignment_id=draft["id"],
            )
            assert push(boa, version).status_code == 201
        done = supervisor.get(f"/v1/planning/assignments/{draft['id']}").json()
        assert (done["state"], done["inspections"]) == ("done", 1)


def test_a_door_test_round_gives_each_tester_her_own_half_and_hides_the_other(
    central: Central,
) -> None:
    draft: dict[str, Any] = {
        "id": f"dt-{new_id()[:8]}",
        "venue": CLUB,
        "date": "2026-12-19",
        "window_start": "22:30",
        "window_end": "01:00",
        "ground": "origin",
        "order": "test_first",
        "max_gap_minutes": 30,
        "test_tester": MYSTERY_GUEST,
        "control_tester": MYSTERY_GUEST_2,
    }
    with central.client(SUPERVISOR_UITGAAN) as supervisor:
        planned = supervisor.post("/v1/planning/rounds", json=draft)
        assert planned.status_code == 201, planned.text
        body = planned.json()
        assert body["version"] == 1 and body["team"] == "team-uitgaan"
        test_id, control_id = body["assignments"]["test"], body["assignments"]["control"]
        # Each tester: her own assignment and the round with the other tester hidden.
        for tester, own, other in (
            (MYSTERY_GUEST, test_id, MYSTERY_GUEST_2),
            (MYSTERY_GUEST_2, control_id, MYSTERY_GUEST),
        ):
            with central.client(tester) as device:
                changes, _ = pull_all(device)
            every = [c["round"] for c in changes if c["kind"] == "round"]
            # Her rounds of the demo world come too, each with the other tester hidden.
            assert all(HIDDEN_TESTER in (r["test_tester"], r["control_tester"]) for r in every)
            rounds = [r for r in every if r["id"] == draft["id"]]
            assert len(rounds) == 1
            mine = [c["assignment"] for c in changes if c["kind"] == "assignment"]
            assert own in {a["id"] for a in mine}
            assert all(a["paired_test"] == draft["id"] for a in mine if a["id"] == own)
            text = str([c for c in changes if c["kind"] in ("round", "assignment")])
            assert other not in text, f"{tester} must not learn who else tests"
        whole = _seen(central, SUPERVISOR_UITGAAN, "round", draft["id"])
        assert [(r["round"]["test_tester"], r["round"]["control_tester"]) for r in whole] == [
            (MYSTERY_GUEST, MYSTERY_GUEST_2)
        ]
        assert _seen(central, SUPERVISOR_CENTRUM, "round", draft["id"]) == []

        at_a_shop = supervisor.post(
            "/v1/planning/rounds", json={**draft, "id": "dt-shop", "venue": SHOP}
        )
        assert at_a_shop.status_code == 422
        same = supervisor.post(
            "/v1/planning/rounds",
            json={**draft, "id": "dt-same", "control_tester": MYSTERY_GUEST},
        )
        assert same.status_code == 422
        moved = supervisor.put(
            f"/v1/planning/rounds/{draft['id']}",
            json={**draft, "date": "2026-12-20", "version": 1},
        )
        assert moved.status_code == 200 and moved.json()["version"] == 2
        stale = supervisor.put(f"/v1/planning/rounds/{draft['id']}", json={**draft, "version": 1})
        assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
        listed = supervisor.get("/v1/planning/assignments").json()["assignments"]
        halves = {a["assignment"]["id"]: a for a in listed if a["round"] == draft["id"]}
        assert {a["assignment"]["due"] for a in halves.values()} == {"2026-12-20"}
        cancelled = supervisor.post(
            f"/v1/planning/rounds/{draft['id']}/cancel", json={"version": 2}
        )
        assert cancelled.status_code == 200 and cancelled.json()["cancelled"]
    with central.client(SUPERVISOR_CENTRUM) as stranger:
        assert (
            stranger.put(
                f"/v1/planning/rounds/{draft['id']}", json={**draft, "version": 3}
            ).status_code
            == 404
        )
        assert stranger.post("/v1/planning/rounds", json={**draft, "id": "dt-x"}).status_code == 403
    with central.client(MYSTERY_GUEST) as device:
        changes, _ = pull_all(device)
    assignments = [
        c for c in changes if c["kind"] == "assignment" and c["assignment"]["id"] == test_id
    ]
    assert assignments[-1]["removed"] is True


def test_changing_a_round_the_world_planned_gave_its_testers_a_second_assignment(
    tmp_path: Path,
) -> None:
    """Before: the world names the assignments of its December rounds (a-2026-006 and
    -007 for pt-2026-02). Changing such a round wrote two more, under the ids planning
    makes for a round, so each tester had the round twice, the old date still on one.
    A change or cancellation now goes to the assignments the round has."""
    with running_central("sqlite", tmp_path, "world-round") as central:
        with central.client(SUPERVISOR_UITGAAN) as supervisor:
            rounds = supervisor.get("/v1/planning/rounds").json()["rounds"]
            planned = next(r for r in rounds if r["round"]["id"] == "pt-2026-02")
            assert planned["assignments"] == {"test": "a-2026-006", "control": "a-2026-007"}
            draft = {**planned["round"], "date": "2026-12-20", "version": planned["version"]}
            moved = supervisor.put("/v1/planning/rounds/pt-2026-02", json=draft)
            assert moved.status_code == 200, moved.text
            assert moved.json()["assignments"] == planned["assignments"]
            listed = supervisor.get("/v1/planning/assignments").json()["assignments"]
            halves = {a["assignment"]["id"]: a for a in listed if a["round"] == "pt-2026-02"}
            assert set(halves) == {"a-2026-006", "a-2026-007"}
            assert {a["assignment"]["due"] for a in halves.values()} == {"2026-12-20"}
            cancelled = supervisor.post(
                "/v1/planning/rounds/pt-2026-02/cancel", json={"version": moved.json()["version"]}
            )
            assert cancelled.status_code == 200, cancelled.text
            listed = supervisor.get("/v1/planning/assignments").json()["assignments"]
        states = {a["assignment"]["id"]: a["state"] for a in listed if a["round"] == "pt-2026-02"}
        assert states == {"a-2026-006": "cancelled", "a-2026-007": "cancelled"}
        with central.client("mg-zuid-1") as tester:
            changes, _ = pull_all(tester)
        mine = {
            c["assignment"]["id"]
            for c in changes
            if c["kind"] == "assignment" and c["assignment"]["paired_test"] == "pt-2026-02"
        }
        assert mine <= {"a-2026-006"}, mine
