"""A bounded load test: 50 simulated devices push and pull at once; nothing lost, no 5xx.

On one server per backend, and (issue 14, growing past one machine) on two server
processes sharing one PostgreSQL, blobs in the database, devices spread over both.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from fieldapp.core.locations import PROJECT_ROOT
from fieldapp.server import schema
from fieldapp.server.database import CentralDatabase
from fieldapp.server.principals import listener_name
from tests.support.central import (
    BACKENDS,
    BOA,
    DEMO_PASSWORD,
    PG_URL,
    database_url,
    make_version,
    push,
    require_backend,
    running_central,
)
from tests.support.load import USERNAMES, run_load


@pytest.mark.parametrize("backend", BACKENDS)
def test_fifty_devices_at_once_lose_nothing_and_see_no_5xx(backend: str, tmp_path: Path) -> None:
    with running_central(backend, tmp_path, "load", pool_size=10) as central:
        tokens = {username: central.token(username) for username in USERNAMES}
        run_load([central.url], tokens, central.store.database)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served(NamedTuple):
    """A server started by `_server_process`: its URL and its process id."""

    base: str
    pid: int


@contextmanager
def _server_process(
    home: Path, url: str, *extra: str, settings: dict[str, str] | None = None
) -> Iterator[Served]:
    """`fieldapp server` in a process of its own, blobs in the database; its URL."""
    port = _free_port()
    environment = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "FIELDAPP_BLOB_STORAGE": "database",
        "FIELDAPP_POOL_SIZE": "10",
        "FIELDAPP_LOG_FORMAT": "text",
        # Cheap password hashing, as in the other tests: the load is what is measured.
        "FIELDAPP_ARGON2": "1,8,1",
        **(settings or {}),
    }
    # The log goes to a file, not a pipe: nobody reads a pipe while the load runs, and a
    # server whose log filled the pipe's buffer stopped in mid-request until the devices'
    # reads timed out.
    log = home.with_name(f"{home.name}.log")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "fieldapp", "server"),
                *("--home", str(home), "--db", url, "--port", str(port)),
                *extra,
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(
            base, 60, lambda: process.poll() is None or log.read_text(errors="replace")
        )
        yield Served(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_two_server_processes_on_one_postgresql_lose_nothing_and_see_no_5xx(
    tmp_path: Path,
) -> None:
    require_backend("postgresql")
    with database_url("postgresql", "twoprocs") as url:
        assert url is not None
        # Each process has a home of its own: nothing on local disk is shared.
        with (
            _server_process(tmp_path / "one", url, "--demo") as (first, _),
            _server_process(tmp_path / "two", url) as (second, _),
        ):
            tokens = _sign_in_everyone([first, second])
            database = CentralDatabase(url)
            try:
                statuses = run_load([first, second], tokens, database)
            finally:
                database.dispose()
        assert statuses[201] >= 50
        for home in (tmp_path / "one", tmp_path / "two"):
            assert not [p for p in (home / "blobs").rglob("*") if p.is_file()]


def test_two_workers_share_the_load_and_hear_a_revocation_made_elsewhere(
    tmp_path: Path,
) -> None:
    """`fieldapp server --workers 2`: two processes on one listening socket, each with its
    own store and principal cache (kept a minute here). A token revoked by a third process
    (the command line) is refused by both workers at once: before the commit's notice,
    the worker that had the token cached served it for the whole cache time."""
    require_backend("postgresql")
    with database_url("postgresql", "workers") as url:
        assert url is not None
        home = tmp_path / "server"
        with _server_process(
            home,
            url,
            "--demo",
            "--workers",
            "2",
            settings={"FIELDAPP_PRINCIPAL_CACHE_SECONDS": "60"},
        ) as (base, _):
            database = CentralDatabase(url)
            try:
                _wait_for_listeners(database, 2)
                tokens = _sign_in_everyone([base])
                statuses = run_load([base], tokens, database)
                assert statuses[201] >= 50

                boa = USERNAMES[0]
                token = tokens[boa]
                # Fresh connections land on either worker; both now hold the token.
                assert {_meta_status(base, token) for _ in range(20)} == {200}
                revoke = ("server", "revoke-tokens", boa, "--home", str(home), "--db", url)
                done = subprocess.run(
                    [sys.executable, "-m", "fieldapp", *revoke],
                    cwd=PROJECT_ROOT,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                assert done.returncode == 0, done.stderr
                revoked_at = time.monotonic()
                refused_in_a_row = 0
                while refused_in_a_row < 20:
                    status = _meta_status(base, token)
                    refused_in_a_row = refused_in_a_row + 1 if status == 401 else 0
                    assert time.monotonic() - revoked_at < 5, "a worker kept serving the token"
            finally:
                database.dispose()


def test_the_metrics_of_several_workers_showed_the_counts_of_one(tmp_path: Path) -> None:
    """With `--workers 2`, a scrape of /metrics reached one worker and showed its counts
    alone: pushes went missing from one scrape to the next, and the counters went back
    and forth, which Prometheus takes for restarts. Every scrape must now show all the
    pushes the database holds, also after a worker was killed and replaced."""
    require_backend("postgresql")
    with database_url("postgresql", "metrics") as url:
        assert url is not None
        with _server_process(tmp_path / "server", url, "--demo", "--workers", "2") as served:
            database = CentralDatabase(url)
            try:
                signed_in = httpx.post(
                    f"{served.base}/v1/auth/token",
                    json={"username": BOA, "password": DEMO_PASSWORD},
                    timeout=60,
                )
                assert signed_in.status_code == 200, signed_in.text
                token = signed_in.json()["access_token"]
                pushed = []
                for _ in range(24):
                    version = make_version(BOA)
                    # A connection each, so the pushes land on either worker.
                    with httpx.Client(base_url=served.base, timeout=30) as client:
                        client.headers["Authorization"] = f"Bearer {token}"
                        assert push(client, version).status_code == 201
                    pushed.append(version.version_id)
                with database.read() as connection:
                    held = connection.execute(
                        sa.select(sa.func.count())
                        .select_from(schema.versions)
                        .where(schema.versions.c.version_id.in_(pushed))
                    ).scalar_one()
                assert held == len(pushed)
                assert {_scraped_pushes(served.base) for _ in range(10)} == {held}

                workers = _worker_pids(served.pid)
                assert len(workers) == 2
                shared = _metrics_folder(workers[0])
                assert (shared / f"gauge_livesum_{workers[0]}.db").exists()
                os.kill(workers[0], signal.SIGKILL)
                deadline = time.monotonic() + 30
                while len(replaced := _worker_pids(served.pid)) != 2 or workers[0] in replaced:
                    assert time.monotonic() < deadline, "the killed worker was not replaced"
                    time.sleep(0.1)
                _wait_until_healthy(served.base)
                # The killed worker's pushes still count; its queues no longer do.
                assert {_scraped_pushes(served.base) for _ in range(10)} == {held}
                text = httpx.get(f"{served.base}/metrics", timeout=30).text
                connections = [
                    line
                    for line in text.splitlines()
                    if line.startswith('fieldapp_queue{queue="database_connections"')
                ]
                assert len(connections) == 1, connections  # one sum, not a series per worker
                assert not (shared / f"gauge_livesum_{workers[0]}.db").exists()
            finally:
                database.dispose()
        assert not shared.exists()  # a fresh folder each run, removed at the end


def _metrics_folder(worker: int) -> Path:
    """The folder a worker's metrics are kept in, from its environment."""
    for entry in Path(f"/proc/{worker}/environ").read_bytes().split(b"\0"):
        name, _, value = entry.partition(b"=")
        if name == b"PROMETHEUS_MULTIPROC_DIR":
            return Path(value.decode())
    raise AssertionError("the worker has no metrics folder")


