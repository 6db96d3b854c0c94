"""A `ReportSource` over a device's local profile, for `fieldapp report … --home`.

Reads only finalized versions (a draft is not a report's subject). Door-test visits are
paired by round with `fieldapp.core.doortest.pair_round_visits`; the device does not hold the
round register yet, so the visits of a round must agree among themselves. The review history is
what the device knows: its versions and the latest return or approval it pulled; the
central store (`fieldapp.app.review.source.CentralReportSource`) knows the whole trail.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date, timedelta

from fieldapp.core.answers import session_from_document
from fieldapp.core.doortest import DoorTestVisit, RoundVisit, pair_round_visits
from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import Area, Venue
from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.summary import PeriodSummary, SummaryCounter, place_area
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
from fieldapp.store import Profile, UnknownInspection

#: How many earlier inspections of a venue a report lists (newest first).
EARLIER_LIMIT = 20


class LocalReportSource:
    """What one unlocked profile holds, as the reports need it."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._venues = {venue.id: venue for venue in profile.venues()}
        self._areas = {area.id: area for area in profile.areas()}

    def engine(self, form_id: str, version: str) -> FormEngine:
        return self.profile.engine(form_id, version)

    def venues(self) -> Mapping[str, Venue]:
        return self._venues

    def areas(self) -> Mapping[str, Area]:
        return self._areas

    def scope(self) -> ReportScope:
        user = self.profile.user(self.profile.username)
        return ReportScope(user.public_name if user is not None else self.profile.username, False)

    def public_name(self, username: str) -> str:
        user = self.profile.user(username)
        return user.public_name if user is not None else username

    def report_inspection(self, inspection_id: str) -> ReportInspection:
        try:
            summary = self.profile.inspection(inspection_id)
        except UnknownInspection:
            raise KeyError(inspection_id) from None
        if summary.version_id is None:
            raise KeyError(inspection_id)
        versions = self.profile.versions(inspection_id)
        head = next(v for v in versions if v.version_id == summary.version_id)
        engine = self.engine(head.form_id, head.form_version)
        user = self.profile.user(head.author)
        if user is not None:
            author = Author.of(user)
        elif is_door_test(engine):
            # Never a tester's username (it may be their name): the pseudonym they entered.
            given = head.document.get("answers", {}).get("tester_pseudonym")
            author = Author(given if isinstance(given, str) and given else "Tester", True)
        else:
            author = Author(head.author)
        # A version counts as submitted (or resubmitted) only once the central store
        # acknowledged it; until then it is finalized on this device and nothing more.
        entries: list[ReviewEntry] = []
        for v in versions:
            outbox = self.profile.outbox_entry(v.version_id)
            sent = outbox is not None and outbox.sent_at is not None
            # A correction's replies go with its last step: sent, or finalized until then.
            entries.append(
                ReviewEntry(
                    v.finalized_at,
                    author.name,
                    TrailStep.FINALIZED,
                    v.version_id,
                    replies=() if sent else replies_in(v),
                )
            )
            if outbox is not None and outbox.sent_at is not None:
                step = TrailStep.CORRECTED if v.base_version_id else TrailStep.SUBMITTED
                entries.append(
                    ReviewEntry(
                        outbox.sent_at, author.name, step, v.version_id, replies=replies_in(v)
                    )
                )
        review = summary.review
        if review is not None:
            entries.append(
                ReviewEntry(
                    review.at,
                    self.public_name(review.reviewer),
                    TrailStep.RETURNED if review.kind == "returned" else TrailStep.APPROVED,
                    review.version_id,
                    review.comment or "",
                    tuple(ReportComment(q, text) for q, text in review.comments.items()),
                )
            )
        # Only visits before this one, by the moment of the visit: a report must not show
        # what happened after it. Only the venue's own inspections are read: listing every
        # inspection of the profile cost the report a full read (and a review lookup per
        # returned or approved row) of a large profile.
        at_venue = self.profile.inspections_at(summary.venue_id) if summary.venue_id else []
        before = [
            other
            for other in at_venue
            if other.inspection_id != inspection_id
            and other.version_id is not None
            and other.started_at < summary.started_at
        ]
        before.sort(key=lambda other: other.started_at, reverse=True)
        earlier = tuple(
            EarlierInspection(other.inspection_id, other.started_at, other.status, other.outcomes)
            for other in before[:EARLIER_LIMIT]
        )
        status = summary.status
        if status is InspectionStatus.DRAFT:
            # A correction in progress: the report describes the returned version.
            status = InspectionStatus.RETURNED
        return ReportInspection(
            version=head,
            engine=engine,
            status=status,
            author=author,
            venue=self._venues.get(summary.venue_id or ""),
            area=self._areas.get(summary.area_id or ""),
            attachments=self.profile.read_attachment,
            reviews=tuple(sorted(entries, key=lambda e: instant(e.at))),
            earlier=earlier,
            venues=self._venues,
        )

    def report_door_test(self, test_id: str) -> ReportDoorTest:
        """The visits of round `test_id`, paired by `pair_round_visits`: a visit that does not
        fit (another venue or evening, a second visit of one group) is listed, not dropped."""
        offered: list[RoundVisit] = []
        # Only the round's own visits are read (the store notes each visit's round), not
        # every door test of the profile.
        for version in self.profile.round_versions(test_id):
            engine = self.engine(version.form_id, version.form_version)
            answers = session_from_document(engine, version.document).form_values()
            visit = DoorTestVisit.from_answers(answers)
            if visit.test_id.casefold() == test_id.casefold():
                offered.append(RoundVisit(version.inspection_id, visit, version.author))
        if not offered:
            raise KeyError(test_id)
        pairing = pair_round_visits(test_id, offered)
        test = self.report_inspection(pairing.test.visit_id) if pairing.test else None
        control = self.report_inspection(pairing.control.visit_id) if pairing.control else None
        halves = [half for half in (test, control) if half is not None]
        venue = halves[0].venue if halves else self._venues.get(offered[0].visit.venue)
        return ReportDoorTest(test_id, test, control, venue, pairing.refused)

    def period_summary(self, period: Period, areas: Collection[str]) -> PeriodSummary:
        counter = SummaryCounter(period, self.engine, venues=self._venues, areas=areas)
        for row in self.profile.summary_rows(period.start, period.end):
            counter.add(row)
        return counter.finish()

    def export_items(
        self, form_id: str, period: Period, areas: Collection[str]
    ) -> Iterator[SummaryItem]:
        # The store keeps starts in UTC, the period is the version's own clock: a day's
        # margin for the zone, then the exact test on the version.
        earliest = max(period.start, date.min + timedelta(days=1)) - timedelta(days=1)
        for status, version in self.profile.current_versions(form_id, started_from=earliest):
            if version.started_at.date() not in period:
                continue
            if areas and place_area(version.area_id, version.venue_id, self._venues) not in areas:
                continue
            yield SummaryItem(version, status)

    def summary_items(self, period: Period, areas: Collection[str]) -> Iterable[SummaryItem]:
        for summary in self.profile.inspections():
            if summary.version_id is None or summary.started_at.date() < period.start:
                continue
            if areas and place_area(summary.area_id, summary.venue_id, self._venues) not in areas:
                continue
            yield SummaryItem(self.profile.version(summary.version_id), summary.status)
