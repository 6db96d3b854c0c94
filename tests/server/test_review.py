"""What supervisors need from the server: the inbox of their teams, return and approve.

Covers sync.md item 8 on the server side: a return while the officer keeps working
overwrites nothing; a review of a version that is no longer the head is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.core.inspection import Attachment, new_id
from fieldapp.server import schema
from tests.support.central import (
    BACKENDS,
    BOA,
    BOA_WEST,
    MYSTERY_GUEST,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    make_version,
    push,
    running_central,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("review"), "review") as running:
        yield running


@pytest.fixture(scope="module")
def supervisor(central: Central) -> Iterator[httpx.Client]:
    with central.client(SUPERVISOR_CENTRUM) as client:
        yield client


def _return(
    client: httpx.Client, inspection_id: str, version_id: str, **extra: object
) -> httpx.Response:
    body = {
        "event_id": new_id(),
        "version_id": version_id,
        "comments": [{"question": "notes", "text": "Graag de straatnaam."}],
        **extra,
    }
    return client.post(f"/v1/inspections/{inspection_id}/return", json=body)


def test_the_inbox_holds_the_supervised_teams_work_only(
    central: Central, supervisor: httpx.Client
) -> None:
    with central.client(BOA) as boa, central.client(BOA_WEST) as west:
        centrum = make_version(BOA)
        westwork = make_version(BOA_WEST)
        assert push(boa, centrum).status_code == 201
        assert push(west, westwork).status_code == 201
    with central.client(MYSTERY_GUEST) as guest:
        door = make_version(MYSTERY_GUEST, role="mystery_guest")
        assert push(guest, door).status_code == 201
    ids = {item["inspection_id"] for item in supervisor.get("/v1/inspections").json()["items"]}
    assert {centrum.inspection_id, westwork.inspection_id} <= ids
    assert door.inspection_id not in ids
    with central.client(SUPERVISOR_UITGAAN) as other:
        items = other.get("/v1/inspections").json()["items"]
    summary = next(item for item in items if item["inspection_id"] == door.inspection_id)
    # Reports show the tester's pseudonym, never the person.
    assert summary["author_name"] == "Tester Noord-3"
    assert centrum.inspection_id not in {item["inspection_id"] for item in items}


def test_the_inbox_pages_and_filters(central: Central, supervisor: httpx.Client) -> None:
    with central.client(BOA) as boa:
        for _ in range(5):
            assert push(boa, make_version(BOA)).status_code == 201
    everything = supervisor.get("/v1/inspections", params={"limit": 500}).json()["items"]
    paged: list[str] = []
    after = None
    for _ in range(100):
        params: dict[str, str | int] = {"limit": 2}
        if after:
            params["after"] = after
        page = supervisor.get("/v1/inspections", params=params).json()
        paged.extend(item["inspection_id"] for item in page["items"])
        after = page["next_after"]
        if after is None:
            break
    assert paged == [item["inspection_id"] for item in everything]
    sent = supervisor.get("/v1/inspections", params={"status": "sent", "limit": 500}).json()
    assert all(item["status"] == "sent" for item in sent["items"])
    patrols = supervisor.get(
        "/v1/inspections", params={"form_id": "neighbourhood_patrol", "limit": 500}
    ).json()
    assert len(patrols["items"]) == len(everything)


def test_return_correct_approve_with_every_step_audited(
    central: Central, supervisor: httpx.Client
) -> None:
    with central.client(BOA) as boa:
        first = make_version(BOA)
        assert push(boa, first).status_code == 201
        returned = _return(supervisor, first.inspection_id, first.version_id, note="Aanvullen")
        assert returned.status_code == 200, returned.text
        event = returned.json()
        assert event["action"] == "returned" and event["comments"][0]["question"] == "notes"
        detail = boa.get(f"/v1/inspections/{first.inspection_id}").json()
        assert detail["summary"]["status"] == "returned"
        assert detail["reviews"] == [event]
        # The correction names its base; the inspection is sent again.
        fixed = make_version(BOA, inspection_id=first.inspection_id, base=first.version_id)
        assert push(boa, fixed).status_code == 201
        assert boa.get(f"/v1/inspections/{first.inspection_id}").json()["summary"]["status"] == (
            "sent"
        )
    # Approving the version the supervisor read before the correction is refused.
    stale = supervisor.post(
        f"/v1/inspections/{first.inspection_id}/approve",
        json={"event_id": new_id(), "version_id": first.version_id},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["head"]["head_version_id"] == fixed.version_id
    approve = {"event_id": new_id(), "version_id": fixed.version_id, "note": "Akkoord"}
    approved = supervisor.post(f"/v1/inspections/{first.inspection_id}/approve", json=approve)
    assert approved.status_code == 200
    # A retried request (answer lost) gets the same event, not a second approval.
    again = supervisor.post(f"/v1/inspections/{first.inspection_id}/approve", json=approve)
    assert again.status_code == 200 and again.json() == approved.json()
    reused = supervisor.post(
        f"/v1/inspections/{first.inspection_id}/approve", json=approve | {"note": "anders"}
    )
    assert reused.status_code == 409 and reused.json()["code"] == "review_conflict"
    closed = _return(supervisor, first.inspection_id, fixed.version_id)
    assert closed.status_code == 409 and closed.json()["code"] == "inspection_closed"
    with central.store.database.read() as connection:
        actions = (
            connection.execute(
                sa.select(schema.audit_log.c.action)
                .where(schema.audit_log.c.subject == first.inspection_id)
                .order_by(schema.audit_log.c.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["inspection.returned", "inspection.approved"]


def test_an_inspection_is_approved_only_with_all_its_photos(
    central: Central, supervisor: httpx.Client
) -> None:
    photo = b"evidence " + new_id().encode()
    sha = hashlib.sha256(photo).hexdigest()
    version = make_version(
        BOA, attachments=(Attachment(question="observation_photo", sha256=sha, size=len(photo)),)
    )
    with central.client(BOA) as boa:
        assert push(boa, version).status_code == 201
        body = {"event_id": new_id(), "version_id": version.version_id}
        path = f"/v1/inspections/{version.inspection_id}/approve"
        refused = supervisor.post(path, json=body)
        assert refused.status_code == 409 and refused.json()["code"] == "version_incomplete"
        assert boa.put(f"/v1/blobs/{sha}", content=photo).status_code == 201
        assert supervisor.post(path, json=body).status_code == 200


def test_review_bodies_are_checked(central: Central, supervisor: httpx.Client) -> None:
    with central.client(BOA) as boa:
        version = make_version(BOA)
        assert push(boa, version).status_code == 201
    path = f"/v1/inspections/{version.inspection_id}/return"
    no_comments = {"event_id": new_id(), "version_id": version.version_id, "comments": []}
    assert supervisor.post(path, json=no_comments).status_code == 422
    # An empty (or blank) text reopens the question without a comment; a text longer than
    # a comment may be, or a comment naming no question, is refused.
    too_long = no_comments | {"comments": [{"question": "notes", "text": "x" * 4001}]}
    assert supervisor.post(path, json=too_long).status_code == 422
    nameless = no_comments | {"comments": [{"question": "", "text": ""}]}
    assert supervisor.post(path, json=nameless).status_code == 422
    unknown = supervisor.post(
        f"/v1/inspections/{new_id()}/return",
        json=no_comments | {"comments": [{"question": "notes", "text": "x"}]},
    )
    assert unknown.status_code == 404


def test_a_replayed_review_id_shows_nothing_to_another_team(
    central: Central, supervisor: httpx.Client
) -> None:
    with central.client(BOA) as boa:
        version = make_version(BOA)
        assert push(boa, version).status_code == 201
    body = {
        "event_id": new_id(),
        "version_id": version.version_id,
        "comments": [{"question": "notes", "text": "Graag de straatnaam."}],
    }
    path = f"/v1/inspections/{version.inspection_id}/return"
    first = supervisor.post(path, json=body)
    assert first.status_code == 200
    assert supervisor.post(path, json=body).json() == first.json()  # an honest retry
    with central.client(SUPERVISOR_UITGAAN) as other:
        replay = other.post(path, json=body)
    assert replay.status_code in (403, 404)
    assert "Graag de straatnaam" not in replay.text