def _scraped_pushes(base: str) -> float:
    """`fieldapp_pushes_total{outcome="stored"}` as a scrape on a fresh connection sees it."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "fieldapp_pushes_total" and sample.labels["outcome"] == "stored"
    )


def _worker_pids(server: int) -> list[int]:
    """The worker processes uvicorn's supervisor (the server's process) has spawned."""
    children = [
        int(pid)
        for task in Path(f"/proc/{server}/task").iterdir()
        for pid in (task / "children").read_text().split()
    ]
    return sorted(
        pid
        for pid in children
        if b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes()
        and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    )


def _wait_until_healthy(
    base: str, seconds: float = 30, alive: Callable[[], bool | str] = lambda: True
) -> None:
    """Until the server answers its health check; `alive` is True while it may still come
    up, or what to show when its process has ended."""
    deadline = time.monotonic() + seconds
    while True:
        running = alive()
        assert running is True, running
        try:
            if httpx.get(f"{base}/v1/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not answer"
        time.sleep(0.1)


def test_several_workers_on_sqlite_were_refused_with_a_plain_sentence(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "server", "--home", str(tmp_path), "--workers", "2"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FIELDAPP_LANGUAGE": "nl"},
    )
    assert done.returncode == 1
    assert "Meerdere werkprocessen vragen om PostgreSQL" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_worker_that_could_not_reach_the_database_logged_a_traceback(tmp_path: Path) -> None:
    """Before: a worker that gave up waiting for the database logged the world's error
    as a bug, with a traceback, where the operator needs the sentence that says what to
    check. The command stops with a plain sentence, the other worker with it.

    The database lets the store's role hold one connection: the command opens and
    migrates the store with it and lets it go, the first worker takes it, and the second
    finds none within its (shortened) start-up wait."""
    require_backend("postgresql")
    assert PG_URL is not None
    tag = secrets.token_hex(4)
    role, schema_name = f"w_{tag}", f"t_w_{tag}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema_name}" AUTHORIZATION "{role}"'))
    url = (
        sa.make_url(PG_URL)
        .set(username=role, password=None)
        .update_query_dict({"options": f"-csearch_path={schema_name}"})
        .render_as_string(hide_password=False)
    )
    try:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "fieldapp", "server", "--home", str(tmp_path)),
                *("--db", url, "--port", "0", "--workers", "2", "--demo"),
            ],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={
                **os.environ,
                "FIELDAPP_LANGUAGE": "nl",
                "FIELDAPP_DATABASE_WAIT_SECONDS": "2",
                "FIELDAPP_LOG_FORMAT": "json",
                "FIELDAPP_ARGON2": "1,8,1",
            },
        )
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE'))
            connection.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr.rstrip().endswith(
        "fieldapp: Een werkproces kon niet starten; het logboek hierboven zegt waarom."
    )
    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    (failed,) = (r for r in records if r["message"].startswith("a worker process could not"))
    assert failed["level"] == "error"
    assert "antwoordde niet binnen 2 seconden" in failed["message"], failed
    assert "traceback" not in failed, failed["traceback"][-500:]
    # The worker that started lacked a connection for hearing changed accounts: the same
    # kind of trouble, told the same way, once per try.
    lost = [r for r in records if r["message"].startswith("lost the database connection")]
    assert all("traceback" not in r and "too many connections" in r["message"] for r in lost)


def _sign_in_everyone(bases: list[str]) -> dict[str, str]:
    """A token of each load user, signed in at the servers in turn."""
    tokens = {}
    for number, username in enumerate(USERNAMES):
        answer = httpx.post(
            f"{bases[number % len(bases)]}/v1/auth/token",
            json={"username": username, "password": "demo"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        tokens[username] = answer.json()["access_token"]
    return tokens


def _meta_status(base: str, token: str) -> int:
    """The status of an authenticated request on a connection of its own."""
    with httpx.Client(base_url=base, timeout=30) as client:
        return client.get("/v1/sync/meta", headers={"Authorization": f"Bearer {token}"}).status_code


def _wait_for_listeners(database: CentralDatabase, count: int) -> None:
    """Until `count` server processes of this store listen for changed principals (each
    has a connection named for the store's schema); the workers start at their own pace."""
    deadline = time.monotonic() + 30
    while True:
        with database.read() as connection:
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
            listening = connection.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": listener_name(schema)},
            ).scalar_one()
        if listening >= count:
            assert listening == count, f"{listening} listeners for {count} workers"
            return
        assert time.monotonic() < deadline, f"{listening} of {count} workers listen"
        time.sleep(0.1)
