"""Issue 14, finding 3 (slow-loris): trickling clients are cut off, the rest is served.

Before, 2,000 connections that trickled their headers stayed open for 80 s. Here the
request head must be complete within `header_seconds` and a JSON body within
`body_seconds`; a connection that takes longer is closed (a body gets a 408 first).
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.central import Central, running_central

TRICKLERS = 50


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("slow")
    with running_central(
        "sqlite", home, "slow", header_seconds=0.5, body_seconds=1.0, limit_concurrency=200
    ) as running:
        yield running


def _connect(central: Central) -> socket.socket:
    return socket.create_connection((central.server.host, central.server.port), timeout=10)


def _closed_within(connection: socket.socket, seconds: float) -> bytes | None:
    """What the server sent before closing, or None if it was still open after `seconds`."""
    connection.settimeout(seconds)
    received = b""
    try:
        while chunk := connection.recv(4096):
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return received


def test_finding_3_connections_trickling_their_headers_are_closed(central: Central) -> None:
    connections = [_connect(central) for _ in range(TRICKLERS)]
    try:
        for connection in connections:
            connection.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        began = time.monotonic()
        # A byte now and then does not keep a connection alive past the deadline.
        for connection in connections:
            connection.sendall(b"a")
        results = [_closed_within(connection, 5.0) for connection in connections]
        assert all(result is not None for result in results), "a trickler is still open"
        assert time.monotonic() - began < 5.0
        # Meanwhile and afterwards, an ordinary request is answered at once.
        assert httpx.get(f"{central.url}/v1/health", timeout=5).status_code == 200
    finally:
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.close()


def test_finding_3_a_json_body_trickling_in_is_cut_off_with_408(central: Central) -> None:
    connection = _connect(central)
    try:
        connection.sendall(
            b"POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        received = _closed_within(connection, 5.0)
        assert received is not None, "the trickling body kept its connection"
        assert received.startswith(b"HTTP/1.1 408"), received[:100]
    finally:
        connection.close()


def test_finding_3_an_idle_kept_alive_connection_must_send_its_next_head_in_time(
    central: Central,
) -> None:
    connection = _connect(central)
    try:
        connection.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.settimeout(5)
        assert connection.recv(4096).startswith(b"HTTP/1.1 200")
        connection.sendall(b"GET /v1/health HTTP/1.1\r\n")  # and then nothing more
        rest = _closed_within(connection, 5.0)  # may end the first answer's body
        assert rest is not None, "the connection stayed open"
        assert b"HTTP/1.1" not in rest
    finally:
        connection.close()
