"""Shared harness of the server tests: a real uvicorn server on 127.0.0.1, on SQLite or PostgreSQL.

Each test module starts its own central store (demo world loaded) per backend. PostgreSQL
runs when FIELDAPP_TEST_PG_URL is set, in a fresh schema per module that is dropped
afterwards; without the variable those tests skip locally and fail under CI.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from fieldapp.core.inspection import Attachment, InspectionVersion, new_id
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.config import PasswordPolicy, ServerConfig
from fieldapp.server.runner import BackgroundServer

PG_URL = os.environ.get("FIELDAPP_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"]
DEMO_PASSWORD = "demo"

# Demo users by role, from seeds/users.csv.
BOA = "fatima.elamrani"  # team-centrum
BOA_SAME_TEAM = "joost.vandermeer"  # team-centrum
BOA_WEST = "elif.yildiz"  # team-west
MYSTERY_GUEST = "mg-noord-3"  # team-uitgaan
MYSTERY_GUEST_2 = "mg-zuid-1"  # team-uitgaan
SUPERVISOR_CENTRUM = "ingrid.verhoeven"  # supervises team-centrum and team-west
SUPERVISOR_UITGAAN = "ricardo.pinas"  # supervises team-zuidoost and team-uitgaan
ADMIN = "marek.wisniewski"

FORM_FOR = {"boa": "neighbourhood_patrol", "mystery_guest": "door_test"}
#: A free-text question at the top of each form, where `make_version` puts its note.
NOTE_QUESTION = {
    "neighbourhood_patrol": "shift_summary",
    "door_test": "notes",
    "coffeeshop_inspection": "findings_summary",
}
#: A photo question of each form, which an `Attachment` of a test names.
PHOTO_QUESTION = {
    "neighbourhood_patrol": "observation_photo",
    "door_test": "house_rules_photo",
    "coffeeshop_inspection": "stock_photo",
}
FORM_VERSION = "2026.3"
#: Forms whose current version moved on from FORM_VERSION.
FORM_VERSIONS = {"coffeeshop_inspection": "2026.5"}


def require_backend(backend: str) -> None:
    """Skip PostgreSQL when it is not configured; under CI that is a failure, not a skip."""
    if backend == "postgresql" and not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("FIELDAPP_TEST_PG_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("FIELDAPP_TEST_PG_URL is not set")


@contextmanager
def database_url(backend: str, label: str) -> Iterator[str | None]:
    """None (the default SQLite file under home) or a fresh PostgreSQL schema's URL."""
    if backend == "sqlite":
        yield None
        return
    assert PG_URL is not None
    schema_name = f"t_{label}_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema_name}"'))
        url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema_name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # A session cut off mid-way (a test's gate shut on it) can hold a lock on the
            # schema's tables until the server notices its client is gone, minutes later;
            # the drop would wait for it that long.
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks l"
                    " JOIN pg_class c ON c.oid = l.relation"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = :name AND l.pid <> pg_backend_pid()"
                ),
                {"name": schema_name},
            )
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE'))
        admin.dispose()


class MovableClock:
    """The server's clock in tests: real time plus an offset a test may move."""

    def __init__(self) -> None:
        self.offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self.offset += delta


def test_config(home: Path, url: str | None, **overrides: Any) -> ServerConfig:
    config = ServerConfig(
        home=home,
        database_url=url,
        # Cheap hashing: the tests sign in often; the format and checks are the same.
        password_policy=PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1),
        clock=MovableClock(),
        pool_size=6,
    )
    return replace(config, **overrides)


test_config.__test__ = False  # type: ignore[attr-defined]  # not a test despite its name


@dataclass
class Central:
    """A running central store and helpers to talk to it as the demo users."""

    config: ServerConfig
    store: CentralStore
    server: BackgroundServer
    app: FastAPI
    tokens: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def clock(self) -> MovableClock:
        clock = self.config.clock
        assert isinstance(clock, MovableClock)
        return clock

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> httpx.Response:
        return httpx.post(
            f"{self.url}/v1/auth/token",
            json={"username": username, "password": password, "device_id": "test-device"},
            timeout=30,
        )

    def token(self, username: str) -> str:
        with self.lock:
            known = self.tokens.get(username)
        if known is not None:
            return known
        answer = self.sign_in(username)
        assert answer.status_code == 200, answer.text
        token = str(answer.json()["access_token"])
        with self.lock:
            self.tokens[username] = token
        return token

    def client(self, username: str | None = None) -> httpx.Client:
        headers = {} if username is None else {"Authorization": f"Bearer {self.token(username)}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


@contextmanager
def running_central(backend: str, home: Path, label: str, **overrides: Any) -> Iterator[Central]:
    require_backend(backend)
    with database_url(backend, label) as url:
        config = test_config(home, url, **overrides)
        store = CentralStore(config)
        app = create_app(config, store)
        store.load_demo(seeds_directory(), forms_directory())
        server = BackgroundServer(app).start()
        # On PostgreSQL the principal cache is used only once its listener listens.
        if store.database.is_postgresql:
            assert store.accounts.changes.listening.wait(20), "the listener did not connect"
        try:
            yield Central(config=config, store=store, server=server, app=app)
        finally:
            server.stop()
            store.close()


def make_version(
    author: str,
    *,
    role: str = "boa",
    inspection_id: str | None = None,
    base: str | None = None,
    note: str = "Rustige ronde",
    attachments: tuple[Attachment, ...] = (),
    finalized_at: datetime | None = None,
    form_id: str | None = None,
    **fields: Any,
) -> InspectionVersion:
    """A finalized version with a correct content hash."""
    form = form_id or FORM_FOR[role]
    document = {"answers": {NOTE_QUESTION.get(form, "notes"): note}, "repeats": {}}
    moment = finalized_at or datetime(2026, 12, 4, 21, 30, tzinfo=UTC)
    form_version = FORM_VERSIONS.get(form, FORM_VERSION)
    digest = InspectionVersion.hash_of(form, form_version, base, document, attachments)
    return InspectionVersion(
        inspection_id=inspection_id or new_id(),
        version_id=new_id(),
        base_version_id=base,
        form_id=form,
        form_version=form_version,
        author=author,
        started_at=moment - timedelta(hours=1),
        finalized_at=moment,
        document=document,
        attachments=attachments,
        content_hash=digest,
        **fields,
    )


def version_path(version: InspectionVersion) -> str:
    return f"/v1/inspections/{version.inspection_id}/versions/{version.version_id}"


def push(client: httpx.Client, version: InspectionVersion) -> httpx.Response:
    return client.put(
        version_path(version),
        content=version.model_dump_json(),
        headers={"Content-Type": "application/json"},
    )


def pull_all(
    client: httpx.Client, cursor: str | None = None, limit: int = 500
) -> tuple[list[dict[str, Any]], str]:
    """Pull every page; returns the changes and the last cursor."""
    changes: list[dict[str, Any]] = []
    for _ in range(10_000):
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        answer = client.get("/v1/changes", params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        changes.extend(page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert cursor is not None
    return changes, cursor
