"""Uploads of photos and signatures, named by their SHA-256, and the `blobs` table.

A body is streamed into a temporary file and hashed; only when the hash matches the name
are the bytes handed to the `BlobStorage` (files or the database, see blobstorage.py), and
only then recorded in the database, so a row never names bytes that are not there. A
resumable upload collects its ranges in a partial upload per (blob, uploader); the hash of
the whole is checked before it is kept. Names are checked against `^[0-9a-f]{64}$` before
they reach the storage.

A hash is not proof of anything: whoever uploads bytes that hash right becomes a holder of
the blob (`blob_holders`), and only a holder is told the store has it. An upload of a blob
the store already holds from someone else reads the whole body and answers exactly as for
a new one, so nobody learns whether a photo exists by uploading or asking for it.

`BlobUploads` is an upload from the first byte to the row that records it (streaming,
counting, hashing, appending ranges, keeping); the functions at the end are the `blobs`
table's queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable, Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from fieldapp.protocol.models import BlobReceipt, ErrorCode
from fieldapp.server import schema
from fieldapp.server.blobstorage import (
    BlobStorage,
    DatabaseBlobStorage,
    ReceivedBody,
    Scratch,
    discard,
    is_sha256,
)
from fieldapp.server.database import CentralDatabase, lock_names
from fieldapp.server.errors import ApiError, too_large
from fieldapp.server.limits import DRAIN_CAP
from fieldapp.server.usage import charge, check_quota

__all__ = ["BlobUploads", "ReceivedBody", "is_sha256"]

#: Bytes of a request collected before they are written (on a worker thread).
SPOOL_BYTES = 256 * 1024


class _Spool:
    """Bytes on their way into temporary files, made and written on a worker thread.

    A request is received on the server's event loop, which answers every other request
    too: a file made or written there made all of them wait whenever the disk did (a new
    file can take a millisecond on a busy disk, and writes stall while the page cache
    flushes). The bytes are collected here and handed to a worker thread a few hundred
    kilobytes at a time, so each request holds at most that much in memory.
    """

    def __init__(self, scratch: Scratch, *, one_file: bool = False) -> None:
        self.scratch = scratch
        #: Every body in one file, one after the other (for a storage that copies the
        #: bytes: a new file can cost a millisecond, a batch has up to 64 bodies).
        self.one_file = one_file
        #: Bytes not yet written, each with the number of its file (in the order begun).
        self.pieces: list[tuple[int, bytes]] = []
        self.buffered = 0
        self.begun = 0
        self.paths: list[Path] = []
        self.open: dict[int, BinaryIO] = {}

    def begin(self) -> None:
        """Start the next file (made even when no byte follows: a zero-length blob); with
        `one_file`, the next body goes on in the first."""
        if self.one_file and self.begun:
            return
        self.pieces.append((self.begun, b""))
        self.begun += 1

    async def write(self, data: bytes | memoryview) -> None:
        """Add bytes to the file begun last."""
        self.pieces.append((self.begun - 1, bytes(data)))
        self.buffered += len(data)
        if self.buffered >= SPOOL_BYTES:
            await run_in_threadpool(self._flush, False)

    async def finish(self) -> list[Path]:
        """Write what is left and close every file: their paths, in the order begun."""
        await run_in_threadpool(self._flush, True)
        return self.paths

    def discard(self) -> None:
        """Close and remove every file made so far. Blocking, and only on a refused or lost
        body: a cancelled request could not hand it to a thread, and nothing may be left."""
        for handle in self.open.values():
            handle.close()
        self.open.clear()
        for path in self.paths:
            discard(path)

    def _flush(self, last: bool) -> None:
        pieces, self.pieces, self.buffered = self.pieces, [], 0
        for number, data in pieces:
            handle = self.open.get(number)
            if handle is None:
                path, handle = self.scratch.temporary_file()
                self.paths.append(path)
                self.open[number] = handle
            if data:
                handle.write(data)
        # Only the file begun last can still grow.
        for number in [n for n in self.open if last or n < self.begun - 1]:
            self.open.pop(number).close()


class BlobUploads:
    """Uploads into the blob store, whole or by ranges, each kept only when its hash matches.

    The HTTP layer hands in the body as chunks and the parsed range; every check on the
    bytes, every write and fsync, and the row that records a kept blob happen here.
    `receive` and `receive_batch` are awaited on the event loop (their files are made and
    written on a worker thread, `_Spool`); the other methods block (files, database) and
    are meant for a worker thread.
    """

    def __init__(
        self,
        database: CentralDatabase,
        storage: BlobStorage,
        scratch: Scratch,
        clock: Callable[[], datetime],
        max_bytes: int,
        quota_bytes: int,
    ) -> None:
        self.database = database
        self.storage = storage
        self.scratch = scratch
        self.clock = clock
        self.max_bytes = max_bytes
        self.quota_bytes = quota_bytes

    def check_quota(self, username: str, size: int) -> None:
        """413 `quota_exceeded` before a body is read, when its size would pass the quota."""
        with self.database.read() as connection:
            check_quota(connection, username, size, self.quota_bytes)

    def size_held_by(self, sha256: str, username: str) -> int | None:
        """The size of a blob `username` has uploaded, None when they have not."""
        with self.database.read() as connection:
            if not holds(connection, username, sha256):
                return None
            return blob_size(connection, sha256)

    def held_by(self, hashes: list[str], username: str) -> list[str]:
        """Those of `hashes` that `username` has uploaded, in the order asked."""
        with self.database.read() as connection:
            held = held_among(connection, username, hashes)
        return [sha for sha in dict.fromkeys(hashes) if sha in held]

    def size_held_by_anyone(self, sha256: str) -> int | None:
        """The size of a blob the store has recorded, for a reader already allowed it."""
        with self.database.read() as connection:
            return blob_size(connection, sha256)

    def resume_offset(self, sha256: str, owner: str) -> int:
        """How many bytes of an interrupted upload by `owner` are held (often 0)."""
        return self.storage.partial_size(sha256, owner)

    def check_range(self, start: int, end: int, total: int) -> None:
        """Refuse a range (END inclusive) of a blob over the limit or outside the blob."""
        if total > self.max_bytes:
            raise too_large(self.max_bytes, "blob", "Het bestand")
        if end < start or end >= total:
            raise ApiError(
                400,
                ErrorCode.MALFORMED,
                "Het bereik in Content-Range klopt niet.",
                "The range in Content-Range is not within the blob.",
                problems=[f"Content-Range: bytes {start}-{end}/{total}"],
            )

    async def receive(self, chunks: AsyncIterable[bytes], expected: int | None) -> ReceivedBody:
        """Stream a body into a temporary file, hashing and counting; 413 past the limit.

        `expected` is the length a range names; a longer body is refused. A body that
        fails (refused, or its connection lost: the iterator raises) leaves no file.
        """
        limit = self.max_bytes
        spool = _Spool(self.scratch)
        spool.begin()
        digest = hashlib.sha256()
        size = 0
        refusal: ApiError | None = None
        try:
            async for chunk in chunks:
                size += len(chunk)
                if refusal is None and size > limit:
                    refusal = too_large(limit, "blob", "Het bestand")
                elif refusal is None and expected is not None and size > expected:
                    refusal = ApiError(
                        400,
                        ErrorCode.MALFORMED,
                        "Het verzoek bevat meer bytes dan het bereik aangeeft.",
                        f"The body is longer than the {expected} bytes its range names.",
                    )
                if refusal is not None:
                    # Read on (bounded) and drop: closing with unread bytes resets the
                    # connection, and the client would never see why (see limits.drain).
                    if size > limit + DRAIN_CAP:
                        break
                    continue
                digest.update(chunk)
                await spool.write(chunk)
            if refusal is not None:
                raise refusal
            (path,) = await spool.finish()
        except BaseException:
            spool.discard()
            raise
        return ReceivedBody(path, digest.hexdigest(), size)

    async def receive_batch(
        self, chunks: AsyncIterable[bytes], sizes: list[int]
    ) -> list[ReceivedBody]:
        """Stream a batch body into one temporary file per blob, cut at the sizes its
        manifest names; 400 (and no file left) when the body is shorter or longer."""
        received: list[tuple[str, int]] = []
        remaining = list(sizes)
        # Bytes the database copies need no file each.
        spool = _Spool(self.scratch, one_file=isinstance(self.storage, DatabaseBlobStorage))
        digest = hashlib.sha256()
        size = 0
        surplus = 0

        def close_current() -> None:
            nonlocal digest, size
            received.append((digest.hexdigest(), size))
            remaining.pop(0)
            digest, size = hashlib.sha256(), 0

        try:
            if remaining:
                spool.begin()
            # Zero-length blobs at the head of the manifest are complete before any byte.
            while remaining and remaining[0] == 0:
                close_current()
                if remaining:
                    spool.begin()
            async for chunk in chunks:
                view = memoryview(chunk)
                while view and remaining:
                    take = view[: remaining[0] - size]
                    await spool.write(take)
                    digest.update(take)
                    size += len(take)
                    view = view[len(take) :]
                    while remaining and size == remaining[0]:
                        close_current()
                        if remaining:
                            spool.begin()
                surplus += len(view)
                if surplus > DRAIN_CAP:
                    break
            if remaining or surplus:
                raise ApiError(
                    400,
                    ErrorCode.MALFORMED,
                    "De bytes passen niet bij de lijst van bestanden in Blob-Manifest.",
                    "The body's length does not match the sizes in Blob-Manifest.",
                    problems=[f"manifest: {sum(sizes)} bytes"],
                )
            paths = await spool.finish()
        except BaseException:
            spool.discard()
            raise
        if spool.one_file:
            bodies, offset = [], 0
            for sha256, length in received:
                bodies.append(ReceivedBody(paths[0], sha256, length, offset))
                offset += length
            return bodies
        return [
            ReceivedBody(path, sha256, length)
            for path, (sha256, length) in zip(paths, received, strict=True)
        ]

    def keep_batch(
        self, bodies: list[ReceivedBody], hashes: list[str], owner: str
    ) -> list[BlobReceipt | ApiError]:
        """Keep each body that hashes to its name (one transaction records them all);
        a mismatch refuses that blob alone, a blob `owner` uploaded before is answered as
        held. Every temporary file is gone afterwards.

        Blobs in the database go in the transaction that records them: one commit for the
        batch, where the bytes and their rows took one each."""
        outcomes: list[BlobReceipt | ApiError] = []
        verified: list[ReceivedBody] = []
        kept: dict[str, int] = {}
        storage = self.storage
        try:
            for body, sha256 in zip(bodies, hashes, strict=True):
                if body.sha256 != sha256:
                    outcomes.append(_hash_mismatch(sha256, body.sha256))
                    continue
                verified.append(body)
                kept[sha256] = body.size
                outcomes.append(BlobReceipt(sha256=sha256, received=body.size, complete=True))
            if not isinstance(storage, DatabaseBlobStorage):
                storage.keep_many(verified)
            if kept:

                def record() -> None:
                    with self.database.write() as connection:
                        lock_blobs(connection, kept)
                        if isinstance(storage, DatabaseBlobStorage):
                            storage.insert_many(connection, verified)
                        else:
                            # Held before, then swept since: kept again from this body.
                            for body in verified:
                                if not storage.has(body.sha256):
                                    storage.keep(body.path, body.sha256)
                        new = record_blobs(connection, kept, owner, self.clock())
                        if new:
                            used = sum(kept[sha] for sha in new)
                            charge(self.database, connection, owner, used)

                # Two uploads of the same new blob at once: the second insert loses on the
                # key (on PostgreSQL after waiting for the first's commit), and the retry
                # finds the first one's row (and its bytes).
                self.database.retrying(record)
        finally:
            for body in bodies:
                discard(body.path)
        return outcomes

    def keep_whole(self, body: ReceivedBody, sha256: str, owner: str) -> BlobReceipt:
        """Keep a whole upload if it hashes to its name; 409 and nothing kept if not."""
        if body.sha256 != sha256:
            discard(body.path)
            raise _hash_mismatch(sha256, body.sha256)
        self._keep(body.path, sha256, body.size, owner)
        return BlobReceipt(sha256=sha256, received=body.size, complete=True)

    def append_range(
        self, body: ReceivedBody, sha256: str, owner: str, start: int, end: int, total: int
    ) -> BlobReceipt:
        """Append one range to `owner`'s partial upload, fsynced; keep the blob at the end.

        The receipt is incomplete until the last range; then the whole is hashed and kept
        (or refused with a 409 and dropped). A range must start where the held part ends
        (409 with the offset otherwise); a range at 0 starts over.
        """
        try:
            if body.size != end - start + 1:
                raise ApiError(
                    400,
                    ErrorCode.MALFORMED,
                    "Het verzoek bevat minder bytes dan het bereik aangeeft.",
                    f"The range names {end - start + 1} bytes but the body had {body.size}.",
                )
            mismatch: str | None = None
            with self.storage.partial(sha256, owner) as partial:
                held = 0 if start == 0 else partial.size
                if start != held:
                    raise ApiError(
                        409,
                        ErrorCode.UPLOAD_OFFSET_MISMATCH,
                        f"De server heeft {held} bytes van dit bestand; ga daar verder.",
                        f"The server holds {held} bytes of this blob; continue from there.",
                        expected_offset=held,
                        headers={"Upload-Offset": str(held)},
                    )
                partial.append(body.path, held)
                if end + 1 < total:
                    return BlobReceipt(sha256=sha256, received=end + 1, complete=False)
                digest, size = partial.digest()
                if digest != sha256 or size != total:
                    # Dropped with the partial's transaction committed, then refused.
                    partial.discard()
                    mismatch = digest
                else:
                    partial.keep()
            if mismatch is not None:
                raise _hash_mismatch(sha256, mismatch)
        finally:
            discard(body.path)
        # The bytes are stored; the row that records them comes after (and outside the
        # partial's transaction: on SQLite that is the one writer).
        self._record(sha256, size, owner)
        return BlobReceipt(sha256=sha256, received=size, complete=True)

    def _keep(self, source: Path, sha256: str, size: int, owner: str) -> None:
        """Keep verified bytes (the storage keeps a blob once), then record them."""
        self.storage.keep(source, sha256)
        self._record(sha256, size, owner)

    def _record(self, sha256: str, size: int, owner: str) -> None:
        """The blob's row (if new, charged to `owner`) and `owner` as one of its holders."""

        def record() -> None:
            with self.database.write() as connection:
                lock_blobs(connection, [sha256])
                if not self.storage.has(sha256):
                    raise _swept(sha256)
                if record_blob(connection, sha256, size, owner, self.clock()):
                    charge(self.database, connection, owner, size)

        # As in keep_batch: a race on a new blob's row is retried, not a 500.
        self.database.retrying(record)


