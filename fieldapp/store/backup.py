"""Profile backups: one file holding the encrypted database, the wrapped key and the attachments.

The database is copied with ``VACUUM INTO``, which SQLite runs as a read transaction: a
consistent, compact copy even while the profile is open, encrypted with the same key
(never a file copy of a live database and its WAL). Attachment files are already
encrypted and never change once written, so they are copied as they are. Nothing in the
backup is readable without the password; `unpack_backup` checks it before writing
anything. `Profile.export_backup` and `fieldapp.store.profile.import_backup` are the use
cases over these two.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from fieldapp.core.files import fsync_directory
from fieldapp.store import audit
from fieldapp.store.attachments import AttachmentStore
from fieldapp.store.database import ProfileDatabase, StoreSettings
from fieldapp.store.errors import BackupInvalid, ProfileDamaged, ProfileExists
from fieldapp.store.keys import KEY_FILE, KeyFile, derive_subkey
from fieldapp.store.layout import ATTACHMENTS_FOLDER, DATABASE_FILE
from fieldapp.store.schema import schema_version
from fieldapp.store.times import Clock, iso

BACKUP_FORMAT = 1
MANIFEST = "manifest.json"
SUFFIX = ".fieldapp-backup"


def write_backup(
    database: ProfileDatabase,
    attachments: AttachmentStore,
    key_file: Path,
    destination: Path,
    *,
    actor: str,
    clock: Clock,
) -> Path:
    """Write a backup of one profile to `destination`: a file name, or a folder (an existing
    one, or a name without suffix) to put ``fieldapp-<time>.fieldapp-backup`` in.

    The profile stays usable; writes wait while the backup is made, so the database copy
    and the attachment files belong to the same moment.
    """
    destination = Path(destination)
    if destination.is_dir() or not destination.suffix:
        destination.mkdir(parents=True, exist_ok=True)
        stamp = clock().strftime("%Y%m%d-%H%M%S")
        destination = destination / f"fieldapp-{stamp}{SUFFIX}"
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fieldapp-backup-", dir=destination.parent))
    partial = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.tmp")
    try:
        with database.lock:
            snapshot = staging / DATABASE_FILE
            database.connection.execute("VACUUM INTO ?", (str(snapshot),))
            referenced = database.rows(
                "SELECT inspection_id, sha256 FROM version_attachments"
                " UNION SELECT inspection_id, sha256 FROM draft_attachments"
            )
            manifest = {
                "format": BACKUP_FORMAT,
                "created_at": iso(clock()),
                "schema_version": schema_version(database.connection),
                "attachments": len(referenced),
            }
            with zipfile.ZipFile(partial, "x", zipfile.ZIP_STORED, allowZip64=True) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
                archive.write(key_file, KEY_FILE)
                archive.write(snapshot, DATABASE_FILE)
                for inspection_id, sha in referenced:
                    path = attachments.path_for(str(inspection_id), str(sha))
                    if path.exists():  # a missing one is reported by verify, not hidden here
                        archive.write(path, f"{ATTACHMENTS_FOLDER}/{attachments.relative(path)}")
            with partial.open("rb+") as handle:
                os.fsync(handle.fileno())
            partial.replace(destination)
            fsync_directory(destination.parent)
            with database.transaction(durable=True) as connection:
                audit.append(
                    connection,
                    at=iso(clock()),
                    actor=actor,
                    action="backup_exported",
                    payload={"attachments": len(referenced)},
                )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return destination


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in info.filename:
            raise BackupInvalid(f"unsafe name {info.filename!r}")
        allowed = info.filename in (MANIFEST, KEY_FILE, DATABASE_FILE) or (
            path.parts[0] == ATTACHMENTS_FOLDER and len(path.parts) == 3
        )
        if not allowed:
            raise BackupInvalid(f"unexpected entry {info.filename!r}")
        members.append(info)
    return members


def unpack_backup(
    backup: Path, target: Path, username: str, password: str, settings: StoreSettings
) -> tuple[bytes, dict[str, object]]:
    """Restore a backup as the profile folder `target`; returns its data key and manifest.

    The password is checked before anything is written; an existing profile is never
    overwritten (`ProfileExists`). The restored database is checked (integrity and
    cipher integrity) before it is moved into place.
    """
    if (target / KEY_FILE).exists() or (target / DATABASE_FILE).exists():
        raise ProfileExists(str(target))
    try:
        archive = zipfile.ZipFile(backup)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupInvalid(str(error)) from error
    with archive:
        members = _safe_members(archive)
        names = {info.filename for info in members}
        if not {MANIFEST, KEY_FILE, DATABASE_FILE} <= names:
            raise BackupInvalid("manifest, key or database missing")
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except ValueError as error:
            raise BackupInvalid(f"manifest: {error}") from error
        if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
            found = manifest.get("format") if isinstance(manifest, dict) else manifest
            raise BackupInvalid(f"unknown backup format {found!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".import-", dir=target.parent))
        try:
            archive.extract(KEY_FILE, staging)
            key_file = KeyFile.load(staging / KEY_FILE)
            # The backup's count was kept on another machine (or this one, earlier): it
            # becomes this machine's, under this machine's MAC.
            key_file.adopt()
            data_key = key_file.unlock(username, password, lambda: 0.0)
            for info in members:
                if info.filename not in (MANIFEST, KEY_FILE):
                    archive.extract(info, staging)
            _check_database(staging / DATABASE_FILE, data_key, settings)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    fsync_directory(target.parent)
    return data_key, manifest


def _check_database(path: Path, data_key: bytes, settings: StoreSettings) -> None:
    database = ProfileDatabase(path, derive_subkey(data_key, "sqlcipher"), settings)
    try:
        found = database.rows("PRAGMA integrity_check")
        cipher = database.rows("PRAGMA cipher_integrity_check")
        if found != [("ok",)] or cipher:
            raise ProfileDamaged(f"the backup's database fails its checks: {found[:3]}{cipher[:3]}")
    finally:
        database.close()
