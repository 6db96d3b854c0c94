"""The administrator's use cases over the central store: registers, imports, forms, people.

Qt-free, so the screens and the tests share it. Every call is one request to the central
store (`fieldapp.sync.administration.AdminClient`) and blocks: the screens run it on the
task runner. What the world answers becomes a `CentralError` with a sentence in Dutch and
English (offline, not allowed, a refused file with each row and column problem, an edit
that crossed another one); a bug stays an exception with its traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fieldapp.app.errors import AppError
from fieldapp.core.entities import Area, Role, Team, Venue
from fieldapp.core.registerfile import pydantic_text
from fieldapp.core.texts import Text
from fieldapp.protocol.models import (
    AdminUser,
    ErrorCode,
    ImportReport,
    NewUser,
    PublishedForm,
    TeamBody,
    TeamPatch,
    UserAnswer,
    UserPatch,
    VenueEdit,
)
from fieldapp.sync.administration import AdminClient, FileFormat, PlanningClient, Register
from fieldapp.sync.errors import GaveUp, Refusal, ServerUnreachable
from fieldapp.sync.transport import CentralLine

__all__ = [
    "Administration",
    "CentralError",
    "CentralOffline",
    "EditConflict",
    "ImportReport",
    "NotAllowed",
    "Refused",
    "VenueConflict",
    "checked",
    "guarded",
    "import_format",
]

T = TypeVar("T")

_OFFLINE = Text(
    nl="Beheer en planning werken alleen met de centrale opslag, en die is nu niet "
    "bereikbaar. Wat u hebt ingevuld blijft staan; probeer het opnieuw als er verbinding is.",
    en="Administration and planning need the central store, which cannot be reached now. "
    "What you entered stays here; try again when you are online.",
)
_SERVER_TROUBLE = Text(
    nl="De centrale opslag heeft een storing. Wat u hebt ingevuld blijft staan; probeer het "
    "over een paar minuten opnieuw.",
    en="The central store has a problem. What you entered stays here; try again in a few minutes.",
)
_NOT_ALLOWED = Text(
    nl="Dat mag u niet: {reason}",
    en="You may not do that: {reason}",
)
_CROSSED = Text(
    nl="Iemand anders heeft dit intussen gewijzigd. Hieronder staat de huidige stand; uw "
    "tekst is bewaard. Bekijk de verschillen en sla opnieuw op.",
    en="Someone else changed this in the meantime. The current state is shown; your text "
    "is kept. Look at the differences and save again.",
)
_NOT_VALID = Text(
    nl="Niet alles is goed ingevuld; zie hieronder.",
    en="Not everything is filled in right; see below.",
)
_NO_VENUE = Text(
    nl="De centrale opslag kent de locatie ‘{venue}’ niet.",
    en="The central store does not know the venue ‘{venue}’.",
)
_UNKNOWN_FILE = Text(
    nl="Kies een CSV-, Excel- (.xlsx) of GeoJSON-bestand; ‘{name}’ is geen van deze.",
    en="Choose a CSV, Excel (.xlsx) or GeoJSON file; ‘{name}’ is none of these.",
)
_UNREADABLE = Text(
    nl="Het bestand ‘{name}’ kan niet gelezen worden: {reason}",
    en="The file ‘{name}’ cannot be read: {reason}",
)


# --- errors of the world ---------------------------------------------------------------------


class CentralError(AppError):
    """The central store could not do what was asked; the sentence says why.

    `problems` lists each problem the server named (row and column of an import,
    `file:line:col` of a form file), `problems_nl` the same in Dutch where the server has
    them; `status` is the HTTP status (0 when none came).
    """

    def __init__(
        self,
        message: Text,
        *,
        status: int = 0,
        problems: list[str] | None = None,
        problems_nl: list[str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.problems = list(problems or [])
        self.problems_nl = list(problems_nl or [])

    def problem_lines(self, language: str) -> list[str]:
        """The problems for a person reading `language`."""
        return problems_in(language, self.problems, self.problems_nl)


def problems_in(language: str, problems: list[str], problems_nl: list[str]) -> list[str]:
    """The Dutch problems for a Dutch reader when the server gave all of them in Dutch,
    else the English ones (an older server, or problems it has only in English)."""
    translated = {"nl": problems_nl}.get(language)
    if translated and len(translated) == len(problems):
        return list(translated)
    return list(problems)


class CentralOffline(CentralError):
    """The central store cannot be reached (or keeps failing): nothing was changed."""


class NotAllowed(CentralError):
    """403: this role or scope may not do it."""


class Refused(CentralError):
    """404, 409 or 422: the rules refuse it, each problem named."""


class EditConflict(CentralError):
    """409 edit_conflict: changed by someone else since; `current` is its state now."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__(_CROSSED, status=409)
        self.current = current