def lock_blobs(connection: Connection, hashes: Iterable[str]) -> None:
    """Put this write transaction in the way of any other that records or sweeps one of
    these blobs (`database.lock_names`), so that a row is never written for bytes a sweep
    is removing.

    An upload finds a blob's bytes there and keeps nothing; if the sweep then removed
    the blob's row and its bytes before the upload recorded a row, that row named bytes
    no longer there. Both now check under this lock: the upload that its bytes are still
    there, the sweep that nobody recorded the blob again.
    """
    lock_names(connection, "blob", hashes)


def _swept(sha256: str) -> ApiError:
    """The blob was swept while its upload went on: the device sends it again."""
    return ApiError(
        503,
        ErrorCode.UNAVAILABLE,
        "Het bestand werd net opgeruimd terwijl het binnenkwam; stuur het opnieuw.",
        "The file was being cleared away as it came in; send it again.",
        problems=[f"{sha256}: swept during the upload"],
        headers={"Retry-After": "1"},
    )


def _hash_mismatch(expected: str, actual: str) -> ApiError:
    return ApiError(
        409,
        ErrorCode.BLOB_HASH_MISMATCH,
        "De ontvangen bytes passen niet bij de naam van het bestand; er is niets bewaard.",
        "The bytes received do not hash to the blob's name; nothing was kept.",
        problems=[f"expected {expected}, received {actual}"],
    )


