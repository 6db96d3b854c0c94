"""A short-lived cache of who a bearer token acts for, so a request does not pay a database
read for its principal every time (a device pushing a batch makes many in a row).

Correctness comes first: every committed change to accounts, tokens or teams in this
process clears the cache (SQLAlchemy events on the store's engine, so no write path can
forget it), once as the commit starts and once it has happened, so a read between the two
that still saw the old rows is dropped too. A read that raced a clearing is not kept. An
entry is kept at most `seconds`. On PostgreSQL the committing process also sends a
notice (NOTIFY) with its commit, and every server process on the database listens
(`ChangeListener`) and clears its own cache when one arrives: a revocation made through
one worker, another server or the command line counts in all of them at once. While a
process is not listening (starting, reconnecting, the command line) it does not use its
cache at all.
"""

from __future__ import annotations

import logging
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

from fieldapp.server.database import reason_of

if TYPE_CHECKING:
    from fieldapp.server.accounts import Principal
    from fieldapp.server.database import CentralDatabase

log = logging.getLogger(__name__)

#: The tables a principal is read from: a change to any of them may change one.
WATCHED_TABLES = frozenset({"users", "tokens", "teams"})
#: Entries kept at most; the oldest go first (one per signed-in device is plenty).
MAX_ENTRIES = 10_000
_CHANGED = "fieldapp_principals_changed"
#: The PostgreSQL channel the notices of changed principals go on.
CHANNEL = "fieldapp_principals"
#: How the listener's connection is named in pg_stat_activity.
LISTENER_NAME = "fieldapp principal changes"


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
        #: On PostgreSQL: set while a `ChangeListener` hears the other processes' changes.
        #: Without one (starting, reconnecting, the command line) nothing is served from
        #: or kept in the cache, so a change elsewhere always counts at once.
        self.heard: threading.Event | None = None

    @property
    def generation(self) -> int:
        return self._generation

    def _in_use(self) -> bool:
        return self.seconds > 0 and (self.heard is None or self.heard.is_set())

    def get(self, key: str, now: datetime) -> Principal | None:
        """The cached principal of a token that has not expired by `now`, else None."""
        if not self._in_use():
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
        if not self._in_use():
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

    def watch(self, database: CentralDatabase) -> None:
        """Clear at the commit of any statement that writes a watched table; on
        PostgreSQL, tell the other processes with the same commit."""
        engine: Engine = database.engine
        notify = database.is_postgresql
        if notify:
            self.heard = threading.Event()
        sa.event.listen(engine, "after_execute", self._after_execute)
        sa.event.listen(
            engine, "commit", lambda connection: self._at_commit(connection, notify=notify)
        )
        sa.event.listen(engine, "rollback", self._after_rollback)
        database.after_commit(self._after_commit)

    def _after_execute(self, connection: Connection, statement: Any, *_args: Any) -> None:
        # Only marked here: until the commit, readers see the old rows, and any they cache
        # is dropped by the commit's clearing (or refused by its generation).
        if _writes_watched_table(statement):
            connection.info[_CHANGED] = True

    def _at_commit(self, connection: Connection, *, notify: bool) -> None:
        # SQLAlchemy's commit event comes just before the database's commit.
        if not connection.info.get(_CHANGED, False):
            return
        if notify:
            # In the transaction: PostgreSQL delivers it when (and only if) it commits.
            # The payload names the store's schema: stores in other schemas of the same
            # database (or the test suite's) hear it and leave their caches alone. Sent
            # through SQLAlchemy, so a dropped connection is noticed as any other.
            connection.exec_driver_sql(f"SELECT pg_notify('{CHANNEL}', current_schema())")
        self.clear()

    def _after_commit(self, connection: Connection) -> None:
        # Once the commit has happened: a read that began between the first clearing and
        # the commit saw the old rows under the new generation; this drops what it kept.
        if connection.info.pop(_CHANGED, False):
            self.clear()

    def _after_rollback(self, connection: Connection) -> None:
        connection.info.pop(_CHANGED, None)


