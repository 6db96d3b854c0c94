"""Pushing versions to a real central store: exactly once, whatever order and repetition.

Covers sync.md items 2, 3, 5 and 9 on both backends: duplicates in sequence and at the
same time, the same id with other content, a replay after a lost answer, a stale base,
and device clocks days off.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.core.inspection import Attachment, InspectionVersion, new_id
from fieldapp.protocol.models import Digest, PushReceipt, digest_of
from fieldapp.server import schema
from tests.support.central import (
    BACKENDS,
    BOA,
    BOA_SAME_TEAM,
    BOA_WEST,
    MYSTERY_GUEST,
    NOTE_QUESTION,
    SUPERVISOR_CENTRUM,
    Central,
    make_version,
    push,
    running_central,
    version_path,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("push"), "push") as running:
        yield running


@pytest.fixture(scope="module")
def boa(central: Central) -> Iterator[httpx.Client]:
    with central.client(BOA) as client:
        yield client


def _rows(central: Central, table: sa.Table, **where: Any) -> list[sa.Row[Any]]:
    query = sa.select(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with central.store.database.read() as connection:
        return list(connection.execute(query).all())


def test_a_new_version_is_201_and_a_replay_gets_the_first_answer_byte_for_byte(
    central: Central, boa: httpx.Client
) -> None:
    version = make_version(BOA)
    first = push(boa, version)
    assert first.status_code == 201, first.text
    receipt = PushReceipt.model_validate_json(first.content)
    assert receipt.version_id == version.version_id
    assert receipt.complete and receipt.missing_blobs == []
    # The answer was lost on the way back: the device sends again and gets the same bytes.
    again = push(boa, version)
    assert again.status_code == 200
    assert again.content == first.content
    assert len(_rows(central, schema.versions, inspection_id=version.inspection_id)) == 1


def test_the_same_version_id_with_other_content_is_refused_and_changes_nothing(
    central: Central, boa: httpx.Client
) -> None:
    version = make_version(BOA, note="origineel")
    assert push(boa, version).status_code == 201
    before = _rows(central, schema.versions, version_id=version.version_id)
    document = {"answers": {NOTE_QUESTION[version.form_id]: "gewijzigd"}, "repeats": {}}
    other = version.model_copy(
        update={
            "document": document,
            "content_hash": InspectionVersion.hash_of(
                version.form_id, version.form_version, None, document, ()
            ),
        }
    )
    answer = push(boa, other)
    assert answer.status_code == 409
    assert answer.json()["code"] == "version_conflict"
    # Same content hash but another field (the venue) is other content too.
    moved = version.model_copy(update={"venue_id": "cs-weimar-12"})
    assert push(boa, moved).json()["code"] == "version_conflict"
    assert _rows(central, schema.versions, version_id=version.version_id) == before


def test_concurrent_duplicates_store_one_row_and_give_identical_answers(
    central: Central, boa: httpx.Client
) -> None:
    photo = b"concurrent photo bytes"
    attachment = Attachment(
        question="observation_photo", sha256=hashlib.sha256(photo).hexdigest(), size=len(photo)
    )
    first = make_version(BOA, attachments=(attachment,))
    digest_before = Digest.model_validate(boa.get("/v1/sync/digest").json())
    threads = 16
    barrier = threading.Barrier(threads)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def send(version: InspectionVersion) -> None:
        with central.client(BOA) as client:
            barrier.wait()
            answer = push(client, version)
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=send, args=(first,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * (threads - 1) + [201], [a.text for a in answers]
    assert len({answer.content for answer in answers}) == 1
    assert len(_rows(central, schema.versions, inspection_id=first.inspection_id)) == 1
    assert len(_rows(central, schema.inspections, inspection_id=first.inspection_id)) == 1
    assert len(_rows(central, schema.version_blobs, version_id=first.version_id)) == 1

    # A second version on it, also sent many times at once.
    second = make_version(BOA, inspection_id=first.inspection_id, base=first.version_id)
    barrier.reset()
    answers.clear()
    workers = [threading.Thread(target=send, args=(second,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(a.status_code for a in answers) == [200] * (threads - 1) + [201]
    assert len({answer.content for answer in answers}) == 1
    assert len(_rows(central, schema.versions, inspection_id=first.inspection_id)) == 2
    digest_after = Digest.model_validate(boa.get("/v1/sync/digest").json())
    assert digest_after.count == digest_before.count + 2
    expected = int(digest_before.hash, 16) ^ int(
        digest_of([first.version_id, second.version_id]), 16
    )
    assert digest_after.hash == f"{expected:064x}"


def test_two_different_versions_on_one_base_at_once_one_wins_the_other_is_stale(
    central: Central, boa: httpx.Client
) -> None:
    first = make_version(BOA)
    assert push(boa, first).status_code == 201
    rivals = [
        make_version(BOA, inspection_id=first.inspection_id, base=first.version_id, note=str(i))
        for i in range(6)
    ]
    barrier = threading.Barrier(len(rivals))
    answers: dict[str, httpx.Response] = {}

    def send(version: InspectionVersion) -> None:
        with central.client(BOA) as client:
            barrier.wait()
            answers[version.version_id] = push(client, version)

    workers = [threading.Thread(target=send, args=(rival,)) for rival in rivals]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    codes = sorted(a.status_code for a in answers.values())
    assert codes == [201] + [409] * (len(rivals) - 1)
    winner = next(v for v, a in answers.items() if a.status_code == 201)
    for answer in answers.values():
        if answer.status_code == 409:
            assert answer.json()["code"] == "stale_base"
            assert answer.json()["head"]["head_version_id"] == winner
    assert len(_rows(central, schema.versions, inspection_id=first.inspection_id)) == 2
    # The refused versions are kept for a person, not applied.
    assert len(_rows(central, schema.conflicts, inspection_id=first.inspection_id)) == 5


def test_a_stale_base_is_409_with_the_current_head(central: Central, boa: httpx.Client) -> None:
    first = make_version(BOA)
    second = make_version(BOA, inspection_id=first.inspection_id, base=first.version_id)
    for version in (first, second):
        assert push(boa, version).status_code == 201
    stale = make_version(BOA, inspection_id=first.inspection_id, base=first.version_id)
    answer = push(boa, stale)
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "stale_base"
    assert body["head"]["head_version_id"] == second.version_id
    assert body["head"]["head_content_hash"] == second.content_hash
    assert body["head"]["version_count"] == 2
    assert body["message"]["nl"] and body["message"]["en"]
    # A second version without a base on an existing inspection is stale too.
    fresh = make_version(BOA, inspection_id=first.inspection_id)
    assert push(boa, fresh).json()["code"] == "stale_base"
    # Again: the same refusal, nothing applied.
    assert push(boa, stale).status_code == 409
    rows = _rows(central, schema.inspections, inspection_id=first.inspection_id)
    assert rows[0].head_version_id == second.version_id


def test_a_version_whose_base_the_server_never_saw_is_409_unknown_base(
    boa: httpx.Client,
) -> None:
    orphan = make_version(BOA, base=new_id())
    answer = push(boa, orphan)
    assert answer.status_code == 409
    assert answer.json()["code"] == "unknown_base"


def test_a_content_hash_that_does_not_match_is_refused(boa: httpx.Client) -> None:
    version = make_version(BOA)
    forged = version.model_copy(update={"content_hash": "0" * 64})
    answer = push(boa, forged)
    assert answer.status_code == 422
    assert answer.json()["code"] == "content_hash_mismatch"
    assert boa.get(version_path(version)).status_code == 404


def test_the_author_must_be_the_signed_in_user(central: Central, boa: httpx.Client) -> None:
    version = make_version(BOA_SAME_TEAM)
    answer = push(boa, version)
    assert answer.status_code == 403
    assert answer.json()["code"] == "author_mismatch"


def test_another_officers_inspection_is_not_yours(central: Central, boa: httpx.Client) -> None:
    mine = make_version(BOA)
    assert push(boa, mine).status_code == 201
    theirs = make_version(BOA_SAME_TEAM, inspection_id=mine.inspection_id, base=mine.version_id)
    with central.client(BOA_SAME_TEAM) as colleague:
        answer = push(colleague, theirs)
        assert answer.status_code == 403
        assert answer.json()["code"] == "not_yours"
        # Replaying someone else's version id is refused as well, without revealing it.
        copy = mine.model_copy(update={"author": BOA_SAME_TEAM})
        assert push(colleague, copy).status_code in {403, 422}


def test_roles_and_forms_decide_who_pushes_what(central: Central, boa: httpx.Client) -> None:
    door_test = make_version(BOA, form_id="door_test")
    answer = push(boa, door_test)
    assert answer.status_code == 403
    assert answer.json()["code"] == "form_not_allowed"
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = push(supervisor, make_version(SUPERVISOR_CENTRUM))
        assert answer.status_code == 403
        assert answer.json()["code"] == "forbidden"
    with central.client(MYSTERY_GUEST) as guest:
        assert push(guest, make_version(MYSTERY_GUEST, role="mystery_guest")).status_code == 201
    unknown = make_version(BOA, form_id="no_such_form")
    answer = push(boa, unknown)
    assert answer.status_code == 422
    assert answer.json()["code"] == "unknown_form"


def test_ids_in_the_path_and_the_body_must_agree(boa: httpx.Client) -> None:
    version = make_version(BOA)
    answer = boa.put(
        f"/v1/inspections/{version.inspection_id}/versions/{new_id()}",
        content=version.model_dump_json(),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "path_mismatch"


def test_device_clocks_days_off_change_neither_acceptance_nor_order(
    central: Central, boa: httpx.Client
) -> None:
    now = datetime.now(UTC)
    ahead = make_version(BOA, finalized_at=now + timedelta(days=9))
    behind = make_version(BOA, finalized_at=now - timedelta(days=30))
    received = []
    for version in (ahead, behind):
        answer = push(boa, version)
        assert answer.status_code == 201
        received.append(PushReceipt.model_validate_json(answer.content).received_at)
    # The server's clock orders them by arrival, whatever the devices said.
    assert received[0] <= received[1]
    assert all(abs(moment - datetime.now(UTC)) < timedelta(minutes=5) for moment in received)
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        items = supervisor.get("/v1/inspections", params={"limit": 500}).json()["items"]
    order = [item["inspection_id"] for item in items]
    assert order.index(behind.inspection_id) < order.index(ahead.inspection_id)
    # The device clocks are kept for the audit trail.
    detail = boa.get(f"/v1/inspections/{ahead.inspection_id}").json()
    kept = datetime.fromisoformat(detail["versions"][0]["version"]["finalized_at"])
    assert kept == ahead.finalized_at


def test_a_version_is_complete_once_its_attachments_arrive(
    central: Central, boa: httpx.Client
) -> None:
    photo = b"\xff\xd8 a small jpeg " + new_id().encode()
    sha = hashlib.sha256(photo).hexdigest()
    version = make_version(
        BOA, attachments=(Attachment(question="observation_photo", sha256=sha, size=len(photo)),)
    )
    answer = push(boa, version)
    receipt = PushReceipt.model_validate_json(answer.content)
    assert answer.status_code == 201
    assert not receipt.complete and receipt.missing_blobs == [sha]
    assert version.version_id in boa.get("/v1/sync/digest").json()["incomplete"]
    assert boa.put(f"/v1/blobs/{sha}", content=photo).status_code == 201
    stored = boa.get(version_path(version)).json()
    assert stored["complete"] and stored["missing_blobs"] == []
    assert version.version_id not in boa.get("/v1/sync/digest").json()["incomplete"]
    # The replay still answers with the first receipt, byte for byte.
    assert push(boa, version).content == answer.content


def test_an_approved_inspection_takes_no_new_versions(central: Central, boa: httpx.Client) -> None:
    first = make_version(BOA)
    assert push(boa, first).status_code == 201
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        approved = supervisor.post(
            f"/v1/inspections/{first.inspection_id}/approve",
            json={"event_id": new_id(), "version_id": first.version_id},
        )
        assert approved.status_code == 200, approved.text
    late = make_version(BOA, inspection_id=first.inspection_id, base=first.version_id)
    answer = push(boa, late)
    assert answer.status_code == 409
    assert answer.json()["code"] == "inspection_closed"


def test_an_officer_of_another_team_is_refused_by_the_other_supervisor(
    central: Central,
) -> None:
    with central.client(BOA_WEST) as west:
        version = make_version(BOA_WEST)
        assert push(west, version).status_code == 201
    # team-west is supervised by ingrid, not by ricardo.
    with central.client("ricardo.pinas") as other:
        assert other.get(f"/v1/inspections/{version.inspection_id}").status_code == 404
    with central.client(SUPERVISOR_CENTRUM) as own:
        assert own.get(f"/v1/inspections/{version.inspection_id}").status_code == 200
