"""Reference data pulled from the central store: venues, areas, forms, assignments, team users.

It is read-only on the device (the centre wins). The sync client hands over a page of
changes and the cursor after it; `Profile.apply_changes` applies both in one transaction,
so a crash between pages re-applies a page rather than skipping one. Forms are kept as
their YAML text with id and version and compiled once per (form id, version) on first use
(`FormCatalog`); `ReferenceData` reads and writes the other tables.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import Area, Assignment, DoorTestRound, Role, Team, User, Venue
from fieldapp.core.errors import FormFileError
from fieldapp.core.followup import VenueFieldSummary
from fieldapp.core.formfile import load_form_text
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import FormRejected, UnknownReference


class ReferenceKind(StrEnum):
    AREA = "area"
    VENUE = "venue"
    FORM = "form"
    ASSIGNMENT = "assignment"
    TEAM = "team"
    TEAM_USER = "team_user"
    ROUND = "round"
    VENUE_SUMMARY = "venue_summary"


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A user of the team as the central store lists them: what others may see.

    For a mystery guest `name` is the pseudonym; the device never learns more.
    """

    username: str
    name: str
    role: Role
    team: str | None = None

    def as_user(self) -> User:
        pseudonym = self.name if self.role is Role.MYSTERY_GUEST else None
        return User(
            username=self.username,
            display_name=self.name,
            role=self.role,
            team=self.team,
            pseudonym=pseudonym,
        )


@dataclass(frozen=True, slots=True)
class FormText:
    """A form as the central store sends it: its text (YAML, or JSON, which is YAML too),
    named by id and version."""

    form_id: str
    version: str
    yaml: str

    @property
    def key(self) -> str:
        return form_key(self.form_id, self.version)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.yaml.encode("utf-8")).hexdigest()


def form_key(form_id: str, version: str) -> str:
    """The id of a form in a `Removal`: ``form_id@version``."""
    return f"{form_id}@{version}"


ReferenceItem = (
    Area
    | Venue
    | FormText
    | Assignment
    | Team
    | User
    | TeamMember
    | DoorTestRound
    | VenueFieldSummary
)


@dataclass(frozen=True, slots=True)
class Upsert:
    """Add or replace one item of reference data."""

    item: ReferenceItem

    @property
    def kind(self) -> ReferenceKind:
        return kind_of(self.item)


@dataclass(frozen=True, slots=True)
class Removal:
    """Remove one item; for a form the id is ``form_id@version``."""

    kind: ReferenceKind
    id: str


@dataclass(frozen=True, slots=True)
class ReturnEvent:
    """A supervisor sent a version back with comments per question."""

    inspection_id: str
    version_id: str
    comments: Mapping[str, str]
    returned_by: str
    at: datetime
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ApprovalEvent:
    """A supervisor approved a version."""

    inspection_id: str
    version_id: str
    approved_by: str
    at: datetime
    comment: str | None = None


Change = Upsert | Removal | ReturnEvent | ApprovalEvent


@dataclass(frozen=True, slots=True)
class ReferenceSnapshot:
    """All reference data at once, for the first sync, a reset, or the demo seeds."""

    areas: Sequence[Area] = ()
    venues: Sequence[Venue] = ()
    forms: Sequence[FormText] = ()
    assignments: Sequence[Assignment] = ()
    teams: Sequence[Team] = ()
    team_users: Sequence[User | TeamMember] = ()
    rounds: Sequence[DoorTestRound] = ()
    venue_summaries: Sequence[VenueFieldSummary] = ()


@dataclass(slots=True)
class AppliedChanges:
    """What a page of changes did; `ignored` says why an event could not be applied."""

    reference: int = 0
    returns: int = 0
    approvals: int = 0
    ignored: list[str] = field(default_factory=list)


