"""The outbox: finalized versions waiting for the central store's acknowledgement.

A version enters the outbox in the same transaction that finalizes it and leaves only when
the sync client reports the server's receipt (or a supervisor's review proves the server
has it). A failure that retrying can fix keeps the version in the queue with its error and
attempt count; one that needs a person (refused, conflict, too large) holds it, so the rest
of the queue keeps moving — the complaint about one bad record blocking everything is the
one field tools hear most.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from fieldapp.core.inspection import InspectionVersion
from fieldapp.store import audit
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import UnknownVersion
from fieldapp.store.records import OutboxState
from fieldapp.store.schema import NEXT_CHANGE
from fieldapp.store.versions import decode_record


class Outbox:
    """The queue of one profile; `actor` is the profile's user, `now` the audit clock."""

    def __init__(self, database: ProfileDatabase, actor: str, now: Callable[[], str]) -> None:
        self._database = database
        self._actor = actor
        self._now = now

    @staticmethod
    def enqueue(
        connection: sqlite3.Connection, version_id: str, inspection_id: str, at: str
    ) -> None:
        """Queue a version; call inside the transaction that finalizes it."""
        connection.execute(
            "INSERT INTO outbox (version_id, inspection_id, state, queued_at)"
            " VALUES (?, ?, 'pending', ?)",
            (version_id, inspection_id, at),
        )

    def pending(self, limit: int | None = None) -> list[InspectionVersion]:
        """Versions waiting to be pushed, in the order they were finalized (not by clock);
        held ones are left out."""
        return [
            decode_record(row[0])
            for row in self._database.rows(
                "SELECT v.record FROM outbox o JOIN versions v ON v.version_id = o.version_id"
                " WHERE o.state = 'pending' ORDER BY o.rowid LIMIT ?",
                (-1 if limit is None else limit,),
            )
        ]

    def mark_sent(self, version_id: str, server_receipt: str) -> None:
        with self._database.transaction(durable=True) as connection:
            self.mark_sent_in(connection, version_id, server_receipt)

    def mark_sent_in(
        self, connection: sqlite3.Connection, version_id: str, server_receipt: str
    ) -> None:
        """Record the server's receipt inside a transaction; a second call is a no-op."""
        found = connection.execute(
            "SELECT inspection_id, state FROM outbox WHERE version_id = ?", (version_id,)
        ).fetchone()
        if found is None:
            raise UnknownVersion(version_id)
        inspection_id, state = found
        if state == OutboxState.SENT.value:
            return
        now = self._now()
        connection.execute(
            "UPDATE outbox SET state = 'sent', server_receipt = ?, sent_at = ?, last_error = NULL"
            " WHERE version_id = ?",
            (server_receipt, now, version_id),
        )
        connection.execute(
            f"UPDATE inspections SET status = 'sent', updated_at = ?, changed_seq = {NEXT_CHANGE}"
            " WHERE id = ? AND status = 'finalized' AND current_version_id = ?",
            (now, inspection_id, version_id),
        )
        audit.append(
            connection,
            at=now,
            actor=self._actor,
            action="version_sent",
            inspection_id=inspection_id,
            version_id=version_id,
            payload={"server_receipt": server_receipt},
        )

    def record_failure(self, version_id: str, message: str, retryable: bool) -> None:
        with self._database.transaction() as connection:
            now = self._now()
            updated = connection.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?,"
                " state = ? WHERE version_id = ? AND state != 'sent'",
                (message, now, "pending" if retryable else "held", version_id),
            ).rowcount
            if not updated:
                if connection.execute(
                    "SELECT 1 FROM outbox WHERE version_id = ?", (version_id,)
                ).fetchone():
                    return  # already sent: a late report of an earlier attempt
                raise UnknownVersion(version_id)
            if not retryable:
                inspection_id = connection.execute(
                    "SELECT inspection_id FROM outbox WHERE version_id = ?", (version_id,)
                ).fetchone()[0]
                audit.append(
                    connection,
                    at=now,
                    actor=self._actor,
                    action="send_refused",
                    inspection_id=inspection_id,
                    version_id=version_id,
                    payload={"message": message},
                )

    def requeue(self, version_id: str) -> None:
        with self._database.transaction() as connection:
            connection.execute(
                "UPDATE outbox SET state = 'pending' WHERE version_id = ? AND state = 'held'",
                (version_id,),
            )
