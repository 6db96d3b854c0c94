"""What a store offers the reports: `ReportSource`, which the device store and the central
store both implement (`fieldapp.reports.local`, `fieldapp.app.review.source`).

The reports never learn where the data lives; the report and export use cases in
`fieldapp.app.reports` are given a source.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Protocol

from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import Area, Venue
from fieldapp.core.summary import PeriodSummary
from fieldapp.reports.model import (
    Period,
    ReportDoorTest,
    ReportInspection,
    ReportScope,
    SummaryItem,
)


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

    def export_items(
        self, form_id: str, period: Period, areas: Collection[str]
    ) -> Iterable[SummaryItem]:
        """The latest version of every inspection of `form_id` that began in the period
        (by the version's own clock) in `areas` (all when empty), for the exports: streamed
        a page at a time, never all at once."""
        ...

    def summary_items(self, period: Period, areas: Collection[str]) -> Iterable[SummaryItem]:
        """Inspections of any form that may fall in the period (a superset is fine; it is
        filtered again), each read on its own: the way the exports and the summary read
        before `export_items` and `period_summary`, which the tests check them against."""
        ...

    def period_summary(self, period: Period, areas: Collection[str]) -> PeriodSummary:
        """The period summary's numbers, counted where the data is: streamed through
        `fieldapp.core.summary.SummaryCounter`, never every version in memory at once."""
        ...

    def engine(self, form_id: str, version: str) -> FormEngine:
        """The compiled form of a given id and version."""
        ...

    def venues(self) -> Mapping[str, Venue]: ...

    def areas(self) -> Mapping[str, Area]: ...

    def scope(self) -> ReportScope:
        """Whose inspections this source holds: a device's profile, or a supervisor's teams."""
        ...

    def public_name(self, username: str) -> str:
        """The name reports may show for a user: the pseudonym of a mystery guest."""
        ...
