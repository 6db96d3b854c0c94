"""A person's profile on the device and the use cases the app, the sync client and the CLI call.

`open_profile` unlocks (or on first use creates) the encrypted profile of one user below a
home folder. The `Profile` it returns offers small named use cases — start an inspection,
set an answer, attach a photo, finalize, apply a return — each one transaction, so a widget
or the sync client never opens one itself. Every answer change commits at once (autosave);
finalize validates, freezes the version, chains it into the audit log and queues it in the
outbox in a single synchronous=FULL transaction.

Layout of a home folder::

    profiles/<hash of the username>/keys.json      wrapped data key, Argon2id parameters
    profiles/<hash of the username>/profile.db     SQLCipher database (+ -wal, -shm)
    profiles/<hash of the username>/attachments/   AES-GCM files named by SHA-256

The folder is named by a hash so a stolen laptop's file listing does not say whose it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sqlite3
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldapp.core.answers import (
    answers_document,
    decode_value,
    encode_value,
    session_from_document,
)
from fieldapp.core.engine import Changes, FormEngine, FormSession
from fieldapp.core.entities import Area, Assignment, Team, User, Venue
from fieldapp.core.expr import Value
from fieldapp.core.forms import ATTACHMENT_TYPES, QuestionType
from fieldapp.core.inspection import Attachment, InspectionStatus, InspectionVersion, new_id
from fieldapp.store import audit
from fieldapp.store import reference as ref
from fieldapp.store.attachments import AttachmentStore, sha256_hex, sniff_media_type
from fieldapp.store.audit import AuditEntry
from fieldapp.store.database import Database, StoreSettings
from fieldapp.store.errors import (
    AttachmentMissing,
    AttachmentTooLarge,
    BlockingProblem,
    FinalizeBlocked,
    NotEditable,
    NoUnattendedKey,
    ProfileDamaged,
    ProfileNotFound,
    QuestionLocked,
    UnknownInspection,
    UnknownReference,
    UnknownVersion,
)
from fieldapp.store.keys import (
    DEFAULT_KDF,
    KEY_FILE,
    KdfParams,
    KeyFile,
    KeyringBackend,
    SystemKeyring,
    WallClock,
    derive_subkey,
    load_from_keyring,
    remove_from_keyring,
    store_in_keyring,
)
from fieldapp.store.listing import InspectionLists, inspection_filter, parse_time
from fieldapp.store.outbox import Outbox
from fieldapp.store.records import InspectionSummary, Position
from fieldapp.store.schema import (
    LATEST_VERSION,
    NEXT_CHANGE,
    apply_migration,
    check_not_newer,
    pending_migrations,
)
from fieldapp.store.versions import decode_record, encode_record

log = logging.getLogger(__name__)

PROFILES_FOLDER = "profiles"
DATABASE_FILE = "profile.db"
ATTACHMENTS_FOLDER = "attachments"
#: How many open drafts keep their live `FormSession` in memory.
SESSION_CACHE = 8
#: While one draft is being edited, its "changed" time is rewritten at most this often.
TOUCH_SECONDS = 30.0
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC, fixed width, so stored times sort as text."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def profile_directory(home: Path, username: str) -> Path:
    """Where `username`'s profile lives below `home` (whether or not it exists yet)."""
    digest = hashlib.sha256(f"fieldapp profile|{username}".encode()).hexdigest()[:24]
    return Path(home) / PROFILES_FOLDER / digest


def profile_exists(home: Path, username: str) -> bool:
    return (profile_directory(home, username) / KEY_FILE).exists()


def _check_username(username: str) -> None:
    if not _USERNAME.match(username):
        raise ValueError(f"not a username: {username!r}")


def open_profile(
    home: Path,
    username: str,
    password: str,
    *,
    create: bool = True,
    settings: StoreSettings | None = None,
    kdf: KdfParams | None = None,
    clock: Clock = utc_now,
    wall_clock: WallClock = time.time,
) -> Profile:
    """Unlock `username`'s profile below `home`, creating it on first use.

    Raises `WrongPassword` (counted, persisted), `TooManyAttempts` after five wrong tries
    in a row, `ProfileTooNew` for a profile written by a newer fieldapp, `ProfileNotFound`
    when `create` is False and there is none. `kdf` sets the Argon2id cost for a new
    profile, or re-wraps an existing one with that cost.
    """
    _check_username(username)
    directory = profile_directory(home, username)
    key_path = directory / KEY_FILE
    created = False
    if not key_path.exists():
        if not create:
            raise ProfileNotFound(username)
        if (directory / DATABASE_FILE).exists():
            # Never make a new key beside a database that the old key encrypted.
            raise ProfileDamaged(f"{KEY_FILE} is missing beside {DATABASE_FILE}")
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            key_file, data_key = KeyFile.create(directory, username, password, kdf or DEFAULT_KDF)
            created = True
        except FileExistsError:
            pass  # another process made it a moment ago: unlock theirs below
    if not created:
        key_file = KeyFile.load(key_path)
        data_key = key_file.unlock(username, password, wall_clock)
        if kdf is not None and kdf != key_file.kdf:
            key_file.rewrap(username, password, data_key, kdf)
    return Profile.unlocked(
        directory, username, data_key, key_file, settings or StoreSettings(), clock, created
    )


def open_profile_unattended(
    home: Path,
    username: str,
    *,
    keyring: KeyringBackend | None = None,
    settings: StoreSettings | None = None,
    clock: Clock = utc_now,
) -> Profile:
    """Open with the data key kept in the OS keyring (headless sync); `NoUnattendedKey`
    when there is none or it no longer fits."""
    _check_username(username)
    directory = profile_directory(home, username)
    if not (directory / KEY_FILE).exists():
        raise ProfileNotFound(username)
    data_key = load_from_keyring(keyring or SystemKeyring(), directory)
    if data_key is None or len(data_key) != 32:
        raise NoUnattendedKey()
    key_file = KeyFile.load(directory / KEY_FILE)
    try:
        return Profile.unlocked(
            directory, username, data_key, key_file, settings or StoreSettings(), clock, False
        )
    except ProfileDamaged as error:
        raise NoUnattendedKey() from error


@dataclass(frozen=True, slots=True)
class _Inspection:
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


_INSPECTION_COLUMNS = (
    "id, form_id, form_version, venue_id, area_id, assignment_id, author, status, started_at,"
    " draft_started_at, updated_at, base_version_id, current_version_id"
)


def _inspection_from(row: Sequence[Any]) -> _Inspection:
    values = list(row)
    values[7] = InspectionStatus(values[7])
    return _Inspection(*values)


