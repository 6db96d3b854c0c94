"""The central store's database: engines for SQLite and PostgreSQL, transactions, migrations.

SQLite runs in WAL mode with full fsync; a write transaction starts with BEGIN IMMEDIATE,
so two writers queue on the busy timeout instead of failing when one upgrades a read
lock. PostgreSQL runs at READ COMMITTED; the places that need order take row locks (see
feed.py). Migrations run under a lock, so several server processes may start at once.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from fieldapp.server import schema
from fieldapp.server.errors import DatabaseUnreachable, RaceLost
from fieldapp.server.schema import Timestamp

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


def _v2(connection: Connection, now: datetime) -> None:
    """Blob holders, storage per account, blobs in the database (chunks, partial uploads),
    the client address and an index on time in the access log, an index on the author of
    held conflicts.

    A database made by this server's `_v1` already has them (create_all makes every table
    as declared now); one made by an older server gets them here. Existing blobs are held
    by their uploader and by the authors of the versions that name them, so a version
    that was complete stays complete.
    """
    inspector = sa.inspect(connection)
    for table in (
        schema.blob_holders,
        schema.blob_chunks,
        schema.partial_uploads,
        schema.partial_chunks,
    ):
        if not inspector.has_table(table.name):
            table.create(connection)
    columns = {column["name"] for column in inspector.get_columns("access_log")}
    if "client" not in columns:
        connection.execute(sa.text("ALTER TABLE access_log ADD COLUMN client VARCHAR(64)"))
    indexes = {index["name"] for index in inspector.get_indexes("access_log")}
    if "ix_access_log_at" not in indexes:
        # The declared index itself: a new Index object would join the table's metadata.
        (by_time,) = (i for i in schema.access_log.indexes if i.name == "ix_access_log_at")
        by_time.create(connection)
    if "ix_conflicts_author" not in {i["name"] for i in inspector.get_indexes("conflicts")}:
        (by_author,) = schema.conflicts.indexes
        by_author.create(connection)
    if not inspector.has_table("account_usage"):
        schema.account_usage.create(connection)
        _count_usage(connection)
    b, vb, v, h = schema.blobs, schema.version_blobs, schema.versions, schema.blob_holders
    held = sa.union(
        sa.select(b.c.sha256, b.c.uploaded_by.label("username")),
        sa.select(vb.c.sha256, v.c.author.label("username"))
        .select_from(vb.join(v, v.c.version_id == vb.c.version_id))
        .join(b, b.c.sha256 == vb.c.sha256),
    ).subquery()
    known = sa.select(h.c.sha256).where(h.c.sha256 == held.c.sha256)
    connection.execute(
        h.insert().from_select(
            ["sha256", "username", "held_since"],
            sa.select(held.c.sha256, held.c.username, sa.literal(now, Timestamp))
            .where(~sa.exists(known.where(h.c.username == held.c.username)))
            .distinct(),
        )
    )


def _v3(connection: Connection, now: datetime) -> None:
    """Administration and planning: venue history, retired form versions."""
    del now
    inspector = sa.inspect(connection)
    for table in (schema.venue_history, schema.plans):
        if not inspector.has_table(table.name):
            table.create(connection)
    if "retired_at" not in {column["name"] for column in inspector.get_columns("forms")}:
        kind = Timestamp.compile(dialect=connection.dialect)
        connection.execute(sa.text(f"ALTER TABLE forms ADD COLUMN retired_at {kind}"))


def _count_usage(connection: Connection) -> None:
    """Fill account_usage from what each account stores now."""
    usage: dict[str, int] = {}
    for table, who, size in (
        (schema.versions, schema.versions.c.author, sa.func.length(schema.versions.c.record)),
        (schema.conflicts, schema.conflicts.c.author, sa.func.length(schema.conflicts.c.record)),
        (schema.blobs, schema.blobs.c.uploaded_by, schema.blobs.c.size),
    ):
        rows = connection.execute(
            sa.select(who, sa.func.coalesce(sa.func.sum(size), 0)).select_from(table).group_by(who)
        )
        for username, total in rows:
            usage[username] = usage.get(username, 0) + int(total)
    if usage:
        connection.execute(
            schema.account_usage.insert(),
            [{"username": name, "bytes": total} for name, total in sorted(usage.items())],
        )


def _v4(connection: Connection, now: datetime) -> None:
    """Each account's profile key (issue 12: a password changed on the server is taken
    on the device). Made on the account's next sign-in, so nothing is filled in here."""
    del now
    columns = {column["name"] for column in sa.inspect(connection).get_columns("users")}
    if "profile_key" not in columns:
        connection.execute(sa.text("ALTER TABLE users ADD COLUMN profile_key VARCHAR(64)"))


