"""A `fieldapp.reports.source.ReportSource` over the central store, for the supervisor.

Qt-free: the review screen and `fieldapp report … --server` both use it. It lives in the
application layer because it joins the review desk and the reports' model, and the layer
rules let neither the sync layer nor the reports import the other.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta

from fieldapp.app.review.desk import InboxFilter, ReviewDesk
from fieldapp.core.doortest import DoorTestVisit, RoundVisit, pair_round_visits
from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import Area, Venue
from fieldapp.core.summary import PeriodSummary, place_area
from fieldapp.protocol.models import InspectionDetail, ReviewAction
from fieldapp.reports.model import (
    Author,
    EarlierInspection,
    Period,
    ReportComment,
    ReportDoorTest,
    ReportInspection,
    ReportScope,
    ReviewEntry,
    SummaryItem,
    TrailStep,
    instant,
    is_door_test,
    replies_in,
)


class CentralReportSource:
    """A `fieldapp.reports.source.ReportSource` over the central store.

    The period summary and a door-test round's visits are found on the central store, one
    request each; the exports read the latest versions of one form a page of up to
    `MAX_EXPORT_PAGE` at a time (`ReviewDesk.export_items`).
    """

    def __init__(
        self,
        desk: ReviewDesk,
        engines: Callable[[str, str], FormEngine],
        venues: Mapping[str, Venue],
        areas: Mapping[str, Area],
        scope: ReportScope | None = None,
    ) -> None:
        self.desk = desk
        self._engines = engines
        self._venues = dict(venues)
        self._areas = dict(areas)
        self._names: dict[str, str] = {}
        self._scope = scope or ReportScope(desk.username, True)

    def scope(self) -> ReportScope:
        return self._scope

    def engine(self, form_id: str, version: str) -> FormEngine:
        return self._engines(form_id, version)

    def venues(self) -> Mapping[str, Venue]:
        return self._venues

    def areas(self) -> Mapping[str, Area]:
        return self._areas

    def public_name(self, username: str) -> str:
        return self._names.get(username, username)

    def report_inspection(self, inspection_id: str) -> ReportInspection:
        from fieldapp.sync.errors import Refusal

        try:
            detail = self.desk.detail(inspection_id)
        except Refusal as refusal:
            if refusal.status in (404, 422):
                raise KeyError(inspection_id) from refusal
            raise
        return self.from_detail(detail)

    def from_detail(
        self, detail: InspectionDetail, *, with_earlier: bool = True
    ) -> ReportInspection:
        summary = detail.summary
        self._names[summary.author] = summary.author_name
        head = detail.versions[-1].version
        engine = self.engine(head.form_id, head.form_version)
        venue = self._venues.get(summary.venue_id or "")
        earlier: tuple[EarlierInspection, ...] = ()
        if with_earlier and summary.venue_id:
            earlier = tuple(
                EarlierInspection(
                    item.inspection_id,
                    item.started_at or item.first_received_at,
                    item.status,
                    tuple(item.outcomes),
                )
                for item in self.desk.earlier_at_venue(
                    summary.venue_id, summary.inspection_id, head.started_at
                )
            )
        return ReportInspection(
            version=head,
            engine=engine,
            status=summary.status,
            author=Author(summary.author_name, is_door_test(engine)),
            venue=venue,
            area=self._areas.get(summary.area_id or ""),
            attachments=self.desk.blob,
            reviews=review_entries(detail),
            earlier=earlier,
            venues=self._venues,
        )

    def report_door_test(self, test_id: str) -> ReportDoorTest:
        """The visits of round `test_id`, paired by `pair_round_visits` exactly as the
        device's `fieldapp.reports.local.LocalReportSource` does: a visit that does not fit
        is listed with the reason, never dropped or chosen between. The central store finds
        the round's visits (one request), not this side reading every door test."""
        from fieldapp.sync.errors import Refusal

        try:
            found = self.desk.round_visits(test_id)
        except Refusal as refusal:
            if refusal.status in (404, 422):
                raise KeyError(test_id) from refusal
            raise
        offered: list[RoundVisit] = []
        reports: dict[str, ReportInspection] = {}
        for detail in found.visits:
            report = self.from_detail(detail, with_earlier=False)
            visit = DoorTestVisit.from_answers(report.session.form_values())
            if visit.test_id.casefold() != test_id.casefold():
                continue
            offered.append(RoundVisit(detail.summary.inspection_id, visit, detail.summary.author))
            reports[detail.summary.inspection_id] = report
        if not offered:
            raise KeyError(test_id)
        pairing = pair_round_visits(test_id, offered)
        test = reports[pairing.test.visit_id] if pairing.test else None
        control = reports[pairing.control.visit_id] if pairing.control else None
        halves = [half for half in (test, control) if half is not None]
        venue = halves[0].venue if halves else self._venues.get(offered[0].visit.venue)
        return ReportDoorTest(test_id, test, control, venue, pairing.refused)

    def period_summary(self, period: Period, areas: Collection[str]) -> PeriodSummary:
        """Counted on the central store, in one request (`ReviewDesk.period_summary`)."""
        return self.desk.period_summary(period.start, period.end, areas).summary()

    def export_items(
        self, form_id: str, period: Period, areas: Collection[str]
    ) -> Iterator[SummaryItem]:
        """The latest version of each inspection of `form_id` that began in the period (by
        its own clock) in `areas`, streamed a page at a time."""
        # Activity on the server comes after the visit began, never before; a day's margin
        # for the device's time zone, the exact test is on the version's own start.
        earliest = max(period.start, date.min + timedelta(days=1)) - timedelta(days=1)
        since = datetime.combine(earliest, time(), UTC)
        for item in self.desk.export_items(form_id, since):
            version = item.version
            if version.started_at.date() not in period:
                continue
            if areas and place_area(version.area_id, version.venue_id, self._venues) not in areas:
                continue
            self._names[version.author] = item.author_name
            yield SummaryItem(version, item.status)

    def summary_items(self, period: Period, areas: Collection[str]) -> Iterable[SummaryItem]:
        # A version's date is its start; activity on the server comes later, never earlier.
        wanted = InboxFilter(start=period.start)
        for summary in self.desk.summaries(wanted):
            if areas and place_area(summary.area_id, summary.venue_id, self._venues) not in areas:
                continue
            detail = self.desk.detail(summary.inspection_id)
            self._names[summary.author] = summary.author_name
            yield SummaryItem(detail.versions[-1].version, summary.status)


def review_entries(detail: InspectionDetail) -> tuple[ReviewEntry, ...]:
    """The review history as the reports show it: versions received and reviews, by time."""
    entries: list[ReviewEntry] = []
    author = detail.summary.author_name
    for stored in detail.versions:
        version = stored.version
        # The same steps the device lists: finalized there (its clock), then received here.
        entries.append(
            ReviewEntry(version.finalized_at, author, TrailStep.FINALIZED, version.version_id)
        )
        action = TrailStep.CORRECTED if version.base_version_id else TrailStep.SUBMITTED
        entries.append(
            ReviewEntry(
                stored.received_at,
                author,
                action,
                version.version_id,
                replies=replies_in(version),
            )
        )
    for event in detail.reviews:
        action = TrailStep.RETURNED if event.action is ReviewAction.RETURNED else TrailStep.APPROVED
        entries.append(
            ReviewEntry(
                event.at,
                event.reviewer_name,
                action,
                event.version_id,
                event.note or "",
                tuple(ReportComment(c.question, c.text, c.row) for c in event.comments),
            )
        )
    entries.sort(key=lambda entry: instant(entry.at))
    return tuple(entries)
