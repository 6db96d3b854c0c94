"""What the `fieldapp report …` and `fieldapp export …` verbs do, given a source of data.

The CLI wires these to a local profile or the central store through `ReportSource`, a
protocol each store implements; nothing here knows where the data lives. Every function
writes its file atomically and returns the paths written.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Protocol

from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import Area, Venue
from fieldapp.core.files import write_atomically
from fieldapp.reports.door_test_report import door_test_report
from fieldapp.reports.export import ExportFormat, export_inspections
from fieldapp.reports.i18n import Language
from fieldapp.reports.inspection_report import inspection_report
from fieldapp.reports.model import Period, ReportDoorTest, ReportInspection, SummaryItem
from fieldapp.reports.patrol_report import PATROL_FORM, patrol_report
from fieldapp.reports.summary import area_of, summarize
from fieldapp.reports.summary_report import summary_report


class ReportSource(Protocol):
    """What a store offers the reports; the device store and the central store both can.

    Lookups raise KeyError for an unknown id; the CLI turns that into a plain sentence.
    """

    def report_inspection(self, inspection_id: str) -> ReportInspection:
        """The latest version of an inspection, with its review history and context."""
        ...

    def report_door_test(self, test_id: str) -> ReportDoorTest:
        """Both visits of a paired door test (either may be missing)."""
        ...

    def summary_items(self, period: Period, areas: Collection[str]) -> Iterable[SummaryItem]:
        """Inspections that may fall in the period (a superset is fine; it is filtered again)."""
        ...

    def engine(self, form_id: str, version: str) -> FormEngine:
        """The compiled form of a given id and version."""
        ...

    def venues(self) -> Mapping[str, Venue]: ...

    def areas(self) -> Mapping[str, Area]: ...

    def public_name(self, username: str) -> str:
        """The name reports may show for a user: the pseudonym of a mystery guest."""
        ...


def report_inspection(
    source: ReportSource, inspection_id: str, output: Path, *, language: Language = "nl"
) -> Path:
    """`fieldapp report inspection ID -o FILE`; a patrol gets the patrol report."""
    inspection = source.report_inspection(inspection_id)
    if inspection.version.form_id == PATROL_FORM:
        return write_atomically(output, patrol_report(inspection, language=language))
    return write_atomically(output, inspection_report(inspection, language=language))


def report_door_test(
    source: ReportSource, test_id: str, output: Path, *, language: Language = "nl"
) -> Path:
    """`fieldapp report door-test TEST_ID -o FILE`."""
    return write_atomically(
        output, door_test_report(source.report_door_test(test_id), language=language)
    )


def report_patrol(
    source: ReportSource, inspection_id: str, output: Path, *, language: Language = "nl"
) -> Path:
    """`fieldapp report patrol ID -o FILE`."""
    return write_atomically(
        output, patrol_report(source.report_inspection(inspection_id), language=language)
    )


def report_summary(
    source: ReportSource,
    start: date,
    end: date,
    output: Path,
    *,
    areas: Collection[str] = (),
    language: Language = "nl",
) -> Path:
    """`fieldapp report summary --from DATE --to DATE [--area …] -o FILE`."""
    period = Period(start, end)
    venues = source.venues()
    summary = summarize(
        source.summary_items(period, areas), source.engine, period, venues=venues, areas=areas
    )
    pdf = summary_report(summary, venues=venues, areas=source.areas(), language=language)
    return write_atomically(output, pdf)


def export(
    source: ReportSource,
    form_id: str,
    start: date,
    end: date,
    output: Path,
    *,
    fmt: ExportFormat,
    areas: Collection[str] = (),
    language: Language = "nl",
    include_personal_data: bool = False,
) -> list[Path]:
    """`fieldapp export --format csv|xlsx`: one form's inspections in a period."""
    period = Period(start, end)
    venues = source.venues()
    wanted = set(areas)
    items = [
        item
        for item in source.summary_items(period, areas)
        if item.version.started_at.date() in period
    ]
    if wanted:
        items = [item for item in items if area_of(item.version, venues) in wanted]
    return export_inspections(
        items,
        source.engine,
        form_id,
        output,
        fmt=fmt,
        language=language,
        venues=venues,
        areas=source.areas(),
        include_personal_data=include_personal_data,
        authors=source.public_name,
    )