#: The hand-written migrations of schema 1 to 4, for databases made before Alembic; index
#: + 1 is the version number. Schema 5 on are Alembic revisions (`migrations/versions`).
MIGRATIONS: tuple[Callable[[Connection, datetime], None], ...] = (_v1, _v2, _v3, _v4)
#: The last hand-written version: Alembic's baseline revision stands for it.
BASELINE = len(MIGRATIONS)
#: The schema this server knows (Alembic's head revision, as a number).
SCHEMA_VERSION = 7
MIGRATIONS_FOLDER = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration for the central store: on `connection`, or for SQL only."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    config.attributes["connection"] = connection
    return config


def _revision(version: int) -> str:
    return f"{version:04d}"


def _alembic_revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return None if found is None else str(found)


def current_version(connection: Connection) -> int:
    """The schema version of the database: Alembic's revision, else the hand-written
    migrations' last, else 0 (empty)."""
    revision = _alembic_revision(connection)
    if revision is not None:
        return int(revision)
    if not sa.inspect(connection).has_table(schema.schema_migrations.name):
        return 0
    found = connection.execute(sa.select(sa.func.max(schema.schema_migrations.c.version)))
    return int(found.scalar_one() or 0)


def migration_sql(url: str) -> str:
    """The SQL that makes an empty database of `url`'s dialect the current schema, for a
    DBA to read and run (Alembic's offline mode)."""
    config = alembic_config(url=url)
    buffer = io.StringIO()
    config.output_buffer = buffer
    command.upgrade(config, "head", sql=True)
    return buffer.getvalue()


