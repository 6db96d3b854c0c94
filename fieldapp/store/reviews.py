"""A supervisor's reviews of this device's versions: returns with comments per question, approvals.

Reviews arrive in pulled pages of changes (applied in the page's transaction) or one at a
time. A review of the inspection's latest version moves its status to returned or
approved; one of an older version is kept for the record only; a replayed one is a no-op.
A review also proves the server stored the version, so it stands in for a lost receipt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime

from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import audit
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import UnknownInspection, UnknownVersion
from fieldapp.store.inspections import find_inspection
from fieldapp.store.outbox import Outbox
from fieldapp.store.records import Review
from fieldapp.store.reference import AppliedChanges, ApprovalEvent, ReturnEvent
from fieldapp.store.schema import NEXT_CHANGE
from fieldapp.store.times import Clock, iso, parse_time


class Reviews:
    """The reviews of one profile's versions; `clock` stamps when they were recorded."""

    def __init__(self, database: ProfileDatabase, outbox: Outbox, clock: Clock) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock

    def apply_return(
        self,
        inspection_id: str,
        version_id: str,
        comments: Mapping[str, str],
        returned_by: str,
        at: datetime,
        comment: str | None,
    ) -> bool:
        event = ReturnEvent(inspection_id, version_id, comments, returned_by, at, comment)
        result = AppliedChanges()
        with self._database.transaction(durable=True) as connection:
            self.apply_in(connection, event, result, strict=True)
        return result.returns > 0

    def apply_approval(
        self,
        inspection_id: str,
        version_id: str,
        approved_by: str,
        at: datetime,
        comment: str | None,
    ) -> bool:
        event = ApprovalEvent(inspection_id, version_id, approved_by, at, comment)
        result = AppliedChanges()
        with self._database.transaction(durable=True) as connection:
            self.apply_in(connection, event, result, strict=True)
        return result.approvals > 0

    def apply_in(
        self,
        connection: sqlite3.Connection,
        event: ReturnEvent | ApprovalEvent,
        result: AppliedChanges,
        *,
        strict: bool = False,
        recorded_at: str | None = None,
    ) -> None:
        """Record one review inside the caller's transaction and count it in `result`.

        A review of a version this device does not hold raises with `strict`, and is
        noted in `result.ignored` otherwise (a page of changes goes on). `recorded_at`
        is when the device learnt of it (now, unless the history is written afterwards).
        """
        returned = isinstance(event, ReturnEvent)
        kind = "returned" if returned else "approved"
        inspection = find_inspection(connection, event.inspection_id)
        version_known = connection.execute(
            "SELECT 1 FROM versions WHERE version_id = ? AND inspection_id = ?",
            (event.version_id, event.inspection_id),
        ).fetchone()
        if inspection is None or version_known is None:
            if strict:
                if inspection is None:
                    raise UnknownInspection(event.inspection_id)
                raise UnknownVersion(event.version_id)
            result.ignored.append(
                f"{kind} of version {event.version_id} of inspection {event.inspection_id}:"
                " not on this device"
            )
            return
        if connection.execute(
            "SELECT 1 FROM reviews WHERE version_id = ? AND kind = ?", (event.version_id, kind)
        ).fetchone():
            return  # a replayed page: already applied
        now = recorded_at or iso(self._clock())
        reviewer = event.returned_by if isinstance(event, ReturnEvent) else event.approved_by
        cursor = connection.execute(
            "INSERT INTO reviews (inspection_id, version_id, kind, reviewer, at, comment)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (event.inspection_id, event.version_id, kind, reviewer, iso(event.at), event.comment),
        )
        if isinstance(event, ReturnEvent):
            connection.executemany(
                "INSERT INTO review_comments (review_id, question, text) VALUES (?, ?, ?)",
                [(cursor.lastrowid, q, t) for q, t in sorted(event.comments.items())],
            )
        # The server can only review what it stored: if our acknowledgement got lost, this
        # is the acknowledgement.
        self._outbox.mark_sent_in(connection, event.version_id, f"implied by the {kind}", at=now)
        is_current = inspection.current_version_id == event.version_id
        if is_current and inspection.status in (InspectionStatus.FINALIZED, InspectionStatus.SENT):
            connection.execute(
                f"UPDATE inspections SET status = ?, updated_at = ?, changed_seq = {NEXT_CHANGE}"
                " WHERE id = ?",
                (kind, now, event.inspection_id),
            )
        audit.append(
            connection,
            at=now,
            actor=reviewer,
            action=f"version_{kind}",
            inspection_id=event.inspection_id,
            version_id=event.version_id,
            payload={"questions": sorted(event.comments)} if isinstance(event, ReturnEvent) else {},
        )
        if returned:
            result.returns += 1
        else:
            result.approvals += 1

    def comments(self, inspection_id: str) -> dict[str, str]:
        """The supervisor's comments per question on the latest return of this inspection."""
        found = self._database.value(
            "SELECT id FROM reviews WHERE inspection_id = ? AND kind = 'returned'"
            " ORDER BY id DESC LIMIT 1",
            (inspection_id,),
        )
        if found is None:
            return {}
        return {
            str(q): str(t)
            for q, t in self._database.rows(
                "SELECT question, text FROM review_comments WHERE review_id = ?", (found,)
            )
        }

    def latest(self, inspection_id: str, version_id: str, kind: str) -> Review | None:
        """The latest review of one kind ('returned' or 'approved') of one version."""
        found = self._database.row(
            "SELECT id, version_id, reviewer, at, comment FROM reviews WHERE inspection_id = ?"
            " AND version_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
            (inspection_id, version_id, kind),
        )
        if found is None:
            return None
        comments = {
            str(q): str(t)
            for q, t in self._database.rows(
                "SELECT question, text FROM review_comments WHERE review_id = ? ORDER BY question",
                (found[0],),
            )
        }
        return Review(kind, str(found[1]), str(found[2]), parse_time(found[3]), found[4], comments)
