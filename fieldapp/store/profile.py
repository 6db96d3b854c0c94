"""A person's profile on the device: opening it, and the use cases the app, sync and CLI call.

`open_profile` unlocks (or on first use creates) the encrypted profile of one user below a
home folder (see `fieldapp.store.layout`); `import_backup` restores one from a backup. The
`Profile` it returns is a thin facade: it opens and closes the database, checks and
changes the password, holds the clock, and hands each use case to the part that does it —

* `Drafts` (drafts.py): starting, answers, repeat rows, photos, position, finalize;
* `Corrections` (corrections.py): a returned inspection back into a draft;
* `Reviews` (reviews.py): supervisors' returns and approvals;
* `ReferenceData` and `FormCatalog` (reference.py): venues, areas, forms, assignments, teams;
* `Outbox` (outbox.py): what waits for the central store's acknowledgement;
* `InspectionLists` (listing.py) and `FinalizedVersions` (finalized.py): reading back;
* `AttachmentStore` (attachments.py) and the `AuditLog` (audit.py);
* `PastInspections` (bulk.py): the seed's bulk path over the same row writers.

Each use case is one transaction, so a widget or the sync client never opens one itself.
The database handle stays inside the store: nothing outside `fieldapp.store` sees a
connection or a line of its SQL.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from fieldapp.core.answers import session_from_document
from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.entities import Area, Assignment, DoorTestRound, Team, User, Venue
from fieldapp.core.expr import Value
from fieldapp.core.followup import VenueFieldSummary
from fieldapp.core.inspection import (
    Attachment,
    InspectionStatus,
    InspectionVersion,
    PhotoPosition,
    new_id,
)
from fieldapp.core.passwords import PasswordRules
from fieldapp.core.summary import Counted
from fieldapp.store import audit
from fieldapp.store import reference as ref
from fieldapp.store.attachments import AttachmentStore
from fieldapp.store.audit import AuditEntry
from fieldapp.store.backup import unpack_backup, write_backup
from fieldapp.store.bulk import PastInspection, PastInspections
from fieldapp.store.checks import check_profile
from fieldapp.store.corrections import Corrections
from fieldapp.store.database import ProfileDatabase, StoreSettings
from fieldapp.store.drafts import Drafts
from fieldapp.store.errors import (
    NoUnattendedKey,
    ProfileDamaged,
    ProfileNotFound,
    UnknownInspection,
    UnknownReference,
    WrongPassword,
)
from fieldapp.store.finalized import FinalizedVersions
from fieldapp.store.inspections import read_inspection
from fieldapp.store.keys import (
    DEFAULT_KDF,
    DEVICE_PASSWORD_RULES,
    FREE_ATTEMPTS,
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
from fieldapp.store.layout import (
    ATTACHMENTS_FOLDER,
    DATABASE_FILE,
    check_username,
    known_usernames,
    profile_directory,
    profile_exists,
)
from fieldapp.store.listing import InspectionLists, inspection_filter
from fieldapp.store.outbox import Outbox
from fieldapp.store.records import (
    LocalInspectionSummary,
    OutboxCounts,
    OutboxInfo,
    SavedPosition,
)
from fieldapp.store.reviews import Reviews
from fieldapp.store.schema import LATEST_VERSION, migrate
from fieldapp.store.times import Clock, iso, utc_now, wall_clock

__all__ = [
    "Profile",
    "import_backup",
    "open_profile",
    "open_profile_in",
    "open_profile_unattended",
    "open_profile_with_profile_key",
    "profile_directory",
    "profile_exists",
]


#: The meta key of the sync client's memory (`Profile.sync_memory`).
SYNC_MEMORY_KEY = "sync_state"


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
    even_locked: bool = False,
    password_rules: PasswordRules = DEVICE_PASSWORD_RULES,
) -> Profile:
    """Unlock `username`'s profile below `home`, creating it on first use.

    Raises `WrongPassword` (counted, persisted), `TooManyAttempts` after five wrong tries
    in a row, `ProfileTooNew` for a profile written by a newer fieldapp, `ProfileNotFound`
    when `create` is False and there is none, `ProfileLocked` when the central store
    deactivated the account (unless `even_locked`, which also lifts the lock). `kdf` sets
    the Argon2id cost for a new profile, or re-wraps an existing one with that cost. A new
    profile's password must meet `password_rules` (`WeakPassword`); the demo allows its
    published password.
    """
    check_username(username)
    if not create and not profile_exists(home, username):
        raise _not_found(username, home)
    return open_profile_in(
        profile_directory(home, username),
        username,
        password,
        create=create,
        settings=settings,
        kdf=kdf,
        clock=clock,
        wall_clock=wall_clock,
        even_locked=even_locked,
        password_rules=password_rules,
    )


def open_profile_in(
    directory: Path,
    username: str,
    password: str,
    *,
    create: bool = True,
    settings: StoreSettings | None = None,
    kdf: KdfParams | None = None,
    clock: Clock = utc_now,
    wall_clock: WallClock = time.time,
    even_locked: bool = False,
    password_rules: PasswordRules = DEVICE_PASSWORD_RULES,
) -> Profile:
    """`open_profile` on a given folder (a first sign-in builds the profile elsewhere and
    moves it into place: `fieldapp.store.layout.staging_directory`)."""
    check_username(username)
    key_path = directory / KEY_FILE
    created = False
    if not key_path.exists():
        if not create:
            raise ProfileNotFound(username, directory)
        if (directory / DATABASE_FILE).exists():
            # Never make a new key beside a database that the old key encrypted.
            raise ProfileDamaged(f"{KEY_FILE} is missing beside {DATABASE_FILE}")
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            key_file, data_key = KeyFile.create(
                directory, username, password, kdf or DEFAULT_KDF, password_rules
            )
            created = True
        except FileExistsError:
            pass  # another process made it a moment ago: unlock theirs below
    if not created:
        key_file = KeyFile.load(key_path)
        data_key = key_file.unlock(username, password, wall_clock, even_locked=even_locked)
        if even_locked:
            key_file.set_locked(False)
        if kdf is not None and kdf != key_file.kdf:
            key_file.rewrap(username, password, data_key, kdf, rules=None)
    return Profile.unlocked(
        directory, username, data_key, key_file, settings or StoreSettings(), clock, created
    )


def _not_found(username: str, home: Path) -> ProfileNotFound:
    home = Path(home)
    if not home.is_dir():
        return ProfileNotFound(username, home, home_exists=False)
    others = [name for name in known_usernames(home) if name != username]
    return ProfileNotFound(username, home, others)


def open_profile_with_profile_key(
    home: Path,
    username: str,
    new_password: str,
    profile_key: str,
    *,
    settings: StoreSettings | None = None,
    clock: Clock = utc_now,
) -> Profile:
    """Open with the central store's profile key and re-wrap the data key with
    `new_password`: the password was changed on the central store, which just accepted
    `new_password` and handed out the key. Lifts a lock too (the central store accepted
    the person). `WrongPassword` when this profile holds no wrap by that key.
    """
    check_username(username)
    directory = profile_directory(home, username)
    if not (directory / KEY_FILE).exists():
        raise _not_found(username, home)
    key_file = KeyFile.load(directory / KEY_FILE)
    data_key = key_file.open_with_profile_key(username, profile_key)
    if data_key is None:
        # Made before devices kept the profile key: only the previous password opens it.
        raise WrongPassword(key_file.failures, max(0, FREE_ATTEMPTS - key_file.failures))
    profile = Profile.unlocked(
        directory, username, data_key, key_file, settings or StoreSettings(), clock, False
    )
    key_file.rewrap(username, new_password, data_key, key_file.kdf)
    key_file.set_locked(False)
    profile._record("password_changed_on_central_store")
    return profile


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
    check_username(username)
    directory = profile_directory(home, username)
    if not (directory / KEY_FILE).exists():
        raise _not_found(username, home)
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


def import_backup(
    backup: Path,
    home: Path,
    username: str,
    password: str,
    *,
    settings: StoreSettings | None = None,
    clock: Clock = utc_now,
) -> Profile:
    """Restore a backup as `username`'s profile below `home` and open it.

    The password is checked before anything is written; an existing profile is never
    overwritten (`ProfileExists`); a damaged backup is refused (`BackupInvalid`,
    `ProfileDamaged`). See `fieldapp.store.backup`.
    """
    check_username(username)
    settings = settings or StoreSettings()
    target = profile_directory(home, username)
    data_key, manifest = unpack_backup(backup, target, username, password, settings)
    profile = Profile.unlocked(
        target, username, data_key, KeyFile.load(target / KEY_FILE), settings, clock, False
    )
    profile._record("backup_imported", {"backup_created_at": str(manifest.get("created_at"))})
    return profile


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
        self.settings = database.settings
        #: The compiled forms by id and version (compiling a pulled form checks it).
        self.forms = ref.FormCatalog(database)
        self._database = database
        self._attachments = AttachmentStore(
            directory / ATTACHMENTS_FOLDER,
            derive_subkey(data_key, "attachments"),
            database,
            derive_subkey(data_key, "attachment names"),
        )
        self._audit = audit.AuditLog(database)
        self._reference = ref.ReferenceData(database, self.forms)
        self._outbox = Outbox(database, username, clock)
        self._reviews = Reviews(database, self._outbox, clock)
        self._versions = FinalizedVersions(database)
        self._lists = InspectionLists(database, self._reviews)
        self._drafts = Drafts(database, self.forms, self._attachments, username, clock)
        self._corrections = Corrections(
            database, self.forms, self._versions, self._reviews, username, clock
        )
        self._past = PastInspections(
            database, self._attachments, self._outbox, self._reviews, self.forms
        )
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
            migrate(database, directory, schema_target)
            profile = cls(directory, username, database, key_file, data_key, clock)
            # Also after a crash between writing keys.json and the first commit.
            if created or database.meta("created_at") is None:
                profile._record_creation()
            # Before settling: a noted file must be looked for under its keyed name.
            profile._attachments.migrate_names()
            profile._attachments.settle_intents()
        except BaseException:
            database.close()
            raise
        return profile

    def _record_creation(self) -> None:
        now = self._now()
        with self._database.transaction(durable=True) as connection:
            self._database.set_meta(connection, "created_at", now, keep=True)
            self._database.set_meta(connection, "device_id", new_id(), keep=True)
            audit.append(connection, at=now, actor=self.username, action="profile_created")

    def sync_memory(self) -> str | None:
        """What the sync client keeps between syncs (its own document), or None.

        Inside the encrypted database: it names the owner, other authors and the server.
        """
        return self._database.meta(SYNC_MEMORY_KEY)

    def keep_sync_memory(self, document: str) -> None:
        """Replace the sync client's document (`sync_memory`), durably."""
        with self._database.transaction(durable=True) as connection:
            self._database.set_meta(connection, SYNC_MEMORY_KEY, document)

    def _record(self, action: str, payload: Mapping[str, str] | None = None) -> None:
        """An audit entry about the profile itself (password, backups)."""
        with self._database.transaction(durable=True) as connection:
            audit.append(
                connection, at=self._now(), actor=self.username, action=action, payload=payload
            )

    def close(self) -> None:
        """Checkpoint the WAL and close; the profile object is unusable afterwards."""
        with self._lock:
            self._database.close()

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
        return str(self._database.meta("device_id"))

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
            self._record("password_changed")

    def check_password(self, password: str) -> None:
        """Check the signed-in person's password again (an idle lock, a confirmation).

        Wrong tries count and slow down exactly as at sign-in: raises `WrongPassword` or
        `TooManyAttempts`.
        """
        with self._lock:
            data_key = KeyFile.load(self._key_file.path).unlock(self.username, password)
            if data_key != self._data_key:
                raise ProfileDamaged(f"{KEY_FILE} no longer matches the open profile")

    def lock(self) -> None:
        """The central store deactivated the account: from now on the password alone no
        longer opens this profile (`ProfileLocked`); its data stays, encrypted, for an
        administrator to deal with. This session goes on until it is closed."""
        with self._lock:
            key_file = KeyFile.load(self._key_file.path)
            key_file.set_locked(True)
            self._key_file = key_file
            self._record("profile_locked")

    def keep_profile_key(self, profile_key: str) -> None:
        """Keep the data key wrapped by the account's profile key too (see keys.py), so a
        password changed on the central store can re-lock this profile later."""
        with self._lock:
            key_file = KeyFile.load(self._key_file.path)
            if key_file.keep_profile_key(self.username, profile_key, self._data_key):
                self._key_file = key_file
                self._record("profile_key_kept")

    @property
    def locked(self) -> bool:
        return KeyFile.load(self._key_file.path).locked

    def remember_account(self, user: User) -> None:
        """Keep who the central store says this person is (name, role, team), inside the
        encrypted profile: the change feed need not list the person themselves."""
        with self._lock, self._database.transaction(durable=True) as connection:
            self._database.set_meta(connection, "account", user.model_dump_json())

    def account(self) -> User | None:
        """The person as the central store described them at their last online sign-in."""
        stored = self._database.meta("account")
        return None if stored is None else User.model_validate_json(stored)

    def enable_unattended_sync(self, keyring: KeyringBackend | None = None) -> bool:
        """Keep the data key in the OS keyring so `fieldapp sync` can run without a prompt.

        Returns False, storing nothing, when the system has no keyring: then headless sync
        takes the password from FIELDAPP_PASSWORD instead.
        """
        return store_in_keyring(keyring or SystemKeyring(), self.directory, self._data_key)

    def disable_unattended_sync(self, keyring: KeyringBackend | None = None) -> None:
        remove_from_keyring(keyring or SystemKeyring(), self.directory)

    # -- reference data (reference.py, reviews.py) -------------------------------------

    def apply_changes(
        self, changes: Iterable[ref.Change], cursor: str | None
    ) -> ref.AppliedChanges:
        """Apply one pulled page of changes and store `cursor`, in ONE transaction.

        A crash before the commit leaves both the old data and the old cursor, so the
        page is pulled again; one after it leaves both new. Returns and approvals of
        inspections this device does not hold are reported in `ignored`, not raised.
        """
        result = ref.AppliedChanges()
        with self._lock, self._database.transaction(durable=True) as connection:
            for change in changes:
                if isinstance(change, ref.Upsert | ref.Removal):
                    self._reference.apply_in(connection, change)
                    result.reference += 1
                else:
                    self._reviews.apply_in(connection, change, result)
            self._reference.set_cursor_in(connection, cursor)
        return result

    def replace_reference_data(
        self, snapshot: ref.ReferenceSnapshot, cursor: str | None = None
    ) -> None:
        """Replace all reference data (first sync, reset after a 410, demo seeds) and the
        cursor in one transaction. Inspections and forms they use are never touched."""
        with self._lock, self._database.transaction(durable=True) as connection:
            self._reference.replace_in(connection, snapshot)
            self._reference.set_cursor_in(connection, cursor)

    def pull_cursor(self) -> str | None:
        return self._reference.pull_cursor()

    def has_reference_data(self) -> bool:
        return self._reference.has_data()

    def venues(self) -> list[Venue]:
        return self._reference.venues()

    def venue(self, venue_id: str) -> Venue | None:
        return self._reference.venue(venue_id)

    def marker(self, key: str) -> str | None:
        """A small profile-wide note a use case keeps (what it did last), by key."""
        return self._database.meta(f"marker:{key}")

    def set_marker(self, key: str, value: str | None) -> None:
        with self._lock, self._database.transaction() as connection:
            self._database.set_meta(connection, f"marker:{key}", value)

    def venue_summary(self, venue_id: str) -> VenueFieldSummary | None:
        return self._reference.venue_summary(venue_id)

    def areas(self) -> list[Area]:
        return self._reference.areas()

    def area(self, area_id: str) -> Area | None:
        return self._reference.area(area_id)

    def assignments(self, username: str | None = None) -> list[Assignment]:
        """All assignments, or those of `username` and of their team, by due date."""
        return self._reference.assignments(username)

    def assignment(self, assignment_id: str) -> Assignment | None:
        return self._reference.assignment(assignment_id)

    def teams(self) -> list[Team]:
        return self._reference.teams()

    def team(self, team_id: str) -> Team | None:
        return self._reference.team(team_id)

    def team_users(self) -> list[User]:
        return self._reference.team_users()

    def door_test_rounds(self) -> list[DoorTestRound]:
        """The door-test rounds the central store sent this device."""
        return self._reference.rounds()

    def door_test_round(self, round_id: str) -> DoorTestRound | None:
        return self._reference.round(round_id)

    def user(self, username: str) -> User | None:
        return self._reference.user(username)

    def engine(self, form_id: str, version: str | None = None) -> FormEngine:
        """The compiled form (cached per form id and version); newest when no version."""
        return self.forms.engine(form_id, version)

    # -- drafts (drafts.py) ------------------------------------------------------------

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
        with self._lock, self._database.reading() as connection:
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
        taken_at: datetime | None = None,
        position: PhotoPosition | None = None,
    ) -> Attachment:
        """Encrypt and store a photo or signature and add it to the question's answer.

        The file is complete and synced under its final name before the answer that refers
        to it is committed. A signature replaces the previous one; a photo is added to the
        question's list (the same photo twice is kept once), with when it was taken and
        where the device was (`taken_at` must carry its offset).
        """
        with self._lock:
            return self._drafts.attach_file(
                inspection_id, question, source, row, media_type, taken_at, position
            )

    def annotate_photo(
        self,
        inspection_id: str,
        question: str,
        shown: str,
        data: bytes,
        row: str | None = None,
        media_type: str = "image/jpeg",
    ) -> Attachment:
        """Store `data`, photo `shown` with marks drawn on it, in `shown`'s place in the
        answer; the photo as taken stays attached as its `original` and travels with it."""
        with self._lock:
            return self._drafts.annotate_photo(
                inspection_id, question, shown, data, row, media_type
            )

    def photo_details(
        self, inspection_id: str, question: str, sha256: str, row: str | None = None
    ) -> Attachment | None:
        """A draft's photo as its question keeps it: when, where, and its original."""
        return self._drafts.photo_details(inspection_id, question, sha256, row)

    def remove_attachment(
        self, inspection_id: str, question: str, sha256: str, row: str | None = None
    ) -> None:
        """Take a photo or signature out of the answer; the file goes when nothing uses it."""
        with self._lock:
            self._drafts.remove_attachment(inspection_id, question, sha256, row)

    def set_reply(self, inspection_id: str, question: str, text: str) -> None:
        """Save the boa's reply to the supervisor's comment on `question` in a correction
        (``''`` removes it) and commit it at once. Refused for anything but a correction
        draft (`NotEditable`), a name the return did not comment on or a text over
        `MAX_REPLY_CHARS` (`AnswerError`). Finalize puts the replies in the version."""
        with self._lock:
            self._drafts.set_reply(inspection_id, question, text)

    def replies(self, inspection_id: str) -> dict[str, str]:
        """The replies saved in a correction draft, per question (empty for others)."""
        return self._drafts.replies(inspection_id)

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

    # -- corrections (corrections.py, drafts.py) ---------------------------------------

    def start_correction(self, inspection_id: str) -> FormSession:
        """Turn a returned inspection into a draft correcting the returned version, and
        return a new session of it.

        The draft starts with the returned version's answers and photos; only the
        questions the supervisor commented on are reopened (all of them when the return
        names no question). Finalizing it makes a new version whose base is the returned one.
        """
        with self._lock:
            return self._corrections.start(inspection_id)

    def reopened_questions(self, inspection_id: str) -> frozenset[str]:
        """The questions a correction may change: those the supervisor commented on, with
        everything inside a commented group or repeat. Empty for other inspections."""
        with self._lock, self._database.reading() as connection:
            inspection = read_inspection(connection, inspection_id)
            if inspection.status is not InspectionStatus.DRAFT or not inspection.base_version_id:
                return frozenset()
            return self._drafts.reopened_questions(connection, inspection)

    def is_editable(self, inspection_id: str, question: str) -> bool:
        """Whether `set_answer` (or a file or row change) on `question` would be accepted."""
        with self._lock, self._database.reading() as connection:
            inspection = read_inspection(connection, inspection_id)
            return self._drafts.is_editable(connection, inspection, question)

    # -- reviews (reviews.py) ----------------------------------------------------------

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
        with self._lock:
            return self._reviews.apply_return(
                inspection_id, version_id, comments, returned_by, at, comment
            )

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
        with self._lock:
            return self._reviews.apply_approval(inspection_id, version_id, approved_by, at, comment)

    def review_comments(self, inspection_id: str) -> dict[str, str]:
        """The supervisor's comments per question on the latest return of this inspection."""
        return self._reviews.comments(inspection_id)

    # -- versions and lists (finalized.py, listing.py, audit.py) -----------------------

    def version(self, version_id: str) -> InspectionVersion:
        return self._versions.version(version_id)

    def versions(self, inspection_id: str) -> list[InspectionVersion]:
        """Every finalized version of an inspection, oldest first."""
        return self._versions.versions(inspection_id)

    def current_versions(
        self, form_id: str, *, started_from: date, page: int = 500
    ) -> Iterator[tuple[InspectionStatus, InspectionVersion]]:
        """The status and current version of each inspection of `form_id` whose visit began
        on `started_from` or later (UTC; allow a day for the device's zone), streamed
        `page` rows a read: for the exports, which write every answer."""
        return self._versions.current_versions(form_id, started_from, page)

    def round_versions(self, round_id: str) -> list[InspectionVersion]:
        """The current version of each door-test visit naming round `round_id` (in any
        case), most recently changed first; only that round's records are read."""
        return self._versions.round_versions(round_id)

    def inspection(self, inspection_id: str) -> LocalInspectionSummary:
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
        with_draft_findings: bool = False,
    ) -> list[LocalInspectionSummary]:
        """Inspections with `status` (all when None) of `form_ids` (all when None), most
        recently changed first. `with_draft_findings`: work out the findings of drafts
        changed since they were last listed (the drafts list shows them); other readers
        get a plain read."""
        where, parameters = inspection_filter(status, form_ids)
        found = self._lists.summaries(where, parameters, limit, offset)
        if not with_draft_findings:
            return found
        unknown = [
            summary.inspection_id
            for summary in found
            if summary.status is InspectionStatus.DRAFT and summary.draft_outcomes is None
        ]
        if not unknown:
            return found
        # A draft changed since its findings were last worked out: once, here, and kept.
        with self._lock:
            noted = self._drafts.note_outcomes(unknown)
        return [
            replace(summary, draft_outcomes=noted[summary.inspection_id])
            if summary.inspection_id in noted
            else summary
            for summary in found
        ]

    def inspections_at(
        self, venue_id: str, *, limit: int | None = None
    ) -> list[LocalInspectionSummary]:
        """This device's inspections at a venue (drafts too), most recently changed first."""
        return self._lists.summaries("i.venue_id = ?", (venue_id,), limit, 0)

    def last_visit(self, venue_id: str, form_id: str) -> InspectionVersion | None:
        """The finalized version of the latest visit with `form_id` at the venue that this
        device holds (its own or another's the device was given), or None."""
        version_id = self._lists.latest_version_at(venue_id, form_id)
        return None if version_id is None else self.version(version_id)

    def summary_rows(self, start: date, end: date, *, chunk: int = 500) -> Iterator[Counted]:
        """The latest finalized version of every inspection that may have started in the
        period (a superset), for the period summary: its stored facts, or the version when
        it has none; streamed, `chunk` rows a fetch, inside one read transaction (this
        profile's other work waits until the caller is done)."""
        return self._lists.summary_rows(start, end, chunk)

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

    def count(
        self, status: InspectionStatus | None = None, *, form_ids: Collection[str] | None = None
    ) -> int:
        """How many rows `inspections` with the same filter holds."""
        return self._lists.count(*inspection_filter(status, form_ids))

    def audit_entries(self, inspection_id: str | None = None) -> list[AuditEntry]:
        """The audit log, all of it or one inspection's entries, in order."""
        return self._audit.entries(inspection_id)

    # -- outbox (outbox.py; for the sync client) ---------------------------------------

    def pending_versions(self, limit: int | None = None) -> list[InspectionVersion]:
        """Versions waiting to be pushed, oldest first; held ones (refused) are left out."""
        return self._outbox.pending(limit)

    def mark_sent(self, version_id: str, server_receipt: str) -> None:
        """The server durably stored this version; call only after its acknowledgement.
        Calling it twice is harmless."""
        with self._lock:
            self._outbox.mark_sent(version_id, server_receipt)

    def mark_all_sent(self, receipts: Sequence[tuple[str, str]]) -> None:
        """`mark_sent` for several versions (version id, receipt) at once, all or none:
        what one batch push's answer acknowledged."""
        with self._lock:
            self._outbox.mark_all_sent(receipts)

    def record_send_failure(self, version_id: str, message: str, retryable: bool) -> None:
        """Count a failed push. A retryable failure stays in the queue; one that needs a
        person (refused, conflict, too large) is held so the rest of the queue moves on."""
        with self._lock:
            self._outbox.record_failure(version_id, message, retryable)

    def hold_sent(self, version_id: str, message: str) -> bool:
        """A version believed sent that the central store refuses to take again is held
        for a person with the server's words (see `Outbox.hold_sent`)."""
        with self._lock:
            return self._outbox.hold_sent(version_id, message)

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

    def read_attachment(self, sha256: str) -> bytes:
        """The plain bytes of an attachment, checked against its hash (for upload)."""
        return self._attachments.read_by_hash(sha256)

    # -- the bulk path (bulk.py; seeding only) -----------------------------------------

    def add_past_inspections(self, items: Sequence[PastInspection]) -> None:
        """Write finalized inspections from before, with their receipts and reviews, many to
        a transaction: the seed's bulk path. The app's own go through drafts and finalize."""
        with self._lock:
            self._past.add(items)

    # -- upkeep: files, checkpoints, backups, checks -----------------------------------

    def collect_orphans(self, grace_seconds: float | None = None) -> list[str]:
        """Remove attachment files no row refers to and stale temporary files; returns
        their paths. Files younger than the grace period (default from the settings) are
        left alone: another process may be about to commit the row for them."""
        grace = self.settings.orphan_grace_seconds if grace_seconds is None else grace_seconds
        with self._lock:
            return self._attachments.collect_orphans(grace)

    def checkpoint(self) -> bool:
        """Fold the WAL into the database and truncate it (idle time, before a backup)."""
        return self._database.checkpoint("TRUNCATE")

    def export_backup(self, destination: Path) -> Path:
        """Write an encrypted backup file (see `fieldapp.store.backup`); returns its path."""
        return write_backup(
            self._database,
            self._attachments,
            self.directory / KEY_FILE,
            destination,
            actor=self.username,
            clock=self._clock,
        )

    def verify(self, *, deep: bool = True) -> list[str]:
        """Every problem the profile has, as sentences (see `fieldapp.store.checks`);
        `deep=False` checks files by size instead of decrypting each one."""
        return check_profile(self._database, self._attachments, self._audit, self.forms, deep=deep)

    # -- internals ---------------------------------------------------------------------

    def _now(self) -> str:
        return iso(self._clock())
