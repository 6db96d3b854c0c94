"""Harness of the sync tests (tests/sync/); holds no tests itself.

Real central stores on 127.0.0.1 (conftest_server), real SQLCipher profiles in temporary
folders (store_support), a fake clock and sleep for the retries, and what the tests ask
the server directly: which versions it holds, and whether every blob it kept hashes to
its name.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.protocol.models import digest_of
from fieldapp.server import schema
from fieldapp.server.central import CentralStore
from fieldapp.store import Profile
from fieldapp.sync.client import SyncClient
from fieldapp.sync.transport import Credentials, RetryPolicy, Waiting
from tests.support.central import Central
from tests.support.store import FakeClock, fill_draft, new_profile

BOA = "fatima.elamrani"
BOA_FORMS = ("neighbourhood_patrol", "coffeeshop_inspection")
PASSWORD = "demo"


# --- time without waiting ------------------------------------------------------------------


@dataclass
class FakeTime:
    """A monotonic clock that moves only when the client "sleeps"; records every delay."""

    now: float = 0.0
    delays: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now

    def waiting(self, seed: int = 1) -> Waiting:
        return Waiting(sleep=self.sleep, monotonic=self.monotonic, rng=random.Random(seed))


# --- profiles ------------------------------------------------------------------------------


def open_device(home: Path, username: str = BOA, clock: FakeClock | None = None) -> Profile:
    """A profile with the demo reference data, as a device has it before its first sync."""
    return new_profile(home, username=username, password=PASSWORD, clock=clock)


def finalize_some(profile: Profile, count: int, seed: int = 1) -> list[InspectionVersion]:
    """`count` finalized inspections with photos, waiting in the outbox."""
    versions = []
    for number in range(count):
        form = BOA_FORMS[number % len(BOA_FORMS)]
        inspection_id = fill_draft(profile, form, seed * 100 + number)
        versions.append(profile.finalize(inspection_id))
    return versions


def client_for(
    profile: Profile,
    url: str,
    *,
    fake: FakeTime | None = None,
    password: str = PASSWORD,
    **options: Any,
) -> SyncClient:
    """A sync client signing in as the profile's user; retries wait on `fake` time."""
    options.setdefault("retry", RetryPolicy(attempts=6, first_delay=0.05, budget=30.0))
    options.setdefault("chunk_bytes", 512)
    return SyncClient(
        profile,
        url,
        credentials=Credentials(profile.username, password),
        waiting=(fake or FakeTime()).waiting(),
        **options,
    )


def attachments_of(versions: list[InspectionVersion]) -> set[str]:
    return {a.sha256 for version in versions for a in version.attachments}


# --- the server's side -----------------------------------------------------------------------


def server_versions(store: CentralStore, author: str | None = None) -> dict[str, dict[str, Any]]:
    """version id → (content hash, complete, record) of what the server holds."""
    table = schema.versions
    query = sa.select(table.c.version_id, table.c.content_hash, table.c.complete, table.c.record)
    if author is not None:
        query = query.where(table.c.author == author)
    with store.database.read() as connection:
        rows = connection.execute(query).all()
    return {
        row.version_id: {
            "content_hash": row.content_hash,
            "complete": bool(row.complete),
            "record": json.loads(row.record),
        }
        for row in rows
    }


def server_blobs(store: CentralStore) -> set[str]:
    with store.database.read() as connection:
        return set(connection.execute(sa.select(schema.blobs.c.sha256)).scalars())


def assert_no_corrupt_blob(store: CentralStore) -> None:
    """Every blob the server kept hashes to its name."""
    for sha in server_blobs(store):
        data = b"".join(store.blobs.read(sha))
        assert hashlib.sha256(data).hexdigest() == sha, f"corrupt blob {sha}"


def assert_server_holds_exactly(
    store: CentralStore,
    author: str,
    versions: list[InspectionVersion],
    besides: Iterable[str] = (),
) -> None:
    """The server holds these versions of `author`, no others (but those named `besides`,
    an earlier test's on a shared store), with their content and every attachment, and
    no blob it kept is corrupt."""
    held = server_versions(store, author)
    assert set(held) - set(besides) == {v.version_id for v in versions}
    for version in versions:
        stored = held[version.version_id]
        assert stored["content_hash"] == version.content_hash
        assert stored["record"]["document"] == version.document
    assert attachments_of(versions) <= server_blobs(store)
    assert_no_corrupt_blob(store)


def supervisor_of(username: str) -> str:
    world = load_world(seeds_directory())
    team = world.user(username).team
    return next(t.supervisor for t in world.teams if t.id == team)


def return_inspection(central: Central, version: InspectionVersion, questions: list[str]) -> None:
    """The author's supervisor returns a version with a comment on each question."""
    with central.client(supervisor_of(version.author)) as supervisor:
        answer = supervisor.post(
            f"/v1/inspections/{version.inspection_id}/return",
            json={
                "event_id": os.urandom(16).hex(),
                "version_id": version.version_id,
                "comments": [{"question": q, "text": f"Graag {q} aanvullen"} for q in questions],
            },
        )
        assert answer.status_code == 200, answer.text


# --- backup and restore of a central store --------------------------------------------------


def _pg_schema(url: str) -> str:
    options = sa.make_url(url).query["options"]
    assert isinstance(options, str)
    return options.split("search_path=")[1]


