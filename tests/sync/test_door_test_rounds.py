"""Door-test rounds planned on the central store reach the testers' devices, and the
central store refuses a visit that does not fit its round, as the device's core rule says.

Real central stores on 127.0.0.1 (SQLite and PostgreSQL), real SQLCipher profiles.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fieldapp.core.doortest import DoorTestVisit, round_visit_problem
from fieldapp.core.entities import DoorTestRound
from fieldapp.core.inspection import InspectionVersion, new_id
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.protocol.models import HIDDEN_TESTER
from fieldapp.server.database import advisory_key
from tests.support.central import (
    BACKENDS,
    FORM_VERSION,
    MYSTERY_GUEST,
    MYSTERY_GUEST_2,
    SUPERVISOR_UITGAAN,
    Central,
    push,
    running_central,
)
from tests.support.sync import client_for, open_device, server_versions

CLUB = "club-grotemarkt-20"
OTHER_CLUB = "club-plein-22"


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("rounds")
    with running_central(request.param, home, "rounds") as running:
        yield running


def _plan(central: Central) -> dict[str, Any]:
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
    return draft


def _visit(author: str, round_id: str, role: str, venue: str = CLUB) -> InspectionVersion:
    document = {
        "answers": {"test_id": round_id, "venue": venue, "group_role": role},
        "repeats": {},
    }
    moment = datetime(2026, 12, 19, 23, 30, tzinfo=UTC)
    digest = InspectionVersion.hash_of("door_test", FORM_VERSION, None, document, ())
    return InspectionVersion(
        inspection_id=new_id(),
        version_id=new_id(),
        base_version_id=None,
        form_id="door_test",
        form_version=FORM_VERSION,
        author=author,
        started_at=moment,
        finalized_at=moment,
        document=document,
        attachments=(),
        content_hash=digest,
        venue_id=venue,
    )


def test_a_round_planned_through_the_api_breaks_the_testers_sync(
    central: Central, tmp_path: Path
) -> None:
    """Before: the device's change feed raised TypeError on the new `round` kind, so a
    tester's sync stopped for good once a supervisor planned a round."""
    draft = _plan(central)
    profile = open_device(tmp_path / "device", MYSTERY_GUEST)
    try:
        with client_for(profile, central.url) as client:
            report = client.sync_once()
        assert report.complete, report.problem
        kept = profile.door_test_round(draft["id"])
        assert kept is not None
        # Her own half of the round, the other tester hidden as the server sent it.
        assert (kept.test_tester, kept.control_tester) == (MYSTERY_GUEST, HIDDEN_TESTER)
        assert kept.venue == CLUB and kept.max_gap_minutes == 30
    finally:
        profile.close()


def test_a_third_visit_of_a_round_is_accepted_by_the_server(central: Central) -> None:
    """Before: the server stored any number of visits under one round; the device's rule
    (`round_visit_problem`) refuses a third, so the two sides disagreed on the pair."""
    round_id = _plan(central)["id"]
    with central.client(MYSTERY_GUEST) as tester, central.client(MYSTERY_GUEST_2) as control:
        assert push(tester, _visit(MYSTERY_GUEST, round_id, "test")).status_code == 201
        assert push(control, _visit(MYSTERY_GUEST_2, round_id, "control")).status_code == 201
        third = push(tester, _visit(MYSTERY_GUEST, round_id, "test"))
    assert third.status_code == 422, third.text
    body = third.json()
    planned = DoorTestRound.model_validate(
        {**_round_fields(round_id), "test_tester": MYSTERY_GUEST, "control_tester": MYSTERY_GUEST_2}
    )
    expected = round_visit_problem(
        planned,
        DoorTestVisit.from_answers({"test_id": round_id, "venue": CLUB, "group_role": "test"}),
        taken={"test", "control"},
        author=MYSTERY_GUEST,
    )
    assert expected is not None
    assert body["message"]["en"] == expected.en
    assert "derde bezoek" in body["message"]["nl"]


