"""The `inspections` table's rows as the store's parts read and add them.

One row per inspection: its form, place and author, its status, the version it is at and,
for a correction, the version it corrects. Each part changes the status it is about (a
draft is finalized by the drafts, sent by the outbox, returned or approved by the
reviews); they share this reader and the change counter the lists sort by.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fieldapp.core.inspection import InspectionStatus
from fieldapp.store.errors import NotEditable, UnknownInspection
from fieldapp.store.schema import NEXT_CHANGE


@dataclass(frozen=True, slots=True)
class InspectionRow:
    """One row of `inspections`."""

    id: str
    form_id: str
    form_version: str
    venue_id: str | None
    area_id: str | None
    assignment_id: str | None
    author: str
    status: InspectionStatus
    started_at: str
    draft_started_at: str
    updated_at: str
    base_version_id: str | None
    current_version_id: str | None


COLUMNS = (
    "id, form_id, form_version, venue_id, area_id, assignment_id, author, status, started_at,"
    " draft_started_at, updated_at, base_version_id, current_version_id"
)


def _row(values: Sequence[Any]) -> InspectionRow:
    found = list(values)
    found[7] = InspectionStatus(found[7])
    return InspectionRow(*found)


def find_inspection(connection: sqlite3.Connection, inspection_id: str) -> InspectionRow | None:
    found = connection.execute(
        f"SELECT {COLUMNS} FROM inspections WHERE id = ?", (inspection_id,)
    ).fetchone()
    return None if found is None else _row(found)


def read_inspection(connection: sqlite3.Connection, inspection_id: str) -> InspectionRow:
    """The row; `UnknownInspection` when this device does not hold it."""
    found = find_inspection(connection, inspection_id)
    if found is None:
        raise UnknownInspection(inspection_id)
    return found


def read_draft(connection: sqlite3.Connection, inspection_id: str) -> InspectionRow:
    """The row of a draft; `NotEditable` when it is no longer one (another process may have
    finalized it a moment ago, so read this inside the transaction that writes)."""
    found = read_inspection(connection, inspection_id)
    if found.status is not InspectionStatus.DRAFT:
        raise NotEditable(found.status.value)
    return found


def insert_inspection(connection: sqlite3.Connection, row: InspectionRow) -> None:
    """Add an inspection as the newest change; call inside a transaction."""
    connection.execute(
        f"INSERT INTO inspections ({COLUMNS}, changed_seq) VALUES"
        f" (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {NEXT_CHANGE})",
        (
            row.id,
            row.form_id,
            row.form_version,
            row.venue_id,
            row.area_id,
            row.assignment_id,
            row.author,
            row.status.value,
            row.started_at,
            row.draft_started_at,
            row.updated_at,
            row.base_version_id,
            row.current_version_id,
        ),
    )
