"""Photos and signatures as encrypted files beside the database, named by a keyed hash.

A file holds ``FAE1`` + a random 96-bit nonce + the AES-256-GCM ciphertext of the plain
bytes, with the inspection id as associated data: a file moved to another inspection does
not decrypt. It is named ``<inspection id>-<HMAC-SHA256 of the photo's SHA-256>`` in one
of 256 fan-out folders. The HMAC key is derived from the profile's data key, so only the
unlocked profile can tell which photo a file holds: a plain SHA-256 in the name would let
anyone with the disk check whether a known photo is on this device. The database keeps
the SHA-256 (the sync client uploads by hash), and the same bytes still get the same name,
so a re-attach is a no-op. `migrate_names` renames the files of a profile from before.

A file is written to a temporary name, fsynced, renamed and its folder fsynced before any
row refers to it (the caller commits the row afterwards). What a crash leaves behind is an
unreferenced file, never a row without its file; `collect_orphans` removes those.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldapp.core.files import fsync_directory
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import AttachmentMissing, DiskFull, StorageFailed

MAGIC = b"FAE1"
NONCE_BYTES = 12
TAG_BYTES = 16
OVERHEAD = len(MAGIC) + NONCE_BYTES + TAG_BYTES
TEMP_SUFFIX = ".tmp"
_NAME = re.compile(r"^(?P<inspection>[0-9a-f]{32})-(?P<name>[0-9a-f]{64})$")
#: The meta key that records the attachment files' naming (absent: plain SHA-256 names).
NAMING_META = "attachment_names"
NAMING = "hmac-sha256-v1"

log = logging.getLogger(__name__)
_SPACE_ERRORS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff_media_type(data: bytes) -> str:
    """The media type from the first bytes; cameras and signature pads give one of these."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    return "application/octet-stream"


def _write_all(descriptor: int, data: bytes) -> None:
    """os.write until everything is written (a short write is legal, and rare)."""
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    inspection_id: str
    #: The keyed hash in the name (or, in a file from before, its plain SHA-256).
    name_hash: str