def _tables(present: Iterable[str]) -> list[str]:
    """The tables in `present`, parents before children (the schema's order), then the rest."""
    found = set(present)
    ordered = [t.name for t in schema.metadata.sorted_tables if t.name in found]
    return ordered + sorted(found - set(ordered))


def backup_central(store: CentralStore, backend: str, home: Path) -> Path | str:
    if backend == "sqlite":
        target = home / "backup.db"
        source = sqlite3.connect(home / "central.db")
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
        shutil.copytree(home / "blobs", home / "backup-blobs")
        return target
    assert store.config.database_url is not None
    live = _pg_schema(store.config.database_url)
    backup = f"{live}_backup"
    with store.database.write() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{backup}"'))
        # Every table the database holds (Alembic's own too), as a dump would.
        for name in _tables(sa.inspect(connection).get_table_names(schema=live)):
            connection.execute(
                sa.text(f'CREATE TABLE "{backup}"."{name}" AS SELECT * FROM "{name}"')
            )
    shutil.copytree(home / "blobs", home / "backup-blobs")
    return backup


def restore_central(url: str | None, backend: str, home: Path, backup: Path | str) -> None:
    shutil.rmtree(home / "blobs")
    shutil.copytree(home / "backup-blobs", home / "blobs")
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (home / f"central.db{suffix}").unlink(missing_ok=True)
        shutil.copyfile(backup, home / "central.db")
        return
    assert url is not None
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        tables = _tables(sa.inspect(connection).get_table_names(schema=str(backup)))
        names = ", ".join(f'"{name}"' for name in tables)
        connection.execute(sa.text(f"TRUNCATE {names} CASCADE"))
        for name in tables:
            connection.execute(sa.text(f'INSERT INTO "{name}" SELECT * FROM "{backup}"."{name}"'))
        connection.execute(sa.text(f'DROP SCHEMA "{backup}" CASCADE'))
    engine.dispose()


def transport_wrapping(
    answer: Callable[[httpx.Request, Callable[[httpx.Request], httpx.Response]], httpx.Response],
) -> httpx.BaseTransport:
    """A transport that lets a test see (or replace) every answer of a real server."""
    real = httpx.HTTPTransport()

    class Wrapping(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            def forward(inner: httpx.Request) -> httpx.Response:
                response = real.handle_request(inner)
                response.read()
                return response

            return answer(request, forward)

        def close(self) -> None:
            real.close()

    return Wrapping()


def with_body(request: httpx.Request, content: bytes) -> httpx.Request:
    """The same request with another body (its length header made anew)."""
    headers = {k: v for k, v in request.headers.items() if k != "content-length"}
    return httpx.Request(request.method, request.url, headers=headers, content=content)


def refusing_versions(
    refusals: Mapping[str, tuple[int, str, str]], tries: list[str] | None = None
) -> Callable[[httpx.Request, Callable[[httpx.Request], httpx.Response]], httpx.Response]:
    """An answer function for `transport_wrapping` that refuses the named versions with
    (status, code, Dutch text), whether they are pushed alone or within a batch.

    A batch is forwarded without the refused versions, and the real server's outcomes are
    put back in order around the refusals: the neighbours are stored as they would be.
    `tries` collects the id of every refused push.
    """

    def error(status: int, code: str, text: str) -> dict[str, Any]:
        return {"code": code, "message": {"nl": text, "en": text + " (en)"}}

    def answer(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.method == "PUT" and "/versions/" in request.url.path:
            version_id = request.url.path.rsplit("/", 1)[1]
            if version_id in refusals:
                if tries is not None:
                    tries.append(version_id)
                status, code, text = refusals[version_id]
                return httpx.Response(status, json=error(status, code, text), request=request)
            return forward(request)
        if request.method != "POST" or request.url.path != "/v1/sync/push":
            return forward(request)
        versions = json.loads(request.content)["versions"]
        kept = [v for v in versions if v["version_id"] not in refusals]
        outcomes: list[dict[str, Any]] = []
        if kept:
            answered = forward(with_body(request, json.dumps({"versions": kept}).encode()))
            if answered.status_code != 200:
                return answered
            outcomes = answered.json()["outcomes"]
        merged = []
        for version in versions:
            version_id = version["version_id"]
            if version_id in refusals:
                if tries is not None:
                    tries.append(version_id)
                status, code, text = refusals[version_id]
                merged.append(
                    {"version_id": version_id, "status": status, "error": error(status, code, text)}
                )
            else:
                merged.append(outcomes.pop(0))
        return httpx.Response(200, json={"outcomes": merged}, request=request)

    return answer


def server_loses(central: Central, lost: list[InspectionVersion], author: str) -> None:
    """The server loses these versions (a restore from an older backup), digest included."""
    lost_ids = {v.version_id for v in lost}
    with central.store.database.write() as connection:
        for version in lost:
            for table in (schema.version_blobs, schema.summary_facts, schema.versions):
                connection.execute(table.delete().where(table.c.version_id == version.version_id))
            connection.execute(
                schema.review_events.delete().where(
                    schema.review_events.c.inspection_id == version.inspection_id
                )
            )
            connection.execute(
                schema.inspections.delete().where(
                    schema.inspections.c.inspection_id == version.inspection_id
                )
            )
        kept = [vid for vid in server_versions(central.store, author) if vid not in lost_ids]
        connection.execute(
            schema.digests.update()
            .where(schema.digests.c.author == author)
            .values(count=len(kept), digest=digest_of(kept))
        )
