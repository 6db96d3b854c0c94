"""One encrypted SQLite connection: SQLCipher keying, journal settings, transactions, checkpoints.

Every write goes through `ProfileDatabase.transaction`, which takes the write lock at BEGIN (so two
writers never deadlock half-way), turns SQLite's "disk full" and I/O errors into sentences a
person can act on, and rolls back whatever did not commit. The connection runs in WAL mode:
readers never block the writer, and a commit is one append to the WAL.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import sqlcipher3  # type: ignore[import-untyped]  # no type information shipped

from fieldapp.store.errors import DiskFull, NotEditable, ProfileDamaged, StorageFailed

log = logging.getLogger(__name__)

#: The driver's error classes; sqlcipher3 mirrors the standard sqlite3 module.
DriverError: type[Exception] = sqlcipher3.Error
OperationalError: type[Exception] = sqlcipher3.OperationalError
DatabaseError: type[Exception] = sqlcipher3.DatabaseError
IntegrityError: type[Exception] = sqlcipher3.IntegrityError

Synchronous = Literal["FULL", "NORMAL"]
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """Tunables of the device's store; the defaults are what the app uses."""

    #: Autosaves commit with this `synchronous` level. FULL survives a pulled battery (the
    #: WAL is fsynced at every commit); NORMAL only survives a crashed process.
    autosave_synchronous: Synchronous = "FULL"
    #: SQLite checkpoints the WAL into the database after this many pages (4 KiB each).
    wal_autocheckpoint_pages: int = 1000
    #: After a checkpoint the WAL file is cut back to at most this many bytes.
    journal_size_limit_bytes: int = 4 * 1024 * 1024
    #: After a finalize, a WAL larger than this is checkpointed and truncated.
    checkpoint_after_finalize_bytes: int = 1024 * 1024
    #: Page cache per connection (decrypted pages), in KiB.
    cache_kib: int = 16 * 1024
    #: How long a write waits for another process's write before giving up.
    busy_timeout_seconds: float = 10.0
    #: Largest photo or signature accepted.
    max_attachment_bytes: int = 50 * 1000 * 1000
    #: A sweep leaves unreferenced attachment files younger than this alone: another
    #: process may be between writing a file and committing the row that refers to it.
    orphan_grace_seconds: float = 3600.0


def sqlite_error_code(error: BaseException) -> int | None:
    """The primary SQLite result code of a driver error (SQLITE_FULL is 13)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


#: How long a checkpoint waits for another process's reader before trying later.
CHECKPOINT_WAIT_MS = 200

SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_IOERR = 10
SQLITE_NOTADB = 26


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn the driver's disk errors into `FieldappError`s; leave bugs as they are."""
    try:
        yield
    except DriverError as error:
        code = sqlite_error_code(error)
        if code == SQLITE_FULL:
            raise DiskFull() from error
        if code == SQLITE_IOERR:
            raise StorageFailed(str(error)) from error
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            raise ProfileDamaged(str(error)) from error
        if "only a draft takes answers" in str(error):
            # Another process finalized the draft under us; the guard triggers refused.
            raise NotEditable("finalized") from error
        raise


def connect(path: Path, key: bytes, settings: StoreSettings) -> sqlite3.Connection:
    """Open (or create) an SQLCipher database with a raw 256-bit key and our settings.

    The key is given raw (``x'…'``): it is already random, so SQLCipher's own PBKDF2 would
    only slow every open down. A wrong key shows up as "file is not a database" on the first
    read, which is turned into `ProfileDamaged` — the password was checked before this.
    """
    if len(key) != 32:
        raise ValueError("an SQLCipher key is 32 bytes")
    raw = sqlcipher3.connect(
        str(path),
        isolation_level=None,  # we issue BEGIN/COMMIT ourselves
        check_same_thread=False,  # serialised by ProfileDatabase.lock instead
        timeout=settings.busy_timeout_seconds,
    )
    connection = cast(sqlite3.Connection, raw)
    try:
        with translated_errors():
            connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageFailed(f"WAL journal not available ({mode})")
            connection.execute(f"PRAGMA synchronous = {settings.autosave_synchronous}")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA temp_store = MEMORY")  # sorts never spill to disk
            connection.execute(f"PRAGMA cache_size = -{int(settings.cache_kib)}")
            connection.execute(
                f"PRAGMA wal_autocheckpoint = {int(settings.wal_autocheckpoint_pages)}"
            )
            connection.execute(
                f"PRAGMA journal_size_limit = {int(settings.journal_size_limit_bytes)}"
            )
    except BaseException:
        connection.close()
        raise
    return connection


