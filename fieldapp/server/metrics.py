"""Prometheus metrics of one app, and the middleware that records each request.

The registry belongs to the app (no global one): requests and their latency by route,
pushed versions by outcome (a single push's, and each version of a batch), failed sign-ins
by status, and the queues that decide how the server copes with load (password checks and
large bodies waiting, database connections in use).
`RequestRecorder` also writes the one log line per request (see logs.py).
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp.server.logs import REQUEST_ID

log = logging.getLogger("fieldapp.server.requests")

PUSH_ROUTE = "/v1/inspections/{inspection_id}/versions/{version_id}"
SIGN_IN_ROUTE = "/v1/auth/token"
METRICS_PATH = "/metrics"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_PUSH_OUTCOMES = {201: "stored", 200: "replayed"}


class ServerMetrics:
    """The metrics of one app, in their own registry.

    With `shared_directory` the app is one of several worker processes (`fieldapp server
    --workers`): prometheus_client keeps every value in a file of that folder per process
    (its multiprocess mode, chosen by PROMETHEUS_MULTIPROC_DIR before it is first
    imported), and /metrics, answered by whichever worker accepts the scrape, adds up all
    of them. The queue gauges are then written by each worker every second (`refresh`)
    and summed over the live ones; a worker that ended leaves its counts in the totals.
    """

    def __init__(self, shared_directory: Path | None = None) -> None:
        if shared_directory is not None and values.ValueClass is values.MutexValue:
            raise RuntimeError(
                "shared metrics need PROMETHEUS_MULTIPROC_DIR set before prometheus_client "
                "is imported"
            )
        self.shared_directory = shared_directory
        self._watched: dict[str, Callable[[], float]] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "fieldapp_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "fieldapp_request_seconds",
            "Time from request to the end of the answer, by method and route template.",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.pushes = Counter(
            "fieldapp_pushes",
            "Pushed versions by outcome: stored, replayed, or refused with its status.",
            ["outcome"],
            registry=self.registry,
        )
        self.sign_in_failures = Counter(
            "fieldapp_sign_in_failures",
            "Sign-ins refused: 401 wrong credentials, 403 account refused, 429 throttled.",
            ["status"],
            registry=self.registry,
        )
        self.queues = Gauge(
            "fieldapp_queue",
            "Work waiting or in progress, by queue.",
            ["queue"],
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def count_pushes(self, statuses: Iterable[int]) -> None:
        """Count pushed versions by their answer's status: a single push's, or each of a
        batch's (a batch answers 200 for itself, and its versions one by one)."""
        for status in statuses:
            outcome = _PUSH_OUTCOMES.get(status, f"refused_{status}")
            self.pushes.labels(outcome=outcome).inc()

    def watch(self, queue: str, size: Callable[[], float]) -> None:
        """Report `size()` as the queue's length whenever metrics are read (shared: as
        of this worker's last `refresh`)."""
        if self.shared_directory is None:
            self.queues.labels(queue=queue).set_function(size)
        else:
            self._watched[queue] = size
            self.queues.labels(queue=queue).set(size())

    def refresh(self) -> None:
        """Write this worker's queue lengths where the other workers read them."""
        for queue, size in self._watched.items():
            self.queues.labels(queue=queue).set(size())

    def leave(self) -> None:
        """This worker stops: its queues no longer count (its counts stay in the totals)."""
        if self.shared_directory is not None:
            multiprocess.mark_process_dead(os.getpid(), str(self.shared_directory))  # type: ignore[no-untyped-call]

    def exposition(self) -> bytes:
        if self.shared_directory is None:
            return generate_latest(self.registry)
        self.refresh()
        _forget_ended_workers(self.shared_directory)
        everyone = CollectorRegistry()
        multiprocess.MultiProcessCollector(everyone, path=str(self.shared_directory))  # type: ignore[no-untyped-call]
        return generate_latest(everyone)


def _forget_ended_workers(directory: Path) -> None:
    """Drop the queue gauges of workers that died without `leave` (killed, crashed): the
    supervisor starts another in their place, and their last lengths would count forever."""
    for gauge in directory.glob("gauge_live*_*.db"):
        pid = int(gauge.stem.rsplit("_", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
        except PermissionError:
            pass  # alive, under another user


class RequestRecorder:
    """ASGI middleware: a request id, one log line and the metrics of every request."""

    def __init__(self, app: ASGIApp, metrics: ServerMetrics, serve_metrics: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.serve_metrics = serve_metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and scope["method"] == "GET" and self.serve_metrics:
            await _answer_metrics(self.metrics, send)
            return
        request_id = _request_id(scope)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - started)
            REQUEST_ID.reset(token)

    def _record(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "(no route)"
        method = str(scope["method"])
        self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
        self.metrics.latency.labels(method=method, route=route).observe(seconds)
        if route == PUSH_ROUTE and method == "PUT":
            self.metrics.count_pushes([status])
        if route == SIGN_IN_ROUTE and method == "POST" and status in {401, 403, 429}:
            self.metrics.sign_in_failures.labels(status=str(status)).inc()
        principal = scope.get("state", {}).get("principal")
        client = scope.get("client")
        log.info(
            "%s %s %d",
            method,
            route,
            status,
            extra={
                "request_id": request_id,
                "user": getattr(principal, "username", None),
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "client": client[0] if client else None,
            },
        )


def _request_id(scope: Scope) -> str:
    """The proxy's X-Request-ID when it is a sane one, else a new id."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _REQUEST_ID.match(text):
                return text
    return uuid.uuid4().hex[:16]


async def _answer_metrics(metrics: ServerMetrics, send: Send) -> None:
    body = metrics.exposition()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", CONTENT_TYPE_LATEST.encode("ascii")),
                (b"content-length", str(len(body)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
