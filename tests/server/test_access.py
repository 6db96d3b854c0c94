"""Who may do what: every role against every endpoint, tokens, and hostile or broken input.

The role × endpoint table below is the contract; a change to it must be deliberate.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute

from fieldapp.core.inspection import Attachment, InspectionVersion, new_id
from fieldapp.core.locations import forms_directory
from fieldapp.server import schema
from fieldapp.server.routers import ROUTERS
from tests.support.central import (
    ADMIN,
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
    push,
    running_central,
    version_path,
)

JSON_LIMIT = 64 * 1024
USERS = (
    BOA,
    BOA_SAME_TEAM,
    BOA_WEST,
    MYSTERY_GUEST,
    MYSTERY_GUEST_2,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    ADMIN,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("access")
    with running_central(request.param, home, "access", max_json_bytes=JSON_LIMIT) as running:
        yield running


@dataclass(frozen=True)
class World:
    """What the table is asked about: a boa's patrol with a photo and a door-test visit."""

    patrol: InspectionVersion
    door_test: InspectionVersion
    photo_sha: str


@pytest.fixture(scope="module")
def world(central: Central) -> World:
    photo = b"photo of a fireworks stash " + new_id().encode()
    sha = hashlib.sha256(photo).hexdigest()
    patrol = make_version(
        BOA, attachments=(Attachment(question="observation_photo", sha256=sha, size=len(photo)),)
    )
    door_test = make_version(MYSTERY_GUEST, role="mystery_guest")
    with central.client(BOA) as boa:
        assert boa.put(f"/v1/blobs/{sha}", content=photo).status_code == 201
        assert push(boa, patrol).status_code == 201
    with central.client(MYSTERY_GUEST) as guest:
        assert push(guest, door_test).status_code == 201
    return World(patrol=patrol, door_test=door_test, photo_sha=sha)


Request = Callable[[httpx.Client, str, World], httpx.Response]


def _push_as(user: str, world: World) -> InspectionVersion:
    """A next version of the patrol, written by `user` (only its author may)."""
    base = world.patrol
    return make_version(
        user, inspection_id=base.inspection_id, base=base.version_id, note=f"by {user}"
    )


def _review(kind: str, target: Callable[[World], InspectionVersion]) -> Request:
    def send(client: httpx.Client, user: str, world: World) -> httpx.Response:
        version = target(world)
        body: dict[str, Any] = {"event_id": new_id(), "version_id": version.version_id}
        if kind == "return":
            body["comments"] = [{"question": "notes", "text": f"graag aanvullen ({user})"}]
        return client.post(f"/v1/inspections/{version.inspection_id}/{kind}", json=body)

    return send


def _batch_outcome(client: httpx.Client, version: InspectionVersion) -> httpx.Response:
    """A batch push of one version, answered as that version's own outcome: a refusal
    within a batch must be the one a single push would get."""
    answer = client.post("/v1/sync/push", json={"versions": [version.model_dump(mode="json")]})
    if answer.status_code != 200:
        return answer
    (outcome,) = answer.json()["outcomes"]
    return httpx.Response(outcome["status"], json=outcome.get("error") or outcome["receipt"])


def _manifest_of(*blobs: bytes) -> str:
    return ",".join(f"{hashlib.sha256(blob).hexdigest()}:{len(blob)}" for blob in blobs)


def _patrol(world: World) -> InspectionVersion:
    return world.patrol


def _door(world: World) -> InspectionVersion:
    return world.door_test


