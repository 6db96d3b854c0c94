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
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fieldapp.core.inspection import InspectionVersion
from fieldapp.store import audit
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import UnknownVersion
from fieldapp.store.records import OutboxCounts, OutboxInfo, OutboxState
from fieldapp.store.schema import NEXT_CHANGE
from fieldapp.store.times import Clock, iso
from fieldapp.store.versions import decode_record

#: The columns `outbox_info` reads, in its order.
OUTBOX_COLUMNS = (
    "version_id, state, queued_at, attempts, last_error, last_attempt_at, server_receipt, sent_at"
)


def outbox_info(values: Sequence[Any]) -> OutboxInfo:
    """An outbox row, its values in the order of `OUTBOX_COLUMNS`, as a record."""
    version_id, state, queued_at, attempts, error, attempted_at, receipt, sent_at = values
    return OutboxInfo(
        version_id=str(version_id),
        state=OutboxState(state),
        queued_at=datetime.fromisoformat(queued_at),
        attempts=int(attempts),
        last_error=error,
        last_attempt_at=None if attempted_at is None else datetime.fromisoformat(attempted_at),
        server_receipt=receipt,
        sent_at=None if sent_at is None else datetime.fromisoformat(sent_at),
    )


class Outbox:
    """The queue of one profile; `actor` is the profile's user, `clock` the device's."""

    def __init__(self, database: ProfileDatabase, actor: str, clock: Clock) -> None:
        self._database = database
        self._actor = actor
        self._clock = clock

    def _now(self) -> str:
        return iso(self._clock())

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

    def entry(self, version_id: str) -> OutboxInfo | None:
        """The outbox row of one version; None when it was never queued."""
        found = self._database.row(
            f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE version_id = ?", (version_id,)
        )
        return None if found is None else outbox_info(found)

    def counts(self) -> OutboxCounts:
        """Versions per state, each counted on the `outbox_by_state` index."""
        found = self._database.row(
            "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'),"
            " (SELECT count(*) FROM outbox WHERE state = 'held'),"
            " (SELECT count(*) FROM outbox WHERE state = 'sent')"
        )
        assert found is not None
        pending, held, sent = found
        return OutboxCounts(int(pending), int(held), int(sent))

    def sent_version_ids(self, author: str) -> list[str]:
        """The author's versions the server acknowledged, in the order they were queued."""
        return [
            str(row[0])
            for row in self._database.rows(
                "SELECT o.version_id FROM outbox o JOIN inspections i ON i.id = o.inspection_id"
                " WHERE o.state = 'sent' AND i.author = ? ORDER BY o.rowid",
                (author,),
            )
        ]

    def sent_version_ids_by_author(self) -> dict[str, list[str]]:
        """Every acknowledged version by author, each author's in the order they were queued."""
        found: dict[str, list[str]] = {}
        for author, version_id in self._database.rows(
            "SELECT i.author, o.version_id FROM outbox o JOIN inspections i"
            " ON i.id = o.inspection_id WHERE o.state = 'sent' ORDER BY o.rowid"
        ):
            found.setdefault(str(author), []).append(str(version_id))
        return found

    def mark_sent(self, version_id: str, server_receipt: str) -> None:
        self.mark_all_sent([(version_id, server_receipt)])

    def mark_all_sent(self, receipts: Sequence[tuple[str, str]]) -> None:
        """Record several receipts (version id, receipt) in one durable transaction: a
        batch push's answer costs one commit on the device, not one per version."""
        with self._database.transaction(durable=True) as connection:
            at = self._now()
            for version_id, server_receipt in receipts:
                self.mark_sent_in(connection, version_id, server_receipt, at=at)

    def mark_sent_in(
        self,
        connection: sqlite3.Connection,
        version_id: str,
        server_receipt: str,
        *,
        at: str,
        actor: str | None = None,
    ) -> None:
        """Record the server's receipt inside a transaction; a second call is a no-op.

        `at` is when the receipt arrived; `actor` whose sync it was (the profile's user
        unless the history is written afterwards).
        """
        found = connection.execute(
            "SELECT inspection_id, state FROM outbox WHERE version_id = ?", (version_id,)
        ).fetchone()
        if found is None:
            raise UnknownVersion(version_id)
        inspection_id, state = found
        if state == OutboxState.SENT.value:
            return
        connection.execute(
            "UPDATE outbox SET state = 'sent', server_receipt = ?, sent_at = ?, last_error = NULL"
            " WHERE version_id = ?",
            (server_receipt, at, version_id),
        )
        connection.execute(
            f"UPDATE inspections SET status = 'sent', updated_at = ?, changed_seq = {NEXT_CHANGE}"
            " WHERE id = ? AND status = 'finalized' AND current_version_id = ?",
            (at, inspection_id, version_id),
        )
        audit.append(
            connection,
            at=at,
            actor=actor or self._actor,
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

    def hold_sent(self, version_id: str, message: str) -> bool:
        """Hold a version believed sent that the central store now refuses.

        A drift repair found the server without it, and sending it again was refused: it is
        not on the server, so it must not look sent. It goes back to the outbox, held for a
        person with the server's words, and the inspection is finalized again (not sent).
        False when the version is not marked sent (nothing to do).
        """
        with self._database.transaction() as connection:
            now = self._now()
            found = connection.execute(
                "SELECT inspection_id FROM outbox WHERE version_id = ? AND state = 'sent'",
                (version_id,),
            ).fetchone()
            if found is None:
                return False
            (inspection_id,) = found
            connection.execute(
                "UPDATE outbox SET state = 'held', attempts = attempts + 1, last_error = ?,"
                " last_attempt_at = ?, server_receipt = NULL WHERE version_id = ?",
                (message, now, version_id),
            )
            connection.execute(
                f"UPDATE inspections SET status = 'finalized', updated_at = ?,"
                f" changed_seq = {NEXT_CHANGE}"
                " WHERE id = ? AND status = 'sent' AND current_version_id = ?",
                (now, inspection_id, version_id),
            )
            audit.append(
                connection,
                at=now,
                actor=self._actor,
                action="resend_refused",
                inspection_id=inspection_id,
                version_id=version_id,
                payload={"message": message},
            )
            return True

    def requeue(self, version_id: str) -> None:
        with self._database.transaction() as connection:
            connection.execute(
                "UPDATE outbox SET state = 'pending' WHERE version_id = ? AND state = 'held'",
                (version_id,),
            )
