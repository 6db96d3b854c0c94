"""Running the central store: uvicorn in the foreground for the verb, or in a thread for tests.

`serve` blocks until interrupted. `BackgroundServer` binds its own socket (port 0 picks a
free one), so a test or the demo start never races another process for a port.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI


def _uvicorn_config(app: FastAPI, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        lifespan="on",
        ws="none",
        access_log=access_log,
        log_level="info" if access_log else "warning",
        timeout_keep_alive=30,
    )


def serve(app: FastAPI, host: str, port: int, access_log: bool = True) -> None:
    config = _uvicorn_config(app, access_log)
    config.host, config.port = host, port
    uvicorn.Server(config).run()


class BackgroundServer:
    """A uvicorn server on 127.0.0.1 in a daemon thread; `url` once `start` returns."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only
        # when the listening socket says so, and without it every answer waits ~40 ms on
        # Nagle and delayed ACKs.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self.server = uvicorn.Server(_uvicorn_config(app, access_log=False))
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

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
