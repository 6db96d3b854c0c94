"""The same door-test report and the same summary from a profile and from the central store
(issue 11, item 2 and defect 5): the visits pass through a real uvicorn, both sources pair
them with `fieldapp.core.doortest.pair_round_visits`, and the extracted texts must agree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldapp.app.reports import report_door_test, report_source, report_summary
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.reports.local import LocalReportSource
from fieldapp.store import Profile
from tests.reports.test_door_test_pairing import finalized_visit
from tests.support.central import DEMO_PASSWORD, MYSTERY_GUEST, SUPERVISOR_UITGAAN, running_central
from tests.support.store import FakeClock, new_profile
from tests.support.sync import client_for

ROUND = "pt-2026-31"
CLUB = "club-grotemarkt-20"
EVENING = datetime(2026, 12, 12, 23, 10)


def text_of(path: Path) -> list[str]:
    """The extracted lines, without the running footer (its hash covers the source line),
    and with the moments of the review trail (and the 'as of' it ends in) masked: the
    device's clock says when it sent a version, the server's when it received it."""
    lines: list[str] = []
    for page in PdfReader(path).pages:
        for line in page.extract_text().splitlines():
            line = " ".join(line.split())
            if not line or re.search(r"[0-9a-f]{8}|^Pagina \d+ van \d+", line):
                continue
            line = re.sub(r"\d\d-\d\d-\d{4} \d\d:\d\d", "<moment>", line)
            lines.append(re.sub(r"\d{1,2} \w+ \d{4}, \d\d:\d\d", "<moment>", line))
    return lines


@pytest.fixture
def visits(tmp_path: Path) -> Iterator[tuple[Profile, dict[str, str]]]:
    """A round with a test visit, a control visit and a second test visit, sent."""
    # The device's clock near the server's, so 'finalized' comes before 'received'.
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=5))
    with new_profile(tmp_path / "device", username=MYSTERY_GUEST, clock=clock) as profile:
        made = {
            "test": finalized_visit(
                profile, round_id=ROUND, venue=CLUB, role="test", arrival=EVENING
            ),
            "control": finalized_visit(
                profile,
                round_id=ROUND,
                venue=CLUB,
                role="control",
                arrival=EVENING + timedelta(minutes=10),
            ),
            "again": finalized_visit(
                profile,
                round_id=ROUND,
                venue=CLUB,
                role="test",
                arrival=EVENING + timedelta(minutes=20),
                result="refused",
            ),
        }
        yield profile, made


def test_profile_and_server_print_the_same_pair_and_summary(
    visits: tuple[Profile, dict[str, str]], tmp_path: Path
) -> None:
    profile, made = visits
    local = LocalReportSource(profile)
    start, end = date(2026, 12, 1), date(2026, 12, 31)
    with running_central("sqlite", tmp_path / "central", "agree") as central:
        with client_for(profile, central.url) as sync:
            assert sync.sync_once().complete
        here = {
            "pair": report_door_test(local, ROUND, tmp_path / "local-pair.pdf"),
            "summary": report_summary(local, start, end, tmp_path / "local-summary.pdf"),
        }
        with report_source(
            tmp_path, SUPERVISOR_UITGAAN, DEMO_PASSWORD, server_url=central.url
        ) as remote:
            pair = remote.report_door_test(ROUND)
            there = {
                "pair": report_door_test(remote, ROUND, tmp_path / "remote-pair.pdf"),
                "summary": report_summary(remote, start, end, tmp_path / "remote-summary.pdf"),
            }
    # Neither test visit is chosen: both are listed, from the server as on the device.
    assert pair.test is None
    assert pair.control is not None and pair.control.version.inspection_id == made["control"]
    assert {r.visit_id for r in pair.refused} == {made["test"], made["again"]}
    assert text_of(here["pair"]) == text_of(there["pair"])
    local_lines, remote_lines = text_of(here["summary"]), text_of(there["summary"])
    # The first page states the scope: whose inspections, which teams and areas.
    first = " ".join(remote_lines[:20])
    assert "Bron centrale opslag, zoals Ricardo Pinas die ziet" in first
    world = load_world(seeds_directory())
    for team in world.teams:
        assert (team.name in first) == (team.supervisor == SUPERVISOR_UITGAAN), team.name
    assert "alle wijken" not in " ".join(remote_lines)
    assert "profiel van Tester Noord-3 op dit apparaat" in " ".join(local_lines[:20])

    # Apart from the scope lines, the same figures.
    def body(lines: list[str]) -> list[str]:
        # The running footer repeats the areas line; the scope differs by design.
        start = lines.index("Aantallen per formulier en status")
        return [line for line in lines[start:] if not line.startswith("Periode ")]

    assert body(local_lines) == body(remote_lines)
