"""Reports and exports: what `fieldapp report …`, `fieldapp export …` and the review's PDF do.

`report_source` opens where the data comes from — the device's profile, or the central
store as a supervisor sees it — as a `fieldapp.reports.source.ReportSource`; the other
functions only use that protocol. Every function that writes a file writes it atomically
and returns the paths written.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from fieldapp.core.files import write_atomically
from fieldapp.core.texts import Text
from fieldapp.reports.door_test_report import door_test_report
from fieldapp.reports.export import CsvStyle, ExportFormat, default_csv_style, export_inspections
from fieldapp.reports.i18n import Language
from fieldapp.reports.inspection_report import inspection_report
from fieldapp.reports.local import LocalReportSource
from fieldapp.reports.model import Period, ReportDoorTest, ReportInspection
from fieldapp.reports.patrol_report import PATROL_FORM, patrol_report
from fieldapp.reports.source import ReportSource
from fieldapp.reports.summary_report import summary_report
from fieldapp.store import open_profile
from fieldapp.store.password import read_password

__all__ = [
    "ReportSource",
    "UnknownArea",
    "default_csv_style",
    "export",
    "inspection_pdf",
    "read_password",
    "report_door_test",
    "report_inspection",
    "report_patrol",
    "report_source",
    "report_summary",
]


class UnknownArea(ValueError):
    """An `--area` the source does not know: refused, not read as 'nothing there'."""

    def __init__(self, area: str) -> None:
        super().__init__(f"unknown area: {area}")
        self.area = area
        self.message = Text(nl=f"Onbekende wijk: {area}", en=f"Unknown area: {area}")


def known_areas(source: ReportSource, areas: Collection[str]) -> tuple[str, ...]:
    """The asked areas, each checked against the source's; raises `UnknownArea`."""
    known = source.areas()
    for area in areas:
        if area not in known:
            raise UnknownArea(area)
    return tuple(dict.fromkeys(areas))


@contextmanager
def report_source(
    home: Path, username: str, password: str, *, server_url: str | None = None
) -> Iterator[ReportSource]:
    """The profile of `username` in `home`, or the central store at `server_url`.

    The password unlocks the profile, or signs `username` in to the central store, with
    the addresses and CAs the home trusts (`fieldapp.app.syncing.server_trust`).
    """
    if server_url:
        # Only a report from the central store pays for the HTTP client and its models.
        from fieldapp.app.review.desk import CentralReference, ReviewDesk
        from fieldapp.app.review.source import CentralReportSource
        from fieldapp.app.syncing import server_trust
        from fieldapp.sync.transport import WHILE_A_PERSON_WAITS, CentralLine, Credentials

        line = CentralLine(
            server_url,
            device_id="fieldapp-cli",
            credentials=Credentials(username, password),
            trust=server_trust(home),
            retry=WHILE_A_PERSON_WAITS,
        )
        try:
            reference = CentralReference.pull(line, username)
            desk = ReviewDesk(line, username)
            yield CentralReportSource(
                desk,
                reference.engine,
                reference.venues,
                reference.areas,
                reference.scope(username),
            )
        finally:
            line.close()
        return
    with open_profile(home, username, password, create=False) as profile:
        yield LocalReportSource(profile)


def inspection_pdf(
    inspection: ReportInspection,
    pair: ReportDoorTest | None = None,
    *,
    language: Language = "nl",
) -> bytes:
    """The PDF of one inspection: the door-test report when its `pair` is known, the patrol
    report for a patrol, else the report of findings."""
    if pair is not None:
        return door_test_report(pair, language=language)
    if inspection.version.form_id == PATROL_FORM:
        return patrol_report(inspection, language=language)
    return inspection_report(inspection, language=language)


def report_inspection(
    source: ReportSource, inspection_id: str, output: Path, *, language: Language = "nl"
) -> Path:
    """`fieldapp report inspection ID -o FILE`; a patrol gets the patrol report."""
    inspection = source.report_inspection(inspection_id)
    return write_atomically(output, inspection_pdf(inspection, language=language))


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
    areas = known_areas(source, areas)
    period = Period(start, end)
    venues = source.venues()
    summary = source.period_summary(period, areas)
    pdf = summary_report(
        summary, venues=venues, areas=source.areas(), language=language, scope=source.scope()
    )
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
    csv_style: CsvStyle = "rfc4180",
) -> list[Path]:
    """`fieldapp export --format csv|xlsx`: one form's inspections in a period."""
    areas = known_areas(source, areas)
    period = Period(start, end)
    venues = source.venues()
    # Streamed from the source a page at a time, and written as it comes.
    return export_inspections(
        source.export_items(form_id, period, areas),
        source.engine,
        form_id,
        output,
        fmt=fmt,
        language=language,
        venues=venues,
        areas=source.areas(),
        include_personal_data=include_personal_data,
        authors=source.public_name,
        csv_style=csv_style,
    )
