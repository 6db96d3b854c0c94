"""Where blob bytes live: files under the home folder, or chunks in the database.

`BlobStorage` is the one small interface; `FileBlobStorage` keeps the bytes in
`blobs/<first two hex digits>/<sha256>` (one machine), `DatabaseBlobStorage` in
`blob_chunks` rows of 1 MiB (several server processes on several machines share one
PostgreSQL and keep nothing on their own disks). `FIELDAPP_BLOB_STORAGE` chooses. An
object store (S3) would be a third implementation of the same interface.

Either way bytes are stored before the `blobs` row that records them is written, and
removed only after that row is gone, so a row never names bytes that are not there. A
resumable upload collects its ranges per (blob, uploader) in a `PartialUpload`, which
serialises the ranges of one upload (a retry may overlap a stalled request, on another
process too). Request bodies are first streamed into `Scratch`, a local folder of
temporary files that only lives as long as a request.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.files import fsync_directory
from fieldapp.server import schema
from fieldapp.server.database import CentralDatabase

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_OWNER = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
#: Bytes per read, write and database chunk.
CHUNK = 1024 * 1024
#: Bytes of chunks inserted in one statement when a batch is kept in the database.
BATCH_INSERT = 4 * CHUNK
#: Names asked for in one query (a batch holds at most 64; bound parameters stay few).
HELD_QUERY = 500
#: fsyncs issued at once (one pool for every batch upload of the store).
FSYNC_THREADS = 8


def is_sha256(name: str) -> bool:
    return _SHA256.match(name) is not None


def _checked(sha256: str, owner: str | None = None) -> None:
    if not is_sha256(sha256) or (owner is not None and not _OWNER.match(owner)):
        raise ValueError("not a blob name or an uploader")


class PartialUpload(Protocol):
    """One uploader's interrupted upload of one blob, held while a range is added."""

    @property
    def size(self) -> int: ...

    def append(self, source: Path, at: int) -> int:
        """Cut the upload to `at` bytes and add the file's bytes; returns the new size."""
        ...

    def digest(self) -> tuple[str, int]:
        """SHA-256 and size of what the upload holds."""
        ...

    def keep(self) -> None:
        """Store what the upload holds as the blob (once), and drop the upload."""
        ...

    def discard(self) -> None: ...


@dataclass(frozen=True)
class ReceivedBody:
    """A request body streamed into a temporary file: where, its SHA-256 and its size,
    and where in the file it begins (a batch upload's photos may share one file)."""

    path: Path
    sha256: str
    size: int
    offset: int = 0


