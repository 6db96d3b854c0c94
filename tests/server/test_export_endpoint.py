"""`fieldapp export --server` reads pages of versions (`GET /v1/export`, issue 18): a seeded
history pushed through a real uvicorn, on SQLite and PostgreSQL, must export the same files
the old way (one detail request per inspection, every version held) gives, for each
supervisor only their teams' work, in a bounded number of requests."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldapp.app.reports import export, report_source
from fieldapp.app.review.source import CentralReportSource
from fieldapp.core.doortest import DOOR_TEST_FORM
from fieldapp.core.locations import seeds_directory
from fieldapp.core.summary import COFFEESHOP_FORM
from fieldapp.core.worldfile import load_world
from fieldapp.protocol.reports import MAX_EXPORT_PAGE
from fieldapp.reports import Period, SummaryItem, export_inspections
from fieldapp.server import exports as export_queries
from fieldapp.store.seed import seed_profile
from fieldapp.sync.transport import CentralLine
from tests.support.central import (
    BACKENDS,
    BOA,
    DEMO_PASSWORD,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    push,
    running_central,
)
from tests.support.store import new_profile

EVERYTHING = Period(date(2000, 1, 1), date(2100, 1, 1))
PATROL = "neighbourhood_patrol"


@dataclass(frozen=True)
class Seeded:
    """The running store, and what was pushed to it: (inspection, form, author) each."""

    central: Central
    pushed: frozenset[tuple[str, str, str]]


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """A central store holding 120 seeded inspections of every demo author, each pushed
    version by version by its own author."""
    home = tmp_path_factory.mktemp(f"export-{request.param}")
    pushed: set[tuple[str, str, str]] = set()
    with running_central(request.param, home / "central", "export") as running:
        with new_profile(home / "device") as profile:
            # A template keeps its author: with six a form, the six authors of all its
            # visits were now and then none of one supervisor's team (no coffeeshop
            # inspection in the inbox, about one run in a hundred). Forty cover every team.
            seed_profile(profile, 120, seed=19, photo_share=0.0, templates_per_form=40)
            clients = {}
            try:
                for summary in profile.inspections():
                    for version in profile.versions(summary.inspection_id):
                        if version.author not in clients:
                            clients[version.author] = running.client(version.author)
                        answer = push(clients[version.author], version)
                        # A refused push would leave a form out of what the tests compare.
                        assert answer.status_code in {200, 201}, answer.text
                        pushed.add((version.inspection_id, version.form_id, version.author))
            finally:
                for client in clients.values():
                    client.close()
        yield Seeded(running, frozenset(pushed))


@pytest.fixture(scope="module")
def central(seeded: Seeded) -> Central:
    return seeded.central


@pytest.mark.parametrize("supervisor", [SUPERVISOR_CENTRUM, SUPERVISOR_UITGAAN])
def test_a_supervisor_reads_every_pushed_inspection_of_their_teams(
    seeded: Seeded, supervisor: str
) -> None:
    """The inbox against the world file: every inspection an author of the supervisor's
    teams pushed, and nothing else; and the seeded history gives each supervisor both
    kinds of boa work, which the export test below relies on."""
    world = load_world(seeds_directory())
    teams = {team.id for team in world.teams if team.supervisor == supervisor}
    team_of = {user.username: user.team for user in world.users}
    expected = {(i, form) for i, form, author in seeded.pushed if team_of[author] in teams}
    with seeded.central.client(supervisor) as client:
        answer = client.get("/v1/inspections", params={"limit": 500})
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["next_after"] is None
    assert {(item["inspection_id"], item["form_id"]) for item in page["items"]} == expected
    assert {COFFEESHOP_FORM, PATROL} <= {form for _, form in expected}


def held_way(source: CentralReportSource, form_id: str, period: Period) -> list[SummaryItem]:
    """The items as the export gathered them before: every inspection's detail fetched,
    then narrowed by the version's own start and place."""
    return [
        item
        for item in source.summary_items(period, ())
        if item.version.form_id == form_id and item.version.started_at.date() in period
    ]


