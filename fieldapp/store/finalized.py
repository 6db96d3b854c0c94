"""Finalized versions: written once, with their attachments, outbox row and audit entry, never
changed (the schema's triggers refuse it), read back whole.

`insert_version` is the one writer. Finalize uses it for a draft the person just froze; the
bulk import (seeding) uses it for many versions in one transaction.
"""

from __future__ import annotations

import json
import sqlite3

from fieldapp.core.engine import FormEngine
from fieldapp.core.inspection import InspectionVersion
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