def test_a_third_visit_got_through_at_a_venue_with_over_500_door_tests(
    central: Central,
) -> None:
    """Before: the server looked at the first 500 door tests of the venue only (in no
    order), so at a busy venue a round's two visits could be beyond them."""
    with central.client(MYSTERY_GUEST) as tester:
        # Visits of other evenings first, so they come first in the table.
        earlier = [_visit(MYSTERY_GUEST, f"dt-earlier-{n}", "test") for n in range(520)]
        for start in range(0, len(earlier), 100):
            answer = tester.post(
                "/v1/sync/push",
                json={
                    "versions": [v.model_dump(mode="json") for v in earlier[start : start + 100]]
                },
            )
            assert answer.status_code == 200, answer.text
            assert {o["status"] for o in answer.json()["outcomes"]} == {201}
    round_id = _plan(central)["id"]
    with central.client(MYSTERY_GUEST) as tester, central.client(MYSTERY_GUEST_2) as control:
        assert push(tester, _visit(MYSTERY_GUEST, round_id, "test")).status_code == 201
        # The control group typed the round's id in capitals: still the same round.
        control_visit = _visit(MYSTERY_GUEST_2, round_id.upper(), "control")
        assert push(control, control_visit).status_code == 201
        third = push(control, _visit(MYSTERY_GUEST_2, round_id, "control"))
    assert third.status_code == 422, third.text
    assert "derde bezoek" in third.json()["message"]["nl"]


def test_a_visit_at_another_venue_or_by_the_other_tester_is_refused(central: Central) -> None:
    round_id = _plan(central)["id"]
    with central.client(MYSTERY_GUEST) as tester, central.client(MYSTERY_GUEST_2) as control:
        elsewhere = push(tester, _visit(MYSTERY_GUEST, round_id, "test", venue=OTHER_CLUB))
        not_hers = push(control, _visit(MYSTERY_GUEST_2, round_id, "test"))
        # The tester's own visit, at the round's venue, fits.
        first = _visit(MYSTERY_GUEST, round_id, "test")
        assert push(tester, first).status_code == 201
    assert elsewhere.status_code == 422 and CLUB in elsewhere.json()["message"]["en"]
    assert not_hers.status_code == 422
    assert "another tester" in not_hers.json()["message"]["en"]


