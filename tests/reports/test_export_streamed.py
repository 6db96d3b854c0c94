"""`fieldapp export` from a profile reads pages of versions and writes as it reads (issue 18).

A real profile with a seeded history; the files must be byte for byte those of the old way
(every version gathered first, then written), and the store is read a page at a time.
Decodes are counted with a spy on the store's `decode_record` that calls the real one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from fieldapp.app.reports import export
from fieldapp.core.inspection import InspectionVersion
from fieldapp.reports import Period, SummaryItem, export_inspections
from fieldapp.reports.local import LocalReportSource
from fieldapp.store import PastInspection, Profile, finalized, versions
from fieldapp.store.seed import seed_profile
from tests.support.samples import SampleWorld, coffeeshop_inspection, version_of
from tests.support.store import new_profile

FORMS = ("coffeeshop_inspection", "neighbourhood_patrol", "door_test")


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    with new_profile(tmp_path_factory.mktemp("export") / "device") as seeded:
        seed_profile(seeded, 150, seed=20, photo_share=0.2, templates_per_form=8)
        yield seeded


def held_way(source: LocalReportSource, form_id: str, period: Period) -> list[SummaryItem]:
    """Every version of the period gathered first, as the export did before."""
    return [
        item
        for item in source.summary_items(period, ())
        if item.version.form_id == form_id and item.version.started_at.date() in period
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_from_a_profile_writes_what_the_gathered_export_wrote(
    profile: Profile, fmt: str, tmp_path: Path
) -> None:
    source = LocalReportSource(profile)
    starts = sorted(s.started_at.date() for s in profile.inspections())
    # A period that cuts the history, so the narrowing is tested too.
    period = Period(starts[len(starts) // 3], date(2100, 1, 1))
    for form_id in FORMS:
        old = held_way(source, form_id, period)
        assert old, form_id
        expected = export_inspections(
            old,
            source.engine,
            form_id,
            tmp_path / "held" / f"{form_id}.{fmt}",
            fmt=fmt,  # type: ignore[arg-type]
            venues=source.venues(),
            areas=source.areas(),
            include_personal_data=True,
            authors=source.public_name,
            csv_style="excel",
        )
        written = export(
            source,
            form_id,
            period.start,
            period.end,
            tmp_path / "streamed" / f"{form_id}.{fmt}",
            fmt=fmt,  # type: ignore[arg-type]
            include_personal_data=True,
            csv_style="excel",
        )
        assert [p.name for p in written] == [p.name for p in expected]
        for made, held in zip(written, expected, strict=True):
            assert made.read_bytes() == held.read_bytes(), made.name


def test_the_profile_is_read_as_the_export_goes_every_version_once(
    profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    real: Callable[[bytes], InspectionVersion] = versions.decode_record

    def counted(record: bytes) -> InspectionVersion:
        version = real(record)
        decoded.append(version.version_id)
        return version

    monkeypatch.setattr(finalized, "decode_record", counted)
    stream = profile.current_versions(
        "neighbourhood_patrol", started_from=date(2000, 1, 1), page=10
    )
    next(stream)
    assert len(decoded) == 1  # nothing is read ahead of the writer but the page's rows
    rest = list(stream)
    total = profile.count(form_ids=("neighbourhood_patrol",))
    assert len(rest) + 1 == len(decoded) == total > 20
    assert len(set(decoded)) == total


def test_the_export_left_out_a_visit_begun_just_after_midnight_on_its_first_day(
    tmp_path: Path,
) -> None:
    """The profile keeps starts in UTC; the export narrowed by that day, so a visit begun at
    00:30 in Dutch winter time (23:30 UTC the day before) fell out of a period starting
    that day, though its own clock, which the export goes by, says it is in."""
    samples = SampleWorld.load()
    made = coffeeshop_inspection(samples, seed=31, photos=1, with_reviews=False)
    just_after_midnight = datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    version = version_of(
        made.session,
        seed="midnight",
        author=made.version.author,
        started_at=just_after_midnight,
        venue_id=made.version.venue_id,
    )
    files = {a.sha256: samples.attachment(a.sha256) for a in version.attachments}
    with new_profile(tmp_path / "device") as profile:
        profile.add_past_inspections([PastInspection(version, files)])
        written = export(
            LocalReportSource(profile),
            "coffeeshop_inspection",
            date(2026, 12, 1),
            date(2026, 12, 31),
            tmp_path / "december.csv",
            fmt="csv",
        )
    rows = written[0].read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and rows[1].startswith(version.inspection_id)


def test_an_inspection_whose_correction_came_before_its_base_was_left_out(
    tmp_path: Path,
) -> None:
    """Before: the last version seen of an inspection was the one kept, so a correction
    read before the version it replaces made the inspection vanish from the export."""
    import csv

    from fieldapp.core.inspection import InspectionStatus
    from tests.support.samples import patrol

    samples = SampleWorld.load()
    first = patrol(samples, seed=1, observations=2)
    base = first.version
    correction = version_of(
        first.session,
        seed=("correction",),
        author=base.author,
        started_at=base.started_at,
        venue_id=base.venue_id,
        base_version_id=base.version_id,
        generation=2,
    ).model_copy(update={"inspection_id": base.inspection_id})
    for name, order in (
        ("base-first", [base, correction]),
        ("correction-first", [correction, base]),
    ):
        written = export_inspections(
            [SummaryItem(v, InspectionStatus.SENT) for v in order],
            samples.engine,
            "neighbourhood_patrol",
            tmp_path / f"{name}.csv",
            fmt="csv",
        )
        with written[0].open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        assert [row["version_id"] for row in rows] == [correction.version_id], name
