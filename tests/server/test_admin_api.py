"""Administration over the real HTTP API: accounts, teams, imports and forms, as an admin.

A real uvicorn server on 127.0.0.1 with the demo world; what a change did is checked where
it shows: a sign-in, a revoked token, the change feed a team's device pulls.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from fieldapp.core.locations import forms_directory
from tests.support.central import (
    ADMIN,
    BACKENDS,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    pull_all,
    running_central,
)

CSV = {"Content-Type": "text/csv"}


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("admin-api")
    with running_central(request.param, home, "adminapi") as running:
        yield running


def _users_in_feed(central: Central, supervisor: str) -> dict[str, dict[str, Any]]:
    """The user entries a supervisor's device holds after pulling everything."""
    with central.client(supervisor) as client:
        changes, _ = pull_all(client)
    known: dict[str, dict[str, Any]] = {}
    for change in changes:
        if change["kind"] == "user":
            entry = change["user"]
            if change["removed"]:
                known.pop(entry["username"], None)
            else:
                known[entry["username"]] = entry
    return known


def test_an_account_is_added_moved_deactivated_and_reset_over_http(central: Central) -> None:
    with central.client(ADMIN) as admin:
        added = admin.post(
            "/v1/admin/users",
            json={
                "username": "nieuwe.handhaver",
                "display_name": "Nieuwe Handhaver",
                "role": "boa",
                "team": "team-zuidoost",
            },
        )
        assert added.status_code == 201, added.text
        password = added.json()["one_time_password"]
        assert added.json()["user"]["team"] == "team-zuidoost"
        signed_in = central.sign_in("nieuwe.handhaver", password)
        assert signed_in.status_code == 200
        token = signed_in.json()["access_token"]
        assert "nieuwe.handhaver" in _users_in_feed(central, SUPERVISOR_UITGAAN)

        moved = admin.patch("/v1/admin/users/nieuwe.handhaver", json={"team": "team-west"})
        assert moved.status_code == 200 and moved.json()["user"]["team"] == "team-west"
        # The old team's devices are told the user left; the new team's that she came.
        assert "nieuwe.handhaver" not in _users_in_feed(central, SUPERVISOR_UITGAAN)
        assert "nieuwe.handhaver" in _users_in_feed(central, SUPERVISOR_CENTRUM)

        off = admin.patch("/v1/admin/users/nieuwe.handhaver", json={"active": False})
        assert off.status_code == 200 and off.json()["user"]["active"] is False
        headers = {"Authorization": f"Bearer {token}"}
        refused = httpx.get(f"{central.url}/v1/sync/meta", headers=headers, timeout=30)
        assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"

        assert admin.patch("/v1/admin/users/nieuwe.handhaver", json={"active": True}).is_success
        reset = admin.post("/v1/admin/users/nieuwe.handhaver/password", json={})
        assert reset.status_code == 200
        assert central.sign_in("nieuwe.handhaver", password).status_code == 401
        assert central.sign_in("nieuwe.handhaver", reset.json()["one_time_password"]).is_success

        weak = admin.post("/v1/admin/users/nieuwe.handhaver/password", json={"password": "abc"})
        assert weak.status_code == 422 and weak.json()["code"] == "invalid"
        myself = admin.patch(f"/v1/admin/users/{ADMIN}", json={"active": False})
        assert myself.status_code == 403
        no_pseudonym = admin.post(
            "/v1/admin/users",
            json={"username": "mg-nieuw", "display_name": "fictief", "role": "mystery_guest"},
        )
        assert no_pseudonym.status_code == 422
        # A supervisor who still leads a team keeps the role until the team has another.
        demote = admin.patch(f"/v1/admin/users/{SUPERVISOR_CENTRUM}", json={"role": "boa"})
        assert demote.status_code == 409 and demote.json()["code"] == "admin_conflict"