class AttachmentStore:
    """The attachment folder of one profile, the key its files are sealed with, and the
    bookkeeping that keeps files and the rows referring to them in step."""

    def __init__(
        self, root: Path, key: bytes, database: ProfileDatabase, naming_key: bytes
    ) -> None:
        self.root = root
        self._cipher = AESGCM(key)
        self._database = database
        self._naming_key = naming_key

    # -- naming ------------------------------------------------------------------------

    def name_hash(self, sha256: str) -> str:
        """The keyed hash a photo's file is named by (see the module docstring)."""
        return hmac.new(self._naming_key, sha256.encode("ascii"), hashlib.sha256).hexdigest()

    def path_for(self, inspection_id: str, sha256: str) -> Path:
        return self.root / inspection_id[:2] / f"{inspection_id}-{self.name_hash(sha256)}"

    def _plain_path(self, inspection_id: str, sha256: str) -> Path:
        # How fieldapp before issue 14 named the file: readable by anyone with the disk.
        return self.root / inspection_id[:2] / f"{inspection_id}-{sha256}"

    def migrate_names(self) -> int:
        """Rename the files of a profile named by plain SHA-256 to their keyed names, once;
        returns how many were renamed. Safe to repeat after a crash: the mark is written
        only after every rename."""
        if self._database.meta(NAMING_META) == NAMING:
            return 0
        renamed = 0
        for inspection_id, sha in self._referenced():
            old = self._plain_path(inspection_id, sha)
            new = self.path_for(inspection_id, sha)
            if old.exists() and not new.exists():
                old.replace(new)
                renamed += 1
        for folder in {path.parent for path in self.root.glob("*/*")} if renamed else ():
            fsync_directory(folder)
        with self._database.transaction(durable=True) as connection:
            self._database.set_meta(connection, NAMING_META, NAMING)
        if renamed:
            log.info("renamed %d attachment files to keyed names", renamed)
        return renamed

    def _referenced(self) -> set[tuple[str, str]]:
        return {
            (str(inspection_id), str(sha))
            for inspection_id, sha in self._database.rows(
                "SELECT inspection_id, sha256 FROM version_attachments"
                " UNION SELECT inspection_id, sha256 FROM draft_attachments"
            )
        }

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # -- writing -----------------------------------------------------------------------

    def seal(self, inspection_id: str, data: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return MAGIC + nonce + self._cipher.encrypt(nonce, data, inspection_id.encode())

    def write(self, inspection_id: str, sha256: str, data: bytes, *, durable: bool = True) -> Path:
        """Seal and store `data`; the file exists complete under its final name on return.

        `durable=False` skips the fsyncs: only for bulk seeding, where the caller syncs once.
        """
        target = self.path_for(inspection_id, sha256)
        if self._intact_size(target, len(data)) and self.problem(inspection_id, sha256) is None:
            return target  # content-addressed: the same bytes are already there
        sealed = self.seal(inspection_id, data)
        folder = target.parent
        temporary = folder / f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            new_folder = not folder.exists()
            folder.mkdir(parents=True, exist_ok=True)
            if new_folder and durable:
                fsync_directory(folder.parent)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
            try:
                _write_all(descriptor, sealed)
                if durable:
                    os.fsync(descriptor)
            finally:
                os.close(descriptor)
            temporary.replace(target)
            if durable:
                fsync_directory(folder)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink()
            if error.errno in _SPACE_ERRORS:
                raise DiskFull() from error
            raise StorageFailed(error.strerror or str(error)) from error
        return target

    def _intact_size(self, path: Path, plain_size: int) -> bool:
        try:
            return path.stat().st_size == plain_size + OVERHEAD
        except FileNotFoundError:
            return False

    # -- reading -----------------------------------------------------------------------

    def read(self, inspection_id: str, sha256: str) -> bytes:
        """The plain bytes, checked against their name; `AttachmentMissing` otherwise."""
        problem, data = self._open(inspection_id, sha256)
        if problem is not None or data is None:
            raise AttachmentMissing(sha256, problem or "unreadable")
        return data

    def problem(self, inspection_id: str, sha256: str, size: int | None = None) -> str | None:
        """Why this file is not what the database says (None when it is)."""
        problem, data = self._open(inspection_id, sha256)
        if problem is None and data is not None and size is not None and len(data) != size:
            return f"holds {len(data)} bytes, the database says {size}"
        return problem

    def _open(self, inspection_id: str, sha256: str) -> tuple[str | None, bytes | None]:
        path = self.path_for(inspection_id, sha256)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            return "missing", None
        except OSError as error:
            return f"unreadable: {error.strerror or error}", None
        if not sealed.startswith(MAGIC) or len(sealed) < OVERHEAD:
            return "not an attachment file", None
        nonce = sealed[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
        try:
            data = self._cipher.decrypt(
                nonce, sealed[len(MAGIC) + NONCE_BYTES :], inspection_id.encode()
            )
        except InvalidTag:
            return "altered or damaged: it does not decrypt", None
        if sha256_hex(data) != sha256:
            return "content does not match its SHA-256", None
        return None, data

    def read_by_hash(self, sha256: str) -> bytes:
        """The plain bytes of a file any inspection here uses (the sync client uploads by
        hash); `AttachmentMissing` when none does or none of their copies is intact."""
        owners = self._database.rows(
            "SELECT inspection_id FROM version_attachments WHERE sha256 = ?"
            " UNION SELECT inspection_id FROM draft_attachments WHERE sha256 = ?",
            (sha256, sha256),
        )
        if not owners:
            raise AttachmentMissing(sha256, "no inspection here uses it")
        failure: AttachmentMissing | None = None
        for (inspection_id,) in owners:
            try:
                return self.read(str(inspection_id), sha256)
            except AttachmentMissing as error:
                failure = error
        assert failure is not None
        raise failure

    def exists(self, inspection_id: str, sha256: str, plain_size: int) -> bool:
        return self._intact_size(self.path_for(inspection_id, sha256), plain_size)

    # -- removing and sweeping ---------------------------------------------------------

    def remove(self, inspection_id: str, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(inspection_id, sha256).unlink()

    def remove_path(self, relative: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / relative).unlink()

    def files(self) -> Iterator[StoredFile | Path]:
        """Every attachment file (as `StoredFile`) and every other file (as a bare path)."""
        if not self.root.exists():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                yield folder
                continue
            for entry in os.scandir(folder):
                path = Path(entry.path)
                match = _NAME.match(entry.name)
                if match is None:
                    yield path
                else:
                    yield StoredFile(path, match["inspection"], match["name"])

    # -- keeping files and rows in step -------------------------------------------------
    #
    # `file_intents` notes every file that is about to be written or may have just lost
    # its last reference, in a committed transaction *before* the file changes. After a
    # crash, the next open settles exactly those files instead of sweeping the folder.

    def announce(
        self, connection: sqlite3.Connection, inspection_id: str, sha256: str, at: str
    ) -> str:
        """Note a file about to be written; returns its relative path."""
        relative = self.relative(self.path_for(inspection_id, sha256))
        connection.execute(
            "INSERT OR REPLACE INTO file_intents (path, created_at) VALUES (?, ?)",
            (relative, at),
        )
        return relative

    def settled(self, connection: sqlite3.Connection, relative: str) -> None:
        """The row referring to an announced file is written (same transaction)."""
        connection.execute("DELETE FROM file_intents WHERE path = ?", (relative,))

    def release(
        self,
        connection: sqlite3.Connection,
        inspection_id: str,
        shas: Iterable[str],
        at: str,
        *,
        ignore_drafts: bool = False,
    ) -> list[str]:
        """Inside the transaction that drops references: note each file nothing uses any
        more, so it is deleted after the commit (or at the next open, after a crash)."""
        released = []
        for sha in sorted(set(shas)):
            used = connection.execute(
                "SELECT 1 FROM version_attachments WHERE inspection_id = ? AND sha256 = ?",
                (inspection_id, sha),
            ).fetchone()
            if used is None and not ignore_drafts:
                used = connection.execute(
                    "SELECT 1 FROM draft_attachments WHERE inspection_id = ? AND sha256 = ?",
                    (inspection_id, sha),
                ).fetchone()
            if used is None:
                released.append(self.announce(connection, inspection_id, sha, at))
        return released

    def delete_released(self, released: Sequence[str]) -> None:
        """After the commit: delete the released files and forget the notes."""
        if not released:
            return
        for relative in released:
            self.remove_path(relative)
        # A failure here only leaves notes behind, which the next open settles.
        with contextlib.suppress(Exception), self._database.transaction() as connection:
            connection.executemany(
                "DELETE FROM file_intents WHERE path = ?", [(r,) for r in released]
            )

    def settle_intents(self) -> None:
        """At open: finish what a crash interrupted. A noted file that no row refers to is
        removed; one that a row refers to (the commit made it) is kept."""
        intents = [str(row[0]) for row in self._database.rows("SELECT path FROM file_intents")]
        if not intents:
            return
        used = {self.relative(self.path_for(i, sha)) for i, sha in self._referenced()}
        for relative in intents:
            if relative not in used:
                self.remove_path(relative)
        with self._database.transaction() as connection:
            connection.executemany(
                "DELETE FROM file_intents WHERE path = ?", [(r,) for r in intents]
            )

    def collect_orphans(self, grace_seconds: float) -> list[str]:
        """Remove unreferenced attachment files and stale temporary files older than the
        grace period; returns their relative paths. Unknown files are left for a person."""
        cutoff = time.time() - grace_seconds
        referenced = {(i, self.name_hash(sha)) for i, sha in self._referenced()}
        removed = []
        for entry in self.files():
            path = entry.path if isinstance(entry, StoredFile) else entry
            try:
                if path.stat().st_mtime > cutoff:
                    continue
            except FileNotFoundError:
                continue
            if isinstance(entry, StoredFile):
                if (entry.inspection_id, entry.name_hash) in referenced:
                    continue
            elif not path.name.endswith(TEMP_SUFFIX):
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed.append(self.relative(path))
        return removed


_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise translate newlines
