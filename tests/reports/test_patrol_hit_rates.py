"""The patrol report gives the hit rate per time of day too, with its sample size (issue 10
and 11, item 6); the figures are counted here from the rows, not by the report code."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime

from pypdf import PdfReader

from fieldapp.reports.patrol_report import patrol_report
from tests.support.samples import SampleWorld, patrol


def test_the_patrol_report_gives_the_hit_rate_per_time_of_day() -> None:
    samples = SampleWorld.load()
    inspection = patrol(samples, seed=3)
    session = inspection.session
    persons: Counter[str] = Counter()
    reactive: Counter[str] = Counter()
    for row in session.rows["person_checks"]:
        moment = session.value("check_time", row)
        assert isinstance(moment, datetime)
        part = ("nacht", "ochtend", "middag", "avond")[moment.hour // 6]
        count = session.value("persons_checked", row)
        assert isinstance(count, int)
        if session.value("check_kind", row) == "proactive":
            persons[part] += count
        else:
            reactive[part] += count
    assert persons
    reader = PdfReader(io.BytesIO(patrol_report(inspection)))
    words = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Trefkans van proactieve controles per dagdeel" in words
    for part, count in persons.items():
        # Below the minimum sample of 10 persons: "too few checks", never a percentage.
        assert re.search(
            rf"{part} \(\d+–\d+ uur\) {count} \d+ te weinig controles {reactive[part]}", words
        )