def test_teams_are_added_and_renamed_and_reach_devices(central: Central) -> None:
    with central.client(ADMIN) as admin:
        body = {
            "id": "team-haven",
            "name": "Team Haven",
            "supervisor": SUPERVISOR_UITGAAN,
            "areas": ["scheveningen", "duindorp"],
        }
        assert admin.post("/v1/admin/teams", json=body).status_code == 201
        assert admin.post("/v1/admin/teams", json=body).status_code == 409
        wrong = admin.post(
            "/v1/admin/teams",
            json={**body, "id": "team-x", "supervisor": "fatima.elamrani", "areas": ["nergens"]},
        )
        assert wrong.status_code == 422
        assert wrong.json()["problems"] == [
            "supervisor: 'fatima.elamrani' is a boa",
            "areas: 'nergens' is not an area",
        ]
        renamed = admin.patch("/v1/admin/teams/team-haven", json={"name": "Team Havens"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "Team Havens"
        assert admin.patch("/v1/admin/teams/team-nergens", json={"name": "X"}).status_code == 404
    with central.client(SUPERVISOR_UITGAAN) as supervisor:
        changes, _ = pull_all(supervisor)
        teams = [
            c["team"] for c in changes if c["kind"] == "team" and c["team"]["id"] == "team-haven"
        ]
        assert [team["name"] for team in teams] == ["Team Haven", "Team Havens"]
        me = supervisor.get("/v1/sync/meta")
        assert me.status_code == 200


def test_imports_over_http_preview_refuse_and_apply(central: Central) -> None:
    header = "id,name,kind,street,house_number,postcode,lat,lon,area\n"
    good = header + "bar-nieuw-1,Bar Nieuw,bar,Grote Markt,1,2511 BG,52.0766,4.3085,centrum\n"
    bad = good + "bar-nieuw-2,Bar Twee,bar,Grote Markt,2,2511,52.0766,4.3085,centrum\n"
    with central.client(ADMIN) as admin:
        preview = admin.post(
            "/v1/admin/import/venues", params={"dry_run": "true"}, content=bad, headers=CSV
        )
        assert preview.status_code == 200
        assert preview.json()["problems"] == [
            "row 3, column postcode: '2511' is not a Dutch postcode (1234 AB)"
        ]
        refused = admin.post("/v1/admin/import/venues", content=bad, headers=CSV)
        assert refused.status_code == 422
        assert refused.json()["problems"] == preview.json()["problems"]
        applied = admin.post("/v1/admin/import/venues", content=good, headers=CSV)
        assert applied.status_code == 200
        assert (applied.json()["added"], applied.json()["dry_run"]) == (1, False)
        history = admin.get("/v1/admin/venues/bar-nieuw-1/history").json()["edits"]
        assert [(e["version"], e["actor"], e["before"]) for e in history] == [(1, ADMIN, None)]

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for line in good.splitlines():
            sheet.append(line.split(","))
        data = io.BytesIO()
        book.save(data)
        excel = admin.post(
            "/v1/admin/import/venues", params={"format": "xlsx"}, content=data.getvalue()
        )
        assert excel.status_code == 200 and excel.json()["unchanged"] == 1

        for params, content in (
            ({"format": "xlsx"}, b"not a workbook"),
            ({"format": "geojson"}, b"{}"),
            ({}, b"\xff\xfe not utf-8"),
            ({}, b""),
        ):
            answer = admin.post("/v1/admin/import/venues", params=params, content=content)
            assert answer.status_code == 422, (params, answer.text)
            assert answer.json()["message"]["nl"] and answer.json()["problems"]
        assert admin.post("/v1/admin/import/planets", content=good).status_code == 422
        huge = admin.post("/v1/admin/import/venues", content=b"x" * (3 * 1024 * 1024))
        assert huge.status_code == 413
        users = admin.post(
            "/v1/admin/import/users",
            content="username,display_name,role,team\nimport.boa,Import Boa,boa,team-west\n",
            headers=CSV,
        )
        assert users.status_code == 200
        assert central.sign_in("import.boa", users.json()["passwords"]["import.boa"]).is_success


def test_a_broken_form_is_refused_with_file_line_and_column_over_http(central: Central) -> None:
    good = (forms_directory() / "neighbourhood_patrol.yaml").read_text(encoding="utf-8")
    broken = good.replace("questions:", "questions: [", 1)
    with central.client(ADMIN) as admin:
        answer = admin.post(
            "/v1/admin/forms",
            params={"filename": "patrol.yaml"},
            content=broken.encode(),
            headers={"Content-Type": "application/yaml"},
        )
        assert answer.status_code == 422
        first = answer.json()["problems"][0]
        name, line, column, _ = first.split(":", 3)
        assert name == "patrol.yaml" and line.isdigit() and column.isdigit()
        forms = admin.get("/v1/admin/forms").json()["forms"]
        assert {f["form_id"] for f in forms if f["live"]} == {
            "coffeeshop_inspection",
            "door_test",
            "neighbourhood_patrol",
        }


def test_venue_edits_are_versioned_scoped_and_reach_devices(central: Central) -> None:
    path = "/v1/admin/venues/cs-weimar-12"
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        venue = next(
            v
            for v in supervisor.get("/v1/admin/venues").json()["venues"]
            if v["id"] == "cs-weimar-12"
        )
        history = supervisor.get(f"{path}/history").json()["edits"]
        base = history[-1]["version"]
        changed = {**venue, "operator": "Regentes BV", "opening_hours": "ma-zo 10:00-23:00"}
        edited = supervisor.put(path, json={"venue": changed, "version": base})
        assert edited.status_code == 200, edited.text
        assert edited.json()["version"] == base + 1
        assert edited.json()["before"]["operator"] is None
        stale = supervisor.put(path, json={"venue": {**venue, "name": "X"}, "version": base})
        assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
        assert stale.json()["current"]["version"] == base + 1
        new = {**venue, "id": "cs-nieuw-1", "permit_number": "DH-CS-777"}
        assert supervisor.put("/v1/admin/venues/cs-nieuw-1", json={"venue": new}).status_code == 403
        mismatch = supervisor.put("/v1/admin/venues/cs-other", json={"venue": changed})
        assert mismatch.status_code == 422
    with central.client(SUPERVISOR_UITGAAN) as other:
        # cs-weimar-12 lies in regentes-valkenbos, not an area of ricardo's teams.
        assert other.put(path, json={"venue": changed, "version": base + 1}).status_code == 403
    with central.client(ADMIN) as admin:
        closed = admin.put(path, json={"venue": {**changed, "active": False}, "version": base + 1})
        assert closed.status_code == 200 and closed.json()["after"]["active"] is False
        added = admin.put("/v1/admin/venues/cs-nieuw-1", json={"venue": new})
        assert added.status_code == 200 and added.json()["version"] == 1
        taken = admin.put(
            "/v1/admin/venues/cs-nieuw-2",
            json={"venue": {**new, "id": "cs-nieuw-2"}},
        )
        assert taken.status_code == 422 and "permit_number" in taken.json()["problems"][0]
    with central.client("fatima.elamrani") as boa:
        assert boa.put(path, json={"venue": changed, "version": 1}).status_code == 403
        changes, _ = pull_all(boa)
    seen = [
        c["venue"] for c in changes if c["kind"] == "venue" and c["venue"]["id"] == "cs-weimar-12"
    ]
    assert seen[-1]["active"] is False and seen[-1]["operator"] == "Regentes BV"
