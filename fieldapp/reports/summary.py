"""The period summary's numbers over report items: `summarize` feeds `SummaryCounter`.

The counting itself lives in `fieldapp.core.summary`, where the device's store and the
central store stream their rows into it one inspection at a time. `summarize` is the same
count over `SummaryItem`s a caller already holds (tests, benchmarks, a handful of versions):
with several versions of one inspection only the latest counts, by the chain of bases,
never by device clocks.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from fieldapp.core.entities import DoorTestRound, Venue
from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.summary import (
    AWAITING,
    COFFEESHOP_FORM,
    NOT_PAIRABLE,
    PATROL_FORM,
    EngineLookup,
    OutcomeCount,
    Period,
    PeriodSummary,
    SummaryCounter,
    SummaryRow,
    VenueFindings,
    place_area,
)
from fieldapp.reports.model import SummaryItem

__all__ = [
    "AWAITING",
    "COFFEESHOP_FORM",
    "NOT_PAIRABLE",
    "PATROL_FORM",
    "EngineLookup",
    "OutcomeCount",
    "PeriodSummary",
    "VenueFindings",
    "area_of",
    "latest_versions",
    "place_area",
    "row_of",
    "summarize",
]


def latest_versions(items: Iterable[SummaryItem]) -> list[SummaryItem]:
    """One item per inspection: the version no other version names as its base.

    Versions are ordered by their chain, never by device clocks.
    """
    listed = list(items)
    replaced = {item.version.base_version_id for item in listed if item.version.base_version_id}
    latest: dict[str, SummaryItem] = {}
    for item in listed:
        if item.version.version_id not in replaced:
            latest[item.version.inspection_id] = item
    return list(latest.values())


def area_of(version: InspectionVersion, venues: Mapping[str, Venue]) -> str:
    return place_area(version.area_id, version.venue_id, venues)


def row_of(item: SummaryItem) -> SummaryRow:
    """What the counter reads of one report item."""
    version = item.version
    return SummaryRow(
        inspection_id=version.inspection_id,
        form_id=version.form_id,
        form_version=version.form_version,
        status=item.status,
        author=version.author,
        started_at=version.started_at,
        finalized_at=version.finalized_at,
        area_id=version.area_id,
        venue_id=version.venue_id,
        outcomes=version.outcomes,
        document=version.document,
    )


def summarize(
    items: Iterable[SummaryItem],
    engines: EngineLookup,
    period: Period,
    *,
    venues: Mapping[str, Venue],
    areas: Collection[str] = (),
    rounds: Mapping[str, DoorTestRound] | None = None,
) -> PeriodSummary:
    """Count the items whose inspection started in `period` (and in `areas`, when given).

    `rounds` is the round register by id, when the source has it; without it the visits of
    a round must agree among themselves on venue and evening.
    """
    counter = SummaryCounter(period, engines, venues=venues, areas=areas)
    for item in latest_versions(items):
        counter.add(row_of(item))
    return counter.finish(rounds)