class CentralDatabase:
    """The central store's engine and the two kinds of transaction the server uses."""

    def __init__(self, url: str, pool_size: int = 8) -> None:
        self.url = sa.make_url(url)
        self.dialect = self.url.get_backend_name()
        self._writer: threading.Lock | None = None
        #: Called with the connection after each write transaction's commit.
        self._after_commit: list[Callable[[Connection], None]] = []
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
                # A database that does not answer is reported in seconds, not minutes.
                connect_args={"connect_timeout": 5},
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
            with self.engine.connect() as connection:
                with connection.begin():
                    yield connection
                self._committed(connection)
            return
        # SQLite has one writer; queueing here is first come, first served, where SQLite's
        # busy handler would poll with growing sleeps and give a long latency tail.
        with self._writer, self.engine.connect() as connection:
            connection.execution_options(fieldapp_immediate=True)
            with connection.begin():
                yield connection
            self._committed(connection)

    def after_commit(self, hook: Callable[[Connection], None]) -> None:
        """Call `hook` with the connection once each write transaction has committed
        (SQLAlchemy's own commit event comes before the database's commit)."""
        self._after_commit.append(hook)

    def _committed(self, connection: Connection) -> None:
        for hook in self._after_commit:
            hook(connection)

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
        """Bring the schema to SCHEMA_VERSION; returns the version it was at before.

        Alembic runs the migrations (`fieldapp.server.migrations`). A database the
        hand-written migrations made (schema 1 to 4, in `schema_migrations`) is first
        brought to 4 by them and stamped as Alembic's baseline; from then on only Alembic
        moves it. One migration at a time: PostgreSQL holds an advisory lock.
        """
        with self.write() as connection:
            if self.is_postgresql:
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            current = current_version(connection)
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the database has schema version {current}; this server knows up to "
                    f"{SCHEMA_VERSION}: update the server"
                )
            stamped = _alembic_revision(connection) is not None
            if not stamped and current:
                # Made by the hand-written migrations: finish them, then hand over.
                for version in range(current + 1, BASELINE + 1):
                    log.info("migrating the central store to schema version %d", version)
                    MIGRATIONS[version - 1](connection, now)
                    connection.execute(
                        schema.schema_migrations.insert().values(version=version, applied_at=now)
                    )
                command.stamp(alembic_config(connection), _revision(max(current, BASELINE)))
            command.upgrade(alembic_config(connection), "head")
        return int(current)

    def dispose(self) -> None:
        self.engine.dispose()

    def connections_in_use(self) -> float:
        """Connections checked out of the pool now (a metric of load)."""
        checked_out = getattr(self.engine.pool, "checkedout", None)
        return float(checked_out()) if callable(checked_out) else 0.0

    def answers(self) -> bool:
        """Whether the database answers a trivial query now (for the health check)."""
        try:
            with self.read() as connection:
                connection.execute(sa.text("SELECT 1"))
        except DBAPIError as error:
            # Asked every few seconds by a load balancer while the database is down: one
            # line with the reason each time, not a traceback (the network, not a bug).
            log.warning("health check: the database does not answer (%s)", reason_of(error))
            return False
        return True

    @property
    def shown_url(self) -> str:
        """The URL without its password, for log lines and messages."""
        return self.url.render_as_string(hide_password=True)

    def wait_until_reachable(
        self, limit_seconds: float, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        """Connect, trying again with a growing pause while the database does not answer.

        A server started together with its database (a compose file, a reboot) waits for
        it with one clear log line per attempt instead of exiting at once. Raises
        `DatabaseUnreachable` after `limit_seconds`.
        """
        started = time.monotonic()
        pause = 0.5
        attempt = 1
        while True:
            try:
                with self.engine.connect() as connection:
                    connection.execute(sa.text("SELECT 1"))
                if attempt > 1:
                    log.warning("the database at %s answers now", self.shown_url)
                return
            except OperationalError as error:
                waited = time.monotonic() - started
                reason = reason_of(error)
                if waited + pause > limit_seconds:
                    raise DatabaseUnreachable(self.shown_url, limit_seconds, reason) from error
                log.warning(
                    "the database at %s does not answer yet (attempt %d: %s); "
                    "trying again in %.1f s (waited %.0f of %.0f s)",
                    self.shown_url,
                    attempt,
                    reason,
                    pause,
                    waited,
                    limit_seconds,
                )
                sleep(pause)
                pause = min(pause * 2, 5.0)
                attempt += 1


def reason_of(error: BaseException) -> str:
    """The first line of a database error's own message (the driver's, under SQLAlchemy's
    wrapper), for a log line or a sentence: the network's trouble, not a traceback."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0][:200] if lines else type(cause).__name__


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


def lock_names(connection: Connection, kind: str, names: Iterable[str]) -> None:
    """Put this write transaction in the way of every other that locks one of these names
    of this kind, before it writes.

    - SQLite: a write transaction is already the only one (BEGIN IMMEDIATE, and the
      process's writer lock in front of it), so nothing more is needed.
    - PostgreSQL (READ COMMITTED): a transaction-scoped advisory lock per name, taken in
      the order of their keys. Taken in any other order, two transactions naming two
      names in crossed order deadlocked (PostgreSQL broke it after a second by failing
      one). In one order for everybody, whoever waits holds no lock the holder needs.
      Two names whose keys collide only wait for each other.
    """
    if connection.dialect.name != "postgresql":
        return
    for key in sorted({advisory_key(kind, name) for name in names}):
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(key))).all()


def advisory_key(kind: str, name: str) -> int:
    """The advisory lock key of a name of a kind: the same in every server process (unlike
    hash())."""
    digest = hashlib.blake2b(f"{kind} {name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
