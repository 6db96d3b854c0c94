"""Issue 14, finding 12: health checks the database, and start-up waits for it.

PostgreSQL is reached through a TCP gate the test can shut, as a database host that goes
down looks to the server.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.errors import DatabaseUnreachable
from fieldapp.server.runner import BackgroundServer
from tests.support.central import database_url, require_backend, running_central, test_config
from tests.support.tcpgate import TcpGate


def _through_gate(url: str) -> tuple[str, TcpGate]:
    parsed = sa.make_url(url)
    gate = TcpGate(parsed.host or "127.0.0.1", parsed.port or 5432)
    shown = parsed.set(host="127.0.0.1", port=gate.port)
    return shown.render_as_string(hide_password=False), gate


def test_finding_12_health_says_which_part_does_not_answer(tmp_path: Path) -> None:
    require_backend("postgresql")
    with database_url("postgresql", "health") as url:
        assert url is not None
        gated, gate = _through_gate(url)
        gate.open()
        try:
            with running_central("sqlite", tmp_path, "health", database_url=gated) as central:
                assert httpx.get(f"{central.url}/v1/health").json() == {
                    "status": "ok",
                    "database": "ok",
                    "blobs": "ok",
                }
                gate.shut()
                down = httpx.get(f"{central.url}/v1/health", timeout=30)
                assert down.status_code == 503
                body = down.json()
                assert body["code"] == "unavailable" and body["problems"] == [
                    "database: unavailable"
                ]
                assert "postgres" not in down.text.lower()  # no internals
                gate.open()
                assert httpx.get(f"{central.url}/v1/health", timeout=30).status_code == 200
        finally:
            gate.close()


def test_a_health_check_while_the_database_was_down_logged_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: every health check while the database was down logged a warning with a
    whole traceback; a load balancer asks every few seconds. Now one line with the reason."""
    require_backend("postgresql")
    with database_url("postgresql", "healthlog") as url:
        assert url is not None
        gated, gate = _through_gate(url)
        gate.open()
        try:
            with running_central("sqlite", tmp_path, "healthlog", database_url=gated) as central:
                gate.shut()
                with caplog.at_level(logging.WARNING, logger="fieldapp.server.database"):
                    for _ in range(2):
                        down = httpx.get(f"{central.url}/v1/health", timeout=30)
                        assert down.status_code == 503
                gate.open()
                # The pool mended before the store stops: a connection cut mid-way must not
                # keep a lock that dropping the test's schema would wait for.
                assert httpx.get(f"{central.url}/v1/health", timeout=30).status_code == 200
        finally:
            gate.close()
    told = [r for r in caplog.records if r.getMessage().startswith("health check:")]
    assert len(told) == 2, [r.getMessage() for r in caplog.records]
    for record in told:
        assert record.exc_info is None, record.getMessage()
        assert record.getMessage() != "health check: the database does not answer ()"


def test_finding_12_start_up_waits_for_the_database_with_a_clear_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    require_backend("postgresql")
    with database_url("postgresql", "wait") as url:
        assert url is not None
        gated, gate = _through_gate(url)  # shut: nothing listens yet
        config = test_config(tmp_path, gated, database_wait_seconds=60)
        store = CentralStore(config)
        started: list[BackgroundServer] = []
        failures: list[BaseException] = []

        def start() -> None:
            try:
                started.append(BackgroundServer(create_app(config, store)).start())
            except BaseException as error:  # reported below
                failures.append(error)

        caplog.set_level(logging.WARNING, logger="fieldapp.server.database")
        starter = threading.Thread(target=start)
        try:
            starter.start()
            # Open the gate once the server has said at least once that it is waiting.
            pause = threading.Event()
            for _ in range(600):
                if any("does not answer yet" in r.getMessage() for r in caplog.records):
                    break
                pause.wait(0.05)
            gate.open()
            starter.join(60)
            assert not failures, failures
            (server,) = started
            assert httpx.get(f"{server.url}/v1/health").status_code == 200
            server.stop()
            waiting = [r.getMessage() for r in caplog.records if "yet" in r.getMessage()]
            assert waiting and f"127.0.0.1:{gate.port}" in waiting[0]
        finally:
            gate.close()
            store.close()


def test_finding_12_start_up_gives_up_after_the_wait_with_a_plain_sentence(
    tmp_path: Path,
) -> None:
    gate = TcpGate("127.0.0.1", 9)  # never opened
    url = f"postgresql+psycopg://nobody@127.0.0.1:{gate.port}/nothing"
    store = CentralStore(test_config(tmp_path, url, database_wait_seconds=1.5))
    try:
        with pytest.raises(DatabaseUnreachable, match="did not answer within 2 seconds"):
            store.migrate()
    finally:
        store.close()