class VenueConflict(EditConflict):
    """Someone changed the venue since; `venue` and `version` are how it is now."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__(current)
        self.version: int | None = None
        self.venue: Venue | None = None
        if current is not None:
            try:
                self.venue = Venue.model_validate(current.get("venue"))
                self.version = int(current["version"])
            except (ValidationError, KeyError, TypeError, ValueError):
                self.venue = None


def as_central_error(error: BaseException) -> BaseException:
    """The error a person reads for `error`; anything unknown is returned as it is (a bug)."""
    if isinstance(error, GaveUp):
        return CentralOffline(_OFFLINE if error.network else _SERVER_TROUBLE)
    if isinstance(error, ServerUnreachable):
        return CentralOffline(_OFFLINE if error.network else _SERVER_TROUBLE)
    if isinstance(error, Refusal):
        body = error.body
        problems = list(body.problems) if body is not None else []
        problems_nl = list(body.problems_nl) if body is not None else []
        if error.status == 409 and error.code is ErrorCode.EDIT_CONFLICT:
            return EditConflict(body.current if body is not None else None)
        if error.status == 403:
            reason = error.message
            return NotAllowed(
                Text(
                    nl=_NOT_ALLOWED.nl.format(reason=reason.nl),
                    en=_NOT_ALLOWED.en.format(reason=reason.en),
                ),
                status=403,
            )
        return Refused(
            error.message, status=error.status, problems=problems, problems_nl=problems_nl
        )
    return error


@contextmanager
def translated() -> Iterator[None]:
    """Errors of the central store, raised as the `CentralError` a person reads."""
    try:
        yield
    except (GaveUp, ServerUnreachable, Refusal) as error:
        raise as_central_error(error) from error


def guarded(work: Callable[[], T]) -> Callable[[], T]:
    """`work` with the central store's errors as sentences (for the task runner)."""

    def run() -> T:
        with translated():
            return work()

    return run


M = TypeVar("M", bound=BaseModel)


def checked(model: type[M], **values: Any) -> M:
    """A request body from what a person typed; a mistake is `Refused` with each field named."""
    try:
        return model(**values)
    except ValidationError as error:
        found = [
            (".".join(str(part) for part in problem["loc"]), pydantic_text(problem))
            for problem in error.errors()
        ]
        raise Refused(
            _NOT_VALID,
            status=422,
            problems=[f"{where}: {text.en}" for where, text in found],
            problems_nl=[f"{where}: {text.nl}" for where, text in found],
        ) from None


# --- files -----------------------------------------------------------------------------------


