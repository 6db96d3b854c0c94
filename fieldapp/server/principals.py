"""A short-lived cache of who a bearer token acts for, so a request does not pay a database
read for its principal every time (a device pushing a batch makes many in a row).

Correctness comes first: every committed change to accounts, tokens or teams in this
process clears the cache (SQLAlchemy events on the store's engine, so no write path can
forget it), and an entry is kept at most `seconds`, which bounds how late another server
process on the same database sees a revocation. A read that raced a clearing is not kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import UpdateBase

if TYPE_CHECKING:
    from fieldapp.server.accounts import Principal

#: The tables a principal is read from: a change to any of them may change one.
WATCHED_TABLES = frozenset({"users", "tokens", "teams"})
#: Entries kept at most; the oldest go first (one per signed-in device is plenty).
MAX_ENTRIES = 10_000
_CHANGED = "fieldapp_principals_changed"


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    token_expires_at: datetime
    cached_at: float


class PrincipalCache:
    """Principals by token hash, for `seconds` (0 turns the cache off)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        #: Bumped by every clearing; a read that started before one is not stored.
        self._generation = 0

    @property
    def generation(self) -> int:
        return self._generation

    def get(self, key: str, now: datetime) -> Principal | None:
        """The cached principal of a token that has not expired by `now`, else None."""
        if self.seconds <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() - entry.cached_at > self.seconds or entry.token_expires_at <= now:
                del self._entries[key]
                return None
            return entry.principal

    def put(
        self, key: str, principal: Principal, token_expires_at: datetime, generation: int
    ) -> None:
        """Keep what a read found, unless the cache was cleared since that read began."""
        if self.seconds <= 0:
            return
        with self._lock:
            if generation != self._generation:
                return
            self._entries[key] = _Entry(principal, token_expires_at, self._clock())
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1

    def watch(self, engine: Engine) -> None:
        """Clear at the commit of any statement that writes a watched table."""
        sa.event.listen(engine, "after_execute", self._after_execute)
        sa.event.listen(engine, "commit", self._after_commit)
        sa.event.listen(engine, "rollback", self._after_rollback)

    def _after_execute(self, connection: Connection, statement: Any, *_args: Any) -> None:
        # Only marked here: until the commit, readers see the old rows, and any they cache
        # is dropped by the commit's clearing (or refused by its generation).
        if _writes_watched_table(statement):
            connection.info[_CHANGED] = True

    def _after_commit(self, connection: Connection) -> None:
        if connection.info.pop(_CHANGED, False):
            self.clear()

    def _after_rollback(self, connection: Connection) -> None:
        connection.info.pop(_CHANGED, None)


def _writes_watched_table(statement: Any) -> bool:
    if isinstance(statement, UpdateBase):
        table = getattr(statement, "table", None)
        return getattr(table, "name", None) in WATCHED_TABLES
    if isinstance(statement, sa.TextClause | str):
        # Hand-written SQL (migrations, repairs): a write naming a watched table counts.
        text = (statement.text if isinstance(statement, sa.TextClause) else statement).lower()
        writes = any(verb in text for verb in ("insert", "update", "delete", "alter", "drop"))
        return writes and any(name in text for name in WATCHED_TABLES)
    return False