@pytest.mark.parametrize("way", ["one by one", "in batches"])
def test_two_visits_of_one_round_pushed_at_once_were_both_taken(
    central: Central, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the round was checked in a read transaction before the write one, so two
    visits of the test group pushed at once (the tester's tablet and her phone) each found
    the group still free, and both were stored.

    To make the race certain, both pushes meet before their write transaction begins, that
    is after every check the old code made: a pause in the real store, nothing replaced."""
    round_id = _plan(central)["id"]
    visits = [_visit(MYSTERY_GUEST, round_id, "test") for _ in range(2)]
    # In a batch, a visit of a round the store does not plan travels with each: it must be
    # stored whatever happens to the visit beside it.
    neighbours = [_visit(MYSTERY_GUEST, f"dt-unplanned-{new_id()[:8]}", "test") for _ in visits]
    meeting = threading.Barrier(len(visits), timeout=30)
    arrived: list[None] = []
    retrying = central.store.database.retrying

    def meet_then_write(work: Callable[[], Any], attempts: int = 5) -> Any:
        if len(arrived) < len(visits):  # the two pushes only
            arrived.append(None)
            meeting.wait()
        return retrying(work, attempts)

    monkeypatch.setattr(central.store.database, "retrying", meet_then_write)
    answers: dict[str, tuple[int, dict[str, Any]]] = {}
    beside: dict[str, int] = {}

    def send(visit: InspectionVersion, neighbour: InspectionVersion) -> None:
        with central.client(MYSTERY_GUEST) as device:
            if way == "one by one":
                answer = push(device, visit)
                answers[visit.version_id] = (answer.status_code, answer.json())
                return
            sent = device.post(
                "/v1/sync/push",
                json={
                    "versions": [visit.model_dump(mode="json"), neighbour.model_dump(mode="json")]
                },
            )
            assert sent.status_code == 200, sent.text
            mine, other = sent.json()["outcomes"]
            answers[visit.version_id] = (mine["status"], mine.get("error") or mine["receipt"])
            beside[neighbour.version_id] = other["status"]

    devices = [
        threading.Thread(target=send, args=pair) for pair in zip(visits, neighbours, strict=True)
    ]
    for device in devices:
        device.start()
    for device in devices:
        device.join(60)
    assert len(answers) == len(visits), "a push did not come back"
    statuses = sorted(status for status, _ in answers.values())
    held = set(server_versions(central.store, MYSTERY_GUEST))
    stored = [visit.version_id for visit in visits if visit.version_id in held]
    assert (statuses, len(stored)) == ([201, 422], 1), answers
    (refused,) = (body for status, body in answers.values() if status == 422)
    planned = DoorTestRound.model_validate(
        {**_round_fields(round_id), "test_tester": MYSTERY_GUEST, "control_tester": MYSTERY_GUEST_2}
    )
    expected = round_visit_problem(
        planned,
        DoorTestVisit.from_answers({"test_id": round_id, "venue": CLUB, "group_role": "test"}),
        taken={"test"},
        author=MYSTERY_GUEST,
    )
    assert expected is not None
    assert (refused["code"], refused["message"]["en"]) == ("invalid", expected.en)
    if way == "in batches":
        assert beside == {neighbour.version_id: 201 for neighbour in neighbours}
        assert {neighbour.version_id for neighbour in neighbours} <= held


def test_two_visits_of_one_group_in_one_batch_were_both_taken(central: Central) -> None:
    """Before: every version of a batch was checked before any was written, so the second
    visit of the test group in the same batch found the group still free."""
    round_id = _plan(central)["id"]
    first, second = (_visit(MYSTERY_GUEST, round_id, "test") for _ in range(2))
    after = _visit(MYSTERY_GUEST, f"dt-unplanned-{new_id()[:8]}", "test")
    with central.client(MYSTERY_GUEST) as device:
        sent = device.post(
            "/v1/sync/push",
            json={"versions": [v.model_dump(mode="json") for v in (first, second, after)]},
        )
    assert sent.status_code == 200, sent.text
    outcomes = sent.json()["outcomes"]
    assert [o["status"] for o in outcomes] == [201, 422, 201], outcomes
    assert "already has a visit of the test group" in outcomes[1]["error"]["message"]["en"]
    held = server_versions(central.store, MYSTERY_GUEST)
    assert first.version_id in held and after.version_id in held
    assert second.version_id not in held


def test_two_batches_naming_two_rounds_in_crossed_order_deadlocked(central: Central) -> None:
    """Before: a batch took each round's lock when it reached that visit, so while it
    waited for one round it held the other: a second batch naming the same two rounds in
    the other order waited for it in turn, and PostgreSQL broke the deadlock after a
    second by failing one of them (then retried).

    The test's own transaction plays the second batch: it holds the round the batch asks
    for second, then asks for the one the batch names first. Only PostgreSQL has these
    locks; SQLite has one writer at a time."""
    if central.store.database.engine.dialect.name != "postgresql":
        pytest.skip("round locks are PostgreSQL's; SQLite writes one transaction at a time")
    planned = [_plan(central)["id"] for _ in range(2)]
    # The batch names the round with the larger key first, so its lock order (by key) is
    # the other way round from the order of its visits.
    later, sooner = sorted(
        planned, key=lambda r: advisory_key("door-test round", r.casefold()), reverse=True
    )
    visits = [_visit(MYSTERY_GUEST, later, "test"), _visit(MYSTERY_GUEST, sooner, "test")]
    outcomes: list[Any] = []

    def send() -> None:
        with central.client(MYSTERY_GUEST) as device:
            sent = device.post(
                "/v1/sync/push", json={"versions": [v.model_dump(mode="json") for v in visits]}
            )
        outcomes.append((sent.status_code, sent.json()))

    waiting = sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    batch = threading.Thread(target=send)
    with central.store.database.engine.connect() as other, other.begin():
        other.execute(
            sa.select(
                sa.func.pg_advisory_xact_lock(advisory_key("door-test round", sooner.casefold()))
            )
        ).all()
        batch.start()
        deadline = time.monotonic() + 30
        with central.store.database.engine.connect() as watch:
            while watch.execute(waiting).scalar_one() == 0:
                assert time.monotonic() < deadline, "the batch never waited for its round"
                assert batch.is_alive(), outcomes
                time.sleep(0.02)
        # The batch waits for `sooner`; had it taken `later` already, this would wait for
        # the batch while the batch waits for this: a deadlock.
        free = other.execute(
            sa.select(
                sa.func.pg_try_advisory_xact_lock(advisory_key("door-test round", later.casefold()))
            )
        ).scalar_one()
    batch.join(60)
    assert free, "the batch held one round's lock while waiting for another's"
    assert not batch.is_alive(), "the batch did not come back"
    ((status, body),) = outcomes
    assert status == 200, body
    assert [o["status"] for o in body["outcomes"]] == [201, 201], body
    held = server_versions(central.store, MYSTERY_GUEST)
    assert {v.version_id for v in visits} <= set(held)


def _round_fields(round_id: str) -> dict[str, Any]:
    return {
        "id": round_id,
        "venue": CLUB,
        "date": "2026-12-19",
        "window_start": "22:30",
        "window_end": "01:00",
        "ground": "origin",
        "order": "test_first",
        "max_gap_minutes": 30,
    }


def test_the_demo_worlds_rounds_are_missing_from_planning(central: Central) -> None:
    """Before: the demo world's rounds were never planned on the central store, so the
    supervisor's planning showed none of them while her testers had assignments for them."""
    world = load_world(seeds_directory())
    teams = {user.username: user.team for user in world.users}
    expected = {r.id for r in world.rounds if teams[r.test_tester] == "team-uitgaan"}
    assert expected
    with central.client(SUPERVISOR_UITGAAN) as supervisor:
        listed = supervisor.get("/v1/planning/rounds")
    assert listed.status_code == 200, listed.text
    planned = {entry["round"]["id"] for entry in listed.json()["rounds"]}
    assert expected <= planned


@pytest.mark.parametrize("way", ["one by one", "in batches"])
def test_a_visit_sent_again_after_its_round_was_replanned_was_refused(
    central: Central, way: str
) -> None:
    """A device that lost the receipt sends the visit again (pushes are idempotent): the
    server holds it, so it answers the first receipt. Before, the round check came first
    and refused the visit the server held, once its round had moved to another club, and
    the tester's device showed a refusal for a visit that had arrived."""
    draft = _plan(central)
    visit = _visit(MYSTERY_GUEST, draft["id"], "test")
    with central.client(MYSTERY_GUEST) as tester:
        first = push(tester, visit)
        assert first.status_code == 201, first.text
        with central.client(SUPERVISOR_UITGAAN) as supervisor:
            moved = supervisor.put(
                f"/v1/planning/rounds/{draft['id']}",
                json={**draft, "venue": OTHER_CLUB, "version": 1},
            )
        assert moved.status_code == 200, moved.text
        if way == "one by one":
            again = push(tester, visit)
            assert again.status_code == 200, again.text
            assert again.json() == first.json()
        else:
            answer = tester.post(
                "/v1/sync/push", json={"versions": [visit.model_dump(mode="json")]}
            )
            assert answer.status_code == 200, answer.text
            (outcome,) = answer.json()["outcomes"]
            assert outcome["status"] == 200, outcome
            assert outcome["receipt"] == first.json()
        # A new visit of the round at the old club is still refused: the check still holds.
        late = push(tester, _visit(MYSTERY_GUEST, draft["id"], "test"))
    assert late.status_code == 422, late.text
