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

import hashlib
import logging
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from fieldapp.core.answers import session_from_document
from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.entities import Area, Assignment, Team, User, Venue
from fieldapp.core.expr import Value
from fieldapp.core.forms import ATTACHMENT_TYPES
from fieldapp.core.inspection import Attachment, InspectionStatus, InspectionVersion, new_id
from fieldapp.store import audit
from fieldapp.store import reference as ref
from fieldapp.store.attachments import AttachmentStore
from fieldapp.store.audit import AuditEntry
from fieldapp.store.database import ProfileDatabase, StoreSettings
from fieldapp.store.drafts import Drafts, add_draft_attachment, write_answer, write_rows
from fieldapp.store.errors import (
    AttachmentMissing,
    NotEditable,
    NoUnattendedKey,
    ProfileDamaged,
    ProfileNotFound,
    UnknownInspection,
    UnknownReference,
    UnknownVersion,
)
from fieldapp.store.finalized import FinalizedVersions
from fieldapp.store.inspections import InspectionRow, find_inspection, read_inspection
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
from fieldapp.store.listing import InspectionLists
from fieldapp.store.outbox import Outbox
from fieldapp.store.records import (
    LocalInspectionSummary,
    OutboxCounts,
    OutboxInfo,
    SavedPosition,
)
from fieldapp.store.schema import (
    LATEST_VERSION,
    NEXT_CHANGE,
    apply_migration,
    check_not_newer,
    pending_migrations,
)
from fieldapp.store.times import Clock, iso, utc_now, wall_clock

log = logging.getLogger(__name__)

PROFILES_FOLDER = "profiles"
DATABASE_FILE = "profile.db"
ATTACHMENTS_FOLDER = "attachments"
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")


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


