"""Teams and accounts as an administrator changes them: one use case per change, audited.

The command line (`fieldapp server adduser|team add|…`) and the admin endpoints call the
same methods, so a rule holds whichever way a change comes in. Every change writes an
audit row (who, when, before and after) and the feed changes that bring it to devices, in
the same transaction.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.entities import Role, Team, User
from fieldapp.core.errors import FieldappError
from fieldapp.core.texts import Text
from fieldapp.server import feed, schema
from fieldapp.server.accounts import Accounts
from fieldapp.server.database import CentralDatabase

#: Who did it when a change comes from the command line on the server itself.
CLI_ACTOR = "cli"


class AdminRefusal(FieldappError):
    """A change an administrator asked for that the rules refuse.

    `status` is what the HTTP API answers (404 unknown, 409 exists or stale, 422 invalid);
    the command line prints the sentence. `problems` lists each problem of an import in
    English, `problems_nl` the same ones in Dutch (in the same order, or empty).
    """

    def __init__(
        self,
        status: int,
        message: Text | dict[str, str],
        problems: Sequence[str] = (),
        current: dict[str, Any] | None = None,
        *,
        problems_nl: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.problems = list(problems)
        self.problems_nl = list(problems_nl)
        #: The current state of what a stale edit tried to change (409).
        self.current = current


def unknown(what_en: str, what_nl: str) -> AdminRefusal:
    return AdminRefusal(404, {"nl": f"{what_nl} bestaat niet.", "en": f"{what_en} does not exist."})


def audit(
    connection: Connection,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """One audit row: who did what to which subject, with the state before and after."""
    detail = json.dumps({"before": before, "after": after}, ensure_ascii=False, sort_keys=True)
    connection.execute(
        schema.audit_log.insert().values(
            at=at, actor=actor[:64], action=action[:40], subject=subject[:200], detail=detail
        )
    )


class _Keep:
    """Marks an argument that keeps its current value (None means "none")."""


#: Pass for `team` or `pseudonym` to leave them as they are.
KEEP = _Keep()


def one_time_password() -> str:
    """A password for a new or reset account, given to the person once, out of band."""
    words = secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
    return f"{words[:4]}-{words[4:8]}-{words[8:12]}-{words[12:]}"


class Administration:
    """Teams and accounts in the central store's database."""

    def __init__(
        self, database: CentralDatabase, accounts: Accounts, clock: Callable[[], datetime]
    ) -> None:
        self.database = database
        self.accounts = accounts
        self.clock = clock

    # --- a new store --------------------------------------------------------------------

    def initialise(self, username: str, display_name: str, password: str) -> None:
        """Create the first administrator of an empty store; refused once anyone exists."""
        with self.database.write() as connection:
            anyone = connection.execute(
                sa.select(schema.users.c.username).limit(1)
            ).scalar_one_or_none()
            if anyone is not None:
                raise AdminRefusal(
                    409,
                    {
                        "nl": "Deze centrale opslag heeft al accounts; init maakt alleen de "
                        "eerste beheerder van een lege opslag.",
                        "en": "This central store already has accounts; init only creates "
                        "the first administrator of an empty store.",
                    },
                )
            self.accounts.add_user(
                connection,
                username=username,
                display_name=display_name,
                role=Role.ADMIN,
                password=password,
                languages=("nl", "en"),
            )
            after = self._user(connection, username)
            audit(connection, self.clock(), CLI_ACTOR, "store.init", username, None, after)

    # --- teams --------------------------------------------------------------------------

    def teams(self) -> list[dict[str, Any]]:
        with self.database.read() as connection:
            rows = connection.execute(
                sa.select(schema.teams.c.payload).order_by(schema.teams.c.team_id)
            ).scalars()
            return [json.loads(payload) for payload in rows]

    def add_team(
        self, actor: str, team_id: str, name: str, supervisor: str, areas: Sequence[str]
    ) -> Team:
        team = _team(team_id, name, supervisor, areas)
        with self.database.write() as connection:
            if self._team(connection, team_id) is not None:
                raise AdminRefusal(
                    409,
                    {"nl": f"Het team {team_id} bestaat al.", "en": f"The team {team_id} exists."},
                )
            self._check_team(connection, team)
            connection.execute(
                schema.teams.insert().values(
                    team_id=team.id,
                    name=team.name,
                    supervisor=team.supervisor,
                    payload=team.model_dump_json(),
                )
            )
            audit(connection, self.clock(), actor, "team.add", team.id, None, _dump(team))
            feed.append(
                connection,
                [feed.team_change(team), *self._user_feed(connection, team.supervisor)],
                self.clock(),
            )
        return team

    def change_team(
        self,
        actor: str,
        team_id: str,
        *,
        name: str | None = None,
        supervisor: str | None = None,
        areas: Sequence[str] | None = None,
    ) -> Team:
        """Rename a team, give it another supervisor or other areas."""
        with self.database.write() as connection:
            before = self._team(connection, team_id)
            if before is None:
                raise unknown(f"The team {team_id}", f"Het team {team_id}")
            team = _team(
                team_id,
                name if name is not None else before.name,
                supervisor if supervisor is not None else before.supervisor,
                areas if areas is not None else before.areas,
            )
            if team == before:
                return team
            self._check_team(connection, team)
            connection.execute(
                schema.teams.update()
                .where(schema.teams.c.team_id == team_id)
                .values(name=team.name, supervisor=team.supervisor, payload=team.model_dump_json())
            )
            audit(
                connection, self.clock(), actor, "team.change", team_id, _dump(before), _dump(team)
            )
            changes = [feed.team_change(team)]
            if team.supervisor != before.supervisor:
                for username in (before.supervisor, team.supervisor):
                    changes.extend(self._user_feed(connection, username))
            feed.append(connection, changes, self.clock())
        return team

    def _team(self, connection: Connection, team_id: str) -> Team | None:
        payload = connection.execute(
            sa.select(schema.teams.c.payload).where(schema.teams.c.team_id == team_id)
        ).scalar_one_or_none()
        return None if payload is None else Team.model_validate_json(payload)

    def _check_team(self, connection: Connection, team: Team) -> None:
        problems: list[str] = []
        supervisor = self._user(connection, team.supervisor)
        if supervisor is None:
            problems.append(f"supervisor: '{team.supervisor}' is not a user")
        elif supervisor["role"] != Role.SUPERVISOR.value:
            problems.append(f"supervisor: '{team.supervisor}' is a {supervisor['role']}")
        known = set(
            connection.execute(
                sa.select(schema.reference.c.key)
                .where(schema.reference.c.kind == "area")
                .where(schema.reference.c.key.in_(team.areas))
            ).scalars()
        )
        problems.extend(
            f"areas: '{area}' is not an area" for area in team.areas if area not in known
        )
        if problems:
            raise AdminRefusal(
                422,
                {"nl": "Het team klopt niet.", "en": "The team is not right."},
                problems,
            )

    # --- accounts -----------------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        with self.database.read() as connection:
            rows = connection.execute(
                sa.select(schema.users).order_by(schema.users.c.username)
            ).mappings()
            return [_user_json(row) for row in rows]

    def add_user(
        self,
        actor: str,
        *,
        username: str,
        display_name: str,
        role: Role,
        team: str | None = None,
        pseudonym: str | None = None,
        languages: Sequence[str] = ("nl",),
        password: str | None = None,
    ) -> str | None:
        """Create an account; returns the one-time password made when none was given."""
        _check_pseudonym(role, pseudonym)
        made = one_time_password() if password is None else None
        with self.database.write() as connection:
            if self._user(connection, username) is not None:
                raise AdminRefusal(
                    409,
                    {
                        "nl": f"De gebruiker {username} bestaat al.",
                        "en": f"The user {username} exists.",
                    },
                )
            self.accounts.add_user(
                connection,
                username=username,
                display_name=display_name,
                role=role,
                password=password if password is not None else str(made),
                team=team,
                pseudonym=pseudonym,
                languages=languages,
            )
            after = self._user(connection, username)
            audit(connection, self.clock(), actor, "user.add", username, None, after)
            feed.append(connection, self._user_feed(connection, username), self.clock())
        return made

    def change_user(
        self,
        actor: str,
        username: str,
        *,
        display_name: str | None = None,
        role: Role | None = None,
        team: str | _Keep | None = KEEP,
        pseudonym: str | _Keep | None = KEEP,
    ) -> dict[str, Any]:
        """Move a user to another team (None: no team), change the role or names.

        Moving a user tells the old team's devices the user left, and the new team's that
        the user came; the user's own token keeps working and picks up the new scope.
        """
        with self.database.write() as connection:
            before = self._user(connection, username)
            if before is None:
                raise unknown(f"The user {username}", f"De gebruiker {username}")
            new_role = role if role is not None else Role(before["role"])
            new_team = before["team"] if isinstance(team, _Keep) else team
            new_pseudonym = before["pseudonym"] if isinstance(pseudonym, _Keep) else pseudonym
            _check_pseudonym(new_role, new_pseudonym)
            if new_team is not None and self._team(connection, new_team) is None:
                raise unknown(f"The team {new_team}", f"Het team {new_team}")
            if new_role is not Role.SUPERVISOR:
                led = (
                    connection.execute(
                        sa.select(schema.teams.c.team_id).where(
                            schema.teams.c.supervisor == username
                        )
                    )
                    .scalars()
                    .all()
                )
                if led:
                    raise AdminRefusal(
                        409,
                        {
                            "nl": f"{username} leidt nog {', '.join(led)}; geef het team eerst "
                            "een andere supervisor.",
                            "en": f"{username} still supervises {', '.join(led)}; give the team "
                            "another supervisor first.",
                        },
                    )
            values = {
                "display_name": display_name
                if display_name is not None
                else before["display_name"],
                "role": new_role.value,
                "team": new_team,
                "pseudonym": new_pseudonym,
            }
            old_feed = self._user_feed(connection, username, removed=True)
            connection.execute(
                schema.users.update()
                .where(schema.users.c.username == username)
                .values(**values, updated_at=self.clock())
            )
            after = self._user(connection, username)
            assert after is not None
            if after == before:
                return after
            audit(connection, self.clock(), actor, "user.change", username, before, after)
            new_feed = self._user_feed(connection, username)
            stay = {change.audience for change in new_feed}
            changes = [c for c in old_feed if c.audience not in stay] + new_feed
            feed.append(connection, changes, self.clock())
            return after

    def set_active(self, actor: str, username: str, active: bool) -> int:
        """(De)activate an account; deactivating revokes its tokens. Returns tokens revoked."""
        with self.database.write() as connection:
            before = self._user(connection, username)
            if before is None:
                raise unknown(f"The user {username}", f"De gebruiker {username}")
            tokens = self._count_live_tokens(connection, username)
            self.accounts.set_active(connection, username, active)
            after = self._user(connection, username)
            action = "user.activate" if active else "user.deactivate"
            audit(connection, self.clock(), actor, action, username, before, after)
            changes = self._user_feed(connection, username, removed=not active)
            feed.append(connection, changes, self.clock())
        return 0 if active else tokens

    def reset_password(self, actor: str, username: str, password: str | None = None) -> str | None:
        """Set a new password (a one-time one when None, returned) and sign out everywhere."""
        made = one_time_password() if password is None else None
        with self.database.write() as connection:
            if not self.accounts.set_password(
                connection, username, password if password is not None else str(made)
            ):
                raise unknown(f"The user {username}", f"De gebruiker {username}")
            self.accounts.revoke_all(connection, username)
            audit(connection, self.clock(), actor, "user.password", username)
        return made

    def revoke_tokens(self, actor: str, username: str) -> int:
        with self.database.write() as connection:
            if self._user(connection, username) is None:
                raise unknown(f"The user {username}", f"De gebruiker {username}")
            revoked = self.accounts.revoke_all(connection, username)
            audit(connection, self.clock(), actor, "user.revoke_tokens", username)
        return revoked

    def _count_live_tokens(self, connection: Connection, username: str) -> int:
        return int(
            connection.execute(
                sa.select(sa.func.count())
                .select_from(schema.tokens)
                .where(schema.tokens.c.username == username)
                .where(schema.tokens.c.revoked_at.is_(None))
            ).scalar_one()
        )

    def _user(self, connection: Connection, username: str) -> dict[str, Any] | None:
        row = (
            connection.execute(sa.select(schema.users).where(schema.users.c.username == username))
            .mappings()
            .first()
        )
        return None if row is None else _user_json(row)

    def _user_feed(
        self, connection: Connection, username: str, removed: bool = False
    ) -> list[feed.NewChange]:
        row = self._user(connection, username)
        if row is None:
            return []
        supervises = (
            connection.execute(
                sa.select(schema.teams.c.team_id).where(schema.teams.c.supervisor == username)
            )
            .scalars()
            .all()
        )
        user = _entity(row)
        return feed.user_changes(user, supervises, removed=removed or not row["active"])


