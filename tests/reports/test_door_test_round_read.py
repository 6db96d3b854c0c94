"""The device's door-test report reads only the round it is about (issue 18).

A real profile holds many door-test rounds and other inspections; the report of one round
must equal the report paired from every door test of the profile (the way it was made
before, computed here), while the store decodes only that round's records. Decodes are
counted with a spy on the store's `decode_record` that calls the real one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fieldapp.core.inspection import InspectionVersion
from fieldapp.reports import door_test_report
from fieldapp.reports.local import LocalReportSource
from fieldapp.store import finalized, versions
from tests.reports.test_door_test_pairing import finalized_visit
from tests.support.central import MYSTERY_GUEST
from tests.support.samples import paired_from_every_door_test
from tests.support.store import fill_draft, new_profile

ROUND = "pt-2026-31"
CLUB = "club-grotemarkt-20"
OTHER_CLUB = "club-plein-22"
EVENING = datetime(2026, 12, 12, 23, 10)
OTHER_ROUNDS = 12


def test_the_door_test_report_read_every_door_test_of_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with new_profile(tmp_path / "device", username=MYSTERY_GUEST) as profile:
        for number in range(OTHER_ROUNDS):
            evening = EVENING - timedelta(days=number + 1)
            for offset, role in enumerate(("test", "control")):
                finalized_visit(
                    profile,
                    round_id=f"pt-2026-{100 + number}",
                    venue=OTHER_CLUB if number % 2 else CLUB,
                    role=role,
                    arrival=evening + timedelta(minutes=10 * offset),
                )
        ours = {
            finalized_visit(profile, round_id=ROUND, venue=CLUB, role="test", arrival=EVENING),
            # The round id as another tester typed it: rounds are compared without case.
            finalized_visit(
                profile,
                round_id=ROUND.upper(),
                venue=CLUB,
                role="control",
                arrival=EVENING + timedelta(minutes=10),
            ),
            # A second visit of the test group: both are refused (listed in the order the
            # profile lists them) and the test half stays open.
            finalized_visit(
                profile,
                round_id=ROUND,
                venue=CLUB,
                role="test",
                arrival=EVENING + timedelta(minutes=20),
                result="refused",
            ),
        }
        profile.finalize(fill_draft(profile, "coffeeshop_inspection", seed=4))
        source = LocalReportSource(profile)
        expected = paired_from_every_door_test(profile, source, ROUND)
        assert expected.test is None and expected.control is not None
        assert len(expected.refused) == 2

        decoded: list[str] = []
        real: Callable[[bytes], InspectionVersion] = versions.decode_record

        def counted(record: bytes) -> InspectionVersion:
            version = real(record)
            decoded.append(version.inspection_id)
            return version

        monkeypatch.setattr(finalized, "decode_record", counted)
        pair = source.report_door_test(ROUND.upper())
        # Only the round's records: its three visits, then the one reported on.
        assert set(decoded) == ours
        assert len(decoded) == 3 + 1
        assert {v.inspection_id for v in profile.round_versions(ROUND)} == ours
        assert profile.count(form_ids=("door_test",)) == 2 * OTHER_ROUNDS + 3
        monkeypatch.undo()

        assert pair.test_id == ROUND.upper()
        assert door_test_report(pair) == door_test_report(
            paired_from_every_door_test(profile, source, ROUND.upper())
        )
