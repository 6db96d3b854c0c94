"""Door-test visits are paired by round in the reports, never chosen between (issue 11, 2 and 8).

Real profiles with finalized visits; the local report source and the period summary pair
them with `fieldapp.core.doortest.pair_round_visits`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from fieldapp.core.expr import Value
from fieldapp.reports.door_test_report import door_test_report
from fieldapp.reports.local import LocalReportSource
from fieldapp.reports.model import Period
from fieldapp.reports.summary import AWAITING, NOT_PAIRABLE, summarize
from fieldapp.store import Profile
from tests.support.samples import SampleWorld, door_test_pair
from tests.support.store import new_profile

TESTER = "mg-noord-3"


def finalized_visit(
    profile: Profile,
    *,
    round_id: str,
    venue: str,
    role: str,
    arrival: datetime,
    result: str = "admitted",
) -> str:
    """A door-test visit filled in and finalized through the store's use cases."""
    inspection_id = profile.start_inspection("door_test", venue_id=venue)
    answers: Mapping[str, Value] = {
        "test_id": round_id,
        "venue": venue,
        "group_role": role,
        "design_label": "profiel A",
        "group_size": 3,
        "group_as_designed": "yes",
        "tester_pseudonym": "Tester Noord-3",
        "arrival_time": arrival,
        "dress_as_designed": "yes",
        "queue_present": "no",
        "waiting_minutes": 2,
        "house_rules_posted": "no",
        "id_requested": "no",
        "extra_conditions": ("none",),
        "entry_result": result,
        "tone": "neutral",
        "force_used": "no",
        "door_staff_roles": ("doorman",),
        "decision_by_role": "doorman",
        "door_staff_changed": "no",
        "visit_end_time": arrival + timedelta(minutes=10),
        "testers_did_not_argue": "OK",
        "truthful_declaration": "OK",
    }
    if result == "refused":
        answers = {
            **answers,
            "reason_given": "too_busy",
            "others_admitted_meanwhile": "yes",
        }
    for name, value in answers.items():
        profile.set_answer(inspection_id, name, value)
    profile.finalize(inspection_id)
    return inspection_id


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_a_third_visit_in_a_round_is_listed_not_silently_dropped(tmp_path: Path) -> None:
    # A round this device was not sent: its own rule cannot refuse the third visit, as a
    # supervisor's copy of visits from several devices cannot; the report must not choose.
    with new_profile(tmp_path, username=TESTER) as profile:
        evening = datetime(2026, 12, 12, 23, 10)
        club = "club-grotemarkt-20"
        first = finalized_visit(
            profile, round_id="pt-2026-91", venue=club, role="test", arrival=evening
        )
        control = finalized_visit(
            profile,
            round_id="pt-2026-91",
            venue=club,
            role="control",
            arrival=evening + timedelta(minutes=10),
        )
        second = finalized_visit(
            profile,
            round_id="pt-2026-91",
            venue=club,
            role="test",
            arrival=evening + timedelta(minutes=20),
            result="refused",
        )
        pair = LocalReportSource(profile).report_door_test("pt-2026-91")
        # Neither test visit is chosen over the other; both are listed with the reason.
        assert pair.test is None
        assert pair.control is not None and pair.control.version.inspection_id == control
        assert {r.visit_id for r in pair.refused} == {first, second}
        words = text_of(door_test_report(pair), tmp_path)
        assert "Bezoeken die niet voor deze ronde meetellen" in words
        assert first in words and second in words
        assert "er wordt niet tussen gekozen" in words


def test_a_round_spanning_two_venues_months_apart_is_not_a_pair(tmp_path: Path) -> None:
    with new_profile(tmp_path, username=TESTER) as profile:
        test = finalized_visit(
            profile,
            round_id="dt-2026-014",
            venue="club-plein-22",
            role="test",
            arrival=datetime(2026, 3, 7, 23, 0),
            result="refused",
        )
        control = finalized_visit(
            profile,
            round_id="dt-2026-014",
            venue="club-spui-185",
            role="control",
            arrival=datetime(2026, 12, 5, 23, 30),
        )
        source = LocalReportSource(profile)
        pair = source.report_door_test("dt-2026-014")
        assert pair.test is None and pair.control is None
        assert {r.visit_id for r in pair.refused} == {test, control}
        period = Period(date(2026, 1, 1), date(2026, 12, 31))
        summary = summarize(
            source.summary_items(period, ()), source.engine, period, venues=source.venues()
        )
        # Not two "waiting for the second visit", and never a gap of months.
        counted = {venue: dict(counts) for venue, counts in summary.door_tests.items()}
        assert counted == {"club-plein-22": {NOT_PAIRABLE: 1}, "club-spui-185": {NOT_PAIRABLE: 1}}
        assert all(AWAITING not in counts for counts in counted.values())


def test_the_report_states_the_ground_tested_and_the_order_of_the_visits(tmp_path: Path) -> None:
    samples = SampleWorld.load()
    pair = door_test_pair(samples)
    planned = samples.world.round("pt-2026-01")
    words = text_of(door_test_report(replace(pair, planned=planned)), tmp_path)
    # A report used for a sanction says which ground was tested (a round attribute).
    assert "Getoetste discriminatiegrond afkomst" in words
    assert "Volgorde volgens het ontwerp testgroep eerst" in words
    assert "Volgorde bij aankomst testgroep eerst" in words
    english = text_of(door_test_report(replace(pair, planned=planned), language="en"), tmp_path)
    assert "Ground tested origin" in english
    assert "Indication of unequal treatment" in english