def kind_of(item: ReferenceItem) -> ReferenceKind:
    if isinstance(item, Area):
        return ReferenceKind.AREA
    if isinstance(item, Venue):
        return ReferenceKind.VENUE
    if isinstance(item, FormText):
        return ReferenceKind.FORM
    if isinstance(item, Assignment):
        return ReferenceKind.ASSIGNMENT
    if isinstance(item, Team):
        return ReferenceKind.TEAM
    if isinstance(item, DoorTestRound):
        return ReferenceKind.ROUND
    if isinstance(item, VenueFieldSummary):
        return ReferenceKind.VENUE_SUMMARY
    return ReferenceKind.TEAM_USER


# -- writing -----------------------------------------------------------------------------


def upsert(connection: sqlite3.Connection, item: ReferenceItem, catalog: FormCatalog) -> None:
    """Write one item; call inside a transaction."""
    if isinstance(item, Area):
        connection.execute(
            "INSERT OR REPLACE INTO areas (id, name, data) VALUES (?, ?, ?)",
            (item.id, item.name, item.model_dump_json()),
        )
    elif isinstance(item, Venue):
        connection.execute(
            "INSERT OR REPLACE INTO venues (id, name, kind, area_id, data) VALUES (?, ?, ?, ?, ?)",
            (item.id, item.name, item.kind.value, item.area, item.model_dump_json()),
        )
    elif isinstance(item, FormText):
        _upsert_form(connection, item, catalog)
    elif isinstance(item, Assignment):
        connection.execute(
            "INSERT OR REPLACE INTO assignments (id, form_id, venue_id, area_id, assignee, team,"
            " due, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.id,
                item.form_id.value,
                item.venue,
                item.area,
                item.assignee,
                item.team,
                item.due.isoformat(),
                item.model_dump_json(),
            ),
        )
    elif isinstance(item, Team):
        connection.execute(
            "INSERT OR REPLACE INTO teams (id, name, data) VALUES (?, ?, ?)",
            (item.id, item.name, item.model_dump_json()),
        )
    elif isinstance(item, DoorTestRound):
        connection.execute(
            "INSERT OR REPLACE INTO door_test_rounds (id, venue_id, date, data)"
            " VALUES (?, ?, ?, ?)",
            (item.id, item.venue, item.date.isoformat(), item.model_dump_json()),
        )
    elif isinstance(item, VenueFieldSummary):
        connection.execute(
            "INSERT OR REPLACE INTO venue_summaries (venue_id, data) VALUES (?, ?)",
            (item.venue_id, item.model_dump_json()),
        )
    else:
        user = item.as_user() if isinstance(item, TeamMember) else item
        connection.execute(
            "INSERT OR REPLACE INTO team_users (username, display_name, role, team, data)"
            " VALUES (?, ?, ?, ?, ?)",
            (user.username, user.display_name, user.role.value, user.team, user.model_dump_json()),
        )


def _upsert_form(connection: sqlite3.Connection, form: FormText, catalog: FormCatalog) -> None:
    engine = catalog.compile_text(form)
    if (engine.form_id, engine.version) != (form.form_id, form.version):
        raise FormRejected(
            form.key, f"the file says {form_key(engine.form_id, engine.version)} inside"
        )
    existing = connection.execute(
        "SELECT sha256 FROM forms WHERE form_id = ? AND version = ?", (form.form_id, form.version)
    ).fetchone()
    if existing is not None and existing[0] == form.sha256:
        return
    if existing is not None and _form_in_use(connection, form.form_id, form.version):
        # A form version is a contract: inspections made with it must keep meaning the same.
        raise FormRejected(
            form.key, "this version changed on the server while inspections here use it"
        )
    connection.execute(
        "INSERT OR REPLACE INTO forms (form_id, version, yaml, sha256) VALUES (?, ?, ?, ?)",
        (form.form_id, form.version, form.yaml, form.sha256),
    )
    catalog.forget(form.form_id, form.version)


def _form_in_use(connection: sqlite3.Connection, form_id: str, version: str) -> bool:
    return (
        connection.execute(
            "SELECT 1 FROM inspections WHERE form_id = ? AND form_version = ? LIMIT 1",
            (form_id, version),
        ).fetchone()
        is not None
    )