class Profile:
    """One person's unlocked profile: their inspections, attachments, outbox and reference data.

    Not a singleton: build one at start-up and pass it to whoever needs it; tests open as
    many as they like. Methods are safe to call from several threads (one lock).
    """

    def __init__(
        self,
        directory: Path,
        username: str,
        database: Database,
        key_file: KeyFile,
        data_key: bytes,
        clock: Clock,
    ) -> None:
        self.directory = directory
        self.username = username
        self.database = database
        self.settings = database.settings
        self.attachments = AttachmentStore(
            directory / ATTACHMENTS_FOLDER, derive_subkey(data_key, "attachments"), database
        )
        self.forms = ref.FormCatalog(database)
        self.audit_log = audit.AuditLog(database)
        self._lists = InspectionLists(database)
        self._outbox = Outbox(database, username, self._now)
        self._key_file = key_file
        self._data_key = data_key
        self._clock = clock
        # Live sessions of drafts: the few most recent are kept, and any that a screen
        # still holds stay findable, so a screen's session is never silently replaced.
        self._recent: OrderedDict[str, FormSession] = OrderedDict()
        self._live: weakref.WeakValueDictionary[str, FormSession] = weakref.WeakValueDictionary()
        self._rows: dict[str, _Inspection] = {}
        #: The draft last marked changed, and when (monotonic seconds).
        self._last_touch: tuple[str, float] = ("", 0.0)
        self._lock = database.lock

    # -- opening and closing -----------------------------------------------------------

    @classmethod
    def unlocked(
        cls,
        directory: Path,
        username: str,
        data_key: bytes,
        key_file: KeyFile,
        settings: StoreSettings,
        clock: Clock,
        created: bool,
        *,
        schema_target: int = LATEST_VERSION,
    ) -> Profile:
        """Open the database with an already unlocked data key and bring its schema up to
        date. `schema_target` below the latest exists for the migration tests only."""
        database = Database(
            directory / DATABASE_FILE, derive_subkey(data_key, "sqlcipher"), settings
        )
        try:
            _migrate(database, directory, schema_target)
            profile = cls(directory, username, database, key_file, data_key, clock)
            # Also after a crash between writing keys.json and the first commit.
            if (
                created
                or profile.database.value("SELECT value FROM meta WHERE key = 'created_at'") is None
            ):
                profile._record_creation()
            profile.attachments.settle_intents()
        except BaseException:
            database.close()
            raise
        return profile

    def _record_creation(self) -> None:
        now = self._now()
        with self.database.transaction(durable=True) as connection:
            connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?),"
                " ('device_id', ?)",
                (now, new_id()),
            )
            audit.append(connection, at=now, actor=self.username, action="profile_created")

    def close(self) -> None:
        """Checkpoint the WAL and close; the profile object is unusable afterwards."""
        with self._lock:
            self._recent.clear()
            self._live.clear()
            self._rows.clear()
            self.database.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Profile({self.username!r}, {self.directory})"

    @property
    def clock(self) -> Clock:
        """The clock stamps come from (the device's; for the audit trail, never for order)."""
        return self._clock

    @property
    def device_id(self) -> str:
        return str(self.database.value("SELECT value FROM meta WHERE key = 'device_id'"))

    # -- password and keyring ----------------------------------------------------------

    def change_password(self, old_password: str, new_password: str) -> None:
        """Re-wrap the data key with a new password; the data itself is not re-encrypted.

        The old password is checked like a sign-in (wrong tries count).
        """
        with self._lock:
            key_file = KeyFile.load(self._key_file.path)  # another process may have counted
            data_key = key_file.unlock(self.username, old_password)
            if data_key != self._data_key:
                raise ProfileDamaged(f"{KEY_FILE} no longer matches the open profile")
            key_file.rewrap(self.username, new_password, data_key, key_file.kdf)
            self._key_file = key_file
            now = self._now()
            with self.database.transaction(durable=True) as connection:
                audit.append(connection, at=now, actor=self.username, action="password_changed")

    def check_password(self, password: str) -> None:
        """Check the signed-in person's password again (an idle lock, a confirmation).

        Wrong tries count and slow down exactly as at sign-in: raises `WrongPassword` or
        `TooManyAttempts`.
        """
        with self._lock:
            data_key = KeyFile.load(self._key_file.path).unlock(self.username, password)
            if data_key != self._data_key:
                raise ProfileDamaged(f"{KEY_FILE} no longer matches the open profile")

    def enable_unattended_sync(self, keyring: KeyringBackend | None = None) -> bool:
        """Keep the data key in the OS keyring so `fieldapp sync` can run without a prompt.

        Returns False, storing nothing, when the system has no keyring: then headless sync
        takes the password from FIELDAPP_PASSWORD instead.
        """
        return store_in_keyring(keyring or SystemKeyring(), self.directory, self._data_key)

    def disable_unattended_sync(self, keyring: KeyringBackend | None = None) -> None:
        remove_from_keyring(keyring or SystemKeyring(), self.directory)

    # -- reference data ----------------------------------------------------------------

    def apply_changes(
        self, changes: Iterable[ref.Change], cursor: str | None
    ) -> ref.AppliedChanges:
        """Apply one pulled page of changes and store `cursor`, in ONE transaction.

        A crash before the commit leaves both the old data and the old cursor, so the
        page is pulled again; one after it leaves both new. Returns and approvals of
        inspections this device does not hold are reported in `ignored`, not raised.
        """
        result = ref.AppliedChanges()
        with self._lock, self.database.transaction(durable=True) as connection:
            for change in changes:
                if isinstance(change, ref.Upsert):
                    ref.upsert(connection, change.item, self.forms)
                    result.reference += 1
                elif isinstance(change, ref.Removal):
                    ref.remove(connection, change.kind, change.id)
                    result.reference += 1
                else:
                    self._apply_review(connection, change, result)
            self._set_meta(connection, "pull_cursor", cursor)
        return result

    def replace_reference_data(
        self, snapshot: ref.ReferenceSnapshot, cursor: str | None = None
    ) -> None:
        """Replace all reference data (first sync, reset after a 410, demo seeds) and the
        cursor in one transaction. Inspections and forms they use are never touched."""
        with self._lock, self.database.transaction(durable=True) as connection:
            ref.replace_all(connection, snapshot, self.forms)
            self._set_meta(connection, "pull_cursor", cursor)

    def pull_cursor(self) -> str | None:
        found = self.database.value("SELECT value FROM meta WHERE key = 'pull_cursor'")
        return None if found is None else str(found)

    def has_reference_data(self) -> bool:
        return self.database.value("SELECT 1 FROM forms LIMIT 1") is not None

    def _set_meta(self, connection: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            connection.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )

    def venues(self) -> list[Venue]:
        return [
            Venue.model_validate_json(row[0])
            for row in self.database.rows("SELECT data FROM venues ORDER BY name")
        ]

    def venue(self, venue_id: str) -> Venue | None:
        found = self.database.value("SELECT data FROM venues WHERE id = ?", (venue_id,))
        return None if found is None else Venue.model_validate_json(found)

    def areas(self) -> list[Area]:
        return [
            Area.model_validate_json(row[0])
            for row in self.database.rows("SELECT data FROM areas ORDER BY name")
        ]

    def area(self, area_id: str) -> Area | None:
        found = self.database.value("SELECT data FROM areas WHERE id = ?", (area_id,))
        return None if found is None else Area.model_validate_json(found)

    def assignments(self, username: str | None = None) -> list[Assignment]:
        """All assignments, or those of `username` and of their team, by due date."""
        if username is None:
            rows = self.database.rows("SELECT data FROM assignments ORDER BY due, id")
        else:
            rows = self.database.rows(
                "SELECT data FROM assignments WHERE assignee = ? OR team = "
                "(SELECT team FROM team_users WHERE username = ?) ORDER BY due, id",
                (username, username),
            )
        return [Assignment.model_validate_json(row[0]) for row in rows]

    def assignment(self, assignment_id: str) -> Assignment | None:
        found = self.database.value("SELECT data FROM assignments WHERE id = ?", (assignment_id,))
        return None if found is None else Assignment.model_validate_json(found)

    def teams(self) -> list[Team]:
        return [
            Team.model_validate_json(row[0])
            for row in self.database.rows("SELECT data FROM teams ORDER BY name")
        ]

    def team(self, team_id: str) -> Team | None:
        found = self.database.value("SELECT data FROM teams WHERE id = ?", (team_id,))
        return None if found is None else Team.model_validate_json(found)

    def team_users(self) -> list[User]:
        return [
            User.model_validate_json(row[0])
            for row in self.database.rows("SELECT data FROM team_users ORDER BY username")
        ]

    def user(self, username: str) -> User | None:
        found = self.database.value("SELECT data FROM team_users WHERE username = ?", (username,))
        return None if found is None else User.model_validate_json(found)

    def engine(self, form_id: str, version: str | None = None) -> FormEngine:
        """The compiled form (cached per form id and version); newest when no version."""
        return self.forms.engine(form_id, version)

    # -- drafts ------------------------------------------------------------------------

    def start_inspection(
        self,
        form_id: str,
        *,
        venue_id: str | None = None,
        area_id: str | None = None,
        assignment_id: str | None = None,
        form_version: str | None = None,
    ) -> str:
        """Make a new draft (its id is made here, on the device) and return its id.

        An assignment fills in the venue or area it names. The form's defaults ("now")
        and its venue question are saved at once, like any other answer.
        """
        with self._lock:
            if assignment_id is not None:
                assignment = self.assignment(assignment_id)
                if assignment is None:
                    raise UnknownReference("Opdracht", "Assignment", assignment_id)
                if assignment.form_id.value != form_id:
                    raise ValueError(
                        f"assignment {assignment_id} is for {assignment.form_id.value}, "
                        f"not {form_id}"
                    )
                venue_id = venue_id or assignment.venue
                area_id = area_id or assignment.area
            if venue_id is not None and self.venue(venue_id) is None:
                raise UnknownReference("Locatie", "Venue", venue_id)
            if area_id is not None and self.area(area_id) is None:
                raise UnknownReference("Wijk", "Area", area_id)
            engine = self.engine(form_id, form_version)
            session = engine.session(clock=self._local_clock)
            if venue_id is not None:
                for name, field_ in engine.fields.items():
                    if field_.kind is QuestionType.VENUE and field_.repeat is None:
                        session.set_answer(name, venue_id)
                        break
            inspection_id = new_id()
            now = self._now()
            with self.database.transaction() as connection:
                connection.execute(
                    f"INSERT INTO inspections ({_INSPECTION_COLUMNS}, changed_seq) VALUES"
                    f" (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, NULL, NULL, {NEXT_CHANGE})",
                    (
                        inspection_id,
                        engine.form_id,
                        engine.version,
                        venue_id,
                        area_id,
                        assignment_id,
                        self.username,
                        now,
                        now,
                        now,
                    ),
                )
                _write_answers(connection, inspection_id, session, session.answers.keys())
                audit.append(
                    connection,
                    at=now,
                    actor=self.username,
                    action="inspection_started",
                    inspection_id=inspection_id,
                    payload={"form_id": engine.form_id, "form_version": engine.version},
                )
            self._rows[inspection_id] = self._inspection(inspection_id)
            self._remember(inspection_id, session)
            return inspection_id

    def resume(self, inspection_id: str) -> FormSession:
        """The inspection's live session: answers, relevance, issues and outcomes.

        For a draft this is the object the store keeps up to date: read it, but change it
        only through `set_answer` and friends, which save each change. The same object is
        returned for as long as anyone holds it. If saving a row or file change fails, the
        store drops it; call `resume` again for one rebuilt from disk. For anything but a
        draft it is a fresh read-only view of the latest finalized version.
        """
        with self._lock:
            if inspection_id in self._live and inspection_id in self._rows:
                return self._open_draft(inspection_id)[1]
            inspection = self._inspection(inspection_id)
            if inspection.status is InspectionStatus.DRAFT:
                return self._session(inspection)
            assert inspection.current_version_id is not None
            version = self.version(inspection.current_version_id)
            engine = self.engine(version.form_id, version.form_version)
            return session_from_document(engine, version.document, self._local_clock)

    def set_answer(
        self, inspection_id: str, name: str, value: Value, row: str | None = None
    ) -> Changes:
        """Record one answer (``''`` clears it) and commit it at once; returns what changed
        on screen. Photos and signatures go through `attach_file`."""
        with self._lock:
            inspection, session = self._open_draft(inspection_id)
            field_ = session.engine.fields.get(name)
            if field_ is not None and field_.kind in ATTACHMENT_TYPES:
                raise ValueError(f"'{name}' takes files: use attach_file / remove_attachment")
            self._check_editable(inspection, session, name)
            previous = session.answers.get((name, row), "")
            changes = session.set_answer(name, value, row)
            try:
                with self.database.transaction() as connection:
                    _write_answers(connection, inspection_id, session, [(name, row)])
                    self._touch(connection, inspection_id)
            except NotEditable:
                self._forget(inspection_id)
                raise
            except BaseException:
                # Put the screen's session back to what is on disk, so it stays usable.
                session.set_answer(name, previous, row)
                raise
            return changes

    def add_row(self, inspection_id: str, repeat: str) -> tuple[str, Changes]:
        """Add a row to a repeat (an observation, a person check); returns its id."""
        with self._lock:
            inspection, session = self._open_draft(inspection_id)
            self._check_editable(inspection, session, repeat)
            row, changes = session.add_row(repeat)
            with self._saving(inspection_id) as connection:
                connection.execute(
                    "INSERT INTO repeat_rows (inspection_id, repeat, row_id, position)"
                    " VALUES (?, ?, ?, ?)",
                    (inspection_id, repeat, row, len(session.rows[repeat]) - 1),
                )
                keys = [(name, row) for name in session.engine.repeat_fields[repeat]]
                _write_answers(connection, inspection_id, session, keys)
                self._touch(connection, inspection_id)
            return row, changes

    def remove_row(self, inspection_id: str, repeat: str, row: str) -> Changes:
        """Remove a repeat row with its answers and photos."""
        with self._lock:
            inspection, session = self._open_draft(inspection_id)
            self._check_editable(inspection, session, repeat)
            changes = session.remove_row(repeat, row)
            with self._saving(inspection_id) as connection:
                connection.execute(
                    "DELETE FROM repeat_rows WHERE inspection_id = ? AND row_id = ?",
                    (inspection_id, row),
                )
                connection.execute(
                    "DELETE FROM answers WHERE inspection_id = ? AND row_id = ?",
                    (inspection_id, row),
                )
                shas = [
                    str(found[0])
                    for found in connection.execute(
                        "SELECT sha256 FROM draft_attachments WHERE inspection_id = ?"
                        " AND row_id = ?",
                        (inspection_id, row),
                    ).fetchall()
                ]
                connection.execute(
                    "DELETE FROM draft_attachments WHERE inspection_id = ? AND row_id = ?",
                    (inspection_id, row),
                )
                _renumber_rows(connection, inspection_id, repeat, session.rows[repeat])
                released = self.attachments.release(connection, inspection_id, shas, self._now())
                self._touch(connection, inspection_id)
            self.attachments.delete_released(released)
            return changes

    def move_row(self, inspection_id: str, repeat: str, row: str, index: int) -> Changes:
        """Move a repeat row to position `index` (0 = first)."""
        with self._lock:
            inspection, session = self._open_draft(inspection_id)
            self._check_editable(inspection, session, repeat)
            if row not in session.rows.get(repeat, ()):
                raise ValueError(f"'{repeat}' has no row {row}")
            changes = session.move_row(repeat, row, index)
            with self._saving(inspection_id) as connection:
                _renumber_rows(connection, inspection_id, repeat, session.rows[repeat])
                self._touch(connection, inspection_id)
            return changes

    def attach_file(
        self,
        inspection_id: str,
        question: str,
        source: Path | bytes,
        row: str | None = None,
        media_type: str | None = None,
    ) -> Attachment:
        """Encrypt and store a photo or signature and add it to the question's answer.

        The file is complete and synced under its final name before the answer that refers
        to it is committed. A signature replaces the previous one; a photo is added to the
        question's list (the same photo twice is kept once).
        """
        with self._lock:
            inspection, session = self._open_draft(inspection_id)
            field_ = session.engine.fields[question]
            if field_.kind not in ATTACHMENT_TYPES:
                raise ValueError(f"'{question}' is a {field_.kind.value} question, not a file")
            self._check_editable(inspection, session, question)
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            if len(data) > self.settings.max_attachment_bytes:
                raise AttachmentTooLarge(len(data), self.settings.max_attachment_bytes)
            sha = sha256_hex(data)
            media = media_type or sniff_media_type(data)
            current = session.answers.get((question, row), "")
            replaced: list[str] = []
            new_value: Value
            if field_.kind is QuestionType.SIGNATURE:
                new_value = sha
                if isinstance(current, str) and current and current != sha:
                    replaced.append(current)
            else:
                names = tuple(current) if isinstance(current, tuple) else ()
                new_value = names if sha in names else (*names, sha)
            # Announce the file first: if we die before the row commits, the next open
            # knows which file to remove instead of sweeping the whole folder.
            with self.database.transaction() as connection:
                relative = self.attachments.announce(connection, inspection_id, sha, self._now())
            self.attachments.write(inspection_id, sha, data)
            session.set_answer(question, new_value, row)
            with self._saving(inspection_id) as connection:
                connection.execute(
                    "INSERT OR IGNORE INTO draft_attachments (inspection_id, question, row_id,"
                    " sha256, size, media_type, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (inspection_id, question, row or "", sha, len(data), media, self._now()),
                )
                for old in replaced:
                    connection.execute(
                        "DELETE FROM draft_attachments WHERE inspection_id = ? AND question = ?"
                        " AND row_id = ? AND sha256 = ?",
                        (inspection_id, question, row or "", old),
                    )
                _write_answers(connection, inspection_id, session, [(question, row)])
                self.attachments.settled(connection, relative)
                released = self.attachments.release(
                    connection, inspection_id, replaced, self._now()
                )
                self._touch(connection, inspection_id)
            self.attachments.delete_released(released)
            return Attachment(question=question, sha256=sha, size=len(data), media_type=media)

    def remove_attachment(
        self, inspection_id: str, question: str, sha256: str, row: str | None = None
    ) -> Changes:
        """Take a photo or signature out of the answer; the file goes when nothing uses it."""
        with self._lock:
            inspection, session = self._open_draft(inspection_id)
            field_ = session.engine.fields[question]
            if field_.kind not in ATTACHMENT_TYPES:
                raise ValueError(f"'{question}' is not a photo or signature question")
            self._check_editable(inspection, session, question)
            current = session.answers.get((question, row), "")
            new_value: Value
            if isinstance(current, tuple):
                new_value = tuple(name for name in current if name != sha256)
            else:
                new_value = "" if current == sha256 else current
            changes = session.set_answer(question, new_value, row)
            with self._saving(inspection_id) as connection:
                connection.execute(
                    "DELETE FROM draft_attachments WHERE inspection_id = ? AND question = ?"
                    " AND row_id = ? AND sha256 = ?",
                    (inspection_id, question, row or "", sha256),
                )
                _write_answers(connection, inspection_id, session, [(question, row)])
                released = self.attachments.release(
                    connection, inspection_id, [sha256], self._now()
                )
                self._touch(connection, inspection_id)
            self.attachments.delete_released(released)
            return changes

    def set_position(
        self, inspection_id: str, page: str, question: str | None = None, row: str | None = None
    ) -> None:
        """Remember where the person is in this inspection (saved like an answer)."""
        with self._lock, self.database.transaction() as connection:
            updated = connection.execute(
                "UPDATE inspections SET position_page = ?, position_question = ?,"
                " position_row = ?, position_at = ? WHERE id = ?",
                (page, question, row, self._now(), inspection_id),
            ).rowcount
            if not updated:
                raise UnknownInspection(inspection_id)

    def position(self, inspection_id: str) -> Position | None:
        """Where the person last was in this inspection, if anywhere."""
        found = self.database.row(
            "SELECT position_page, position_question, position_row, position_at"
            " FROM inspections WHERE id = ?",
            (inspection_id,),
        )
        if found is None:
            raise UnknownInspection(inspection_id)
        page, question, row, at = found
        if page is None:
            return None
        return Position(str(page), question, row, parse_time(at))

    def discard_draft(self, inspection_id: str) -> None:
        """Delete a draft that was never finalized (with its files). A correction cannot be
        discarded: its returned version stays and must be corrected."""
        with self._lock:
            inspection = self._draft(inspection_id)
            if inspection.base_version_id is not None:
                raise NotEditable("correction")
            with self.database.transaction(durable=True) as connection:
                shas = [
                    str(found[0])
                    for found in connection.execute(
                        "SELECT DISTINCT sha256 FROM draft_attachments WHERE inspection_id = ?",
                        (inspection_id,),
                    ).fetchall()
                ]
                for table in ("answers", "repeat_rows", "draft_attachments"):
                    connection.execute(
                        f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,)
                    )
                released = self.attachments.release(
                    connection, inspection_id, shas, self._now(), ignore_drafts=True
                )
                connection.execute("DELETE FROM inspections WHERE id = ?", (inspection_id,))
                audit.append(
                    connection,
                    at=self._now(),
                    actor=self.username,
                    action="draft_discarded",
                    inspection_id=inspection_id,
                )
            self._forget(inspection_id)
            self.attachments.delete_released(released)

    # -- corrections -------------------------------------------------------------------

    def reopened_questions(self, inspection_id: str) -> frozenset[str]:
        """The questions a correction may change: those the supervisor commented on, with
        everything inside a commented group or repeat. Empty for other inspections."""
        with self._lock:
            inspection = self._inspection(inspection_id)
            if inspection.status is not InspectionStatus.DRAFT or not inspection.base_version_id:
                return frozenset()
            engine = self.engine(inspection.form_id, inspection.form_version)
            return _expand(engine, self._reopened(inspection_id))

    def is_editable(self, inspection_id: str, question: str) -> bool:
        """Whether `set_answer` (or a file or row change) on `question` would be accepted."""
        with self._lock:
            inspection = self._inspection(inspection_id)
            if inspection.status is not InspectionStatus.DRAFT:
                return False
            if inspection.base_version_id is None:
                return True
            engine = self.engine(inspection.form_id, inspection.form_version)
            if question in _expand(engine, self._reopened(inspection_id)):
                return True
        return any(key[0] == question for key in self.resume(inspection_id).issues)

    def _reopened(self, inspection_id: str) -> set[str]:
        return {
            str(row[0])
            for row in self.database.rows(
                "SELECT question FROM reopened_questions WHERE inspection_id = ?",
                (inspection_id,),
            )
        }

    def _check_editable(self, inspection: _Inspection, session: FormSession, name: str) -> None:
        if inspection.base_version_id is None:
            return
        if name in _expand(session.engine, self._reopened(inspection.id)):
            return
        # A reopened answer can make another question relevant and required (or break its
        # constraint); that one must be answerable, or the correction could never finish.
        if any(key[0] == name for key in session.issues):
            return
        raise QuestionLocked(name)

    def start_correction(self, inspection_id: str) -> FormSession:
        """Turn a returned inspection into a draft correcting the returned version.

        The draft starts with the returned version's answers and photos; only the
        questions the supervisor commented on are reopened (all of them when the return
        names no question). Finalizing it makes a new version whose base is the returned one.
        """
        with self._lock:
            inspection = self._inspection(inspection_id)
            if inspection.status is not InspectionStatus.RETURNED:
                raise NotEditable(inspection.status.value)
            assert inspection.current_version_id is not None
            base = self.version(inspection.current_version_id)
            engine = self.engine(base.form_id, base.form_version)
            review = self._lists.latest_review(inspection_id, base.version_id, "returned")
            commented = set(review.comments) if review is not None else set()
            reopened = {name for name in commented if name in engine.fields}
            if not reopened:
                reopened = {name for name, f in engine.fields.items() if f.parent is None}
            session = session_from_document(engine, base.document, self._local_clock)
            sizes = {(a.question, a.sha256): a for a in base.attachments}
            now = self._now()
            with self.database.transaction(durable=True) as connection:
                connection.execute(
                    "UPDATE inspections SET status = 'draft', base_version_id = ?,"
                    f" draft_started_at = ?, updated_at = ?, changed_seq = {NEXT_CHANGE}"
                    " WHERE id = ?",
                    (base.version_id, now, now, inspection_id),
                )
                _write_answers(connection, inspection_id, session, session.answers.keys())
                for repeat, rows in session.rows.items():
                    _renumber_rows(connection, inspection_id, repeat, rows)
                for (name, row), value in session.answers.items():
                    if engine.fields[name].kind not in ATTACHMENT_TYPES:
                        continue
                    for sha in value if isinstance(value, tuple) else (value,):
                        known = sizes.get((name, str(sha)))
                        if known is None:
                            continue
                        connection.execute(
                            "INSERT OR IGNORE INTO draft_attachments (inspection_id, question,"
                            " row_id, sha256, size, media_type, added_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (
                                inspection_id,
                                name,
                                row or "",
                                sha,
                                known.size,
                                known.media_type,
                                now,
                            ),
                        )
                connection.executemany(
                    "INSERT OR IGNORE INTO reopened_questions (inspection_id, question)"
                    " VALUES (?, ?)",
                    [(inspection_id, name) for name in sorted(reopened)],
                )
                audit.append(
                    connection,
                    at=now,
                    actor=self.username,
                    action="correction_started",
                    inspection_id=inspection_id,
                    version_id=base.version_id,
                    payload={"reopened": sorted(reopened)},
                )
            self._rows[inspection_id] = self._inspection(inspection_id)
            self._remember(inspection_id, session)
            return session

    # -- finalizing --------------------------------------------------------------------

    def finalize(self, inspection_id: str) -> InspectionVersion:
        """Validate, freeze and queue the draft as a new immutable version.

        Refuses with `FinalizeBlocked` (listing every blocking question) when a required
        answer is missing or an answer breaks a constraint. Otherwise the version, its
        attachments, the audit entry and the outbox row are written in one transaction
        with synchronous=FULL: after a crash either all of them exist or none.
        """
        with self._lock:
            inspection, session = self._open_draft(inspection_id)
            engine = session.engine
            problems = session.problems()
            if problems:
                labels = {
                    name: dict(field_.question.label or {})
                    for name, field_ in engine.fields.items()
                }
                raise FinalizeBlocked(
                    [
                        BlockingProblem(name, row, dict(issue.message))
                        for (name, row), issue in problems
                    ],
                    labels,
                )
            document = answers_document(session, relevant_only=True)
            attachments = self._attachments_of(inspection_id, session)
            base = inspection.base_version_id
            content_hash = InspectionVersion.hash_of(
                engine.form_id, engine.version, base, document, attachments
            )
            finalized_at = self._clock()
            version = InspectionVersion(
                inspection_id=inspection_id,
                version_id=new_id(),
                base_version_id=base,
                form_id=engine.form_id,
                form_version=engine.version,
                author=inspection.author,
                venue_id=inspection.venue_id,
                area_id=inspection.area_id,
                assignment_id=inspection.assignment_id,
                started_at=parse_time(inspection.draft_started_at),
                finalized_at=finalized_at,
                document=document,
                attachments=attachments,
                outcomes=tuple(outcome.name for outcome in session.outcomes()),
                content_hash=content_hash,
            )
            with self.database.transaction(durable=True) as connection:
                insert_version(connection, version, actor=self.username, at=iso(finalized_at))
                for table in ("answers", "repeat_rows", "draft_attachments", "reopened_questions"):
                    connection.execute(
                        f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,)
                    )
                connection.execute(
                    "UPDATE inspections SET status = 'finalized', current_version_id = ?,"
                    f" updated_at = ?, changed_seq = {NEXT_CHANGE} WHERE id = ?",
                    (version.version_id, iso(finalized_at), inspection_id),
                )
            self._forget(inspection_id)
            self.database.checkpoint_if_large()
            return version

    def _attachments_of(self, inspection_id: str, session: FormSession) -> tuple[Attachment, ...]:
        rows = self.database.rows(
            "SELECT question, sha256, size, media_type FROM draft_attachments"
            " WHERE inspection_id = ?",
            (inspection_id,),
        )
        known = {(str(q), str(s)): (int(size), str(media)) for q, s, size, media in rows}
        found: dict[tuple[str, str], Attachment] = {}
        for (name, _row), value in session.answers.items():
            if session.engine.fields[name].kind not in ATTACHMENT_TYPES:
                continue
            for sha in value if isinstance(value, tuple) else (value,):
                sha = str(sha)
                info = known.get((name, sha))
                if info is None or not self.attachments.exists(inspection_id, sha, info[0]):
                    raise AttachmentMissing(sha, f"the file of '{name}' is not on this device")
                found[(name, sha)] = Attachment(
                    question=name, sha256=sha, size=info[0], media_type=info[1]
                )
        return tuple(found[key] for key in sorted(found))

    # -- versions and lists ------------------------------------------------------------

    def version(self, version_id: str) -> InspectionVersion:
        found = self.database.value(
            "SELECT record FROM versions WHERE version_id = ?", (version_id,)
        )
        if found is None:
            raise UnknownVersion(version_id)
        return decode_record(found)

    def versions(self, inspection_id: str) -> list[InspectionVersion]:
        """Every finalized version of an inspection, oldest first."""
        return [
            decode_record(row[0])
            for row in self.database.rows(
                "SELECT record FROM versions WHERE inspection_id = ? ORDER BY rowid",
                (inspection_id,),
            )
        ]

    def inspection(self, inspection_id: str) -> InspectionSummary:
        found = self._lists.summaries("i.id = ?", (inspection_id,), None, 0)
        if not found:
            raise UnknownInspection(inspection_id)
        return found[0]

    def inspections(
        self,
        status: InspectionStatus | None = None,
        *,
        form_ids: Collection[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[InspectionSummary]:
        """Inspections with `status` (all when None) of `form_ids` (all when None), most
        recently changed first."""
        where, parameters = inspection_filter(status, form_ids)
        return self._lists.summaries(where, parameters, limit, offset)

    def drafts(self, *, limit: int | None = None, offset: int = 0) -> list[InspectionSummary]:
        """Drafts, corrections included (`is_correction`)."""
        return self.inspections(InspectionStatus.DRAFT, limit=limit, offset=offset)

    def outbox(self, *, limit: int | None = None, offset: int = 0) -> list[InspectionSummary]:
        """Finalized, not yet acknowledged by the server; `outbox` says attempts and errors."""
        return self.inspections(InspectionStatus.FINALIZED, limit=limit, offset=offset)

    def sent(self, *, limit: int | None = None, offset: int = 0) -> list[InspectionSummary]:
        return self.inspections(InspectionStatus.SENT, limit=limit, offset=offset)

    def returned(self, *, limit: int | None = None, offset: int = 0) -> list[InspectionSummary]:
        """Returned by a supervisor; `review.comments` holds the comment per question."""
        return self.inspections(InspectionStatus.RETURNED, limit=limit, offset=offset)

    def approved(self, *, limit: int | None = None, offset: int = 0) -> list[InspectionSummary]:
        return self.inspections(InspectionStatus.APPROVED, limit=limit, offset=offset)

    def count(
        self, status: InspectionStatus | None = None, *, form_ids: Collection[str] | None = None
    ) -> int:
        """How many rows `inspections` with the same filter holds."""
        return self._lists.count(*inspection_filter(status, form_ids))

    def review_comments(self, inspection_id: str) -> dict[str, str]:
        """The supervisor's comments per question on the latest return of this inspection."""
        return self._lists.review_comments(inspection_id)

    def audit_entries(self, inspection_id: str | None = None) -> list[AuditEntry]:
        """The audit log, all of it or one inspection's entries, in order."""
        return self.audit_log.entries(inspection_id)

    # -- outbox (for the sync client) --------------------------------------------------

    def pending_versions(self, limit: int | None = None) -> list[InspectionVersion]:
        """Versions waiting to be pushed, oldest first; held ones (refused) are left out."""
        return self._outbox.pending(limit)

    def mark_sent(self, version_id: str, server_receipt: str) -> None:
        """The server durably stored this version; call only after its acknowledgement.
        Calling it twice is harmless."""
        with self._lock:
            self._outbox.mark_sent(version_id, server_receipt)

    def record_send_failure(self, version_id: str, message: str, retryable: bool) -> None:
        """Count a failed push. A retryable failure stays in the queue; one that needs a
        person (refused, conflict, too large) is held so the rest of the queue moves on."""
        with self._lock:
            self._outbox.record_failure(version_id, message, retryable)

    def requeue(self, version_id: str) -> None:
        """Put a held version back in the queue (after the person dealt with the reason)."""
        with self._lock:
            self._outbox.requeue(version_id)

    # -- outbox (for the sync client) --------------------------------------------------

    def read_attachment(self, sha256: str) -> bytes:
        """The plain bytes of an attachment, checked against its hash (for upload)."""
        owners = self.database.rows(
            "SELECT inspection_id FROM version_attachments WHERE sha256 = ?"
            " UNION SELECT inspection_id FROM draft_attachments WHERE sha256 = ?",
            (sha256, sha256),
        )
        if not owners:
            raise AttachmentMissing(sha256, "no inspection here uses it")
        failure: AttachmentMissing | None = None
        for (inspection_id,) in owners:
            try:
                return self.attachments.read(str(inspection_id), sha256)
            except AttachmentMissing as error:
                failure = error
        assert failure is not None
        raise failure

    # -- reviews -----------------------------------------------------------------------

    def apply_return(
        self,
        inspection_id: str,
        version_id: str,
        comments: Mapping[str, str],
        returned_by: str,
        at: datetime,
        comment: str | None = None,
    ) -> bool:
        """Record a supervisor's return of a version; True when it changed something.

        The inspection becomes `returned` when the version is its latest; a return of an
        older version is kept for the record only. A replayed return is a no-op.
        """
        event = ref.ReturnEvent(inspection_id, version_id, comments, returned_by, at, comment)
        result = ref.AppliedChanges()
        with self._lock, self.database.transaction(durable=True) as connection:
            self._apply_review(connection, event, result, strict=True)
        return result.returns > 0

    def apply_approval(
        self,
        inspection_id: str,
        version_id: str,
        approved_by: str,
        at: datetime,
        comment: str | None = None,
    ) -> bool:
        """Record a supervisor's approval; the inspection becomes `approved` when the
        version is its latest. A replayed approval is a no-op."""
        event = ref.ApprovalEvent(inspection_id, version_id, approved_by, at, comment)
        result = ref.AppliedChanges()
        with self._lock, self.database.transaction(durable=True) as connection:
            self._apply_review(connection, event, result, strict=True)
        return result.approvals > 0

    def _apply_review(
        self,
        connection: sqlite3.Connection,
        event: ref.ReturnEvent | ref.ApprovalEvent,
        result: ref.AppliedChanges,
        *,
        strict: bool = False,
    ) -> None:
        returned = isinstance(event, ref.ReturnEvent)
        kind = "returned" if returned else "approved"
        found = connection.execute(
            f"SELECT {_INSPECTION_COLUMNS} FROM inspections WHERE id = ?", (event.inspection_id,)
        ).fetchone()
        version_known = connection.execute(
            "SELECT 1 FROM versions WHERE version_id = ? AND inspection_id = ?",
            (event.version_id, event.inspection_id),
        ).fetchone()
        if found is None or version_known is None:
            if strict:
                if found is None:
                    raise UnknownInspection(event.inspection_id)
                raise UnknownVersion(event.version_id)
            result.ignored.append(
                f"{kind} of version {event.version_id} of inspection {event.inspection_id}:"
                " not on this device"
            )
            return
        if connection.execute(
            "SELECT 1 FROM reviews WHERE version_id = ? AND kind = ?", (event.version_id, kind)
        ).fetchone():
            return  # a replayed page: already applied
        inspection = _inspection_from(found)
        reviewer = event.returned_by if isinstance(event, ref.ReturnEvent) else event.approved_by
        at = iso(event.at)
        cursor = connection.execute(
            "INSERT INTO reviews (inspection_id, version_id, kind, reviewer, at, comment)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (event.inspection_id, event.version_id, kind, reviewer, at, event.comment),
        )
        if isinstance(event, ref.ReturnEvent):
            connection.executemany(
                "INSERT INTO review_comments (review_id, question, text) VALUES (?, ?, ?)",
                [(cursor.lastrowid, q, t) for q, t in sorted(event.comments.items())],
            )
        # The server can only review what it stored: if our acknowledgement got lost, this
        # is the acknowledgement.
        self._outbox.mark_sent_in(connection, event.version_id, f"implied by the {kind}")
        is_current = inspection.current_version_id == event.version_id
        if is_current and inspection.status in (InspectionStatus.FINALIZED, InspectionStatus.SENT):
            connection.execute(
                f"UPDATE inspections SET status = ?, updated_at = ?, changed_seq = {NEXT_CHANGE}"
                " WHERE id = ?",
                (kind, self._now(), event.inspection_id),
            )
        audit.append(
            connection,
            at=self._now(),
            actor=reviewer,
            action=f"version_{kind}",
            inspection_id=event.inspection_id,
            version_id=event.version_id,
            payload={"questions": sorted(event.comments)}
            if isinstance(event, ref.ReturnEvent)
            else {},
        )
        if returned:
            result.returns += 1
        else:
            result.approvals += 1

    # -- files -------------------------------------------------------------------------

    def collect_orphans(self, grace_seconds: float | None = None) -> list[str]:
        """Remove attachment files no row refers to and stale temporary files; returns
        their paths. Files younger than the grace period (default from the settings) are
        left alone: another process may be about to commit the row for them."""
        grace = self.settings.orphan_grace_seconds if grace_seconds is None else grace_seconds
        with self._lock:
            return self.attachments.collect_orphans(grace)

    def checkpoint(self) -> bool:
        """Fold the WAL into the database and truncate it (idle time, before a backup)."""
        return self.database.checkpoint("TRUNCATE")

    # -- backups -----------------------------------------------------------------------

    def export_backup(self, destination: Path) -> Path:
        """Write an encrypted backup file (see `fieldapp.store.backup`); returns its path."""
        from fieldapp.store.backup import export_backup

        return export_backup(self, destination)

    # -- internals ---------------------------------------------------------------------

    def _now(self) -> str:
        return iso(self._clock())

    def _local_clock(self) -> datetime:
        """The wall-clock time the officer sees, for form defaults such as 'now'."""
        return self._clock().astimezone().replace(tzinfo=None, microsecond=0)

    def _inspection(self, inspection_id: str) -> _Inspection:
        found = self.database.row(
            f"SELECT {_INSPECTION_COLUMNS} FROM inspections WHERE id = ?", (inspection_id,)
        )
        if found is None:
            raise UnknownInspection(inspection_id)
        return _inspection_from(found)

    def _draft(self, inspection_id: str) -> _Inspection:
        inspection = self._inspection(inspection_id)
        if inspection.status is not InspectionStatus.DRAFT:
            raise NotEditable(inspection.status.value)
        return inspection

    def _open_draft(self, inspection_id: str) -> tuple[_Inspection, FormSession]:
        """The draft's row and live session. While the session is live both come from
        memory: a draft only changes through this profile (the triggers on the draft
        tables refuse writes once it is no longer a draft, should another process have
        finalized it), so an autosave needs no read first."""
        session = self._live.get(inspection_id)
        row = self._rows.get(inspection_id)
        if session is not None and row is not None:
            self._remember(inspection_id, session)
            return row, session
        row = self._draft(inspection_id)
        return row, self._session(row)

    def _session(self, inspection: _Inspection) -> FormSession:
        self._rows[inspection.id] = inspection
        cached = self._live.get(inspection.id)
        if cached is not None:
            self._remember(inspection.id, cached)
            return cached
        engine = self.engine(inspection.form_id, inspection.form_version)
        answers: dict[tuple[str, str | None], Value] = {}
        for name, row_id, raw in self.database.rows(
            "SELECT name, row_id, value FROM answers WHERE inspection_id = ?", (inspection.id,)
        ):
            answers[(str(name), str(row_id) or None)] = decode_value(engine, name, json.loads(raw))
        rows: dict[str, list[str]] = {}
        for repeat, row_id in self.database.rows(
            "SELECT repeat, row_id FROM repeat_rows WHERE inspection_id = ?"
            " ORDER BY repeat, position",
            (inspection.id,),
        ):
            rows.setdefault(str(repeat), []).append(str(row_id))
        session = engine.session(answers, rows, clock=self._local_clock, resumed=True)
        self._remember(inspection.id, session)
        return session

    def _remember(self, inspection_id: str, session: FormSession) -> None:
        self._live[inspection_id] = session
        self._recent[inspection_id] = session
        self._recent.move_to_end(inspection_id)
        while len(self._recent) > SESSION_CACHE:
            self._recent.popitem(last=False)

    def _forget(self, inspection_id: str) -> None:
        self._recent.pop(inspection_id, None)
        self._live.pop(inspection_id, None)
        self._rows.pop(inspection_id, None)

    @contextlib.contextmanager
    def _saving(self, inspection_id: str) -> Iterator[sqlite3.Connection]:
        """A write transaction for a change already made to the live session. If the write
        fails, the session is dropped and the next `resume` rebuilds it from what was
        saved: memory never claims more than the disk holds."""
        try:
            with self.database.transaction() as connection:
                yield connection
        except BaseException:
            self._forget(inspection_id)
            raise

    def _touch(self, connection: sqlite3.Connection, inspection_id: str) -> None:
        """Mark the inspection changed now, for the order and times the lists show.

        While someone keeps typing into one draft it is already on top of the list and its
        time moves by seconds, so the row is rewritten at most every `TOUCH_SECONDS`:
        that spares a page write on nearly every autosave.
        """
        last_id, last_at = self._last_touch
        moment = time.monotonic()
        if last_id == inspection_id and moment - last_at < TOUCH_SECONDS:
            return
        now = self._now()
        moved = connection.execute(
            f"UPDATE inspections SET updated_at = ?, changed_seq = {NEXT_CHANGE}"
            " WHERE id = ? AND changed_seq < (SELECT max(changed_seq) FROM inspections)",
            (now, inspection_id),
        ).rowcount
        if not moved:
            connection.execute(
                "UPDATE inspections SET updated_at = ? WHERE id = ?", (now, inspection_id)
            )
        self._last_touch = (inspection_id, moment)


# -- helpers shared with seeding and backups -------------------------------------------


def insert_version(
    connection: sqlite3.Connection,
    version: InspectionVersion,
    *,
    actor: str,
    at: str,
    chain: audit.ChainHead | None = None,
    record: bytes | None = None,
) -> None:
    """The rows a finalize writes: version, its attachments, outbox entry, audit entry."""
    connection.execute(
        "INSERT INTO versions (version_id, inspection_id, base_version_id, content_hash,"
        " finalized_at, outcomes, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            version.version_id,
            version.inspection_id,
            version.base_version_id,
            version.content_hash,
            iso(version.finalized_at),
            json.dumps(list(version.outcomes)),
            record if record is not None else encode_record(version),
        ),
    )
    connection.executemany(
        "INSERT INTO version_attachments (version_id, inspection_id, question, sha256, size,"
        " media_type) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (version.version_id, version.inspection_id, a.question, a.sha256, a.size, a.media_type)
            for a in version.attachments
        ],
    )
    Outbox.enqueue(connection, version.version_id, version.inspection_id, at)
    audit.append(
        connection,
        at=at,
        actor=actor,
        action="inspection_finalized",
        inspection_id=version.inspection_id,
        version_id=version.version_id,
        payload={
            "content_hash": version.content_hash,
            "form": ref.form_key(version.form_id, version.form_version),
            "base_version_id": version.base_version_id,
            "attachments": len(version.attachments),
        },
        chain=chain,
    )