class ChangeListener:
    """Listens, on PostgreSQL, for the notices other processes send with a commit that
    changes accounts, tokens or teams, and clears this process's principal cache at each.

    One connection of its own, outside the pool, in a thread. When it is lost, the cache is
    cleared and not used until the listener has connected again (with a growing pause):
    every request then reads its principal from the database.
    """

    #: Seconds between checks that the connection still answers (a dead peer is found by
    #: the TCP keep-alives below within about ten seconds).
    PING_SECONDS = 5.0

    def __init__(self, database: CentralDatabase, cache: PrincipalCache) -> None:
        self._database = database
        self._cache = cache
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Set while the listener is connected and listening; the cache is used only then.
        self.listening = cache.heard if cache.heard is not None else threading.Event()
        #: Notices heard from stores in other schemas of the database, and left alone.
        self.ignored = 0

    def start(self) -> None:
        if not self._database.is_postgresql or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="principal-changes", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        # Imported here: only a server on PostgreSQL needs the driver itself.
        import psycopg

        pause = 0.5
        while not self._stop.is_set():
            try:
                with self._connect() as connection:
                    row = connection.execute("SELECT current_schema()").fetchone()
                    schema = row[0] if row is not None else None
                    # Named for its store, so an operator (or a test) can tell whose it is.
                    connection.execute(
                        "SELECT set_config('application_name', %s, false)",
                        (listener_name(schema),),
                    )
                    connection.execute(f"LISTEN {CHANNEL}")
                    # Whatever changed before the LISTEN took hold was not heard.
                    self._cache.clear()
                    self.listening.set()
                    pause = 0.5
                    last_ping = time.monotonic()
                    while not self._stop.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            if notice.payload == schema:
                                self._cache.clear()
                            else:
                                self.ignored += 1
                        if time.monotonic() - last_ping >= self.PING_SECONDS:
                            connection.execute("SELECT 1")
                            last_ping = time.monotonic()
            except psycopg.Error as error:
                if not self._stop.is_set():
                    # The network or the database, not a bug: its reason, no traceback.
                    log.warning(
                        "lost the database connection that hears changed accounts (%s); "
                        "connecting again in %.1f s",
                        reason_of(error),
                        pause,
                    )
            except Exception:
                # A bug, not the network: logged with its traceback, and tried again, so
                # the cache is never trusted without a listener.
                log.exception("the listener for changed accounts failed; trying again")
            finally:
                self.listening.clear()
                self._cache.clear()
            self._stop.wait(pause)
            pause = min(pause * 2, 30.0)

    def _connect(self) -> Any:
        import psycopg

        engine = self._database.engine
        arguments, options = engine.dialect.create_connect_args(engine.url)
        # The URL's own settings win (an operator's connect_timeout or keep-alives).
        defaults: dict[str, Any] = {
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
        }
        return psycopg.connect(*arguments, **{**defaults, **options}, autocommit=True)


def listener_name(schema: str | None) -> str:
    """The application name of a store's listener connection (PostgreSQL keeps 63 bytes)."""
    return f"{LISTENER_NAME} {schema or ''}".strip().encode()[:63].decode(errors="ignore")


def _writes_watched_table(statement: Any) -> bool:
    if isinstance(statement, UpdateBase):
        name = getattr(getattr(statement, "table", None), "name", None)
        if name == "tokens" and isinstance(statement, sa.Insert):
            # A new token (a sign-in) is in nobody's cache: it changes no cached principal,
            # and every sign-in would otherwise empty every server process's cache.
            return False
        return name in WATCHED_TABLES
    if isinstance(statement, sa.TextClause | str):
        # Hand-written SQL (migrations, repairs): a write naming a watched table counts.
        text = (statement.text if isinstance(statement, sa.TextClause) else statement).lower()
        writes = any(verb in text for verb in ("insert", "update", "delete", "alter", "drop"))
        return writes and any(name in text for name in WATCHED_TABLES)
    return False
