"""Content-addressed blob store: photos and signatures on disk, named by their SHA-256.

A blob is written to a temporary file, its hash checked, fsynced and renamed into
`blobs/<first two hex digits>/<sha256>`, and only then recorded in the database, so a row
never names a file that is not there. A resumable upload collects its ranges in
`blobs/partial/<sha256>.<username>`; the hash of the whole is checked before it is kept.
Names are checked against `^[0-9a-f]{64}$` before any path is built from them.

`BlobStore` is the files; `BlobUploads` is an upload from the first byte to the row that
records it (streaming, counting, hashing, appending ranges, keeping); the functions at the
end are the `blobs` table's queries.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import AsyncIterable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.files import fsync_directory
from fieldapp.protocol.models import BlobReceipt, ErrorCode
from fieldapp.server import schema
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, too_large
from fieldapp.server.limits import DRAIN_CAP

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


def is_sha256(name: str) -> bool:
    return _SHA256.match(name) is not None


class BlobStore:
    """The files of the blob store; the `blobs` table says which are complete."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.temporary = directory / "tmp"
        self.partial_directory = directory / "partial"
        for folder in (self.directory, self.temporary, self.partial_directory):
            folder.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError(f"not a SHA-256 name: {sha256!r}")
        return self.directory / sha256[:2] / sha256

    def partial_path(self, sha256: str, owner: str) -> Path:
        if not is_sha256(sha256) or not re.match(r"^[a-z][a-z0-9._-]{1,63}$", owner):
            raise ValueError("bad partial upload name")
        return self.partial_directory / f"{sha256}.{owner}"

    def partial_size(self, sha256: str, owner: str) -> int:
        try:
            return self.partial_path(sha256, owner).stat().st_size
        except FileNotFoundError:
            return 0

    @contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """Serialize work on one partial upload (a retry may overlap a stalled request)."""
        with self._locks_guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield

    def temporary_file(self) -> tuple[Path, BinaryIO]:
        descriptor, name = tempfile.mkstemp(dir=self.temporary, prefix="upload-")
        return Path(name), os.fdopen(descriptor, "wb")

    def keep(self, source: Path, sha256: str) -> Path:
        """Move a verified file into place: fsync, rename, fsync the folder."""
        target = self.path(sha256)
        target.parent.mkdir(exist_ok=True)
        with source.open("rb+") as handle:
            os.fsync(handle.fileno())
        source.replace(target)
        fsync_directory(target.parent)
        return target

    def discard(self, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@dataclass(frozen=True)
class ReceivedBody:
    """A request body streamed into a temporary file: where, its SHA-256 and its size."""

    path: Path
    sha256: str
    size: int


class BlobUploads:
    """Uploads into the blob store, whole or by ranges, each kept only when its hash matches.

    The HTTP layer hands in the body as chunks and the parsed range; every check on the
    bytes, every write and fsync, and the row that records a kept blob happen here.
    `receive` runs on the event loop; the other methods block (files, database) and are
    meant for a worker thread.
    """

    def __init__(
        self,
        database: CentralDatabase,
        files: BlobStore,
        clock: Callable[[], datetime],
        max_bytes: int,
    ) -> None:
        self.database = database
        self.files = files
        self.clock = clock
        self.max_bytes = max_bytes

    def held_size(self, sha256: str) -> int | None:
        """The size of a blob the store holds completely, None when it does not."""
        with self.database.read() as connection:
            return blob_size(connection, sha256)

    def resume_offset(self, sha256: str, owner: str) -> int:
        """How many bytes of an interrupted upload by `owner` are held (often 0)."""
        return self.files.partial_size(sha256, owner)

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
        temp, handle = self.files.temporary_file()
        digest = hashlib.sha256()
        size = 0
        refusal: ApiError | None = None
        try:
            with handle:
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
                    handle.write(chunk)
            if refusal is not None:
                raise refusal
        except BaseException:
            self.files.discard(temp)
            raise
        return ReceivedBody(temp, digest.hexdigest(), size)

    def keep_whole(self, body: ReceivedBody, sha256: str, owner: str) -> BlobReceipt:
        """Keep a whole upload if it hashes to its name; 409 and nothing kept if not."""
        if body.sha256 != sha256:
            self.files.discard(body.path)
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
            partial = self.files.partial_path(sha256, owner)
            with self.files.locked(partial.name):
                held = self.files.partial_size(sha256, owner)
                if start == 0:
                    held = 0
                elif start != held:
                    raise ApiError(
                        409,
                        ErrorCode.UPLOAD_OFFSET_MISMATCH,
                        f"De server heeft {held} bytes van dit bestand; ga daar verder.",
                        f"The server holds {held} bytes of this blob; continue from there.",
                        expected_offset=held,
                        headers={"Upload-Offset": str(held)},
                    )
                with (
                    body.path.open("rb") as source,
                    partial.open("r+b" if held else "wb") as target,
                ):
                    target.truncate(held)
                    target.seek(held)
                    while chunk := source.read(_CHUNK):
                        target.write(chunk)
                    target.flush()
                    os.fsync(target.fileno())
                if end + 1 < total:
                    return BlobReceipt(sha256=sha256, received=end + 1, complete=False)
                digest, size = file_sha256(partial)
                if digest != sha256 or size != total:
                    self.files.discard(partial)
                    raise _hash_mismatch(sha256, digest)
                self._keep(partial, sha256, size, owner)
                return BlobReceipt(sha256=sha256, received=size, complete=True)
        finally:
            self.files.discard(body.path)

    def _keep(self, source: Path, sha256: str, size: int, owner: str) -> None:
        self.files.keep(source, sha256)
        with self.database.write() as connection:
            record_blob(connection, sha256, size, owner, self.clock())


def _hash_mismatch(expected: str, actual: str) -> ApiError:
    return ApiError(
        409,
        ErrorCode.BLOB_HASH_MISMATCH,
        "De ontvangen bytes passen niet bij de naam van het bestand; er is niets bewaard.",
        "The bytes received do not hash to the blob's name; nothing was kept.",
        problems=[f"expected {expected}, received {actual}"],
    )


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def blob_size(connection: Connection, sha256: str) -> int | None:
    size = connection.execute(
        sa.select(schema.blobs.c.size).where(schema.blobs.c.sha256 == sha256)
    ).scalar_one_or_none()
    return None if size is None else int(size)


def record_blob(
    connection: Connection, sha256: str, size: int, uploaded_by: str, now: datetime
) -> bool:
    """Record a kept blob and complete the versions waiting for it; False if it was known."""
    if blob_size(connection, sha256) is not None:
        return False
    connection.execute(
        schema.blobs.insert().values(
            sha256=sha256, size=size, uploaded_by=uploaded_by, stored_at=now
        )
    )
    waiting = sa.select(schema.version_blobs.c.version_id).where(
        schema.version_blobs.c.sha256 == sha256
    )
    complete_versions(connection, list(connection.execute(waiting).scalars()))
    return True


def missing_blobs(connection: Connection, version_id: str) -> list[str]:
    vb, b = schema.version_blobs, schema.blobs
    rows = connection.execute(
        sa.select(vb.c.sha256)
        .select_from(vb.outerjoin(b, b.c.sha256 == vb.c.sha256))
        .where(vb.c.version_id == version_id)
        .where(b.c.sha256.is_(None))
        .order_by(vb.c.sha256)
    ).scalars()
    return list(rows)


def complete_versions(connection: Connection, version_ids: list[str]) -> list[str]:
    """Mark versions complete whose blobs are all present; returns those now complete.

    `versions.complete` may lag behind (a blob committed while a push was deciding), so
    readers call this on the incomplete versions they are about to report.
    """
    done = [version_id for version_id in version_ids if not missing_blobs(connection, version_id)]
    if done:
        connection.execute(
            schema.versions.update()
            .where(schema.versions.c.version_id.in_(done))
            .where(schema.versions.c.complete.is_(False))
            .values(complete=True)
        )
    return done
