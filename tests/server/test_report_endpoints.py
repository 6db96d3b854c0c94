"""The period summary and a door-test round counted on the central store (issue 18): a seeded
history pushed through a real uvicorn, on SQLite and PostgreSQL, must give the numbers the
old way (one detail request per inspection, counted on the reader's side) gives, for each
supervisor only their teams' work, and the requests are bounded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.app.reports import report_source
from fieldapp.app.review.source import CentralReportSource
from fieldapp.core.doortest import DOOR_TEST_FORM, DoorTestVisit
from fieldapp.core.entities import Team
from fieldapp.core.inspection import InspectionStatus, new_id
from fieldapp.core.locations import seeds_directory
from fieldapp.core.summary import COFFEESHOP_FORM, Period
from fieldapp.core.worldfile import load_world
from fieldapp.protocol.reports import MAX_SUMMARY_DAYS
from fieldapp.reports.model import SummaryItem
from fieldapp.reports.summary import summarize
from fieldapp.server import schema
from fieldapp.server.summaries import SUMMARY_PERMITS, fill_missing_facts
from fieldapp.store.seed import seed_profile
from tests.support.central import (
    ADMIN,
    BACKENDS,
    BOA,
    DEMO_PASSWORD,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    make_version,
    push,
    running_central,
)
from tests.support.store import fill_draft, new_profile

PERIOD = Period(date(2000, 1, 1), date(2000, 12, 31))


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Central, dict[str, int], Period]]:
    """A central store holding 150 seeded inspections of every demo author, each pushed
    version by version by its own author; with how many each team made."""
    home = tmp_path_factory.mktemp(f"reports-{request.param}")
    with running_central(request.param, home / "central", "reports") as central:
        with new_profile(home / "device") as profile:
            # A template keeps its author: forty a form let every team author each form.
            seed_profile(profile, 150, seed=18, photo_share=0.0, templates_per_form=40)
            starts: list[date] = []
            made: list[tuple[str, date]] = []
            clients = {}
            try:
                for summary in profile.inspections():
                    statuses = []
                    for version in profile.versions(summary.inspection_id):
                        if version.author not in clients:
                            clients[version.author] = central.client(version.author)
                        statuses.append(push(clients[version.author], version).status_code)
                    # Every seeded visit fits its round; a refusal would skew the counts.
                    assert set(statuses) <= {200, 201}, statuses
                    starts.append(version.started_at.date())
                    user = profile.user(version.author)
                    team = user.team if user is not None else ""
                    made.append((team or "", version.started_at.date()))
            finally:
                for client in clients.values():
                    client.close()
        # A year, the longest a summary may span, ending at the last visit.
        period = Period(max(starts) - timedelta(days=MAX_SUMMARY_DAYS - 1), max(starts))
        teams: dict[str, int] = {}
        for team, day in made:
            if day in period:
                teams[team] = teams.get(team, 0) + 1
        yield central, teams, period


def _held_way(source: CentralReportSource, period: Period) -> object:
    """The summary as it was counted before issue 18: every inspection's detail fetched
    and the counting done here."""
    items: list[SummaryItem] = list(source.summary_items(period, ()))
    return summarize(items, source.engine, period, venues=source.venues())


@pytest.mark.parametrize("supervisor", [SUPERVISOR_CENTRUM, SUPERVISOR_UITGAAN])
def test_the_servers_summary_is_the_one_counted_from_every_detail(
    seeded: tuple[Central, dict[str, int], Period], supervisor: str, tmp_path: Path
) -> None:
    central, teams, period = seeded
    with report_source(tmp_path, supervisor, DEMO_PASSWORD, server_url=central.url) as source:
        assert isinstance(source, CentralReportSource)
        counted = source.period_summary(period, ())
        assert counted == _held_way(source, period)
        # Only the teams this supervisor leads, every inspection of them.
        led = {t.id for t in _teams_of(supervisor)}
        assert counted.total == sum(n for team, n in teams.items() if team in led) > 0
        # A past defect dropped every coffeeshop inspection from a supervisor's summary.
        if COFFEESHOP_FORM in counted.per_form_status:
            shops = sum(f.inspections for f in counted.coffeeshop_venues.values())
            assert shops == sum(counted.per_form_status[COFFEESHOP_FORM].values()) > 0


def _teams_of(supervisor: str) -> list[Team]:
    return [t for t in load_world(seeds_directory()).teams if t.supervisor == supervisor]


def test_every_team_is_counted_by_its_supervisor_once(
    seeded: tuple[Central, dict[str, int], Period], tmp_path: Path
) -> None:
    central, teams, period = seeded
    totals = 0
    for supervisor in (SUPERVISOR_CENTRUM, SUPERVISOR_UITGAAN):
        with central.client(supervisor) as client:
            answer = client.get(
                "/v1/reports/summary",
                params={"from": period.start.isoformat(), "to": period.end.isoformat()},
            )
        assert answer.status_code == 200, answer.text
        totals += answer.json()["total"]
    assert totals == sum(n for team, n in teams.items() if team)


def test_a_round_is_found_on_the_server_as_the_inbox_walk_found_it(
    seeded: tuple[Central, dict[str, int], Period], tmp_path: Path
) -> None:
    central, _teams, _period = seeded
    with report_source(
        tmp_path, SUPERVISOR_UITGAAN, DEMO_PASSWORD, server_url=central.url
    ) as source:
        assert isinstance(source, CentralReportSource)
        desk = source.desk
        # The old way, independently: every door-test detail, matched by its answers.
        rounds: dict[str, set[str]] = {}
        for item in desk.summaries():
            if item.form_id != DOOR_TEST_FORM:
                continue
            report = source.from_detail(desk.detail(item.inspection_id), with_earlier=False)
            visit = DoorTestVisit.from_answers(report.session.form_values())
            rounds.setdefault(visit.test_id, set()).add(item.inspection_id)
        assert rounds, "the seed made no door tests"
        for test_id, visits in rounds.items():
            found = desk.round_visits(test_id.upper())
            assert {d.summary.inspection_id for d in found.visits} == visits
            pair = source.report_door_test(test_id)
            halves = {h.version.inspection_id for h in (pair.test, pair.control) if h}
            assert halves | {r.visit_id for r in pair.refused} == visits
        with pytest.raises(KeyError):
            source.report_door_test("pt-0000-none")


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2026-01-01", "to": "2027-01-02"}, 422),
        ({"from": "2026-02-01", "to": "2026-01-01"}, 422),
        ({"from": "2026-02-30", "to": "2026-03-01"}, 422),
        ({"from": "0001-01-01", "to": "0001-01-02"}, 200),
        ({"from": "9999-12-30", "to": "9999-12-31"}, 200),
        ({"to": "2026-03-01"}, 422),
        ({"from": "2026-01-01", "to": "2026-01-31", "area": [f"a{n}" for n in range(101)]}, 422),
        ({"from": "2026-01-01", "to": "2026-01-31", "area": ["x" * 129]}, 422),
        ({"from": "2026-01-01", "to": "2026-01-31", "area": ["no-such-area"]}, 200),
    ],
)
def test_summary_requests_are_bounded_and_never_a_500(
    seeded: tuple[Central, dict[str, int], Period], params: dict[str, object], status: int
) -> None:
    central = seeded[0]
    with central.client(SUPERVISOR_CENTRUM) as client:
        answer = client.get("/v1/reports/summary", params=params)  # type: ignore[arg-type]
    assert answer.status_code == status, answer.text
    if status == 200 and params.get("area"):
        assert answer.json()["total"] == 0


def test_who_may_ask_for_a_summary_and_what_they_get(
    seeded: tuple[Central, dict[str, int], Period],
) -> None:
    central, _teams, period = seeded
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    with central.client(ADMIN) as client:
        assert client.get("/v1/reports/summary", params=params).status_code == 403
        assert client.get("/v1/reports/door-tests/pt-1").status_code == 403
    with central.client() as anonymous:
        assert anonymous.get("/v1/reports/summary", params=params).status_code == 401
    with central.client(BOA) as client:
        assert client.get("/v1/reports/door-tests/pt 1").status_code in (404, 422)
    # An author's summary counts their own inspections, as their inbox lists them.
    compared = 0
    for author in (u.username for u in load_world(seeds_directory()).users):
        if author in (ADMIN, SUPERVISOR_CENTRUM, SUPERVISOR_UITGAAN):
            continue
        with central.client(author) as client:
            inbox = client.get("/v1/inspections", params={"limit": 500})
            answer = client.get("/v1/reports/summary", params=params)
        if inbox.status_code == 403:
            continue  # not a role that makes inspections
        assert answer.status_code == 200, answer.text
        days = [date.fromisoformat(item["started_at"][:10]) for item in inbox.json()["items"]]
        assert answer.json()["total"] == sum(1 for day in days if day in period)
        compared += answer.json()["total"]
    assert compared > 0


def test_a_summary_beyond_the_permits_is_told_to_wait(
    seeded: tuple[Central, dict[str, int], Period],
) -> None:
    central, _teams, period = seeded
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    permits = central.store.reports._permits
    held = 0
    while permits.acquire(blocking=False):  # as if other summaries were counting
        held += 1
    try:
        with central.client(SUPERVISOR_CENTRUM) as client:
            answer = client.get("/v1/reports/summary", params=params)
        assert answer.status_code == 429
        assert answer.json()["code"] == "throttled" and answer.headers["Retry-After"]
    finally:
        for _ in range(held):
            permits.release()
    assert held == SUMMARY_PERMITS
    with central.client(SUPERVISOR_CENTRUM) as client:
        assert client.get("/v1/reports/summary", params=params).status_code == 200


def test_each_pushed_version_has_its_facts_and_a_version_without_them_counts_the_same(
    seeded: tuple[Central, dict[str, int], Period],
) -> None:
    """The summary reads the facts written at push time; a version without them (stored
    before schema 6, or through the DBA's SQL) is read from its record, with the same
    numbers, and the migration's fill-in writes exactly what the push wrote."""
    central, _teams, period = seeded
    database = central.store.database
    facts, versions = schema.summary_facts, schema.versions
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}

    def counted() -> object:
        with central.client(SUPERVISOR_CENTRUM) as client:
            answer = client.get("/v1/reports/summary", params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    with database.read() as connection:
        pushed = dict(connection.execute(sa.select(facts.c.version_id, facts.c.facts)).all())
        held = connection.execute(sa.select(sa.func.count()).select_from(versions)).scalar_one()
    assert len(pushed) == held > 100
    from_facts = counted()
    with database.write() as connection:
        connection.execute(sa.delete(facts))
    try:
        assert counted() == from_facts
    finally:
        with database.write() as connection:
            assert fill_missing_facts(connection) == held
    with database.read() as connection:
        assert dict(connection.execute(sa.select(facts.c.version_id, facts.c.facts)).all()) == (
            pushed
        )
    assert counted() == from_facts


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_correction_is_counted_with_its_own_findings_and_the_review_state(
    backend: str, tmp_path: Path
) -> None:
    """A returned coffeeshop inspection corrected on the device: the server's summary counts
    the correction's findings (not its base's) and the inspection's state as it changes."""
    with (
        running_central(backend, tmp_path / "central", "correction") as central,
        new_profile(tmp_path / "device") as profile,
        central.client(BOA) as boa,
        central.client(SUPERVISOR_CENTRUM) as supervisor,
    ):
        first = profile.finalize(fill_draft(profile, COFFEESHOP_FORM, 55))
        assert "criterion_A_violation" in first.outcomes
        assert push(boa, first).status_code == 201
        comments = [{"question": "advertising_found", "text": "Reclame opnieuw bekijken."}]
        returned = supervisor.post(
            f"/v1/inspections/{first.inspection_id}/return",
            json={"event_id": new_id(), "version_id": first.version_id, "comments": comments},
        )
        assert returned.status_code == 200, returned.text
        at = datetime.now(UTC)
        assert profile.apply_return(
            first.inspection_id,
            first.version_id,
            {"advertising_found": "Reclame opnieuw bekijken."},
            SUPERVISOR_CENTRUM,
            at,
        )
        profile.start_correction(first.inspection_id)
        # The advertising turns out to be the neighbour's: that violation goes.
        profile.set_answer(first.inspection_id, "advertising_found", "no")
        correction = profile.finalize(first.inspection_id)
        assert set(first.outcomes) - set(correction.outcomes) == {"criterion_A_violation"}
        assert correction.outcomes
        day = first.started_at.date()
        period = Period(day - timedelta(days=2), day + timedelta(days=2))
        with report_source(
            tmp_path / "reader", SUPERVISOR_CENTRUM, DEMO_PASSWORD, server_url=central.url
        ) as source:
            assert isinstance(source, CentralReportSource)
            before = source.period_summary(period, ())
            assert before == _held_way(source, period)
            assert dict(before.per_form_status[COFFEESHOP_FORM]) == {InspectionStatus.RETURNED: 1}
            assert push(boa, correction).status_code == 201
            for sha in {a.sha256 for a in (*first.attachments, *correction.attachments)}:
                photo = profile.read_attachment(sha)
                assert boa.put(f"/v1/blobs/{sha}", content=photo).status_code == 201
            approved = supervisor.post(
                f"/v1/inspections/{first.inspection_id}/approve",
                json={"event_id": new_id(), "version_id": correction.version_id},
            )
            assert approved.status_code == 200, approved.text
            after = source.period_summary(period, ())
            assert after == _held_way(source, period)
        assert dict(after.per_form_status[COFFEESHOP_FORM]) == {InspectionStatus.APPROVED: 1}
        (venue,) = after.coffeeshop_venues.values()
        assert venue.inspections == 1
        assert set(venue.outcomes) == set(correction.outcomes)
        (earlier,) = before.coffeeshop_venues.values()
        assert set(earlier.outcomes) == set(first.outcomes)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_version_pushed_again_after_its_row_was_lost_is_taken_with_its_facts(
    backend: str, tmp_path: Path
) -> None:
    """Facts left behind by a hand-made deletion of their version do not refuse the version
    when its device pushes it again (its facts are the same: a version never changes)."""
    with (
        running_central(backend, tmp_path / "central", "facts-again") as central,
        central.client(BOA) as boa,
    ):
        version = make_version(BOA)
        assert push(boa, version).status_code == 201
        facts = schema.summary_facts
        with central.store.database.write() as connection:
            kept = connection.execute(sa.select(facts)).one()
            for table in (schema.versions, schema.inspections):
                connection.execute(sa.delete(table))
        assert push(boa, version).status_code == 201
        with central.store.database.read() as connection:
            assert connection.execute(sa.select(facts)).one() == kept


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_version_whose_form_was_gone_stopped_the_upgrade_to_schema_6(
    backend: str, tmp_path: Path
) -> None:
    """Before: the fill-in of schema 6 raised on a version whose form row was missing, and
    the whole upgrade failed; now that version is left to be read from its record."""
    with running_central(backend, tmp_path, "facts-gone") as central:
        version = make_version(BOA)
        with central.client(BOA) as boa:
            assert push(boa, version).status_code == 201
        database = central.store.database
        forms, facts = schema.forms, schema.summary_facts
        with database.write() as connection:
            connection.execute(sa.delete(facts))
            connection.execute(
                sa.delete(forms)
                .where(forms.c.form_id == version.form_id)
                .where(forms.c.form_version == version.form_version)
            )
        with database.write() as connection:
            assert fill_missing_facts(connection) == 0
        with database.read() as connection:
            assert connection.execute(sa.select(sa.func.count()).select_from(facts)).scalar() == 0