def import_format(path: Path) -> FileFormat:
    """The import format a file's name says, or a sentence when it says none."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix in (".geojson", ".json"):
        return "geojson"
    raise Refused(_UNKNOWN_FILE.format(name=path.name))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise Refused(_UNREADABLE.format(name=path.name, reason=error.strerror or error)) from None


# --- the use cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Registers:
    """What the venue screen shows at once: the register and the areas it refers to."""

    venues: list[Venue]
    areas: list[Area]


class Administration:
    """An administrator's (or, reading, a supervisor's) work on the central store."""

    def __init__(self, line: CentralLine, username: str) -> None:
        self.client = AdminClient(line, username)
        self.username = username

    def planning(self) -> PlanningClient:
        return PlanningClient(self.client.line, self.username)

    # --- reading ------------------------------------------------------------------------

    def registers(self) -> Registers:
        with translated():
            return Registers(venues=self.client.venues(), areas=self.client.areas())

    def areas(self) -> list[Area]:
        with translated():
            return self.client.areas()

    def venue_history(self, venue_id: str) -> list[VenueEdit]:
        with translated():
            return list(reversed(self.client.venue_history(venue_id)))

    def teams(self) -> list[Team]:
        with translated():
            return self.client.teams()

    def users(self) -> list[AdminUser]:
        with translated():
            return self.client.users()

    def forms(self) -> list[PublishedForm]:
        with translated():
            return self.client.forms()

    # --- venues and imports -------------------------------------------------------------

    def venue_version(self, venue_id: str) -> int | None:
        """The number of a venue's last edit: the version a change is based on."""
        with translated():
            edits = self.client.venue_history(venue_id)
        return max((edit.version for edit in edits), default=None)

    def save_venue(self, venue: Venue, version: int | None) -> VenueEdit:
        """Add (`version` None) or change a venue, versioned and audited on the server.

        When someone else changed it since `version`, `VenueConflict` carries it as it is now.
        """
        try:
            with translated():
                return self.client.save_venue(venue, version)
        except EditConflict as conflict:
            raise VenueConflict(conflict.current) from conflict

    def close_venue(self, venue_id: str) -> VenueEdit:
        """Close a venue as it is now: never deleted, inspections keep referring to it."""
        with translated():
            edits = self.client.venue_history(venue_id)
        if not edits:
            raise Refused(_NO_VENUE.format(venue=venue_id), status=404)
        last = max(edits, key=lambda edit: edit.version)
        return self.save_venue(last.after.model_copy(update={"active": False}), last.version)

    def preview_import(self, register: Register, path: Path, *, sync: bool = False) -> ImportReport:
        """A dry run: every problem and the counts, nothing changed."""
        file_format, data = import_format(path), _read(path)
        with translated():
            return self.client.import_file(register, data, file_format, dry_run=True, sync=sync)

    def apply_import(self, register: Register, path: Path, *, sync: bool = False) -> ImportReport:
        """The import itself: all or nothing (a `Refused` with every problem)."""
        file_format, data = import_format(path), _read(path)
        with translated():
            return self.client.import_file(register, data, file_format, dry_run=False, sync=sync)

    # --- forms --------------------------------------------------------------------------

    def publish_form(self, path: Path) -> PublishedForm:
        """Publish a form file; a broken one is `Refused` with its `file:line:col` problems."""
        data = _read(path)
        with translated():
            return self.client.publish_form(path.name, data)

    def retire_form(self, form_id: str, form_version: str) -> PublishedForm:
        with translated():
            return self.client.retire_form(form_id, form_version)

    # --- teams and people ---------------------------------------------------------------

    def add_team(self, team_id: str, name: str, supervisor: str, areas: list[str]) -> Team:
        with translated():
            body = checked(TeamBody, id=team_id, name=name, supervisor=supervisor, areas=areas)
            return self.client.add_team(body)

    def change_team(
        self,
        team_id: str,
        *,
        name: str | None = None,
        supervisor: str | None = None,
        areas: list[str] | None = None,
    ) -> Team:
        given: dict[str, Any] = {"name": name, "supervisor": supervisor, "areas": areas}
        patch = checked(TeamPatch, **{key: value for key, value in given.items() if value})
        with translated():
            return self.client.change_team(team_id, patch)

    def add_user(
        self,
        username: str,
        display_name: str,
        role: Role,
        team: str | None,
        pseudonym: str | None = None,
    ) -> UserAnswer:
        """A new account; the answer carries its one-time password (shown once)."""
        body = checked(
            NewUser,
            username=username,
            display_name=display_name,
            role=role,
            team=team,
            pseudonym=pseudonym or None,
        )
        with translated():
            return self.client.add_user(body)

    def change_user(self, username: str, **changes: Any) -> UserAnswer:
        """Rename, move to a team (`team=None`: no team), change the role, (de)activate."""
        with translated():
            return self.client.change_user(username, checked(UserPatch, **changes))

    def reset_password(self, username: str) -> UserAnswer:
        """A one-time password; the account is signed out everywhere."""
        with translated():
            return self.client.reset_password(username)
