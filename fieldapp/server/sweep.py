"""Housekeeping: what nobody will ask for again is removed, at start and on a timer.

- blobs no version names, some days after they arrived (a device uploads a photo just
  before it pushes the version naming it; one that never came is not coming);
- partial uploads untouched for days, and temporary files of uploads that died (a
  process killed mid-upload leaves one);
- access-log rows past their retention, and tokens long expired.

Every step is idempotent, so several server processes may sweep at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from fieldapp.server import schema
from fieldapp.server.blobs import lock_blobs
from fieldapp.server.blobstorage import BlobStorage, Scratch
from fieldapp.server.config import ServerConfig
from fieldapp.server.database import CentralDatabase
from fieldapp.server.usage import charge

log = logging.getLogger(__name__)

#: A blob no version names is kept this long for its version to arrive.
UNREFERENCED_BLOB_GRACE = timedelta(days=7)
#: A partial upload untouched this long is abandoned.
ABANDONED_PARTIAL = timedelta(days=2)
#: A temporary file this old belongs to no running upload (uploads time out far sooner).
STALE_TEMPORARY = timedelta(hours=1)
#: Expired tokens are kept this long for the record, then removed.
EXPIRED_TOKEN_KEPT = timedelta(days=30)
#: Blobs removed per transaction.
BATCH = 500


@dataclass(frozen=True)
class SweepReport:
    """What one sweep removed."""

    blobs: int = 0
    partials: int = 0
    temporary: int = 0
    access_log: int = 0
    tokens: int = 0


class Sweeper:
    """Removes what the central store keeps no reason for."""

    def __init__(
        self,
        database: CentralDatabase,
        storage: BlobStorage,
        scratch: Scratch,
        config: ServerConfig,
    ) -> None:
        self.database = database
        self.storage = storage
        self.scratch = scratch
        self.config = config

    def sweep(self) -> SweepReport:
        now = self.config.clock()
        report = SweepReport(
            blobs=self._unreferenced_blobs(now),
            partials=self.storage.sweep_partials(ABANDONED_PARTIAL, now),
            temporary=self.scratch.sweep(STALE_TEMPORARY),
            access_log=self._old_access_log(now),
            tokens=self._old_tokens(now),
        )
        if any(vars(report).values()):
            log.info("sweep removed %s", report)
        return report

    def _unreferenced_blobs(self, now: datetime) -> int:
        b, vb = schema.blobs, schema.version_blobs
        removed = 0
        while True:
            with self.database.write() as connection:
                named = sa.select(vb.c.sha256).where(vb.c.sha256 == b.c.sha256)
                rows = connection.execute(
                    sa.select(b.c.sha256, b.c.size, b.c.uploaded_by)
                    .where(b.c.stored_at < now - UNREFERENCED_BLOB_GRACE)
                    .where(~sa.exists(named))
                    .limit(BATCH)
                ).all()
                hashes = [row.sha256 for row in rows]
                if hashes:
                    connection.execute(
                        schema.blob_holders.delete().where(schema.blob_holders.c.sha256.in_(hashes))
                    )
                    connection.execute(b.delete().where(b.c.sha256.in_(hashes)))
                    for row in rows:
                        charge(self.database, connection, row.uploaded_by, -int(row.size))
            # Rows first, bytes after the commit: a row never names missing bytes. An
            # upload of one of them meanwhile recorded it again (under `lock_blobs`, which
            # the removal holds too): its bytes stay.
            if hashes:
                with self.database.write() as connection:
                    lock_blobs(connection, hashes)
                    again = set(
                        connection.execute(
                            sa.select(b.c.sha256).where(b.c.sha256.in_(hashes))
                        ).scalars()
                    )
                    for sha in hashes:
                        if sha not in again:
                            self.storage.remove(sha, connection)
            removed += len(hashes)
            if len(hashes) < BATCH:
                return removed

    def _old_access_log(self, now: datetime) -> int:
        cutoff = now - timedelta(days=self.config.access_log_days)
        with self.database.write() as connection:
            result = connection.execute(
                schema.access_log.delete().where(schema.access_log.c.at < cutoff)
            )
        return int(result.rowcount)

    def _old_tokens(self, now: datetime) -> int:
        with self.database.write() as connection:
            result = connection.execute(
                schema.tokens.delete().where(schema.tokens.c.expires_at < now - EXPIRED_TOKEN_KEPT)
            )
        return int(result.rowcount)