@pytest.mark.parametrize("supervisor", [SUPERVISOR_CENTRUM, SUPERVISOR_UITGAAN])
def test_the_export_asked_the_server_once_per_inspection(
    central: Central, supervisor: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `fieldapp export --server` fetched every inspection's detail, one request
    each, and held every version until it wrote. Now it reads pages of versions and writes
    the same files."""
    calls: list[str] = []
    real = CentralLine.call

    def counted(self: CentralLine, method: str, path: str, **kwargs: Any) -> Any:
        calls.append(path)
        return real(self, method, path, **kwargs)

    with report_source(tmp_path, supervisor, DEMO_PASSWORD, server_url=central.url) as source:
        assert isinstance(source, CentralReportSource)
        exported = 0
        for form_id in (COFFEESHOP_FORM, PATROL, DOOR_TEST_FORM):
            old = held_way(source, form_id, EVERYTHING)
            if not old:  # a supervisor of the nightlife team reads no patrols
                continue
            exported += 1
            for fmt in ("csv", "xlsx"):
                expected = export_inspections(
                    old,
                    source.engine,
                    form_id,
                    tmp_path / "held" / f"{form_id}.{fmt}",
                    fmt=fmt,
                    venues=source.venues(),
                    areas=source.areas(),
                    csv_style="rfc4180",
                )
                monkeypatch.setattr(CentralLine, "call", counted)
                calls.clear()
                written = export(
                    source,
                    form_id,
                    EVERYTHING.start,
                    EVERYTHING.end,
                    tmp_path / "paged" / f"{form_id}.{fmt}",
                    fmt=fmt,
                    csv_style="rfc4180",
                )
                monkeypatch.undo()
                assert [p.name for p in written] == [p.name for p in expected]
                for made, held in zip(written, expected, strict=True):
                    assert made.read_bytes() == held.read_bytes(), made.name
                assert calls == ["/v1/export"] * math.ceil(len(old) / MAX_EXPORT_PAGE)
        assert exported >= 2


def test_pages_hold_each_readable_inspection_once_in_id_order(central: Central) -> None:
    for user in (SUPERVISOR_CENTRUM, SUPERVISOR_UITGAAN, BOA):
        with central.client(user) as client:
            inbox = client.get("/v1/inspections", params={"limit": 500, "form_id": PATROL})
            readable = {item["inspection_id"] for item in inbox.json()["items"]}
            seen: list[str] = []
            params: dict[str, Any] = {"form_id": PATROL, "limit": 7}
            while True:
                answer = client.get("/v1/export", params=params)
                assert answer.status_code == 200, answer.text
                page = answer.json()
                assert len(page["items"]) <= 7
                seen.extend(item["version"]["inspection_id"] for item in page["items"])
                if page["next_after"] is None:
                    break
                params["after"] = page["next_after"]
        assert seen == sorted(seen)
        assert set(seen) == readable and len(seen) == len(readable)
        if user == BOA:
            assert all(item["version"]["author"] == BOA for item in page["items"])


def test_an_export_page_held_up_to_200_records_of_any_size(
    central: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a page was bounded by count only, so 200 records near the JSON limit each
    were held in memory for one request. Now a page also ends at `EXPORT_PAGE_BYTES`;
    set here below one record, every page holds one inspection and none is lost."""
    monkeypatch.setattr(export_queries, "EXPORT_PAGE_BYTES", 1)
    with central.client(SUPERVISOR_CENTRUM) as client:
        inbox = client.get("/v1/inspections", params={"limit": 500, "form_id": PATROL})
        readable = {item["inspection_id"] for item in inbox.json()["items"]}
        assert len(readable) > 1
        seen: list[str] = []
        params: dict[str, Any] = {"form_id": PATROL, "limit": 200}
        for _page in range(len(readable) + 1):
            answer = client.get("/v1/export", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            assert len(page["items"]) == 1
            seen.extend(item["version"]["inspection_id"] for item in page["items"])
            if page["next_after"] is None:
                break
            params["after"] = page["next_after"]
    assert seen == sorted(readable)
