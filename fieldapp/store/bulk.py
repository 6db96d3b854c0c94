"""Many finalized inspections at once, with what happened to them since: the seed's bulk path.

`PastInspections.add` writes through the same row writers the app's own use cases use —
`insert_inspection`, `insert_version` (what finalize writes: version, attachments, outbox
row, audit entry), `Outbox.mark_sent_in` (a server's receipt) and `Reviews.apply_in` (a
supervisor's return or approval) — and announces and settles the attachment files as
`attach_file` does. What differs is the batching: many inspections go in one transaction,
and their files are synced to disk together before it commits, instead of one fsync per
file and one commit per inspection (see bench/bench_store.py for what that costs). It is
for seeding demo, training and benchmark profiles; the app's own inspections always go
through drafts and finalize.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.store.attachments import AttachmentStore, sha256_hex
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.finalized import insert_version
from fieldapp.store.inspections import InspectionRow, insert_inspection
from fieldapp.store.outbox import Outbox
from fieldapp.store.reference import AppliedChanges, ApprovalEvent, FormCatalog, ReturnEvent
from fieldapp.store.reviews import Reviews
from fieldapp.store.times import iso


@dataclass(frozen=True, slots=True)
class Receipt:
    """The central store's acknowledgement of a version, and when it arrived."""

    server_receipt: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PastInspection:
    """A finalized inspection from before: its version, the plain bytes of each of its
    attachments by SHA-256, and whether the server acknowledged it and a supervisor
    returned or approved it since."""

    version: InspectionVersion
    files: Mapping[str, bytes] = field(default_factory=dict)
    sent: Receipt | None = None
    review: ReturnEvent | ApprovalEvent | None = None


class PastInspections:
    """The bulk path of one profile (see the module docstring)."""

    def __init__(
        self,
        database: ProfileDatabase,
        attachments: AttachmentStore,
        outbox: Outbox,
        reviews: Reviews,
        forms: FormCatalog,
    ) -> None:
        self._database = database
        self._forms = forms
        self._attachments = attachments
        self._outbox = outbox
        self._reviews = reviews

    def add(self, items: Sequence[PastInspection]) -> None:
        """Write `items` in one transaction, oldest first, after their files."""
        files = [
            (item.version.inspection_id, attachment.sha256, _bytes_of(item, attachment.sha256))
            for item in items
            for attachment in item.version.attachments
        ]
        if not files:
            announced: list[str] = []
        else:
            # As attach_file does: note the files before writing them, so a crash before
            # the rows commit leaves files the next open knows to remove.
            at = iso(min(item.version.finalized_at for item in items))
            with self._database.transaction() as connection:
                announced = [
                    self._attachments.announce(connection, inspection_id, sha, at)
                    for inspection_id, sha, _data in files
                ]
        # One sync for the whole batch where the system has it; a file each otherwise.
        each = not hasattr(os, "sync")
        for inspection_id, sha, data in files:
            self._attachments.write(inspection_id, sha, data, durable=each)
        if not each and files:
            os.sync()
        result = AppliedChanges()
        with self._database.transaction() as connection:
            for item in sorted(items, key=lambda item: item.version.finalized_at):
                self._add_in(connection, item, result)
            for relative in announced:
                self._attachments.settled(connection, relative)

    def _add_in(
        self, connection: sqlite3.Connection, item: PastInspection, result: AppliedChanges
    ) -> None:
        version = item.version
        finalized_at = iso(version.finalized_at)
        insert_inspection(
            connection,
            InspectionRow(
                id=version.inspection_id,
                form_id=version.form_id,
                form_version=version.form_version,
                venue_id=version.venue_id,
                area_id=version.area_id,
                assignment_id=version.assignment_id,
                author=version.author,
                status=InspectionStatus.FINALIZED,
                started_at=iso(version.started_at),
                draft_started_at=iso(version.started_at),
                updated_at=finalized_at,
                base_version_id=version.base_version_id,
                current_version_id=version.version_id,
            ),
        )
        engine = self._forms.engine(version.form_id, version.form_version)
        insert_version(connection, version, engine, actor=version.author, at=finalized_at)
        if item.sent is not None:
            self._outbox.mark_sent_in(
                connection,
                version.version_id,
                item.sent.server_receipt,
                at=iso(item.sent.at),
                actor=version.author,
            )
        if item.review is not None:
            self._reviews.apply_in(
                connection, item.review, result, strict=True, recorded_at=iso(item.review.at)
            )


def _bytes_of(item: PastInspection, sha: str) -> bytes:
    data = item.files.get(sha)
    if data is None or sha256_hex(data) != sha:
        raise ValueError(f"the bytes of attachment {sha} of {item.version.inspection_id} differ")
    return data
