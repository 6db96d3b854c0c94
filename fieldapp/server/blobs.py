"""Content-addressed blob store: photos and signatures on disk, named by their SHA-256.

A blob is written to a temporary file, its hash checked, fsynced and renamed into
`blobs/<first two hex digits>/<sha256>`, and only then recorded in the database, so a row
never names a file that is not there. A resumable upload collects its ranges in
`blobs/partial/<sha256>.<username>`; the hash of the whole is checked before it is kept.
Names are checked against `^[0-9a-f]{64}$` before any path is built from them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.files import fsync_directory
from fieldapp.server import schema

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