def _write_answers(
    connection: sqlite3.Connection,
    inspection_id: str,
    session: FormSession,
    keys: Iterable[tuple[str, str | None]],
) -> None:
    upserts = []
    deletes = []
    for name, row in keys:
        value = session.answers.get((name, row))
        if value is None:
            deletes.append((inspection_id, name, row or ""))
        else:
            text = json.dumps(encode_value(value), ensure_ascii=False, separators=(",", ":"))
            upserts.append((inspection_id, name, row or "", text))
    if upserts:
        connection.executemany(
            "INSERT OR REPLACE INTO answers (inspection_id, name, row_id, value)"
            " VALUES (?, ?, ?, ?)",
            upserts,
        )
    if deletes:
        connection.executemany(
            "DELETE FROM answers WHERE inspection_id = ? AND name = ? AND row_id = ?", deletes
        )


def _renumber_rows(
    connection: sqlite3.Connection, inspection_id: str, repeat: str, rows: Sequence[str]
) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO repeat_rows (inspection_id, repeat, row_id, position)"
        " VALUES (?, ?, ?, ?)",
        [(inspection_id, repeat, row, index) for index, row in enumerate(rows)],
    )


def _expand(engine: FormEngine, names: set[str]) -> frozenset[str]:
    """Names plus everything inside the groups and repeats among them."""
    found = set()
    for name in engine.fields:
        current: str | None = name
        while current is not None:
            if current in names:
                found.add(name)
                break
            current = engine.fields[current].parent
    return frozenset(found)


def _migrate(database: Database, directory: Path, target: int) -> None:
    """Bring the schema to `target`, one transaction per migration, after a backup copy."""
    with database.lock:
        current = check_not_newer(database.connection)
        steps = pending_migrations(current, target)
        if not steps:
            return
        if current > 0:
            # Keep the last pre-migration state, encrypted like the original, in case a
            # migration turns out wrong in the field.
            keep = directory / f"before-schema-{steps[-1].version}.db"
            keep.unlink(missing_ok=True)
            database.connection.execute("VACUUM INTO ?", (str(keep),))
        for migration in steps:
            with database.transaction(durable=True) as connection:
                apply_migration(connection, migration)
            log.info("profile schema now at version %d: %s", migration.version, migration.summary)
