"""The change feed: complete pages in commit order, per-role visibility, 410 after a restore.

Covers sync.md items 6 and 7: pulls interrupted at every page while writers commit out of
order (on PostgreSQL this is where a naive `id > cursor` skips rows), and a server
restored from an older backup.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from fieldapp.core.forms import FormDefinition
from fieldapp.core.inspection import new_id
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.protocol.models import ChangesPage, Meta, digest_of
from fieldapp.server import feed
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.runner import BackgroundServer
from tests.support.central import (
    BACKENDS,
    BOA,
    BOA_SAME_TEAM,
    MYSTERY_GUEST,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    database_url,
    make_version,
    pull_all,
    push,
    require_backend,
    running_central,
    test_config,
)
from tests.support.sync import backup_central, restore_central

WORLD = load_world(seeds_directory())


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("feed"), "feed") as running:
        yield running


def _by_kind(changes: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [change for change in changes if change["kind"] == kind]


def test_meta_names_the_epoch_head_and_limits(central: Central) -> None:
    with central.client(BOA) as boa:
        meta = Meta.model_validate(boa.get("/v1/sync/meta").json())
        assert meta.api_version == "1"
        assert meta.head_cursor.startswith(meta.epoch + ".")
        assert meta.limits.max_json_bytes == central.config.max_json_bytes
        # Pulling from the head cursor brings nothing that was already there.
        page = boa.get("/v1/changes", params={"cursor": meta.head_cursor}).json()
        assert page["changes"] == [] and page["has_more"] is False


def test_pages_of_any_size_give_the_same_changes_once_in_order(central: Central) -> None:
    with central.client(SUPERVISOR_CENTRUM) as client:
        whole, cursor = pull_all(client, limit=1000)
        for size in (1, 7, 50):
            paged, last = pull_all(client, limit=size)
            assert paged == whole
            assert last == cursor
        first = client.get("/v1/changes", params={"limit": 3}).json()
        ChangesPage.model_validate(first)
    positions = [change["position"] for change in whole]
    assert positions == sorted(set(positions))
    TypeAdapter(list[ChangesPage]).validate_python(
        [{"epoch": "x", "changes": whole, "next_cursor": cursor, "has_more": False}]
    )
    # Forms arrive whole: they validate as form definitions.
    for change in _by_kind(whole, "form"):
        FormDefinition.model_validate(change["definition"])
    # A sync with nothing to do returns nothing and keeps the cursor.
    with central.client(SUPERVISOR_CENTRUM) as client:
        again = client.get("/v1/changes", params={"cursor": cursor}).json()
        assert again == {
            "epoch": cursor.split(".")[0],
            "changes": [],
            "next_cursor": cursor,
            "has_more": False,
        }


def test_each_role_sees_only_its_part_of_the_world(central: Central) -> None:
    with central.client(BOA) as boa:
        seen, _ = pull_all(boa)
    assert {c["venue"]["id"] for c in _by_kind(seen, "venue")} == {v.id for v in WORLD.venues}
    assert {c["area"]["id"] for c in _by_kind(seen, "area")} == {a.id for a in WORLD.areas}
    assert {c["form_id"] for c in _by_kind(seen, "form")} == {
        "coffeeshop_inspection",
        "neighbourhood_patrol",
    }
    own = {a.id for a in WORLD.assignments_for(BOA)}
    assert {c["assignment"]["id"] for c in _by_kind(seen, "assignment")} == own
    assert all(c["assignment"]["form_id"] != "door_test" for c in _by_kind(seen, "assignment"))
    users = {c["user"]["username"] for c in _by_kind(seen, "user")}
    assert {BOA, BOA_SAME_TEAM, SUPERVISOR_CENTRUM} <= users
    assert MYSTERY_GUEST not in users

    with central.client(MYSTERY_GUEST) as guest:
        seen, _ = pull_all(guest)
    assert {c["form_id"] for c in _by_kind(seen, "form")} == {"door_test"}
    # Her own assignments: the halves of the rounds still to come she leads, which the world
    # names. The rounds of the world's history were run before the store existed, and give
    # her no assignment to do (a fresh demo listed six of 2025 on her home, not started).
    history = {planned.id for planned in WORLD.rounds if planned.date < datetime.now(UTC).date()}
    assert history
    assert {c["assignment"]["id"] for c in _by_kind(seen, "assignment")} == {
        a.id for a in WORLD.assignments if a.assignee == MYSTERY_GUEST
    }
    assert not any(c["assignment"]["paired_test"] in history for c in _by_kind(seen, "assignment"))
    names = {c["user"]["username"]: c["user"]["name"] for c in _by_kind(seen, "user")}
    # Testers see each other by pseudonym only; the placeholders never travel.
    assert names[MYSTERY_GUEST] == "Tester Noord-3"
    assert not any("Demo-tester" in name for name in names.values())
    assert BOA not in names

    with central.client(SUPERVISOR_UITGAAN) as supervisor:
        seen, _ = pull_all(supervisor)
    assert {c["form_id"] for c in _by_kind(seen, "form")} == {
        "coffeeshop_inspection",
        "door_test",
        "neighbourhood_patrol",
    }


def test_reviews_reach_the_officer_with_their_comments_and_nobody_else(central: Central) -> None:
    with central.client(BOA) as boa, central.client(BOA_SAME_TEAM) as colleague:
        _, mine = pull_all(boa)
        _, theirs = pull_all(colleague)
        version = make_version(BOA)
        assert push(boa, version).status_code == 201
        with central.client(SUPERVISOR_CENTRUM) as supervisor:
            event_id = new_id()
            answer = supervisor.post(
                f"/v1/inspections/{version.inspection_id}/return",
                json={
                    "event_id": event_id,
                    "version_id": version.version_id,
                    "comments": [
                        {"question": "notes", "text": "Welke straat?"},
                        {"question": "category", "row": "r1", "text": "Klopt dit?"},
                    ],
                    "note": "Graag aanvullen.",
                },
            )
            assert answer.status_code == 200, answer.text
        changes, mine = pull_all(boa, mine)
        assert [c["kind"] for c in changes] == ["review"]
        event = changes[0]["event"]
        assert event["event_id"] == event_id and event["action"] == "returned"
        assert [c["text"] for c in event["comments"]] == ["Welke straat?", "Klopt dit?"]
        assert event["comments"][1]["row"] == "r1"
        assert event["reviewer"] == SUPERVISOR_CENTRUM
        others, _ = pull_all(colleague, theirs)
        assert others == []
        # The officer corrects and the supervisor approves: that arrives as well.
        fixed = make_version(BOA, inspection_id=version.inspection_id, base=version.version_id)
        assert push(boa, fixed).status_code == 201
        with central.client(SUPERVISOR_CENTRUM) as supervisor:
            answer = supervisor.post(
                f"/v1/inspections/{version.inspection_id}/approve",
                json={"event_id": new_id(), "version_id": fixed.version_id},
            )
            assert answer.status_code == 200
        changes, _ = pull_all(boa, mine)
        assert [(c["kind"], c["event"]["action"]) for c in changes] == [("review", "approved")]


def test_a_cursor_from_another_history_is_410(central: Central) -> None:
    with central.client(BOA) as boa:
        _, cursor = pull_all(boa)
        epoch, position, nonce = cursor.split(".")
        for stale in (
            f"{'0' * 16}.{position}.{nonce}",  # another epoch
            f"{epoch}.{position}.{'0' * 8}",  # the row at that position is another one
            f"{epoch}.{int(position) + 1000}.{nonce}",  # beyond this server's history
        ):
            answer = boa.get("/v1/changes", params={"cursor": stale})
            assert answer.status_code == 410, stale
            assert answer.json()["code"] == "cursor_expired"
        assert boa.get("/v1/changes", params={"cursor": "1.2"}).status_code == 400


def test_pulls_interrupted_at_every_page_while_writers_commit_skip_nothing(
    central: Central,
) -> None:
    """Many writers commit changes at random moments; readers pull page by page meanwhile.

    Pages are large enough that readers keep up with the head, where a late commit of a
    lower position would be skipped by a naive `position > cursor` (checked by hand: with
    positions from a bare sequence this test fails on PostgreSQL).
    """
    venue = WORLD.venues[0]
    written: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    writers_done = threading.Event()
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for index in range(25):
                if stop.is_set():
                    return
                with central.store.database.write() as connection:
                    # Work before and after taking positions: commits land at random moments.
                    time.sleep(rng.uniform(0, 0.01))
                    change = feed.venue_change(
                        venue.model_copy(update={"name": f"w{seed}-{index}"})
                    )
                    positions = feed.append(connection, [change, change], central.config.clock())
                    time.sleep(rng.uniform(0, 0.01))
                with lock:
                    written.extend(positions)
        except BaseException as error:
            errors.append(error)

    with central.client(BOA) as boa:
        _, start = pull_all(boa)
    seen: dict[int, list[int]] = {}

    def reader(number: int) -> None:
        try:
            with central.client(BOA) as client:
                cursor = start
                positions: list[int] = []
                while True:
                    done = writers_done.is_set()
                    # One page, "applied", then the pull is interrupted and starts again.
                    page = client.get("/v1/changes", params={"cursor": cursor, "limit": 20})
                    assert page.status_code == 200, page.text
                    body = page.json()
                    positions.extend(change["position"] for change in body["changes"])
                    cursor = body["next_cursor"]
                    if done and not body["has_more"]:
                        break
                seen[number] = positions
        except BaseException as error:
            errors.append(error)

    writers = [threading.Thread(target=writer, args=(seed,)) for seed in range(6)]
    readers = [threading.Thread(target=reader, args=(number,)) for number in range(3)]
    for thread in writers + readers:
        thread.start()
    deadline = time.monotonic() + 6
    for thread in writers:
        thread.join(max(0.1, deadline - time.monotonic()))
    stop.set()
    for thread in writers:
        thread.join(60)
    # Only now may readers finish: a pull after this sees every committed write.
    writers_done.set()
    for thread in readers:
        thread.join(60)
    assert not errors, errors
    assert written
    for positions in seen.values():
        assert positions == sorted(set(positions)), "a change came twice or out of order"
        assert set(written) <= set(positions), f"skipped: {sorted(set(written) - set(positions))}"


# --- restore from an older backup -----------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_server_restored_from_an_older_backup_answers_410_and_takes_the_outbox_again(
    backend: str, tmp_path: Path
) -> None:
    require_backend(backend)
    with database_url(backend, "restore") as url:

        def start() -> Central:
            config = test_config(tmp_path, url)
            store = CentralStore(config)
            app = create_app(config, store)
            store.load_demo(seeds_directory(), forms_directory())
            return Central(config, store, BackgroundServer(app).start(), app)

        central = start()
        first = make_version(BOA)
        second = make_version(BOA, inspection_id=first.inspection_id, base=first.version_id)
        try:
            with central.client(BOA) as boa:
                assert push(boa, first).status_code == 201
                _, before_backup = pull_all(boa)
                backup = backup_central(central.store, backend, tmp_path)
                assert push(boa, second).status_code == 201
                with central.client(SUPERVISOR_CENTRUM) as supervisor:
                    returned = supervisor.post(
                        f"/v1/inspections/{first.inspection_id}/return",
                        json={
                            "event_id": new_id(),
                            "version_id": second.version_id,
                            "comments": [{"question": "notes", "text": "aanvullen"}],
                        },
                    )
                    assert returned.status_code == 200
                _, after_review = pull_all(boa)
        finally:
            central.server.stop()
            central.store.close()

        restore_central(url, backend, tmp_path, backup)
        central = start()
        try:
            with central.client(BOA) as boa:
                answer = boa.get("/v1/changes", params={"cursor": after_review})
                assert answer.status_code == 410
                assert answer.json()["code"] == "cursor_expired"
                # The restored history still holds the older cursor.
                assert boa.get("/v1/changes", params={"cursor": before_backup}).status_code == 200
                # New writes reuse the lost positions; the cursor still does not fit them.
                with central.client(SUPERVISOR_CENTRUM) as supervisor:
                    again = supervisor.post(
                        f"/v1/inspections/{first.inspection_id}/return",
                        json={
                            "event_id": new_id(),
                            "version_id": first.version_id,
                            "comments": [{"question": "notes", "text": "opnieuw"}],
                        },
                    )
                    assert again.status_code == 200
                assert boa.get("/v1/changes", params={"cursor": after_review}).status_code == 410
                # The device resets: pulls from the start, then finds the drift by the digest.
                changes, _ = pull_all(boa)
                assert changes
                sent = [first.version_id, second.version_id]
                digest = boa.get("/v1/sync/digest").json()
                assert digest["count"] == 1 and digest["hash"] != digest_of(sent)
                assert push(boa, first).status_code == 200
                assert push(boa, second).status_code == 201
                digest = boa.get("/v1/sync/digest").json()
                assert digest["count"] == 2 and digest["hash"] == digest_of(sent)
        finally:
            central.server.stop()
            central.store.close()


def test_a_new_epoch_sends_every_device_back_to_the_start(central: Central) -> None:
    with central.client(BOA) as boa:
        _, cursor = pull_all(boa)
        epoch = central.store.new_epoch()
        assert boa.get("/v1/changes", params={"cursor": cursor}).status_code == 410
        changes, fresh = pull_all(boa)
        assert fresh.startswith(epoch) and changes