_TABLES: Mapping[ReferenceKind, tuple[str, str]] = {
    ReferenceKind.AREA: ("areas", "id"),
    ReferenceKind.VENUE: ("venues", "id"),
    ReferenceKind.ASSIGNMENT: ("assignments", "id"),
    ReferenceKind.TEAM: ("teams", "id"),
    ReferenceKind.TEAM_USER: ("team_users", "username"),
    ReferenceKind.ROUND: ("door_test_rounds", "id"),
    ReferenceKind.VENUE_SUMMARY: ("venue_summaries", "venue_id"),
}


def remove(connection: sqlite3.Connection, kind: ReferenceKind, identifier: str) -> None:
    """Remove one item. A form version that inspections here use is kept: they need it."""
    if kind is ReferenceKind.FORM:
        form_id, _, version = identifier.partition("@")
        if not _form_in_use(connection, form_id, version):
            connection.execute(
                "DELETE FROM forms WHERE form_id = ? AND version = ?", (form_id, version)
            )
        return
    table, column = _TABLES[kind]
    connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (identifier,))


def replace_all(
    connection: sqlite3.Connection, snapshot: ReferenceSnapshot, catalog: FormCatalog
) -> None:
    """Make the reference tables hold exactly `snapshot` (forms in use are kept)."""
    for table, _column in _TABLES.values():
        connection.execute(f"DELETE FROM {table}")
    keep = {form.key for form in snapshot.forms}
    for form_id, version in connection.execute("SELECT form_id, version FROM forms").fetchall():
        if form_key(form_id, version) not in keep:
            remove(connection, ReferenceKind.FORM, form_key(form_id, version))
    items: list[ReferenceItem] = [
        *snapshot.areas,
        *snapshot.venues,
        *snapshot.forms,
        *snapshot.assignments,
        *snapshot.teams,
        *snapshot.team_users,
        *snapshot.rounds,
        *snapshot.venue_summaries,
    ]
    for item in items:
        upsert(connection, item, catalog)


