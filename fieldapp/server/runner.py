"""Running the central store: uvicorn in the foreground for the verb, or in a thread for tests.

`serve` blocks until interrupted. `serve_workers` does the same with several worker
processes on one listening socket (PostgreSQL only), each with its own store and app, under
uvicorn's supervisor, which replaces a worker that dies. `BackgroundServer` binds its own
socket (port 0 picks a free one), so a test or the demo start never races another process
for a port. All run uvicorn with the limits of the store's `ServerConfig`: TLS when a
certificate is given, a cap on connections at once, a time limit for request headers and
idle connections (slow-loris), and the reverse proxies whose forwarded headers are believed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.config import LOGGING_CONFIG, STARTUP_FAILURE
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.supervisors import Multiprocess

from fieldapp.core.errors import FieldappError
from fieldapp.server.app import create_app
from fieldapp.server.config import ServerConfig
from fieldapp.server.logs import configure_logging

log = logging.getLogger(__name__)

#: The variable that puts prometheus_client in its multiprocess mode (read at its import).
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
#: Largest request head (request line and headers) a connection may send.
MAX_HEADER_BYTES = 16 * 1024


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing connections whose request head is too slow.

    uvicorn only times out idle keep-alive connections; a client that trickles its
    headers a byte at a time would hold a connection (and a place under
    `limit_concurrency`) forever. Here a request head must be complete within
    `header_seconds` of the connection opening or of its first byte on a kept-alive
    connection (an idle kept-alive connection is uvicorn's keep-alive timeout's).
    """

    header_seconds = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._head_deadline is None and self._waiting_for_head():
            self._arm_head_deadline()  # the first bytes of the next request
        super().data_received(data)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request head was complete: the app has it now
            self._disarm_head_deadline()

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.header_seconds, self._head_too_slow)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self._waiting_for_head() and not self.transport.is_closing():
            if self.conn.our_state is not h11.ERROR:
                self.conn.send(h11.ConnectionClosed())
            self.transport.close()


def _protocol_for(config: ServerConfig) -> type[H11Protocol]:
    return type(
        "ConfiguredHeaderDeadlineProtocol",
        (HeaderDeadlineProtocol,),
        {"header_seconds": config.header_seconds},
    )


def uvicorn_config(app: FastAPI, access_log: bool, own_logging: bool = False) -> uvicorn.Config:
    """uvicorn's settings for this app, from the `ServerConfig` of its store."""
    config: ServerConfig = app.state.store.config
    return uvicorn.Config(
        app, http=_protocol_for(config), **_settings(config, access_log, own_logging)
    )


def _settings(config: ServerConfig, access_log: bool, own_logging: bool) -> dict[str, Any]:
    return {
        # None: uvicorn leaves logging alone (configure_logging set it up); else its own.
        "log_config": None if own_logging else LOGGING_CONFIG,
        "lifespan": "on",
        "ws": "none",
        "access_log": access_log,
        "log_level": "info" if access_log else "warning",
        "timeout_keep_alive": int(config.keep_alive_seconds),
        "limit_concurrency": config.limit_concurrency,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "proxy_headers": True,
        "forwarded_allow_ips": config.forwarded_allow_ips,
        "ssl_certfile": str(config.certfile) if config.certfile else None,
        "ssl_keyfile": str(config.keyfile) if config.keyfile else None,
    }


