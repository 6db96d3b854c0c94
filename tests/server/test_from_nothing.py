"""A municipality from nothing, without `--demo`, through the real HTTP API (server side).

An empty store and its first admin → the admin imports areas (GeoJSON), venues (CSV),
supervisors, teams and officers, and publishes the three forms → the supervisor plans a
coffeeshop inspection and a door-test round → the officer and both testers pull their
work and push their visits → the supervisor sees the work done and approves it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldapp.core.formfile import form_files
from fieldapp.core.locations import forms_directory
from fieldapp.core.sanctions import policy_files
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.runner import BackgroundServer
from tests.support.central import (
    BACKENDS,
    database_url,
    make_version,
    pull_all,
    push,
    require_backend,
    test_config,
)
from tests.support.samples import COFFEESHOP_BASE, SampleWorld, fill, version_of

ADMIN_PASSWORD = "stadhuis-aan-het-spui-7"
SQUARE = [[4.30, 52.07], [4.33, 52.07], [4.33, 52.09], [4.30, 52.09], [4.30, 52.07]]
AREAS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": "centrum", "name": "Centrum", "district": "Centrum"},
            "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
        }
    ],
}
VENUES = (
    "id;name;kind;street;house_number;postcode;lat;lon;area;permit_number;operator\n"
    "cs-spui-1;Spui Een;coffeeshop;Spui;1;2511 BL;52,0776;4,3170;centrum;DH-CS-900;Spui BV\n"
    "club-markt-2;Club Markt;club;Grote Markt;2;2511 BG;52,0766;4,3085;centrum;;Markt BV\n"
)
LEADS = "username,display_name,role\nsara.lead,Sara Lead,supervisor\n"
TEAMS = "id,name,supervisor,areas\nteam-stad,Team Stad,sara.lead,centrum\n"
PEOPLE = (
    "username,display_name,role,team,pseudonym,languages\n"
    "sara.lead,Sara Lead,supervisor,,,nl en\n"
    "tom.boa,Tom Boa,boa,team-stad,,nl\n"
    "ada.boa,Ada Boa,boa,team-stad,,nl en\n"
    "mg-stad-1,fictief een,mystery_guest,team-stad,Tester Stad-1,nl\n"
    "mg-stad-2,fictief twee,mystery_guest,team-stad,Tester Stad-2,nl\n"
)


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, CentralStore]]:
    require_backend(request.param)
    with database_url(request.param, "nothing") as url:
        config = test_config(tmp_path, url)
        store = CentralStore(config)
        app = create_app(config, store)
        server = BackgroundServer(app).start()
        try:
            yield server.url, store
        finally:
            server.stop()
            store.close()


def _client(url: str, username: str, password: str) -> httpx.Client:
    answer = httpx.post(
        f"{url}/v1/auth/token",
        json={"username": username, "password": password, "device_id": "tablet-1"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def test_a_municipality_runs_from_nothing_without_the_demo(
    empty: tuple[str, CentralStore],
) -> None:
    url, store = empty
    store.administration.initialise("beheer", "Functioneel beheer", ADMIN_PASSWORD)
    with _client(url, "beheer", ADMIN_PASSWORD) as admin:

        def imported(
            register: str, content: str | bytes, file_format: str = "csv"
        ) -> dict[str, Any]:
            answer = admin.post(
                f"/v1/admin/import/{register}", params={"format": file_format}, content=content
            )
            assert answer.status_code == 200, answer.text
            report: dict[str, Any] = answer.json()
            assert report["problems"] == []
            return report

        imported("areas", json.dumps(AREAS), "geojson")
        assert imported("venues", VENUES)["added"] == 2
        imported("users", LEADS)
        assert imported("teams", TEAMS)["added"] == 1
        passwords = imported("users", PEOPLE)["passwords"]
        assert set(passwords) == {"tom.boa", "ada.boa", "mg-stad-1", "mg-stad-2"}
        lead_password = admin.post("/v1/admin/users/sara.lead/password", json={}).json()[
            "one_time_password"
        ]
        for form in form_files(forms_directory()):
            published = admin.post(
                "/v1/admin/forms", params={"filename": form.name}, content=form.read_bytes()
            )
            assert published.status_code == 201, published.text
        # The sanction ladder is policy beside the forms, loaded the same way.
        [policy_file] = policy_files(forms_directory())
        policy = admin.post(
            "/v1/admin/policies",
            params={"filename": policy_file.name},
            content=policy_file.read_bytes(),
        )
        assert policy.status_code == 201, policy.text
        assert policy.json()["policy_id"] == "den_haag_sanctions"
        live = admin.get("/v1/admin/forms").json()["forms"]
        assert sorted(f["form_id"] for f in live if f["live"]) == [
            "coffeeshop_inspection",
            "door_test",
            "neighbourhood_patrol",
        ]

    with _client(url, "sara.lead", lead_password) as supervisor:
        inspection = supervisor.post(
            "/v1/planning/assignments",
            json={
                "id": "a-stad-1",
                "form_id": "coffeeshop_inspection",
                "venue": "cs-spui-1",
                "assignee": "tom.boa",
                "due": "2026-12-20",
                "note": {"nl": "Onaangekondigd."},
            },
        )
        assert inspection.status_code == 201, inspection.text
        round_ = supervisor.post(
            "/v1/planning/rounds",
            json={
                "id": "dt-stad-1",
                "venue": "club-markt-2",
                "date": "2026-12-19",
                "window_start": "22:30",
                "window_end": "01:00",
                "ground": "origin",
                "order": "test_first",
                "max_gap_minutes": 30,
                "test_tester": "mg-stad-1",
                "control_tester": "mg-stad-2",
            },
        )
        assert round_.status_code == 201, round_.text

    with _client(url, "tom.boa", passwords["tom.boa"]) as officer:
        changes, _ = pull_all(officer)
        kinds = {c["kind"] for c in changes}
        assert {"venue", "area", "team", "user", "form", "assignment"} <= kinds
        mine = [c["assignment"]["id"] for c in changes if c["kind"] == "assignment"]
        assert mine == ["a-stad-1"]
        # A minor found inside, age established: criterion J, a real checklist's finding.
        engine = SampleWorld.load().engines["coffeeshop_inspection"]
        visited = datetime(2026, 12, 18, 21, 0)
        session = engine.session(clock=lambda: visited)
        fill(session, {**COFFEESHOP_BASE, "venue": "cs-spui-1"})
        fill(session, {"minors_present_count": 1, "minor_age_established": "id_document"})
        version = version_of(
            session, seed="from-nothing", author="tom.boa", started_at=visited, venue_id="cs-spui-1"
        ).model_copy(update={"assignment_id": "a-stad-1"})
        answer = push(officer, version)
        assert answer.status_code == 201, answer.text
    for tester, half in (("mg-stad-1", "test"), ("mg-stad-2", "control")):
        with _client(url, tester, passwords[tester]) as device:
            changes, _ = pull_all(device)
            assert [c["round"]["id"] for c in changes if c["kind"] == "round"] == ["dt-stad-1"]
            visit = make_version(
                tester,
                role="mystery_guest",
                venue_id="club-markt-2",
                assignment_id=f"dt-stad-1-{half}",
            )
            assert push(device, visit).status_code == 201

    with _client(url, "sara.lead", lead_password) as supervisor:
        planned = supervisor.get("/v1/planning/assignments").json()["assignments"]
        assert {a["assignment"]["id"]: a["state"] for a in planned} == {
            "a-stad-1": "done",
            "dt-stad-1-test": "done",
            "dt-stad-1-control": "done",
        }
        inbox = supervisor.get("/v1/inspections").json()["items"]
        assert len(inbox) == 3
        approved = supervisor.post(
            f"/v1/inspections/{version.inspection_id}/approve",
            json={"event_id": version.version_id, "version_id": version.version_id},
        )
        assert approved.status_code == 200, approved.text
        # The approval's finding meets the policy the administrator loaded: a proposal.
        [measure] = supervisor.get("/v1/followup/measures").json()["measures"]
        assert (measure["ladder_id"], measure["proposed_step"]) == (
            "coffeeshop_j",
            "closure_6_months",
        )
        file = supervisor.get("/v1/followup/venues/cs-spui-1/file").json()
        assert [visit["inspection_id"] for visit in file["visits"]] == [version.inspection_id]
