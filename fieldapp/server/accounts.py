"""Accounts: users with Argon2 password hashes, roles and teams, and expiring bearer tokens.

A token is 32 random bytes; the database keeps only its SHA-256, so a copy of the table
signs nobody in. A `Principal` is who a request acts for, with the scopes that decide
which rows of the change feed and which inspections it may see.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, RowMapping

from fieldapp.core.entities import Role
from fieldapp.core.errors import FieldappError
from fieldapp.protocol.models import AccountInfo, ErrorCode
from fieldapp.server import schema
from fieldapp.server.config import PasswordPolicy, ServerConfig
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, forbidden
from fieldapp.server.identity import (
    confusable_with,
    is_valid_username,
    password_problem,
    username_problem,
)
from fieldapp.server.principals import ChangeListener, PrincipalCache

#: Roles that make inspections on a device and push them.
AUTHOR_ROLES = frozenset({Role.BOA, Role.MYSTERY_GUEST})


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time the server stores is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The signed-in user a request acts for."""

    username: str
    display_name: str
    role: Role
    team: str | None
    supervises: frozenset[str]
    pseudonym: str | None
    languages: tuple[str, ...]

    @property
    def public_name(self) -> str:
        return self.pseudonym if self.pseudonym is not None else self.display_name

    @property
    def is_author(self) -> bool:
        return self.role in AUTHOR_ROLES

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR

    @cached_property
    def scopes(self) -> tuple[str, ...]:
        """Audiences of the change feed this user belongs to."""
        found = ["*", f"role:{self.role.value}", f"user:{self.username}"]
        teams = set(self.supervises)
        if self.team is not None:
            teams.add(self.team)
        found.extend(f"team:{team}" for team in sorted(teams))
        # What only the team's supervisors see (a whole door-test round, both testers).
        found.extend(f"lead:{team}" for team in sorted(self.supervises))
        return tuple(found)

    def info(self) -> AccountInfo:
        return AccountInfo(
            username=self.username,
            display_name=self.display_name,
            role=self.role,
            team=self.team,
            supervises=sorted(self.supervises),
            pseudonym=self.pseudonym,
            languages=list(self.languages),
        )


def _unauthenticated(code: ErrorCode, nl: str, en: str, detail: str) -> ApiError:
    return ApiError(401, code, nl, en, headers={"WWW-Authenticate": "Bearer"}, log_detail=detail)