class BindFailed(Exception):
    """The address to serve on could not be bound (in use, not this machine's, no right)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class WorkerConfig(uvicorn.Config):
    """uvicorn's settings for one of several worker processes.

    The supervisor pickles it into each worker it spawns (a fresh interpreter, not a
    fork, so no database connection or thread is shared by accident). The worker builds
    its own store and app from the `ServerConfig` it carries when uvicorn loads it; the
    request-head protocol, a class made for the config, is made there too, since such a
    class cannot be pickled.
    """

    def __init__(self, server_config: ServerConfig, workers: int, access_log: bool) -> None:
        super().__init__(
            "fieldapp.server.app:create_app",  # not imported: `load` builds the app
            http="h11",
            workers=workers,
            **_settings(server_config, access_log, own_logging=True),
        )
        self.server_config = server_config
        self.with_access_log = access_log

    def load(self) -> None:
        if self.loaded:
            return
        _configure_logs(self.server_config, self.with_access_log)
        # uvicorn's supervisor stops at this exit code instead of starting the worker again
        # and again; the others are stopped and the command fails.
        try:
            self.app = create_app(self.server_config)
        except FieldappError as error:
            # The world (the database did not answer in time): the sentence that says what
            # to check, in the command's language, as the command itself would print it.
            language = os.environ.get("FIELDAPP_LANGUAGE", "en")
            log.error("a worker process could not open the store: %s", error.text(language))
            sys.exit(STARTUP_FAILURE)
        except Exception:
            log.exception("a worker process could not open the store")  # a bug: its trace
            sys.exit(STARTUP_FAILURE)
        self.http = _protocol_for(self.server_config)
        super().load()


def _configure_logs(config: ServerConfig, access_log: bool) -> None:
    configure_logging(config.log_format)
    if not access_log:
        logging.getLogger("fieldapp.server.requests").setLevel(logging.WARNING)


def serve(
    app: FastAPI,
    host: str,
    port: int,
    access_log: bool = True,
    *,
    stop_when_stdin_closes: bool = False,
) -> None:
    """Serve in the foreground, logging as the store's config says (logs.py); without
    `access_log`, only warnings of the request lines (benchmarks)."""
    _configure_logs(app.state.store.config, access_log)
    config = uvicorn_config(app, access_log, own_logging=True)
    config.host, config.port = host, port
    server = uvicorn.Server(config)
    if stop_when_stdin_closes:
        _stop_at_end_of_stdin(lambda: setattr(server, "should_exit", True))
    server.run()


def serve_workers(
    config: ServerConfig,
    host: str,
    port: int,
    workers: int,
    access_log: bool = True,
    *,
    stop_when_stdin_closes: bool = False,
) -> bool:
    """Serve in the foreground with `workers` processes sharing one listening socket.

    Each worker has its own store on the same database, so this is for PostgreSQL: the
    caller has migrated the database already. Stopped by Ctrl+C or SIGTERM, which each
    worker gets in turn (it finishes what it is answering); a worker that dies is
    replaced. Raises BindFailed when the address cannot be bound; returns False when
    a worker could not start (the log says why), True after a stop.
    """
    _configure_logs(config, access_log)
    try:
        listening = _listening_socket(host, port)
    except OSError as error:
        raise BindFailed(error) from error
    # The workers' metrics meet in a fresh folder (a stale one would add an earlier run's
    # counts). prometheus_client picks its multiprocess mode from the environment when a
    # worker imports it, so the variable is set before the workers are spawned.
    with tempfile.TemporaryDirectory(prefix="fieldapp-metrics-") as shared:
        config = dataclasses.replace(config, metrics_directory=Path(shared))
        settings = WorkerConfig(config, workers, access_log)
        settings.host, settings.port = host, port
        supervisor = Multiprocess(settings, sockets=[listening])
        if stop_when_stdin_closes:
            _stop_at_end_of_stdin(supervisor.should_exit.set)
        before = os.environ.get(MULTIPROCESS_VARIABLE)
        os.environ[MULTIPROCESS_VARIABLE] = shared
        try:
            supervisor.run()
        finally:
            listening.close()
            if before is None:
                os.environ.pop(MULTIPROCESS_VARIABLE, None)
            else:
                os.environ[MULTIPROCESS_VARIABLE] = before
    return not any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes)


def _listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host` and `port` (0: any free port), for uvicorn to listen on.

    IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only when
    the listening socket says so, and without it every answer waits ~40 ms on Nagle and
    delayed ACKs. (The workers get it from the supervisor by pickling, not inheritance.)
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
    except OSError:
        listening.close()
        raise
    return listening


def _stop_at_end_of_stdin(stop: Callable[[], None]) -> None:
    """Stop the server, as Ctrl+C would (what it is answering is finished), once its
    standard input reaches its end: the process that started it holds the other end and
    ends, however it ends. Asked of the server itself rather than by a signal, so that an
    end that comes while the server is still starting stops it too."""

    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass  # nobody writes to it; anything sent is dropped
        stop()

    threading.Thread(target=watch, name="stop-when-stdin-closes", daemon=True).start()


class BackgroundServer:
    """A uvicorn server on 127.0.0.1 in a daemon thread; `url` once `start` returns."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = _listening_socket(host, port)
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn_config(app, access_log=False)
        self.scheme = "https" if config.ssl_certfile else "http"
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the central store did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 20.0) -> None:
        self.server.should_exit = True
        self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