def blob_size(connection: Connection, sha256: str) -> int | None:
    size = connection.execute(
        sa.select(schema.blobs.c.size).where(schema.blobs.c.sha256 == sha256)
    ).scalar_one_or_none()
    return None if size is None else int(size)


def held_among(connection: Connection, username: str, hashes: Iterable[str]) -> set[str]:
    """Those of `hashes` that `username` has uploaded (one query; none asked, none read)."""
    asked = sorted(set(hashes))
    if not asked:
        return set()
    h = schema.blob_holders
    return set(
        connection.execute(
            sa.select(h.c.sha256).where(h.c.username == username).where(h.c.sha256.in_(asked))
        ).scalars()
    )


def holds(connection: Connection, username: str, sha256: str) -> bool:
    h = schema.blob_holders
    found = connection.execute(
        sa.select(h.c.sha256).where(h.c.sha256 == sha256).where(h.c.username == username)
    ).first()
    return found is not None


def record_blob(connection: Connection, sha256: str, size: int, holder: str, now: datetime) -> bool:
    """Record a kept blob and its new holder, and complete the holder's versions waiting
    for it; False if the blob was known (then only the holder is new)."""
    new = blob_size(connection, sha256) is None
    if new:
        connection.execute(
            schema.blobs.insert().values(
                sha256=sha256, size=size, uploaded_by=holder, stored_at=now
            )
        )
    if not holds(connection, holder, sha256):
        connection.execute(
            schema.blob_holders.insert().values(sha256=sha256, username=holder, held_since=now)
        )
    vb, v = schema.version_blobs, schema.versions
    waiting = (
        sa.select(vb.c.version_id)
        .join(v, v.c.version_id == vb.c.version_id)
        .where(vb.c.sha256 == sha256)
        .where(v.c.author == holder)
        .where(v.c.complete.is_(False))
    )
    complete_versions(connection, list(connection.execute(waiting).scalars()))
    return new