class Accounts:
    """Users, passwords and tokens in the central store's database."""

    def __init__(self, database: CentralDatabase, config: ServerConfig) -> None:
        self.database = database
        self.config = config
        self.hasher = _hasher(config.password_policy)
        self._dummy_hash: str | None = None
        # The demo's accounts share one known password: hashing it once instead of once per
        # account keeps the demo store's first start from costing seconds of Argon2.
        self._demo_hashes: dict[str, str] = {}
        self._principals = PrincipalCache(config.principal_cache_seconds)
        self._principals.watch(database)
        #: Hears the changes other processes make (PostgreSQL), once `listen` starts it.
        self.changes = ChangeListener(database, self._principals)

    # --- users --------------------------------------------------------------------------

    def add_user(
        self,
        connection: Connection,
        *,
        username: str,
        display_name: str,
        role: Role,
        password: str,
        team: str | None = None,
        pseudonym: str | None = None,
        languages: Sequence[str] = ("nl",),
        demo: bool = False,
    ) -> None:
        """Create an account; FieldappError names the rule a username, team or password breaks.

        `demo` is the demo world's shared, known password: only `load_demo` passes it.
        """
        problem = username_problem(username)
        if problem is not None:
            raise problem
        existing = connection.execute(sa.select(schema.users.c.username)).scalars().all()
        if username in existing:
            raise FieldappError(
                {"nl": f"De gebruiker {username} bestaat al.", "en": f"The user {username} exists."}
            )
        twin = confusable_with(username, existing)
        if twin is not None:
            raise FieldappError(
                {
                    "nl": f"De gebruikersnaam {username} lijkt te veel op {twin}; kies een andere.",
                    "en": f"The username {username} looks too much like {twin}; choose another.",
                }
            )
        if team is not None and not self._team_exists(connection, team):
            raise FieldappError(
                {"nl": f"Het team {team} bestaat niet.", "en": f"The team {team} does not exist."}
            )
        if not demo:
            self._check_password(password, username)
        now = self.config.clock()
        connection.execute(
            schema.users.insert().values(
                username=username,
                display_name=display_name,
                role=role.value,
                team=team,
                pseudonym=pseudonym,
                languages=json.dumps(list(languages)),
                password_hash=self._demo_hash(password) if demo else self.hasher.hash(password),
                active=True,
                created_at=now,
                updated_at=now,
            )
        )

    def _demo_hash(self, password: str) -> str:
        if password not in self._demo_hashes:
            self._demo_hashes[password] = self.hasher.hash(password)
        return self._demo_hashes[password]

    def _team_exists(self, connection: Connection, team: str) -> bool:
        return (
            connection.execute(
                sa.select(schema.teams.c.team_id).where(schema.teams.c.team_id == team)
            ).first()
            is not None
        )

    def _check_password(self, password: str, username: str) -> None:
        problem = password_problem(password, username, self.config.password_rules)
        if problem is not None:
            raise problem

    def set_password(self, connection: Connection, username: str, password: str) -> bool:
        """Set a password that meets the rules (FieldappError if not); False: no such user."""
        self._check_password(password, username)
        result = connection.execute(
            schema.users.update()
            .where(schema.users.c.username == username)
            .values(password_hash=self.hasher.hash(password), updated_at=self.config.clock())
        )
        return result.rowcount == 1

    def set_active(self, connection: Connection, username: str, active: bool) -> bool:
        """(De)activate an account; deactivating revokes every token, so re-activating
        later asks each device to sign in again instead of reviving old tokens."""
        result = connection.execute(
            schema.users.update()
            .where(schema.users.c.username == username)
            .values(active=active, updated_at=self.config.clock())
        )
        if result.rowcount == 1 and not active:
            self.revoke_all(connection, username)
        return result.rowcount == 1

    def principal(self, connection: Connection, username: str) -> Principal | None:
        row = (
            connection.execute(sa.select(schema.users).where(schema.users.c.username == username))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return self._principal(connection, row)

    def _principal(self, connection: Connection, row: RowMapping) -> Principal:
        supervised = connection.execute(
            sa.select(schema.teams.c.team_id).where(schema.teams.c.supervisor == row["username"])
        ).scalars()
        return Principal(
            username=row["username"],
            display_name=row["display_name"],
            role=Role(row["role"]),
            team=row["team"],
            supervises=frozenset(supervised),
            pseudonym=row["pseudonym"],
            languages=tuple(json.loads(row["languages"])),
        )

    # --- tokens -------------------------------------------------------------------------

    def sign_in(
        self, username: str, password: str, device_id: str | None
    ) -> tuple[str, datetime, Principal]:
        """Check the password and issue a token; the same 401 for every kind of failure."""
        with self.database.read() as connection:
            row = (
                connection.execute(
                    sa.select(schema.users).where(schema.users.c.username == username)
                )
                .mappings()
                .first()
            )
        stored = row["password_hash"] if row is not None else self._dummy()
        try:
            self.hasher.verify(stored, password)
            verified = row is not None
        except (VerificationError, InvalidHashError):
            verified = False
        if verified and row is not None and not row["active"]:
            # Only after the right password: a guesser learns nothing, and the person's
            # devices lock their profile instead of asking for the password again and again.
            raise forbidden(
                "This account has been deactivated; contact your administrator.",
                "Dit account is gedeactiveerd; neem contact op met uw beheerder.",
                code=ErrorCode.ACCOUNT_DEACTIVATED,
            )
        if not verified or row is None:
            raise _unauthenticated(
                ErrorCode.BAD_CREDENTIALS,
                "Gebruikersnaam of wachtwoord klopt niet.",
                "The username or password is not right.",
                f"failed sign-in for {username[:64]!r}",
            )
        if not is_valid_username(username):
            # An account made before usernames were checked: no token can describe it
            # (AccountInfo), so refuse plainly before anything is written.
            raise forbidden(
                f"The account name {username[:64]!r} is no longer accepted; ask an "
                "administrator to give the account a new name.",
                f"De accountnaam {username[:64]!r} wordt niet meer geaccepteerd; vraag een "
                "beheerder het account een nieuwe naam te geven.",
            )
        token = secrets.token_urlsafe(32)
        now = self.config.clock()
        expires = now + self.config.token_lifetime
        with self.database.write() as connection:
            if self.hasher.check_needs_rehash(stored):
                connection.execute(
                    schema.users.update()
                    .where(schema.users.c.username == username)
                    .values(password_hash=self.hasher.hash(password))
                )
            connection.execute(
                schema.tokens.insert().values(
                    token_hash=token_hash(token),
                    username=username,
                    device_id=device_id,
                    created_at=now,
                    expires_at=expires,
                    revoked_at=None,
                )
            )
            principal = self._principal(connection, row)
        return token, expires, principal

    def profile_key(self, username: str) -> str:
        """The account's profile key, made on first use (only ever handed out after the
        password was checked: `sign_in`). Devices keep their data key wrapped by it, so
        they can take a password an administrator set here."""
        users = schema.users
        with self.database.write() as connection:
            key = connection.execute(
                sa.select(users.c.profile_key).where(users.c.username == username)
            ).scalar_one_or_none()
            if key is None:
                key = secrets.token_urlsafe(32)
                connection.execute(
                    users.update()
                    .where(users.c.username == username)
                    .where(users.c.profile_key.is_(None))
                    .values(profile_key=key)
                )
                # Two first sign-ins at once: whichever wrote first is the key.
                key = connection.execute(
                    sa.select(users.c.profile_key).where(users.c.username == username)
                ).scalar_one()
        return str(key)

    def cached_principal(self, token: str) -> Principal | None:
        """The principal of a bearer token if the cache holds it: no database, no waiting,
        so the event loop may ask (`authenticate` otherwise)."""
        return self._principals.get(token_hash(token), self.config.clock())

    def authenticate(self, token: str) -> Principal:
        """The principal of a bearer token, or a 401 naming why not."""
        key = token_hash(token)
        cached = self._principals.get(key, self.config.clock())
        if cached is not None:
            return cached
        generation = self._principals.generation
        with self.database.read() as connection:
            row = (
                connection.execute(
                    sa.select(
                        schema.tokens.c.expires_at,
                        schema.tokens.c.revoked_at,
                        schema.users,
                    )
                    .join(schema.users, schema.users.c.username == schema.tokens.c.username)
                    .where(schema.tokens.c.token_hash == key)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise _unauthenticated(
                    ErrorCode.UNAUTHENTICATED,
                    "U bent niet aangemeld; meld u opnieuw aan.",
                    "You are not signed in; please sign in again.",
                    "unknown token",
                )
            if row["revoked_at"] is not None or not row["active"]:
                raise _unauthenticated(
                    ErrorCode.TOKEN_REVOKED,
                    "Uw aanmelding is ingetrokken; meld u opnieuw aan.",
                    "Your sign-in was revoked; please sign in again.",
                    f"revoked token of {row['username']}",
                )
            if aware(row["expires_at"]) <= self.config.clock():
                raise _unauthenticated(
                    ErrorCode.TOKEN_EXPIRED,
                    "Uw aanmelding is verlopen; meld u opnieuw aan.",
                    "Your sign-in has expired; please sign in again.",
                    f"expired token of {row['username']}",
                )
            principal = self._principal(connection, row)
        self._principals.put(key, principal, aware(row["expires_at"]), generation)
        return principal

    def revoke(self, token: str) -> None:
        with self.database.write() as connection:
            connection.execute(
                schema.tokens.update()
                .where(schema.tokens.c.token_hash == token_hash(token))
                .where(schema.tokens.c.revoked_at.is_(None))
                .values(revoked_at=self.config.clock())
            )

    def revoke_all(self, connection: Connection, username: str) -> int:
        result = connection.execute(
            schema.tokens.update()
            .where(schema.tokens.c.username == username)
            .where(schema.tokens.c.revoked_at.is_(None))
            .values(revoked_at=self.config.clock())
        )
        return int(result.rowcount)

    # --- the access log -----------------------------------------------------------------

    def log_refusal(
        self,
        *,
        username: str | None,
        client: str | None,
        method: str,
        path: str,
        status: int,
        code: str,
        detail: str,
    ) -> None:
        """Record a refused request (401, 403, 404): who, what, and why in a few words."""
        self.log_refusals(
            username=username,
            client=client,
            method=method,
            path=path,
            refusals=[(status, code, detail)],
        )

    def log_refusals(
        self,
        *,
        username: str | None,
        client: str | None,
        method: str,
        path: str,
        refusals: Sequence[tuple[int, str, str]],
    ) -> None:
        """Record several refusals of one request (status, code, detail) in one write."""
        if not refusals:
            return
        at = self.config.clock()
        with self.database.write() as connection:
            connection.execute(
                schema.access_log.insert(),
                [
                    {
                        "at": at,
                        "username": username,
                        "client": None if client is None else client[:64],
                        "method": method[:8],
                        "path": path[:300],
                        "status": status,
                        "code": code[:40],
                        "detail": detail[:300],
                    }
                    for status, code, detail in refusals
                ],
            )

    def _dummy(self) -> str:
        # Verifying against a throwaway hash makes an unknown username cost as much as a
        # wrong password, so the timing does not tell which usernames exist.
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        return self._dummy_hash


def _hasher(policy: PasswordPolicy) -> PasswordHasher:
    return PasswordHasher(
        time_cost=policy.time_cost,
        memory_cost=policy.memory_cost_kib,
        parallelism=policy.parallelism,
    )