# -- reading -----------------------------------------------------------------------------


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """'2026.10' sorts after '2026.9': numbers compare as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\-_]", version)
    )


class FormCatalog:
    """Compiled forms by (form id, version), compiled once from the stored YAML."""

    def __init__(self, database: ProfileDatabase) -> None:
        self._database = database
        self._engines: dict[tuple[str, str], FormEngine] = {}
        #: The SHA-256 of the text each cached engine was compiled from.
        self._texts: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def compile_text(self, form: FormText) -> FormEngine:
        key = (form.form_id, form.version)
        with self._lock:
            cached = self._engines.get(key)
        if cached is not None and self._texts.get(key) == form.sha256:
            return cached
        try:
            engine = load_form_text(form.yaml, f"{form.key}.yaml")
        except FormFileError as error:
            raise FormRejected(form.key, str(error)) from error
        with self._lock:
            self._engines[key] = engine
            self._texts[key] = form.sha256
        return engine

    def forget(self, form_id: str, version: str) -> None:
        with self._lock:
            self._engines.pop((form_id, version), None)
            self._texts.pop((form_id, version), None)

    def engine(self, form_id: str, version: str | None = None) -> FormEngine:
        """The compiled form; the newest version when `version` is None."""
        if version is None:
            version = self.latest_version(form_id)
        with self._lock:
            cached = self._engines.get((form_id, version))
        if cached is not None:
            return cached
        found = self._database.row(
            "SELECT yaml FROM forms WHERE form_id = ? AND version = ?", (form_id, version)
        )
        if found is None:
            raise UnknownReference("Formulier", "Form", form_key(form_id, version))
        return self.compile_text(FormText(form_id, version, str(found[0])))

    def latest_version(self, form_id: str) -> str:
        versions = [
            str(row[0])
            for row in self._database.rows(
                "SELECT version FROM forms WHERE form_id = ?", (form_id,)
            )
        ]
        if not versions:
            raise UnknownReference("Formulier", "Form", form_id)
        return max(versions, key=_version_key)

    def forms(self) -> list[FormText]:
        return [
            FormText(str(a), str(b), str(c))
            for a, b, c in self._database.rows(
                "SELECT form_id, version, yaml FROM forms ORDER BY form_id, version"
            )
        ]


class ReferenceData:
    """The reference tables of one profile and the pull cursor that goes with them."""

    def __init__(self, database: ProfileDatabase, forms: FormCatalog) -> None:
        self._database = database
        self._forms = forms

    # -- writing (inside the caller's transaction, with the cursor) -------------------

    def apply_in(self, connection: sqlite3.Connection, change: Upsert | Removal) -> None:
        if isinstance(change, Upsert):
            upsert(connection, change.item, self._forms)
        else:
            remove(connection, change.kind, change.id)

    def replace_in(self, connection: sqlite3.Connection, snapshot: ReferenceSnapshot) -> None:
        replace_all(connection, snapshot, self._forms)

    def set_cursor_in(self, connection: sqlite3.Connection, cursor: str | None) -> None:
        self._database.set_meta(connection, "pull_cursor", cursor)

    # -- reading -------------------------------------------------------------------------

    def pull_cursor(self) -> str | None:
        return self._database.meta("pull_cursor")

    def has_data(self) -> bool:
        return self._database.value("SELECT 1 FROM forms LIMIT 1") is not None

    def venues(self) -> list[Venue]:
        return [Venue.model_validate_json(text) for text in self._all("venues", "name")]

    def venue(self, venue_id: str) -> Venue | None:
        found = self._one("venues", "id", venue_id)
        return None if found is None else Venue.model_validate_json(found)

    def areas(self) -> list[Area]:
        return [Area.model_validate_json(text) for text in self._all("areas", "name")]

    def area(self, area_id: str) -> Area | None:
        found = self._one("areas", "id", area_id)
        return None if found is None else Area.model_validate_json(found)

    def assignments(self, username: str | None = None) -> list[Assignment]:
        """All assignments, or those of `username` and of their team, by due date."""
        if username is None:
            texts = self._all("assignments", "due, id")
        else:
            texts = [
                str(row[0])
                for row in self._database.rows(
                    "SELECT data FROM assignments WHERE assignee = ? OR team = "
                    "(SELECT team FROM team_users WHERE username = ?) ORDER BY due, id",
                    (username, username),
                )
            ]
        return [Assignment.model_validate_json(text) for text in texts]

    def assignment(self, assignment_id: str) -> Assignment | None:
        found = self._one("assignments", "id", assignment_id)
        return None if found is None else Assignment.model_validate_json(found)

    def teams(self) -> list[Team]:
        return [Team.model_validate_json(text) for text in self._all("teams", "name")]

    def team(self, team_id: str) -> Team | None:
        found = self._one("teams", "id", team_id)
        return None if found is None else Team.model_validate_json(found)

    def team_users(self) -> list[User]:
        return [User.model_validate_json(text) for text in self._all("team_users", "username")]

    def user(self, username: str) -> User | None:
        found = self._one("team_users", "username", username)
        return None if found is None else User.model_validate_json(found)

    # Table and column names below are this module's own constants, never input.

    def rounds(self) -> list[DoorTestRound]:
        """The door-test rounds this device was sent (a tester's own, the other tester
        hidden), by date."""
        return [
            DoorTestRound.model_validate_json(text)
            for text in self._all("door_test_rounds", "date, id")
        ]

    def round(self, round_id: str) -> DoorTestRound | None:
        found = self._one("door_test_rounds", "id", round_id)
        return None if found is None else DoorTestRound.model_validate_json(found)

    def venue_summary(self, venue_id: str) -> VenueFieldSummary | None:
        """The venue's short history as last pulled (boa's devices only get it)."""
        found = self._one("venue_summaries", "venue_id", venue_id)
        return None if found is None else VenueFieldSummary.model_validate_json(found)

    def _all(self, table: str, order: str) -> list[str]:
        return [
            str(row[0]) for row in self._database.rows(f"SELECT data FROM {table} ORDER BY {order}")
        ]

    def _one(self, table: str, column: str, key: str) -> str | None:
        found = self._database.value(f"SELECT data FROM {table} WHERE {column} = ?", (key,))
        return None if found is None else str(found)