class ProfileDatabase:
    """The profile's connection, its write lock and the checkpoint policy.

    One connection per open profile, shared by the UI thread and background workers; the
    re-entrant `lock` serialises them, which SQLite would do anyway for writes.
    """

    def __init__(self, path: Path, key: bytes, settings: StoreSettings) -> None:
        self.path = path
        self.settings = settings
        self.lock = threading.RLock()
        self.connection = connect(path, key, settings)
        self._depth = 0
        self._closed = False

    # -- transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction; `durable` forces synchronous=FULL for this commit.

        Nested use joins the outer transaction, so use cases compose (applying a page of
        pulled changes applies returns inside the same commit).
        """
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.connection
                finally:
                    self._depth -= 1
                return
            connection = self.connection
            raise_level = durable and self.settings.autosave_synchronous != "FULL"
            with translated_errors():
                if raise_level:
                    connection.execute("PRAGMA synchronous = FULL")
                connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                with translated_errors():
                    yield connection
                    connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    try:
                        connection.execute("ROLLBACK")
                    except DriverError:  # the transaction may already be gone (SQLITE_FULL)
                        log.warning("rollback after a failed write also failed", exc_info=True)
                raise
            finally:
                self._depth = 0
                if raise_level:
                    with contextlib.suppress(DriverError):
                        connection.execute(
                            f"PRAGMA synchronous = {self.settings.autosave_synchronous}"
                        )

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state, even while
        another process writes. Inside a write transaction it is that one. Never write in it.
        """
        with self.lock:
            connection = self.connection
            if self._depth or connection.in_transaction:
                yield connection
                return
            with translated_errors():
                connection.execute("BEGIN")
            try:
                with translated_errors():
                    yield connection
            finally:
                if connection.in_transaction:
                    with contextlib.suppress(DriverError):
                        connection.execute("COMMIT")

    # -- reads -------------------------------------------------------------------------

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
        """All rows of a query, fetched at once so no read transaction outlives the call."""
        with self.lock, translated_errors():
            return self.connection.execute(sql, parameters).fetchall()

    def row(self, sql: str, parameters: Sequence[Any] = ()) -> Row | None:
        with self.lock, translated_errors():
            found: Row | None = self.connection.execute(sql, parameters).fetchone()
            return found

    def value(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        found = self.row(sql, parameters)
        return None if found is None else found[0]

    # -- the meta table ----------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A profile-wide setting: created_at, device_id, pull_cursor."""
        found = self.value("SELECT value FROM meta WHERE key = ?", (key,))
        return None if found is None else str(found)

    @staticmethod
    def set_meta(
        connection: sqlite3.Connection, key: str, value: str | None, *, keep: bool = False
    ) -> None:
        """Set (or with None remove) a profile-wide setting; call inside a transaction.
        With `keep`, a value already there stays (what a profile was born with)."""
        if value is None:
            connection.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            verb = "INSERT OR IGNORE" if keep else "INSERT OR REPLACE"
            connection.execute(f"{verb} INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- checkpoints -------------------------------------------------------------------

    @property
    def wal_path(self) -> Path:
        return self.path.with_name(self.path.name + "-wal")

    def wal_bytes(self) -> int:
        try:
            return self.wal_path.stat().st_size
        except FileNotFoundError:
            return 0

    def checkpoint(self, mode: Literal["PASSIVE", "TRUNCATE"] = "TRUNCATE") -> bool:
        """Copy the WAL into the database; TRUNCATE also empties the WAL file.

        Returns False when a reader in another connection kept part of the WAL alive; the
        next checkpoint finishes the job. Never raises for that: it is routine.
        """
        with self.lock:
            if self._depth:
                return False
            # A reader in another process would make TRUNCATE wait for the whole busy
            # timeout; a checkpoint is never worth a frozen screen, so wait briefly only.
            self.connection.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
            try:
                busy, _log, _done = self.connection.execute(
                    f"PRAGMA wal_checkpoint({mode})"
                ).fetchone()
            except DriverError:
                log.warning("WAL checkpoint failed", exc_info=True)
                return False
            finally:
                timeout_ms = int(self.settings.busy_timeout_seconds * 1000)
                self.connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            return not busy

    def checkpoint_if_large(self) -> None:
        """The after-finalize policy: a WAL over the threshold is folded in and truncated."""
        if self.wal_bytes() > self.settings.checkpoint_after_finalize_bytes:
            self.checkpoint("TRUNCATE")

    # -- life cycle --------------------------------------------------------------------

    def close(self) -> None:
        with self.lock:
            if self._closed:
                return
            self._closed = True
            # Leave a small, fully checkpointed WAL behind: faster next open, smaller backup.
            self.checkpoint("TRUNCATE")
            self.connection.close()

    @property
    def closed(self) -> bool:
        return self._closed