#: endpoint → expected status per user, in the order of USERS:
#: boa, boa same team, boa other team, mystery guest, other mystery guest,
#: supervisor of the boa's team, supervisor of the mystery guests' team, admin.
TABLE: dict[str, tuple[Request, tuple[int, ...]]] = {
    "GET /v1/sync/meta": (
        lambda c, u, w: c.get("/v1/sync/meta"),
        (200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "GET /v1/changes": (
        lambda c, u, w: c.get("/v1/changes", params={"limit": 5}),
        (200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "GET /v1/sync/digest": (
        lambda c, u, w: c.get("/v1/sync/digest"),
        (200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "POST /v1/sync/digests (their own token)": (
        lambda c, u, w: c.post(
            "/v1/sync/digests", json={"tokens": [c.headers["authorization"].split()[1]]}
        ),
        (200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "HEAD /v1/blobs/{sha}": (
        lambda c, u, w: c.head(f"/v1/blobs/{w.photo_sha}"),
        # Only its uploader is told the server has it (issue 14, finding 9). Supervisors
        # upload the files of an action's log (issue 13), so they may ask too.
        (200, 404, 404, 404, 404, 404, 404, 403),
    ),
    "GET /v1/blobs/{sha} (the patrol's photo)": (
        lambda c, u, w: c.get(f"/v1/blobs/{w.photo_sha}"),
        (200, 404, 404, 404, 404, 200, 404, 404),
    ),
    "PUT /v1/blobs/{sha}": (
        lambda c, u, w: c.put(f"/v1/blobs/{hashlib.sha256(u.encode()).hexdigest()}", content=u),
        (201, 201, 201, 201, 201, 201, 201, 403),
    ),
    "GET /v1/conflicts": (
        lambda c, u, w: c.get("/v1/conflicts"),
        (403, 403, 403, 403, 403, 200, 200, 200),
    ),
    "GET /v1/inspections": (
        lambda c, u, w: c.get("/v1/inspections"),
        (200, 200, 200, 200, 200, 200, 200, 403),
    ),
    # Each reader's summary counts what they may read (tests/server/test_report_endpoints.py
    # checks whose inspections); administrators read none.
    "GET /v1/reports/summary": (
        lambda c, u, w: c.get(
            "/v1/reports/summary", params={"from": "2026-12-01", "to": "2026-12-31"}
        ),
        (200, 200, 200, 200, 200, 200, 200, 403),
    ),
    "GET /v1/reports/door-tests/{test_id}": (
        lambda c, u, w: c.get("/v1/reports/door-tests/pt-2026-none"),
        (404, 404, 404, 404, 404, 404, 404, 403),
    ),
    # The export's bulk read, under the inbox's rule (tests/server/test_export_endpoint.py
    # checks whose inspections a page holds).
    "GET /v1/export": (
        lambda c, u, w: c.get("/v1/export", params={"form_id": "neighbourhood_patrol"}),
        (200, 200, 200, 200, 200, 200, 200, 403),
    ),
    "GET /v1/inspections/{patrol}": (
        lambda c, u, w: c.get(f"/v1/inspections/{w.patrol.inspection_id}"),
        (200, 404, 404, 404, 404, 200, 404, 403),
    ),
    "GET /v1/inspections/{door test}": (
        lambda c, u, w: c.get(f"/v1/inspections/{w.door_test.inspection_id}"),
        (404, 404, 404, 200, 404, 404, 200, 403),
    ),
    "GET /v1/inspections/{patrol}/versions/{v}": (
        lambda c, u, w: c.get(version_path(w.patrol)),
        (200, 404, 404, 404, 404, 200, 404, 403),
    ),
    "GET /v1/inspections/{door test}/versions/{v}": (
        lambda c, u, w: c.get(version_path(w.door_test)),
        (404, 404, 404, 200, 404, 404, 200, 403),
    ),
    "PUT /v1/inspections/{patrol}/versions/{replay}": (
        lambda c, u, w: push(c, w.patrol),
        (200, 403, 403, 403, 403, 403, 403, 403),
    ),
    "PUT /v1/inspections/{patrol}/versions/{next, by the caller}": (
        lambda c, u, w: push(c, _push_as(u, w)),
        # The author's own next version is tested elsewhere (it would move the head here).
        (None, 403, 403, 403, 403, 403, 403, 403),  # type: ignore[dict-item]
    ),
    "POST /v1/sync/push [{patrol replay}] (the version's own outcome)": (
        lambda c, u, w: _batch_outcome(c, w.patrol),
        (200, 403, 403, 403, 403, 403, 403, 403),
    ),
    "POST /v1/sync/blobs/held": (
        lambda c, u, w: c.post("/v1/sync/blobs/held", json={"sha256": [w.photo_sha]}),
        (200, 200, 200, 200, 200, 200, 200, 403),
    ),
    "POST /v1/blobs/batch": (
        lambda c, u, w: c.post(
            "/v1/blobs/batch",
            content=f"batch {u}".encode(),
            headers={"Blob-Manifest": _manifest_of(f"batch {u}".encode())},
        ),
        (200, 200, 200, 200, 200, 200, 200, 403),
    ),
    "POST /v1/inspections/{patrol}/return": (
        _review("return", _patrol),
        (403, 403, 403, 403, 403, 200, 404, 403),
    ),
    "POST /v1/inspections/{door test}/return": (
        _review("return", _door),
        (403, 403, 403, 403, 403, 404, 200, 403),
    ),
    "POST /v1/inspections/{door test}/approve": (
        _review("approve", _door),
        (403, 403, 403, 403, 403, 404, 200, 403),
    ),
    # Administration (issue 12): admins change, supervisors read what they plan with.
    "POST /v1/admin/import/venues (dry run)": (
        lambda c, u, w: c.post(
            "/v1/admin/import/venues",
            params={"dry_run": "true"},
            content=ADMIN_VENUES_CSV,
            headers={"Content-Type": "text/csv"},
        ),
        (403, 403, 403, 403, 403, 403, 403, 200),
    ),
    "GET /v1/admin/forms": (
        lambda c, u, w: c.get("/v1/admin/forms"),
        (403, 403, 403, 403, 403, 200, 200, 200),
    ),
    "POST /v1/admin/forms (a published version again)": (
        lambda c, u, w: c.post(
            "/v1/admin/forms",
            params={"filename": "door_test.yaml"},
            content=(forms_directory() / "door_test.yaml").read_bytes(),
            headers={"Content-Type": "application/yaml"},
        ),
        (403, 403, 403, 403, 403, 403, 403, 201),
    ),
    "DELETE /v1/admin/forms/{id}/{unknown version}": (
        lambda c, u, w: c.delete("/v1/admin/forms/door_test/1999.1"),
        (403, 403, 403, 403, 403, 403, 403, 404),
    ),
    "GET /v1/admin/teams": (
        lambda c, u, w: c.get("/v1/admin/teams"),
        (403, 403, 403, 403, 403, 200, 200, 200),
    ),
    "POST /v1/admin/teams (one that exists)": (
        lambda c, u, w: c.post(
            "/v1/admin/teams",
            json={
                "id": "team-centrum",
                "name": "Team Centrum",
                "supervisor": SUPERVISOR_CENTRUM,
                "areas": ["centrum"],
            },
        ),
        (403, 403, 403, 403, 403, 403, 403, 409),
    ),
    "PATCH /v1/admin/teams/{team} (the same name)": (
        lambda c, u, w: c.patch("/v1/admin/teams/team-centrum", json={"name": "Team Centrum"}),
        (403, 403, 403, 403, 403, 403, 403, 200),
    ),
    "GET /v1/admin/users": (
        lambda c, u, w: c.get("/v1/admin/users"),
        (403, 403, 403, 403, 403, 403, 403, 200),
    ),
    "POST /v1/admin/users (one that exists)": (
        lambda c, u, w: c.post(
            "/v1/admin/users",
            json={"username": BOA, "display_name": "X", "role": "boa", "team": "team-centrum"},
        ),
        (403, 403, 403, 403, 403, 403, 403, 409),
    ),
    "PATCH /v1/admin/users/{user} (the same name)": (
        lambda c, u, w: c.patch(
            f"/v1/admin/users/{BOA_WEST}", json={"display_name": "Elif Yıldız"}
        ),
        (403, 403, 403, 403, 403, 403, 403, 200),
    ),
    "POST /v1/admin/users/{unknown}/password": (
        lambda c, u, w: c.post("/v1/admin/users/nobody.here/password", json={}),
        (403, 403, 403, 403, 403, 403, 403, 404),
    ),
    "GET /v1/admin/venues": (
        lambda c, u, w: c.get("/v1/admin/venues"),
        (403, 403, 403, 403, 403, 200, 200, 200),
    ),
    "GET /v1/admin/venues/{venue}/history": (
        lambda c, u, w: c.get("/v1/admin/venues/cs-weimar-12/history"),
        (403, 403, 403, 403, 403, 200, 200, 200),
    ),
    "PUT /v1/admin/venues/{venue} (a stale version)": (
        lambda c, u, w: c.put(
            "/v1/admin/venues/cs-weimar-12", json={"venue": ADMIN_VENUE, "version": 99}
        ),
        (403, 403, 403, 403, 403, 409, 403, 409),
    ),
    "GET /v1/admin/areas": (
        lambda c, u, w: c.get("/v1/admin/areas"),
        (403, 403, 403, 403, 403, 200, 200, 200),
    ),
    # Planning (issue 12): supervisors, for the teams they lead only.
    "GET /v1/planning/assignments": (
        lambda c, u, w: c.get("/v1/planning/assignments"),
        (403, 403, 403, 403, 403, 200, 200, 403),
    ),
    "GET /v1/planning/assignments/{team-west's}": (
        lambda c, u, w: c.get("/v1/planning/assignments/a-2026-001"),
        (403, 403, 403, 403, 403, 200, 404, 403),
    ),
    "POST /v1/planning/assignments (an id that exists)": (
        lambda c, u, w: c.post("/v1/planning/assignments", json=PLANNED_INSPECTION),
        (403, 403, 403, 403, 403, 409, 403, 403),
    ),
    "PUT /v1/planning/assignments/{team-west's} (a stale version)": (
        lambda c, u, w: c.put(
            "/v1/planning/assignments/a-2026-001", json={**PLANNED_INSPECTION, "version": 99}
        ),
        (403, 403, 403, 403, 403, 409, 404, 403),
    ),
    "POST /v1/planning/assignments/{team-west's}/cancel (a stale version)": (
        lambda c, u, w: c.post("/v1/planning/assignments/a-2026-001/cancel", json={"version": 99}),
        (403, 403, 403, 403, 403, 409, 404, 403),
    ),
    "GET /v1/planning/rounds": (
        lambda c, u, w: c.get("/v1/planning/rounds"),
        (403, 403, 403, 403, 403, 200, 200, 403),
    ),
    "POST /v1/planning/rounds (at a coffeeshop)": (
        lambda c, u, w: c.post("/v1/planning/rounds", json=PLANNED_ROUND),
        (403, 403, 403, 403, 403, 403, 422, 403),
    ),
    "PUT /v1/planning/rounds/{unknown}": (
        lambda c, u, w: c.put("/v1/planning/rounds/dt-none", json={**PLANNED_ROUND, "version": 1}),
        (403, 403, 403, 403, 403, 404, 404, 403),
    ),
    "POST /v1/planning/rounds/{unknown}/cancel": (
        lambda c, u, w: c.post("/v1/planning/rounds/dt-none/cancel", json={"version": 1}),
        (403, 403, 403, 403, 403, 404, 404, 403),
    ),
    # Follow-up (issue 13): supervisors decide for their own teams; owners see their actions.
    "GET /v1/followup/policy": (
        lambda c, u, w: c.get("/v1/followup/policy"),
        (403, 403, 403, 403, 403, 200, 200, 200),
    ),
    "GET /v1/followup/measures": (
        lambda c, u, w: c.get("/v1/followup/measures"),
        (403, 403, 403, 403, 403, 200, 200, 403),
    ),
    "POST /v1/followup/measures/{unknown}/decide": (
        lambda c, u, w: c.post(
            f"/v1/followup/measures/{'c' * 32}/decide", json={"decision": "confirm"}
        ),
        (403, 403, 403, 403, 403, 404, 404, 403),
    ),
    "GET /v1/followup/actions": (
        lambda c, u, w: c.get("/v1/followup/actions"),
        (200, 200, 200, 200, 200, 200, 200, 403),
    ),
    "POST /v1/followup/actions (a mystery guest as owner)": (
        lambda c, u, w: c.post(
            "/v1/followup/actions",
            json={"kind": "other", "owner": MYSTERY_GUEST, "due": "2026-12-20"},
        ),
        (403, 403, 403, 403, 403, 422, 422, 403),
    ),
    "GET /v1/followup/actions/{unknown}": (
        lambda c, u, w: c.get(f"/v1/followup/actions/{'d' * 32}"),
        (404, 404, 404, 404, 404, 404, 404, 403),
    ),
    "POST /v1/followup/actions/{unknown}/events": (
        lambda c, u, w: c.post(
            f"/v1/followup/actions/{'d' * 32}/events",
            json={"version": 1, "kind": "note", "text": "x"},
        ),
        (404, 404, 404, 404, 404, 404, 404, 403),
    ),
    "GET /v1/followup/venues/{team-west's}/file": (
        lambda c, u, w: c.get("/v1/followup/venues/cs-weimar-12/file"),
        (403, 403, 403, 403, 403, 200, 404, 403),
    ),
    "POST /v1/admin/policies (the shipped policy)": (
        lambda c, u, w: c.post(
            "/v1/admin/policies",
            params={"filename": "sanction_ladder.policy.yaml"},
            content=(forms_directory() / "sanction_ladder.policy.yaml").read_bytes(),
        ),
        (403, 403, 403, 403, 403, 403, 403, 201),
    ),
}

#: The demo's first assignment (elif.yildiz, team-west) planned again under its own id.
PLANNED_INSPECTION: dict[str, Any] = {
    "id": "a-2026-001",
    "form_id": "coffeeshop_inspection",
    "venue": "cs-weimar-241",
    "assignee": BOA_WEST,
    "due": "2026-12-03",
}
#: A round of the mystery guests' team, wrongly at a coffeeshop.
PLANNED_ROUND: dict[str, Any] = {
    "venue": "cs-weimar-12",
    "date": "2026-12-19",
    "window_start": "22:00",
    "window_end": "23:30",
    "ground": "origin",
    "order": "test_first",
    "max_gap_minutes": 30,
    "test_tester": MYSTERY_GUEST,
    "control_tester": MYSTERY_GUEST_2,
}

#: One venue of the demo world as the change feed and the venue endpoints describe it.
ADMIN_VENUE: dict[str, Any] = {
    "id": "cs-weimar-12",
    "name": "De Groene Regentes",
    "kind": "coffeeshop",
    "street": "Weimarstraat",
    "house_number": "12",
    "postcode": "2562 GP",
    "area": "regentes-valkenbos",
    "lat": 52.07762,
    "lon": 4.29175,
    "permit_number": "DH-CS-001",
}
#: One venue of the demo world as the venue register file describes it.
ADMIN_VENUES_CSV = (
    "id,name,kind,street,house_number,postcode,lat,lon,area,permit_number\n"
    "cs-weimar-12,De Groene Regentes,coffeeshop,Weimarstraat,12,2562 GP,52.07762,4.29175,"
    "regentes-valkenbos,DH-CS-001\n"
)


def test_every_role_against_every_endpoint(central: Central, world: World) -> None:
    clients = {user: central.client(user) for user in USERS}
    try:
        mismatches = []
        for endpoint, (send, expected) in TABLE.items():
            for user, want in zip(USERS, expected, strict=True):
                if want is None:
                    continue
                answer = send(clients[user], user, world)
                if answer.status_code != want:
                    mismatches.append(f"{endpoint} as {user}: {answer.status_code}, not {want}")
                if answer.status_code >= 400 and endpoint.split()[0] != "HEAD":
                    body = answer.json()
                    assert body["code"] and body["message"]["nl"] and body["message"]["en"]
        assert not mismatches, "\n".join(mismatches)
    finally:
        for client in clients.values():
            client.close()
    # Refused attempts are in the access log, with who tried what.
    log = schema.access_log
    with central.store.database.read() as connection:
        rows = connection.execute(
            sa.select(log.c.username, log.c.method, log.c.path, log.c.status)
        ).all()
    refused = {(row.username, row.method, row.path, row.status) for row in rows}
    patrol = f"/v1/inspections/{world.patrol.inspection_id}"
    assert (BOA_SAME_TEAM, "GET", patrol, 404) in refused
    assert (ADMIN, "GET", patrol, 403) in refused
    assert (MYSTERY_GUEST, "POST", f"{patrol}/return", 403) in refused


def test_without_a_valid_token_everything_but_sign_in_is_401(central: Central) -> None:
    with httpx.Client(base_url=central.url, timeout=30) as anonymous:
        assert anonymous.get("/v1/health").status_code == 200
        for method, path in [
            ("GET", "/v1/sync/meta"),
            ("GET", "/v1/changes"),
            ("GET", "/v1/sync/digest"),
            ("POST", "/v1/sync/digests"),
            ("GET", "/v1/inspections"),
            ("GET", "/v1/export?form_id=door_test"),
            ("PUT", f"/v1/blobs/{'a' * 64}"),
            ("PUT", f"/v1/inspections/{new_id()}/versions/{new_id()}"),
            ("POST", "/v1/sync/push"),
            ("POST", "/v1/sync/blobs/held"),
            ("POST", "/v1/blobs/batch"),
        ]:
            for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic x"}):
                answer = anonymous.request(method, path, headers=headers)
                assert answer.status_code == 401, (method, path, headers, answer.text)
                assert answer.json()["code"] == "unauthenticated"
                assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_wrong_passwords_and_unknown_users_get_the_same_401(central: Central) -> None:
    wrong = central.sign_in(BOA, "not the password")
    unknown = central.sign_in("nobody.here", "demo")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert answer.json()["code"] == "bad_credentials"
    assert wrong.json() == unknown.json()
    with central.store.database.read() as connection:
        details = connection.execute(sa.select(schema.access_log.c.detail)).scalars().all()
    assert any("nobody.here" in detail for detail in details)
    assert not any("not the password" in detail for detail in details)


def test_an_expired_token_is_401_token_expired(central: Central) -> None:
    token = central.sign_in(BOA_WEST).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=central.url, headers=headers, timeout=30) as client:
        assert client.get("/v1/sync/meta").status_code == 200
        central.clock.advance(central.config.token_lifetime + timedelta(seconds=1))
        try:
            answer = client.get("/v1/sync/meta")
        finally:
            central.clock.advance(-(central.config.token_lifetime + timedelta(seconds=1)))
        assert answer.status_code == 401
        assert answer.json()["code"] == "token_expired"


def test_signing_out_and_revoking_end_a_token(central: Central) -> None:
    first = central.sign_in(BOA_WEST).json()["access_token"]
    second = central.sign_in(BOA_WEST).json()["access_token"]
    with httpx.Client(base_url=central.url, timeout=30) as client:
        bearer = {"Authorization": f"Bearer {first}"}
        assert client.delete("/v1/auth/token", headers=bearer).status_code == 204
        answer = client.get("/v1/sync/meta", headers=bearer)
        assert answer.status_code == 401 and answer.json()["code"] == "token_revoked"
        other = {"Authorization": f"Bearer {second}"}
        assert client.get("/v1/sync/meta", headers=other).status_code == 200
        with central.store.database.write() as connection:
            assert central.store.accounts.revoke_all(connection, BOA_WEST) >= 1
        answer = client.get("/v1/sync/meta", headers=other)
        assert answer.status_code == 401 and answer.json()["code"] == "token_revoked"
        # A deactivated account cannot sign in or use a token either.
        third = central.sign_in(BOA_WEST).json()["access_token"]
        with central.store.database.write() as connection:
            central.store.accounts.set_active(connection, BOA_WEST, False)
        try:
            answer = client.get("/v1/sync/meta", headers={"Authorization": f"Bearer {third}"})
            assert answer.status_code == 401
            # The right password of a deactivated account says so (the device locks its
            # profile); a wrong one is the same 401 as for everybody.
            refused = central.sign_in(BOA_WEST)
            assert refused.status_code == 403
            assert refused.json()["code"] == "account_deactivated"
            assert central.sign_in(BOA_WEST, "not the password").status_code == 401
        finally:
            with central.store.database.write() as connection:
                central.store.accounts.set_active(connection, BOA_WEST, True)
    central.tokens.pop(BOA_WEST, None)


def _push_raw(client: httpx.Client, content: bytes | Iterator[bytes]) -> httpx.Response:
    path = f"/v1/inspections/{new_id()}/versions/{new_id()}"
    return client.put(path, content=content, headers={"Content-Type": "application/json"})


def test_malformed_truncated_and_oversized_bodies_get_a_4xx_naming_the_problem(
    central: Central,
) -> None:
    version = make_version(BOA)
    body = version.model_dump_json().encode()
    path = version_path(version)
    with central.client(BOA) as boa:
        truncated = boa.put(path, content=body[: len(body) // 2], headers=_json())
        assert truncated.status_code == 400
        assert truncated.json()["code"] == "malformed" and truncated.json()["problems"]
        garbage = boa.put(path, content=b"\x00\xff not json", headers=_json())
        assert garbage.status_code == 400
        empty = boa.put(path, content=b"", headers=_json())
        assert empty.status_code == 422
        wrong_type = version.model_dump(mode="json") | {"document": "not a mapping"}
        answer = boa.put(path, json=wrong_type)
        assert answer.status_code == 422
        assert any("document" in problem for problem in answer.json()["problems"])
        extra = version.model_dump(mode="json") | {"sneaky": 1}
        answer = boa.put(path, json=extra)
        assert answer.status_code == 422 and "sneaky" in " ".join(answer.json()["problems"])
        missing = {k: v for k, v in version.model_dump(mode="json").items() if k != "author"}
        assert boa.put(path, json=missing).status_code == 422
        not_an_id = boa.put(f"/v1/inspections/NOT-AN-ID/versions/{version.version_id}", json={})
        assert not_an_id.status_code == 422
        assert "inspection_id" in " ".join(not_an_id.json()["problems"])

        huge = version.model_dump(mode="json")
        huge["document"] = {"answers": {"notes": "x" * JSON_LIMIT}, "repeats": {}}
        oversized = boa.put(path, json=huge)
        assert oversized.status_code == 413
        assert oversized.json()["limit_bytes"] == JSON_LIMIT
        payload = _json_bytes(huge)

        def chunked() -> Iterator[bytes]:
            for start in range(0, len(payload), 8192):
                yield payload[start : start + 8192]

        streamed = _push_raw(boa, chunked())
        assert streamed.status_code == 413

        assert boa.get("/v1/changes", params={"cursor": "garbage"}).status_code == 400
        assert boa.get("/v1/changes", params={"limit": 0}).status_code == 422
        assert boa.get("/v1/changes", params={"limit": "many"}).status_code == 422
        assert boa.get("/v1/inspections", params={"status": "lost"}).status_code == 422
        assert boa.get("/v1/inspections", params={"after": "nonsense"}).status_code == 400
        unknown = boa.get("/v1/no/such/thing")
        assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
        assert boa.delete("/v1/sync/meta").status_code == 405
        bad_range = boa.put(
            f"/v1/blobs/{'b' * 64}", content=b"abc", headers={"Content-Range": "bytes=0-2"}
        )
        assert bad_range.status_code == 400
        assert central.sign_in("x" * 500, "y").status_code == 422
        with httpx.Client(base_url=central.url, timeout=30) as anonymous:
            cut = anonymous.post("/v1/auth/token", content=b'{"username": "', headers=_json())
            assert cut.status_code == 400 and cut.json()["code"] == "malformed"
    with central.store.database.read() as connection:
        assert (
            connection.execute(
                sa.select(sa.func.count())
                .select_from(schema.versions)
                .where(schema.versions.c.version_id == version.version_id)
            ).scalar_one()
            == 0
        )


def test_a_body_that_never_finishes_does_not_hurt_the_server(central: Central) -> None:
    token = central.token(BOA)
    version = make_version(BOA)
    body = version.model_dump_json().encode()
    request = (
        f"PUT {version_path(version)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((central.server.host, central.server.port), 10) as sock:
        sock.sendall(request + body[:100])
    with central.client(BOA) as boa:
        assert boa.get(version_path(version)).status_code == 404
        assert push(boa, version).status_code == 201


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


def _json_bytes(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()


def test_the_openapi_document_describes_every_endpoint_body_and_error(central: Central) -> None:
    document = httpx.get(f"{central.url}/openapi.json", timeout=30).json()
    schemas = document["components"]["schemas"]
    for name in ("ErrorBody", "PushReceipt", "ChangesPage", "Meta", "Digest", "InspectionVersion"):
        assert name in schemas, name
    # FastAPI keeps an included router as one entry of app.routes: read its routes there.
    routes = [
        route
        for route in (*central.app.routes, *(r for router in ROUTERS for r in router.routes))
        if isinstance(route, APIRoute)
    ]
    assert len(routes) >= 14
    for route in routes:
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            assert operation.get("summary"), (method, route.path)
            responses = operation["responses"]
            if route.path != "/v1/health":
                errors = [code for code in responses if code.startswith(("4", "5"))]
                assert errors, (method, route.path)
                for code in errors:
                    content = responses[code].get("content", {}).get("application/json", {})
                    if content:
                        assert content["schema"]["$ref"].endswith("/ErrorBody"), (code, route.path)
            if method in {"PUT", "POST"} and route.path != "/v1/auth/token":
                assert "requestBody" in operation, (method, route.path)
    push_operation = document["paths"]["/v1/inspections/{inspection_id}/versions/{version_id}"]
    assert {"200", "201", "403", "409", "413", "422"} <= set(push_operation["put"]["responses"])
    blob_put = document["paths"]["/v1/blobs/{sha256}"]["put"]
    assert "Content-Range" in blob_put["description"]
    assert any(p["name"].lower() == "content-range" for p in blob_put["parameters"])
    assert "410" in document["paths"]["/v1/changes"]["get"]["responses"]
