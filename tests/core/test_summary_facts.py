"""A version's summary facts written as JSON and read back equal, odd values included."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time

from fieldapp.core.summary import VersionFacts


def test_an_infinite_calculated_answer_made_the_facts_unwritable() -> None:
    """Before: the facts were written with `allow_nan=False`, so a calculation that came
    out infinite raised at finalize (device) and at push (a 500 on the server)."""
    facts = VersionFacts(
        inspection_id="i1",
        form_id="door_test",
        form_version="2026.1",
        author="mg-noord-3",
        started_at=datetime(2026, 12, 19, 22, 40, tzinfo=UTC),
        finalized_at=datetime(2026, 12, 19, 23, 5, tzinfo=UTC),
        area_id=None,
        venue_id="club-grotemarkt-20",
        outcomes=(),
        visit={
            "wait_ratio": math.inf,
            "visit_date": date(2026, 12, 19),
            "arrived": time(22, 40),
            "group_role": "test",
            "reasons": ("dress_code",),
        },
    )
    again = VersionFacts.from_json(facts.to_json())
    assert again == facts
    assert again.visit is not None and again.visit["wait_ratio"] == math.inf