def _team(team_id: str, name: str, supervisor: str, areas: Sequence[str]) -> Team:
    from pydantic import ValidationError

    try:
        return Team(id=team_id, name=name, supervisor=supervisor, areas=list(areas))
    except ValidationError as error:
        raise AdminRefusal(
            422,
            {"nl": "Het team klopt niet.", "en": "The team is not right."},
            [_problem(e) for e in error.errors()],
        ) from None


def _problem(error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def _check_pseudonym(role: Role, pseudonym: str | None) -> None:
    # Reports may be made public: a tester is shown only by pseudonym, nobody else has one.
    if (role is Role.MYSTERY_GUEST) != (pseudonym is not None):
        raise AdminRefusal(
            422,
            {
                "nl": "Een mystery guest heeft een pseudoniem nodig, en alleen een mystery "
                "guest heeft er een.",
                "en": "A mystery guest needs a pseudonym, and only a mystery guest has one.",
            },
            ["pseudonym: required for a mystery_guest and only for one"],
        )


def _user_json(row: Any) -> dict[str, Any]:
    return {
        "username": row["username"],
        "display_name": row["display_name"],
        "role": row["role"],
        "team": row["team"],
        "pseudonym": row["pseudonym"],
        "languages": json.loads(row["languages"]),
        "active": bool(row["active"]),
    }


def _entity(row: dict[str, Any]) -> User:
    return User(
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        team=row["team"],
        pseudonym=row["pseudonym"],
        languages=row["languages"],
    )


def _dump(team: Team) -> dict[str, Any]:
    return team.model_dump(mode="json")
