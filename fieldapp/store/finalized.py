"""Finalized versions: written once, with their attachments, outbox row and audit entry, never
changed (the schema's triggers refuse it), read back whole.

`insert_version` is the one writer. Finalize uses it for a draft the person just froze; the
bulk import (seeding) uses it for many versions in one transaction. A door-test visit's
round is noted beside its version (`version_rounds`), so the visits of one round are found
without decoding every door test the profile holds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from fieldapp.core.doortest import DOOR_TEST_FORM
from fieldapp.core.engine import FormEngine
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.store import audit
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import UnknownVersion
from fieldapp.store.outbox import Outbox
from fieldapp.store.reference import form_key
from fieldapp.store.summary_facts import write_facts
from fieldapp.store.times import iso
from fieldapp.store.versions import decode_record, encode_record


def insert_version(
    connection: sqlite3.Connection,
    version: InspectionVersion,
    engine: FormEngine,
    *,
    actor: str,
    at: str,
) -> None:
    """The rows a finalize writes: version, its period-summary facts (read through `engine`,
    its form), its attachments, outbox entry, audit entry."""
    connection.execute(
        "INSERT INTO versions (version_id, inspection_id, base_version_id, content_hash,"
        " finalized_at, outcomes, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            version.version_id,
            version.inspection_id,
            version.base_version_id,
            version.content_hash,
            iso(version.finalized_at),
            json.dumps(list(version.outcomes)),
            encode_record(version),
        ),
    )
    write_facts(connection, version, engine)
    note_round(connection, version)
    connection.executemany(
        "INSERT INTO version_attachments (version_id, inspection_id, question, sha256, size,"
        " media_type) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (version.version_id, version.inspection_id, a.question, a.sha256, a.size, a.media_type)
            for a in version.attachments
        ],
    )
    Outbox.enqueue(connection, version.version_id, version.inspection_id, at)
    audit.append(
        connection,
        at=at,
        actor=actor,
        action="inspection_finalized",
        inspection_id=version.inspection_id,
        version_id=version.version_id,
        payload={
            "content_hash": version.content_hash,
            "form": form_key(version.form_id, version.form_version),
            "base_version_id": version.base_version_id,
            "attachments": len(version.attachments),
        },
    )


def round_key(round_id: str) -> str:
    """How a round id is noted and looked up: casefolded, as pairing compares round ids."""
    return round_id.casefold()


def version_round(form_id: str, document: Mapping[str, Any]) -> str | None:
    """The key of the round a door-test visit names (its `test_id`); None for other forms
    and a visit that names none."""
    if form_id != DOOR_TEST_FORM:
        return None
    answers = document.get("answers")
    test_id = answers.get("test_id") if isinstance(answers, Mapping) else None
    return round_key(test_id) if isinstance(test_id, str) and test_id else None


def note_round(connection: sqlite3.Connection, version: InspectionVersion) -> None:
    """Note the round a door-test visit names beside it (at finalize, and by the migration
    to schema 9 for the visits already there)."""
    round_id = version_round(version.form_id, version.document)
    if round_id is not None:
        connection.execute(
            "INSERT INTO version_rounds (version_id, round) VALUES (?, ?)",
            (version.version_id, round_id),
        )


class FinalizedVersions:
    """Reading a profile's finalized versions."""

    def __init__(self, database: ProfileDatabase) -> None:
        self._database = database

    def version(self, version_id: str) -> InspectionVersion:
        found = self._database.value(
            "SELECT record FROM versions WHERE version_id = ?", (version_id,)
        )
        if found is None:
            raise UnknownVersion(version_id)
        return decode_record(found)

    def versions(self, inspection_id: str) -> list[InspectionVersion]:
        """Every finalized version of an inspection, oldest first."""
        return [
            decode_record(row[0])
            for row in self._database.rows(
                "SELECT record FROM versions WHERE inspection_id = ? ORDER BY rowid",
                (inspection_id,),
            )
        ]

    def round_versions(self, round_id: str) -> list[InspectionVersion]:
        """The current version of every door-test visit naming round `round_id` (in any
        case), most recently changed first as the inspection lists are: read through the
        round noted beside each version, so only that round's records are read and decoded."""
        return [
            decode_record(row[0])
            for row in self._database.rows(
                "SELECT v.record FROM version_rounds AS r"
                " JOIN inspections AS i ON i.current_version_id = r.version_id"
                " JOIN versions AS v ON v.version_id = r.version_id"
                " WHERE r.round = ? AND i.form_id = ? ORDER BY i.changed_seq DESC",
                (round_key(round_id), DOOR_TEST_FORM),
            )
        ]

    def current_versions(
        self, form_id: str, started_from: date, page: int
    ) -> Iterator[tuple[InspectionStatus, InspectionVersion]]:
        """The status and current version of every inspection of `form_id` whose visit
        began on `started_from` or later in UTC, `page` at a time: each page is its own
        short read, so the profile's other work goes on between pages."""
        after = 0
        since = iso(datetime.combine(started_from, time(), UTC))
        while True:
            rows = self._database.rows(
                "SELECT i.rowid, i.status, v.record FROM inspections AS i"
                " JOIN versions AS v ON v.version_id = i.current_version_id"
                " WHERE i.form_id = ? AND i.started_at >= ? AND i.rowid > ?"
                " ORDER BY i.rowid LIMIT ?",
                (form_id, since, after, page),
            )
            for _rowid, status, record in rows:
                yield InspectionStatus(status), decode_record(record)
            if len(rows) < page:
                return
            after = rows[-1][0]