def record_blobs(
    connection: Connection, sizes: dict[str, int], holder: str, now: datetime
) -> list[str]:
    """`record_blob` for several kept blobs at once (a batch upload), in a few statements
    rather than a few per blob; returns the blobs that were new to the store."""
    blobs, holders = schema.blobs, schema.blob_holders
    hashes = sorted(sizes)
    known = set(
        connection.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256.in_(hashes))).scalars()
    )
    new = [sha for sha in hashes if sha not in known]
    if new:
        connection.execute(
            blobs.insert(),
            [
                {"sha256": sha, "size": sizes[sha], "uploaded_by": holder, "stored_at": now}
                for sha in new
            ],
        )
    held = set(
        connection.execute(
            sa.select(holders.c.sha256)
            .where(holders.c.username == holder)
            .where(holders.c.sha256.in_(hashes))
        ).scalars()
    )
    if len(held) < len(hashes):
        connection.execute(
            holders.insert(),
            [
                {"sha256": sha, "username": holder, "held_since": now}
                for sha in hashes
                if sha not in held
            ],
        )
    vb, v = schema.version_blobs, schema.versions
    waiting = (
        sa.select(vb.c.version_id)
        .join(v, v.c.version_id == vb.c.version_id)
        .where(vb.c.sha256.in_(hashes))
        .where(v.c.author == holder)
        .where(v.c.complete.is_(False))
        .distinct()
    )
    complete_versions(connection, list(connection.execute(waiting).scalars()))
    return new


