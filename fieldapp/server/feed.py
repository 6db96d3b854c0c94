"""The change feed devices pull: reference data and review events, in commit order.

Why positions are allocated under a lock: on PostgreSQL a sequence hands out numbers when
transactions ask, not when they commit, so a reader serving `position > cursor` could see
position 8 before a slower transaction commits 7, move its cursor past 7 and never send
it. Here a transaction takes its positions by incrementing `server_state.feed_position`,
which row-locks that counter until the transaction commits. The next writer waits for the
lock, so position N+1 can only commit after N did: a committed position implies every
lower one is committed too. A reader first reads the counter (the committed head) and then
serves only rows at or below it. Writers append as the last step of their transaction, so
the lock is held for milliseconds. On SQLite the single writer gives the same order.

A cursor is `<epoch>.<position>.<nonce>`, where the nonce is random per change row. The
server refuses (410) a cursor of another epoch, or one whose row is missing or carries
another nonce: that is what a server restored from an older backup looks like, even after
it has written new rows at the same positions.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.entities import Area, Assignment, Role, Team, User, Venue
from fieldapp.core.forms import FormDefinition
from fieldapp.protocol.models import ErrorCode, ReviewEvent
from fieldapp.server import schema
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError

#: A page stops early once its payloads pass this size, so one page stays one request.
PAGE_BYTE_BUDGET = 1024 * 1024

_CURSOR = re.compile(r"^([0-9a-f]{1,32})\.([0-9]{1,19})\.([0-9a-f]{1,16})$")


@dataclass(frozen=True)
class FeedCursor:
    epoch: str
    position: int
    nonce: str

    def encode(self) -> str:
        return f"{self.epoch}.{self.position}.{self.nonce}"

    @classmethod
    def start(cls, epoch: str) -> FeedCursor:
        return cls(epoch, 0, "0")

    @classmethod
    def parse(cls, text: str) -> FeedCursor:
        match = _CURSOR.match(text)
        if match is None:
            raise ApiError(
                400,
                ErrorCode.INVALID_CURSOR,
                "De synchronisatiepositie (cursor) is onleesbaar.",
                "The cursor is not one this server hands out.",
                problems=["cursor: expected the next_cursor of an earlier answer"],
            )
        return cls(match[1], int(match[2]), match[3])


@dataclass(frozen=True)
class NewChange:
    """A change to append: what it is about, who may see it, and its body."""

    kind: str
    key: str
    audience: str
    body: dict[str, Any]


def cursor_expired() -> ApiError:
    return ApiError(
        410,
        ErrorCode.CURSOR_EXPIRED,
        "De geschiedenis van de server past niet meer bij dit apparaat (bijvoorbeeld na "
        "het terugzetten van een back-up). Het apparaat laadt de gegevens opnieuw; er gaat "
        "niets verloren.",
        "The server's history no longer matches this device (for example after a restore "
        "from a backup). The device reloads its reference data; nothing is lost.",
    )


def append(connection: Connection, changes: Sequence[NewChange], now: datetime) -> list[int]:
    """Append changes at the next positions; call it last in the write transaction."""
    if not changes:
        return []
    state = schema.server_state
    top = connection.execute(
        state.update()
        .where(state.c.id == 1)
        .values(feed_position=state.c.feed_position + len(changes))
        .returning(state.c.feed_position)
    ).scalar_one()
    first = int(top) - len(changes) + 1
    positions = list(range(first, int(top) + 1))
    connection.execute(
        schema.change_log.insert(),
        [
            {
                "position": position,
                "kind": change.kind,
                "entity_key": change.key,
                "audience": change.audience,
                "payload": json.dumps(change.body, ensure_ascii=False, separators=(",", ":")),
                "nonce": secrets.token_hex(4),
                "created_at": now,
            }
            for position, change in zip(positions, changes, strict=True)
        ],
    )
    return positions


def state(connection: Connection) -> tuple[str, int]:
    """The epoch and the committed head position."""
    row = connection.execute(
        sa.select(schema.server_state.c.epoch, schema.server_state.c.feed_position).where(
            schema.server_state.c.id == 1
        )
    ).one()
    return str(row.epoch), int(row.feed_position)


def head_cursor(connection: Connection) -> FeedCursor:
    epoch, head = state(connection)
    return _cursor_at(connection, epoch, head)


def _cursor_at(connection: Connection, epoch: str, position: int) -> FeedCursor:
    if position == 0:
        return FeedCursor.start(epoch)
    nonce = connection.execute(
        sa.select(schema.change_log.c.nonce).where(schema.change_log.c.position == position)
    ).scalar_one_or_none()
    if nonce is None:  # only a change log emptied by hand gets here
        return FeedCursor.start(epoch)
    return FeedCursor(epoch, position, str(nonce))


def page(
    connection: Connection, scopes: Iterable[str], cursor_text: str | None, limit: int
) -> dict[str, Any]:
    """One page of changes after the cursor, as the JSON body of a ChangesPage."""
    epoch, head = state(connection)
    cursor = FeedCursor.start(epoch) if cursor_text is None else FeedCursor.parse(cursor_text)
    if cursor.epoch != epoch:
        raise cursor_expired()
    if cursor.position > 0:
        nonce = connection.execute(
            sa.select(schema.change_log.c.nonce).where(
                schema.change_log.c.position == cursor.position
            )
        ).scalar_one_or_none()
        if nonce != cursor.nonce:
            raise cursor_expired()
    log = schema.change_log
    rows = connection.execute(
        sa.select(log.c.position, log.c.payload, log.c.nonce)
        .where(log.c.position > cursor.position)
        .where(log.c.position <= head)
        .where(log.c.audience.in_(list(scopes)))
        .order_by(log.c.position)
        .limit(limit + 1)
    ).all()
    changes: list[dict[str, Any]] = []
    size = 0
    last: FeedCursor | None = None
    for row in rows[:limit]:
        if changes and size + len(row.payload) > PAGE_BYTE_BUDGET:
            break
        body = json.loads(row.payload)
        body["position"] = int(row.position)
        changes.append(body)
        size += len(row.payload)
        last = FeedCursor(epoch, int(row.position), str(row.nonce))
    has_more = len(changes) < len(rows)
    if has_more:
        assert last is not None
        next_cursor = last
    else:
        # Nothing visible is left below the head: jump to it, so the next pull (and every
        # no-op sync) starts past rows this user cannot see instead of scanning them again.
        next_cursor = _cursor_at(connection, epoch, head) if head > cursor.position else cursor
    return {
        "epoch": epoch,
        "changes": changes,
        "next_cursor": next_cursor.encode(),
        "has_more": has_more,
    }


class ChangeFeed:
    """The feed as devices read it: each answer from one read transaction."""

    def __init__(self, database: CentralDatabase) -> None:
        self.database = database

    def read_head(self) -> tuple[str, FeedCursor]:
        """The epoch and the cursor of the committed head."""
        with self.database.read() as connection:
            epoch, head = state(connection)
            return epoch, _cursor_at(connection, epoch, head)

    def read_page(self, scopes: Iterable[str], cursor: str | None, limit: int) -> dict[str, Any]:
        """One page after the cursor, as the JSON body of a ChangesPage (see `page`)."""
        with self.database.read() as connection:
            return page(connection, scopes, cursor, limit)


# --- the changes each kind of entity makes ----------------------------------------------------


def venue_change(venue: Venue, removed: bool = False) -> NewChange:
    body = {"kind": "venue", "removed": removed, "venue": venue.model_dump(mode="json")}
    return NewChange("venue", venue.id, "*", body)


def area_change(area: Area, removed: bool = False) -> NewChange:
    body = {"kind": "area", "removed": removed, "area": area.model_dump(mode="json")}
    return NewChange("area", area.id, "*", body)


def team_change(team: Team, removed: bool = False) -> NewChange:
    body = {"kind": "team", "removed": removed, "team": team.model_dump(mode="json")}
    return NewChange("team", team.id, "*", body)


def user_changes(user: User, supervises: Iterable[str], removed: bool = False) -> list[NewChange]:
    """A user as their team's devices see them: by pseudonym when a mystery guest."""
    entry = {
        "username": user.username,
        "name": user.public_name,
        "role": user.role.value,
        "team": user.team,
    }
    body = {"kind": "user", "removed": removed, "user": entry}
    teams = sorted({*supervises, *([user.team] if user.team else [])})
    audiences = [f"team:{team}" for team in teams] or [f"user:{user.username}"]
    return [NewChange("user", user.username, audience, body) for audience in audiences]


def form_changes(definition: FormDefinition) -> list[NewChange]:
    """A form for the roles that fill it in, and for supervisors, who read every form."""
    body = {
        "kind": "form",
        "removed": False,
        "form_id": definition.id,
        "form_version": definition.version,
        "definition": definition.model_dump(mode="json", exclude_none=True),
    }
    roles = {*definition.roles, Role.SUPERVISOR.value}
    key = f"{definition.id}@{definition.version}"
    return [NewChange("form", key, f"role:{role}", body) for role in sorted(roles)]


def assignment_change(assignment: Assignment, removed: bool = False) -> NewChange:
    body = {
        "kind": "assignment",
        "removed": removed,
        "assignment": assignment.model_dump(mode="json"),
    }
    audience = f"user:{assignment.assignee}" if assignment.assignee else f"team:{assignment.team}"
    return NewChange("assignment", assignment.id, audience, body)


def review_change(event: ReviewEvent, author: str) -> NewChange:
    """A review reaches only the officer who wrote the inspection."""
    body = {"kind": "review", "removed": False, "event": event.model_dump(mode="json")}
    return NewChange("review", event.event_id, f"user:{author}", body)
