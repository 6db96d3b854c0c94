"""Lists of inspections as the app shows them: drafts, outbox, sent, returned, approved.

Each call reads one page into `LocalInspectionSummary` records and returns; nothing keeps a
read transaction open. Lists are ordered by a change counter, not the device clock, and
page with LIMIT/OFFSET so an inbox of 100,000 inspections opens as fast as one of ten.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.summary import Counted, StoredFacts, SummaryRow, VersionFacts
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.outbox import outbox_info
from fieldapp.store.records import LocalInspectionSummary
from fieldapp.store.reviews import Reviews
from fieldapp.store.times import iso, parse_time

#: A version's start is the device's local time; the store's columns are UTC. A day either
#: side covers every offset when narrowing by them.
_ZONE_MARGIN = timedelta(days=1)


def inspection_filter(
    status: InspectionStatus | None, form_ids: Collection[str] | None = None
) -> tuple[str, tuple[str, ...]]:
    """The WHERE clause (over `inspections i`) and its parameters for a list: one status
    (None: all) and only these forms (None: all). Lists filter in the query, before
    LIMIT/OFFSET, so a page is full of matches and a count counts what the pages hold."""
    clauses: list[str] = []
    parameters: list[str] = []
    if status is not None:
        clauses.append("i.status = ?")
        parameters.append(status.value)
    if form_ids is not None:
        wanted = sorted(set(form_ids))
        clauses.append(f"i.form_id IN ({', '.join('?' * len(wanted))})" if wanted else "0")
        parameters.extend(wanted)
    return " AND ".join(clauses) or "1", tuple(parameters)


class InspectionLists:
    """Read-only queries over a profile's inspections, their outbox entries and reviews."""

    def __init__(self, database: ProfileDatabase, reviews: Reviews) -> None:
        self._database = database
        self._reviews = reviews

    def summaries(
        self, where: str, parameters: Sequence[Any], limit: int | None, offset: int
    ) -> list[LocalInspectionSummary]:
        rows = self._database.rows(
            "SELECT i.id, i.form_id, i.form_version, i.status, i.author, i.venue_id, v.name,"
            " i.area_id, a.name, i.assignment_id, i.started_at, i.updated_at,"
            " i.current_version_id, i.base_version_id, ver.outcomes, o.version_id, o.state,"
            " o.queued_at, o.attempts, o.last_error, o.last_attempt_at, o.server_receipt,"
            " o.sent_at, i.draft_outcomes"
            " FROM inspections i"
            " LEFT JOIN venues v ON v.id = i.venue_id"
            " LEFT JOIN areas a ON a.id = i.area_id"
            " LEFT JOIN versions ver ON ver.version_id = i.current_version_id"
            " LEFT JOIN outbox o ON o.version_id = i.current_version_id"
            f" WHERE {where} ORDER BY i.changed_seq DESC LIMIT ? OFFSET ?",
            (*parameters, -1 if limit is None else limit, offset),
        )
        summaries = []
        for row in rows:
            status = InspectionStatus(row[3])
            outbox = None if row[15] is None else outbox_info(row[15:23])
            review = None
            if status in (InspectionStatus.RETURNED, InspectionStatus.APPROVED) and row[12]:
                kind = "returned" if status is InspectionStatus.RETURNED else "approved"
                review = self._reviews.latest(row[0], row[12], kind)
            elif status is InspectionStatus.DRAFT and row[13]:
                review = self._reviews.latest(row[0], row[13], "returned")
            summaries.append(
                LocalInspectionSummary(
                    inspection_id=row[0],
                    form_id=row[1],
                    form_version=row[2],
                    status=status,
                    author=row[4],
                    venue_id=row[5],
                    venue_name=row[6],
                    area_id=row[7],
                    area_name=row[8],
                    assignment_id=row[9],
                    started_at=parse_time(row[10]),
                    updated_at=parse_time(row[11]),
                    version_id=row[12],
                    base_version_id=row[13],
                    outcomes=tuple(json.loads(row[14])) if row[14] else (),
                    outbox=outbox,
                    review=review,
                    draft_outcomes=(
                        tuple(json.loads(row[23]))
                        if status is InspectionStatus.DRAFT and row[23] is not None
                        else None
                    ),
                )
            )
        return summaries

    def summary_rows(self, start: date, end: date, chunk: int) -> Iterator[Counted]:
        """The latest finalized version of each inspection that may have started between
        `start` and `end`, most recently changed first (the order of `summaries`): its
        stored period-summary facts, or the version itself when it has none.

        One read transaction, so the rows are one consistent state; fetched `chunk` rows at
        a time and decoded one by one as they are yielded, so memory does not grow with the
        profile. A superset: the caller checks each version's own start. Facts carry the
        day the version started; a version without them is narrowed by the inspection's
        first start (no version starts before it) and by its later activity (a correction
        starts later), each with a day's margin for the time zone.
        """
        # Kept inside the calendar: a period may start in year 1 or end in year 9999.
        low = iso(datetime.combine(max(start, date.min + _ZONE_MARGIN), time(), UTC) - _ZONE_MARGIN)
        last = min(end, date.max - 2 * _ZONE_MARGIN)
        high = iso(datetime.combine(last, time(), UTC) + 2 * _ZONE_MARGIN)
        if last < end:
            high = "9999-99"  # sorts after every stored time: no upper narrowing
        with self._database.reading() as connection:
            cursor = connection.execute(
                "SELECT i.status, f.facts, i.current_version_id FROM inspections i"
                " LEFT JOIN summary_facts f ON f.version_id = i.current_version_id"
                " WHERE i.current_version_id IS NOT NULL AND i.started_at < ?"
                " AND (i.started_at >= ? OR i.draft_started_at >= ? OR i.updated_at >= ?)"
                " AND (f.started_day IS NULL OR f.started_day BETWEEN ? AND ?)"
                " ORDER BY i.changed_seq DESC",
                (high, low, low, low, start.isoformat(), end.isoformat()),
            )
            while batch := cursor.fetchmany(chunk):
                for status, facts, version_id in batch:
                    if facts is not None:
                        yield StoredFacts(InspectionStatus(status), VersionFacts.from_json(facts))
                        continue
                    record = connection.execute(
                        "SELECT record FROM versions WHERE version_id = ?", (version_id,)
                    ).fetchone()[0]
                    yield SummaryRow.of_record(
                        json.loads(zlib.decompress(record)), InspectionStatus(status)
                    )

    def latest_version_at(self, venue_id: str, form_id: str) -> str | None:
        """The latest finalized version of the most recently started inspection of `form_id`
        at `venue_id` that has one (a correction under way counts with its last version)."""
        found = self._database.value(
            "SELECT current_version_id FROM inspections"
            " WHERE venue_id = ? AND form_id = ? AND current_version_id IS NOT NULL"
            " ORDER BY started_at DESC, changed_seq DESC LIMIT 1",
            (venue_id, form_id),
        )
        return None if found is None else str(found)

    def count(self, where: str, parameters: Sequence[Any]) -> int:
        """How many inspections `where` (over `inspections i`) holds."""
        return int(
            self._database.value(f"SELECT count(*) FROM inspections i WHERE {where}", parameters)
        )