def missing_blobs(connection: Connection, version_id: str) -> list[str]:
    """The attachments of a version that its author has not uploaded (yet)."""
    vb, v, h = schema.version_blobs, schema.versions, schema.blob_holders
    rows = connection.execute(
        sa.select(vb.c.sha256)
        .select_from(
            vb.join(v, v.c.version_id == vb.c.version_id).outerjoin(
                h, sa.and_(h.c.sha256 == vb.c.sha256, h.c.username == v.c.author)
            )
        )
        .where(vb.c.version_id == version_id)
        .where(h.c.sha256.is_(None))
        .order_by(vb.c.sha256)
    ).scalars()
    return list(rows)


def versions_lacking_blobs(connection: Connection, version_ids: list[str]) -> set[str]:
    """Which of these versions miss an attachment their author has not uploaded (yet):
    `missing_blobs` of many versions in one query (a batch upload completes dozens)."""
    vb, v, h = schema.version_blobs, schema.versions, schema.blob_holders
    lacking: set[str] = set()
    # In slices, so the IN list stays within what every backend takes in one statement.
    for start in range(0, len(version_ids), 500):
        lacking.update(
            connection.execute(
                sa.select(vb.c.version_id)
                .distinct()
                .select_from(
                    vb.join(v, v.c.version_id == vb.c.version_id).outerjoin(
                        h, sa.and_(h.c.sha256 == vb.c.sha256, h.c.username == v.c.author)
                    )
                )
                .where(vb.c.version_id.in_(version_ids[start : start + 500]))
                .where(h.c.sha256.is_(None))
            ).scalars()
        )
    return lacking


def complete_versions(connection: Connection, version_ids: list[str]) -> list[str]:
    """Mark versions complete whose blobs are all present; returns those now complete.

    `versions.complete` may lag behind (a blob committed while a push was deciding), so
    readers call this on the incomplete versions they are about to report.
    """
    lacking = versions_lacking_blobs(connection, version_ids)
    done = [version_id for version_id in version_ids if version_id not in lacking]
    if done:
        connection.execute(
            schema.versions.update()
            .where(schema.versions.c.version_id.in_(done))
            .where(schema.versions.c.complete.is_(False))
            .values(complete=True)
        )
    return done
