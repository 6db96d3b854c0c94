"""The central store's database: engines for SQLite and PostgreSQL, transactions, migrations.

SQLite runs in WAL mode with full fsync; a write transaction starts with BEGIN IMMEDIATE,
so two writers queue on the busy timeout instead of failing when one upgrades a read
lock. PostgreSQL runs at READ COMMITTED; the places that need order take row locks (see
feed.py). Migrations run under a lock, so several server processes may start at once.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from fieldapp.server import schema
from fieldapp.server.errors import RaceLost

log = logging.getLogger(__name__)

_T = TypeVar("_T")

#: Any number: the key of the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK = 0x6669656C64617070  # "fieldapp"


def new_epoch() -> str:
    return secrets.token_hex(8)


def _v1(connection: Connection, now: datetime) -> None:
    """The first schema: every table of schema.py, and the server's epoch."""
    schema.metadata.create_all(connection)
    connection.execute(
        schema.server_state.insert().values(
            id=1, epoch=new_epoch(), feed_position=0, created_at=now, demo=False
        )
    )


#: Schema versions in order; index + 1 is the version number.
MIGRATIONS: tuple[Callable[[Connection, datetime], None], ...] = (_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


class CentralDatabase:
    """The central store's engine and the two kinds of transaction the server uses."""

    def __init__(self, url: str, pool_size: int = 8) -> None:
        self.url = sa.make_url(url)
        self.dialect = self.url.get_backend_name()
        self._writer: threading.Lock | None = None
        if self.dialect == "sqlite":
            self.engine = sa.create_engine(
                self.url,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=pool_size,
                max_overflow=pool_size,
            )
            _configure_sqlite(self.engine)
            self._writer = threading.Lock()
        elif self.dialect == "postgresql":
            self.engine = sa.create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
            )
        else:
            raise ValueError(f"unsupported database {self.dialect!r}: use sqlite or postgresql")

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    def insert_ignoring_duplicates(self, table: sa.Table) -> Any:
        """An INSERT that does nothing when the row's key is already there."""
        dialect = postgresql if self.is_postgresql else sqlite
        return dialect.insert(table).on_conflict_do_nothing()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (on SQLite: a deferred one that does not block writers)."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        if self._writer is None:
            with self.engine.connect() as connection, connection.begin():
                yield connection
            return
        # SQLite has one writer; queueing here is first come, first served, where SQLite's
        # busy handler would poll with growing sleeps and give a long latency tail.
        with self._writer, self.engine.connect() as connection:
            connection.execution_options(fieldapp_immediate=True)
            with connection.begin():
                yield connection

    def retrying(self, work: Callable[[], _T], attempts: int = 5) -> _T:
        """Run `work` again after a unique-key race or a deadlock; the retry re-reads.

        A lost race is how duplicates show up under concurrency: the second insert of the
        same version id fails on the primary key, and the retry then finds the first one.
        """
        for attempt in range(attempts):
            try:
                return work()
            except (IntegrityError, RaceLost):
                if attempt == attempts - 1:
                    raise
            except DBAPIError as error:
                if attempt == attempts - 1 or not self._transient(error):
                    raise
            log.debug("retrying a transaction after a race (attempt %d)", attempt + 1)
        raise AssertionError("unreachable")

    def _transient(self, error: DBAPIError) -> bool:
        state = getattr(error.orig, "sqlstate", None)
        if state in {"40001", "40P01"}:  # serialization failure, deadlock
            return True
        return "database is locked" in str(error.orig)

    def migrate(self, now: datetime) -> int:
        """Bring the schema to SCHEMA_VERSION; returns the version it was at before."""
        with self.write() as connection:
            if self.is_postgresql:
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            schema.schema_migrations.create(connection, checkfirst=True)
            current = (
                connection.execute(
                    sa.select(sa.func.max(schema.schema_migrations.c.version))
                ).scalar_one()
                or 0
            )
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the database has schema version {current}; this server knows up to "
                    f"{SCHEMA_VERSION}: update the server"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                log.info("migrating the central store to schema version %d", version)
                MIGRATIONS[version - 1](connection, now)
                connection.execute(
                    schema.schema_migrations.insert().values(version=version, applied_at=now)
                )
        return int(current)

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling would BEGIN lazily and never IMMEDIATE; take it over.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a version is acknowledged only once it would survive a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("fieldapp_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