class BlobStorage(Protocol):
    """The bytes of blobs, by SHA-256, and the partial uploads that become them."""

    def has(self, sha256: str) -> bool: ...

    def keep(self, source: Path, sha256: str) -> None:
        """Store a verified file as the blob (consuming it); a blob held already stays."""
        ...

    def keep_many(self, bodies: list[ReceivedBody]) -> None:
        """`keep` for several verified bodies (a batch upload), named by their SHA-256;
        the files of those kept are consumed, the others' left to the caller."""
        ...

    def read(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes in chunks (FileNotFoundError when it is not stored)."""
        ...

    def remove(self, sha256: str, connection: Connection | None = None) -> None:
        """Remove the blob's bytes; in the write transaction `connection`, when given
        (the database's bytes go with it; files at once)."""
        ...

    def partial_size(self, sha256: str, owner: str) -> int: ...

    def partial(self, sha256: str, owner: str) -> AbstractContextManager[PartialUpload]:
        """The upload of `sha256` by `owner`, held for this block alone."""
        ...

    def sweep_partials(self, untouched_for: timedelta, now: datetime) -> int:
        """Drop uploads nobody added to for a while; returns how many."""
        ...

    def usable(self) -> bool: ...


class Scratch:
    """A local folder of temporary files for request bodies on their way in."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def temporary_file(self) -> tuple[Path, BinaryIO]:
        descriptor, name = tempfile.mkstemp(dir=self.directory, prefix="upload-")
        return Path(name), os.fdopen(descriptor, "wb")

    def usable(self) -> bool:
        return self.directory.is_dir() and os.access(self.directory, os.W_OK | os.X_OK)

    def sweep(self, age: timedelta) -> int:
        """Remove files older than `age`: left by a process killed mid-upload."""
        return _old_files(self.directory, age)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _chunks_of(path: Path, offset: int, size: int) -> Iterator[bytes]:
    """`size` bytes of the file from `offset` in CHUNK pieces, as the database keeps them:
    an empty blob is one empty chunk."""
    with path.open("rb") as handle:
        handle.seek(offset)
        left = size
        while True:
            chunk = handle.read(min(CHUNK, left))
            if len(chunk) != min(CHUNK, left):
                raise OSError(f"{path.name} ended before its {size} bytes from {offset}")
            yield chunk
            left -= len(chunk)
            if not left:
                return


def discard(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _old_files(folder: Path, age: timedelta) -> int:
    cutoff = time.time() - age.total_seconds()
    removed = 0
    for path in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed


# --- files ------------------------------------------------------------------------------------


class FileBlobStorage:
    """Blobs as files: written to a temporary name, fsynced, renamed, folder fsynced."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.partial_directory = directory / "partial"
        self.lock_directory = directory / "partial-locks"
        for folder in (self.directory, self.partial_directory, self.lock_directory):
            folder.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        # One pool for the fsyncs of every batch upload, made at the first: a pool per
        # batch spent more on starting its threads than on some of its fsyncs.
        self._fsyncs: ThreadPoolExecutor | None = None

    def path(self, sha256: str) -> Path:
        _checked(sha256)
        return self.directory / sha256[:2] / sha256

    def partial_path(self, sha256: str, owner: str) -> Path:
        _checked(sha256, owner)
        return self.partial_directory / f"{sha256}.{owner}"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def keep(self, source: Path, sha256: str) -> None:
        target = self.path(sha256)
        if target.exists():
            discard(source)
            return
        target.parent.mkdir(exist_ok=True)
        with source.open("rb+") as handle:
            os.fsync(handle.fileno())
        source.replace(target)
        fsync_directory(target.parent)

    def keep_many(self, bodies: list[ReceivedBody]) -> None:
        """Keep several files as `keep` does, with their fsyncs issued together.

        Durability per file is the same (file fsynced before its rename, folder after);
        fsyncs issued at once let the file system commit them in one journal flush instead
        of one after another, which is most of what a batch of small photos costs.
        """
        new: list[tuple[Path, Path]] = []
        seen: set[Path] = set()
        for body in bodies:
            if body.offset:
                raise ValueError("a blob file is renamed into place: one body per file")
            source, target = body.path, self.path(body.sha256)
            if target in seen or target.exists():
                continue  # the caller discards it (or keeps it, if a sweep beat it to it)
            target.parent.mkdir(exist_ok=True)
            seen.add(target)
            new.append((source, target))
        if not new:
            return
        pool = self._fsync_pool()
        list(pool.map(_fsync_file, [source for source, _ in new]))
        for source, target in new:
            source.replace(target)
        list(pool.map(fsync_directory, sorted({target.parent for _, target in new})))

    def _fsync_pool(self) -> ThreadPoolExecutor:
        with self._locks_guard:
            if self._fsyncs is None:
                self._fsyncs = ThreadPoolExecutor(FSYNC_THREADS, thread_name_prefix="fsync")
            return self._fsyncs

    def read(self, sha256: str) -> Iterator[bytes]:
        handle = self.path(sha256).open("rb")  # FileNotFoundError now, not mid-answer

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK):
                    yield chunk

        return chunks()

    def remove(self, sha256: str, connection: Connection | None = None) -> None:
        del connection  # a file goes at once
        discard(self.path(sha256))

    def partial_size(self, sha256: str, owner: str) -> int:
        try:
            return self.partial_path(sha256, owner).stat().st_size
        except FileNotFoundError:
            return 0

    @contextmanager
    def partial(self, sha256: str, owner: str) -> Iterator[PartialUpload]:
        path = self.partial_path(sha256, owner)
        with self._locks_guard:
            lock = self._locks.setdefault(path.name, threading.Lock())
        with lock, self._process_lock(path.name):
            yield _FilePartial(self, path, sha256)

    @contextmanager
    def _process_lock(self, name: str) -> Iterator[None]:
        """The partial upload's lock between processes (`--workers` share this folder): a
        device retrying a piece on a new connection may reach another worker while the
        first still writes. An advisory lock (flock) on a file of the upload's own in
        `partial-locks`, swept with the partials; without `fcntl` (Windows) only the
        thread lock holds."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        with (self.lock_directory / name).open("ab") as handle:
            os.utime(handle.fileno())  # in use: not swept
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def sweep_partials(self, untouched_for: timedelta, now: datetime) -> int:
        del now  # file times are the machine's clock
        _old_files(self.lock_directory, untouched_for)
        return _old_files(self.partial_directory, untouched_for)

    def usable(self) -> bool:
        return all(
            folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
            for folder in (self.directory, self.partial_directory)
        )


class _FilePartial:
    def __init__(self, storage: FileBlobStorage, path: Path, sha256: str) -> None:
        self.storage = storage
        self.path = path
        self.sha256 = sha256

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, source: Path, at: int) -> int:
        with source.open("rb") as incoming, self.path.open("r+b" if at else "wb") as target:
            target.truncate(at)
            target.seek(at)
            while chunk := incoming.read(CHUNK):
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
            return target.tell()

    def digest(self) -> tuple[str, int]:
        return file_sha256(self.path)

    def keep(self) -> None:
        self.storage.keep(self.path, self.sha256)

    def discard(self) -> None:
        discard(self.path)


# --- the database -----------------------------------------------------------------------------


class DatabaseBlobStorage:
    """Blobs as 1 MiB chunks in the central database, partial uploads likewise.

    Every server process sees every byte at once, so a resumed upload may continue on
    another process behind the load balancer. A partial upload is serialised by its
    `partial_uploads` row, locked FOR UPDATE on PostgreSQL (SQLite has one writer).
    """

    def __init__(self, database: CentralDatabase, now: Callable[[], datetime]) -> None:
        self.database = database
        self.now = now

    def has(self, sha256: str) -> bool:
        _checked(sha256)
        with self.database.read() as connection:
            return self._has(connection, sha256)

    def _has(self, connection: Connection, sha256: str) -> bool:
        chunks = schema.blob_chunks
        found = connection.execute(
            sa.select(chunks.c.seq).where(chunks.c.sha256 == sha256).limit(1)
        ).first()
        return found is not None

    def keep(self, source: Path, sha256: str) -> None:
        _checked(sha256)
        with self.database.write() as connection:
            if not self._has(connection, sha256):
                for seq, chunk in enumerate(_chunks_of(source, 0, source.stat().st_size)):
                    connection.execute(
                        schema.blob_chunks.insert().values(sha256=sha256, seq=seq, data=chunk)
                    )
        discard(source)

    def keep_many(self, bodies: list[ReceivedBody]) -> None:
        """Keep several bodies in one transaction (`insert_many`); their files are gone
        afterwards."""
        try:
            with self.database.write() as connection:
                self.insert_many(connection, bodies)
        finally:
            for body in bodies:
                discard(body.path)

    def insert_many(self, connection: Connection, bodies: list[ReceivedBody]) -> None:
        """Add several bodies (a batch upload's photos, which may share one file) in the
        open write transaction, which may record them too; their files stay.

        A transaction each made a batch of 64 small photos 64 commits, most of the time a
        first sync spent on the server. The chunks go in groups of at most BATCH_INSERT
        bytes, so a batch never sits in memory whole; a blob stored meanwhile by another
        upload is left as it is (same name, same bytes). The blobs go in the order of their
        names: two batches of the same new photos in other orders, at once on PostgreSQL,
        each waited for the key the other had inserted, and one of them failed.
        """
        for body in bodies:
            _checked(body.sha256)
        wanted = sorted({body.sha256 for body in bodies})
        sources = {body.sha256: body for body in reversed(bodies)}
        chunks = schema.blob_chunks
        insert = self.database.insert_ignoring_duplicates(chunks)
        held: set[str] = set()
        for start in range(0, len(wanted), HELD_QUERY):
            held.update(
                connection.execute(
                    sa.select(chunks.c.sha256)
                    .where(chunks.c.sha256.in_(wanted[start : start + HELD_QUERY]))
                    .where(chunks.c.seq == 0)
                ).scalars()
            )
        rows: list[dict[str, Any]] = []
        size = 0
        for sha256 in wanted:
            if sha256 in held:
                continue
            body = sources[sha256]
            for seq, data in enumerate(_chunks_of(body.path, body.offset, body.size)):
                if rows and size + len(data) > BATCH_INSERT:
                    connection.execute(insert, rows)
                    rows, size = [], 0
                rows.append({"sha256": sha256, "seq": seq, "data": data})
                size += len(data)
        if rows:
            connection.execute(insert, rows)

    def read(self, sha256: str) -> Iterator[bytes]:
        _checked(sha256)
        if not self.has(sha256):
            raise FileNotFoundError(sha256)
        chunks = schema.blob_chunks

        def stream() -> Iterator[bytes]:
            # One chunk per query: a 64 MiB photo never sits in memory whole.
            seq = 0
            while True:
                with self.database.read() as connection:
                    data = connection.execute(
                        sa.select(chunks.c.data)
                        .where(chunks.c.sha256 == sha256)
                        .where(chunks.c.seq == seq)
                    ).scalar_one_or_none()
                if data is None:
                    return
                yield bytes(data)
                seq += 1

        return stream()

    def remove(self, sha256: str, connection: Connection | None = None) -> None:
        _checked(sha256)
        delete = schema.blob_chunks.delete().where(schema.blob_chunks.c.sha256 == sha256)
        if connection is not None:
            connection.execute(delete)
            return
        with self.database.write() as writing:
            writing.execute(delete)

    def partial_size(self, sha256: str, owner: str) -> int:
        _checked(sha256, owner)
        uploads = schema.partial_uploads
        with self.database.read() as connection:
            size = connection.execute(
                sa.select(uploads.c.size)
                .where(uploads.c.sha256 == sha256)
                .where(uploads.c.owner == owner)
            ).scalar_one_or_none()
        return 0 if size is None else int(size)

    @contextmanager
    def partial(self, sha256: str, owner: str) -> Iterator[PartialUpload]:
        _checked(sha256, owner)
        uploads = schema.partial_uploads
        with self.database.write() as connection:
            connection.execute(
                self.database.insert_ignoring_duplicates(uploads).values(
                    sha256=sha256, owner=owner, size=0, updated_at=self.now()
                )
            )
            query = (
                sa.select(uploads.c.size)
                .where(uploads.c.sha256 == sha256)
                .where(uploads.c.owner == owner)
            )
            if self.database.is_postgresql:
                query = query.with_for_update()
            size = int(connection.execute(query).scalar_one())
            yield _DatabasePartial(self, connection, sha256, owner, size)

    def sweep_partials(self, untouched_for: timedelta, now: datetime) -> int:
        uploads, chunks = schema.partial_uploads, schema.partial_chunks
        with self.database.write() as connection:
            stale = connection.execute(
                sa.select(uploads.c.sha256, uploads.c.owner).where(
                    uploads.c.updated_at < now - untouched_for
                )
            ).all()
            for sha256, owner in stale:
                for table in (chunks, uploads):
                    connection.execute(
                        table.delete().where(table.c.sha256 == sha256).where(table.c.owner == owner)
                    )
        return len(stale)

    def usable(self) -> bool:
        return self.database.answers()


class _DatabasePartial:
    def __init__(
        self,
        storage: DatabaseBlobStorage,
        connection: Connection,
        sha256: str,
        owner: str,
        size: int,
    ) -> None:
        self.storage = storage
        self.connection = connection
        self.sha256 = sha256
        self.owner = owner
        self._size = size

    @property
    def size(self) -> int:
        return self._size

    def _where(self, table: sa.Table) -> Any:
        return sa.and_(table.c.sha256 == self.sha256, table.c.owner == self.owner)

    def append(self, source: Path, at: int) -> int:
        chunks = schema.partial_chunks
        if at == 0:
            self.connection.execute(chunks.delete().where(self._where(chunks)))
            self._size = 0
        elif at != self._size:
            raise ValueError(f"a range at {at} does not continue {self._size} bytes")
        seq = int(
            self.connection.execute(
                sa.select(sa.func.coalesce(sa.func.max(chunks.c.seq) + 1, 0)).where(
                    self._where(chunks)
                )
            ).scalar_one()
        )
        with source.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                self.connection.execute(
                    chunks.insert().values(
                        sha256=self.sha256, owner=self.owner, seq=seq, data=chunk
                    )
                )
                seq += 1
                self._size += len(chunk)
        uploads = schema.partial_uploads
        self.connection.execute(
            uploads.update()
            .where(self._where(uploads))
            .values(size=self._size, updated_at=self.storage.now())
        )
        return self._size

    def _chunks(self) -> Iterator[bytes]:
        chunks = schema.partial_chunks
        seqs = self.connection.execute(
            sa.select(chunks.c.seq).where(self._where(chunks)).order_by(chunks.c.seq)
        ).scalars()
        for seq in list(seqs):
            yield bytes(
                self.connection.execute(
                    sa.select(chunks.c.data).where(self._where(chunks)).where(chunks.c.seq == seq)
                ).scalar_one()
            )

    def digest(self) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        for chunk in self._chunks():
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size

    def keep(self) -> None:
        if not self.storage._has(self.connection, self.sha256):
            for seq, chunk in enumerate(self._chunks()):
                self.connection.execute(
                    schema.blob_chunks.insert().values(sha256=self.sha256, seq=seq, data=chunk)
                )
            if self._size == 0:
                self.connection.execute(
                    schema.blob_chunks.insert().values(sha256=self.sha256, seq=0, data=b"")
                )
        self.discard()

    def discard(self) -> None:
        for table in (schema.partial_chunks, schema.partial_uploads):
            self.connection.execute(table.delete().where(self._where(table)))
        self._size = 0