class Profile:
    """One person's unlocked profile: their inspections, attachments, outbox and reference data.

    Not a singleton: build one at start-up and pass it to whoever needs it; tests open as
    many as they like. Methods are safe to call from several threads (one lock).
    """

    def __init__(
        self,
        directory: Path,
        username: str,
        database: ProfileDatabase,
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
        self._drafts = Drafts(database, self.forms, self.attachments, username, clock)
        self._versions = FinalizedVersions(database)
        self._key_file = key_file
        self._data_key = data_key
        self._clock = clock
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
        database = ProfileDatabase(
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
            return self._drafts.start(
                self.engine(form_id, form_version),
                venue_id=venue_id,
                area_id=area_id,
                assignment_id=assignment_id,
            )

    def resume(self, inspection_id: str) -> FormSession:
        """A new session of the inspection as saved: answers, relevance, issues, outcomes.

        Each call builds a new one. For a draft it is the screen's own to edit (the one live
        session of that draft); each change the person makes goes to `set_answer` and
        friends, which save it as given. For anything but a draft it is a read-only view of
        the latest finalized version.
        """
        with self._lock, self.database.reading() as connection:
            inspection = read_inspection(connection, inspection_id)
            if inspection.status is InspectionStatus.DRAFT:
                return self._drafts.session(connection, inspection)
            assert inspection.current_version_id is not None
            version = self.version(inspection.current_version_id)
            engine = self.engine(version.form_id, version.form_version)
            return session_from_document(engine, version.document, wall_clock(self._clock))

    def set_answer(
        self, inspection_id: str, name: str, value: Value, row: str | None = None
    ) -> None:
        """Save one answer as given (``''`` clears it) and commit it at once.

        Checked first: the inspection is a draft (`NotEditable`), the form has the question
        and the row and the value is of its kind (`AnswerError`), and in a correction the
        question is open (`QuestionLocked`). What the answer changes on screen is the
        caller's session's to work out. Photos and signatures go through `attach_file`.
        """
        with self._lock:
            self._drafts.set_answer(inspection_id, name, value, row)

    def add_row(
        self,
        inspection_id: str,
        repeat: str,
        row: str | None = None,
        answers: Mapping[str, Value] | None = None,
    ) -> str:
        """Add a row at the end of a repeat (an observation, a person check) with the answers
        it starts with (its defaults, from the caller's session); returns its id, made here
        when `row` is None."""
        with self._lock:
            return self._drafts.add_row(inspection_id, repeat, row, answers or {})

    def remove_row(self, inspection_id: str, repeat: str, row: str) -> None:
        """Remove a repeat row with its answers and photos."""
        with self._lock:
            self._drafts.remove_row(inspection_id, repeat, row)

    def move_row(self, inspection_id: str, repeat: str, row: str, index: int) -> None:
        """Move a repeat row to position `index` (0 = first)."""
        with self._lock:
            self._drafts.move_row(inspection_id, repeat, row, index)

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
            return self._drafts.attach_file(inspection_id, question, source, row, media_type)

    def remove_attachment(
        self, inspection_id: str, question: str, sha256: str, row: str | None = None
    ) -> None:
        """Take a photo or signature out of the answer; the file goes when nothing uses it."""
        with self._lock:
            self._drafts.remove_attachment(inspection_id, question, sha256, row)

    def set_position(
        self, inspection_id: str, page: str, question: str | None = None, row: str | None = None
    ) -> None:
        """Remember where the person is in this inspection (saved like an answer)."""
        with self._lock:
            self._drafts.set_position(inspection_id, page, question, row)

    def position(self, inspection_id: str) -> SavedPosition | None:
        """Where the person last was in this inspection, if anywhere."""
        return self._drafts.position(inspection_id)

    def discard_draft(self, inspection_id: str) -> None:
        """Delete a draft that was never finalized (with its files). A correction cannot be
        discarded: its returned version stays and must be corrected."""
        with self._lock:
            self._drafts.discard(inspection_id)

    # -- corrections -------------------------------------------------------------------

    def reopened_questions(self, inspection_id: str) -> frozenset[str]:
        """The questions a correction may change: those the supervisor commented on, with
        everything inside a commented group or repeat. Empty for other inspections."""
        with self._lock, self.database.reading() as connection:
            inspection = read_inspection(connection, inspection_id)
            if inspection.status is not InspectionStatus.DRAFT or not inspection.base_version_id:
                return frozenset()
            return self._drafts.reopened_questions(connection, inspection)

    def is_editable(self, inspection_id: str, question: str) -> bool:
        """Whether `set_answer` (or a file or row change) on `question` would be accepted."""
        with self._lock, self.database.reading() as connection:
            inspection = read_inspection(connection, inspection_id)
            return self._drafts.is_editable(connection, inspection, question)

    def start_correction(self, inspection_id: str) -> FormSession:
        """Turn a returned inspection into a draft correcting the returned version, and
        return a new session of it.

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
            session = session_from_document(engine, base.document, wall_clock(self._clock))
            sizes = {(a.question, a.sha256): a for a in base.attachments}
            now = self._now()
            with self.database.transaction(durable=True) as connection:
                connection.execute(
                    "UPDATE inspections SET status = 'draft', base_version_id = ?,"
                    f" draft_started_at = ?, updated_at = ?, changed_seq = {NEXT_CHANGE}"
                    " WHERE id = ?",
                    (base.version_id, now, now, inspection_id),
                )
                for (name, row), value in session.answers.items():
                    write_answer(connection, inspection_id, name, row, value)
                for repeat, rows in session.rows.items():
                    write_rows(connection, inspection_id, repeat, rows)
                for (name, row), value in session.answers.items():
                    if engine.fields[name].kind not in ATTACHMENT_TYPES:
                        continue
                    for sha in value if isinstance(value, tuple) else (value,):
                        known = sizes.get((name, str(sha)))
                        if known is not None:
                            add_draft_attachment(connection, inspection_id, row, known, now)
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
            return session

    # -- finalizing --------------------------------------------------------------------

    def finalize(self, inspection_id: str) -> InspectionVersion:
        """Validate, freeze and queue the draft as a new immutable version.

        The form is evaluated from what is saved. Refuses with `FinalizeBlocked` (listing
        every blocking question) when a required answer is missing or an answer breaks a
        constraint. Otherwise the version (without the answers of hidden questions), its
        attachments, the audit entry and the outbox row are written in one transaction
        with synchronous=FULL: after a crash either all of them exist or none.
        """
        with self._lock:
            return self._drafts.finalize(inspection_id)

    # -- versions and lists ------------------------------------------------------------

    def version(self, version_id: str) -> InspectionVersion:
        return self._versions.version(version_id)

    def versions(self, inspection_id: str) -> list[InspectionVersion]:
        """Every finalized version of an inspection, oldest first."""
        return self._versions.versions(inspection_id)

    def inspection(self, inspection_id: str) -> LocalInspectionSummary:
        found = self._lists.summaries("i.id = ?", (inspection_id,), None, 0)
        if not found:
            raise UnknownInspection(inspection_id)
        return found[0]

    def inspections(
        self, status: InspectionStatus | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[LocalInspectionSummary]:
        """Inspections with `status` (all when None), most recently changed first."""
        if status is None:
            return self._lists.summaries("1", (), limit, offset)
        return self._lists.summaries("i.status = ?", (status.value,), limit, offset)

    def drafts(self, *, limit: int | None = None, offset: int = 0) -> list[LocalInspectionSummary]:
        """Drafts, corrections included (`is_correction`)."""
        return self.inspections(InspectionStatus.DRAFT, limit=limit, offset=offset)

    def outbox(self, *, limit: int | None = None, offset: int = 0) -> list[LocalInspectionSummary]:
        """Finalized, not yet acknowledged by the server; `outbox` says attempts and errors."""
        return self.inspections(InspectionStatus.FINALIZED, limit=limit, offset=offset)

    def sent(self, *, limit: int | None = None, offset: int = 0) -> list[LocalInspectionSummary]:
        return self.inspections(InspectionStatus.SENT, limit=limit, offset=offset)

    def returned(
        self, *, limit: int | None = None, offset: int = 0
    ) -> list[LocalInspectionSummary]:
        """Returned by a supervisor; `review.comments` holds the comment per question."""
        return self.inspections(InspectionStatus.RETURNED, limit=limit, offset=offset)

    def approved(
        self, *, limit: int | None = None, offset: int = 0
    ) -> list[LocalInspectionSummary]:
        return self.inspections(InspectionStatus.APPROVED, limit=limit, offset=offset)

    def count(self, status: InspectionStatus | None = None) -> int:
        if status is None:
            return int(self.database.value("SELECT count(*) FROM inspections"))
        return int(
            self.database.value(
                "SELECT count(*) FROM inspections WHERE status = ?", (status.value,)
            )
        )

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

    def outbox_entry(self, version_id: str) -> OutboxInfo | None:
        """The outbox row of any version, current or not; None when it was never queued."""
        return self._outbox.entry(version_id)

    def outbox_counts(self) -> OutboxCounts:
        """How many versions wait, are held for a person, and were acknowledged."""
        return self._outbox.counts()

    def sent_version_ids(self, author: str) -> list[str]:
        """The author's versions the server acknowledged, in the order they were queued."""
        return self._outbox.sent_version_ids(author)

    def sent_version_ids_by_author(self) -> dict[str, list[str]]:
        """Every acknowledged version by author (the sync client's drift check)."""
        return self._outbox.sent_version_ids_by_author()

    # -- attachments (for the sync client) ---------------------------------------------

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
        found = find_inspection(connection, event.inspection_id)
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
        inspection = found
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

    def _inspection(self, inspection_id: str) -> InspectionRow:
        with self.database.reading() as connection:
            return read_inspection(connection, inspection_id)


def _migrate(database: ProfileDatabase, directory: Path, target: int) -> None:
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
