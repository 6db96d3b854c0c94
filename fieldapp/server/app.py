"""The HTTP API of the central store: `create_app(config)` builds a FastAPI app around one store.

The endpoints are in `routers/`, one per resource; this module puts them together with
the body-size middleware and the error handlers. Every endpoint but sign-in and health
needs a bearer token (deps.py); each checks role and ownership through the use cases
(push.py, review.py, queries.py), and every refusal of access (401, 403, 404 outside
one's scope) is written to the access log. Errors always come as an `ErrorBody`;
malformed input is a 400/422 naming the problem, never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from fieldapp import __version__
from fieldapp.protocol.models import ErrorCode
from fieldapp.server.central import CentralStore
from fieldapp.server.config import ServerConfig
from fieldapp.server.docs import serve_docs_offline
from fieldapp.server.errors import ApiError, not_found
from fieldapp.server.limits import Permits, RequestGuard
from fieldapp.server.metrics import RequestRecorder, ServerMetrics
from fieldapp.server.routers import ROUTERS
from fieldapp.server.throttle import SignInGate

log = logging.getLogger(__name__)

#: How often a worker of several writes its queue lengths for the others' /metrics.
METRICS_REFRESH_SECONDS = 1.0

_DESCRIPTION = """\
The central store of fieldapp: devices push finalized inspection versions and their
attachments, and pull reference data and review events. Every error is an `ErrorBody`
with a machine `code` and a sentence in Dutch and English.

Retry network errors, 5xx, 408 and 429 with backoff and jitter; never blindly retry 401,
403, 409, 412, 413 or 422.
"""


def create_app(config: ServerConfig, store: CentralStore | None = None) -> FastAPI:
    """A FastAPI app serving one central store (migrated on creation, closed on shutdown)."""
    central = store if store is not None else CentralStore(config)
    central.migrate()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sweeping = asyncio.create_task(_sweep_now_and_then(central, gate, config.sweep_minutes))
        refreshing = (
            asyncio.create_task(_refresh_metrics_now_and_then(metrics))
            if metrics.shared_directory is not None
            else None
        )
        # Other processes on the same PostgreSQL (workers, servers, the command line)
        # tell this one when they change accounts, tokens or teams.
        central.accounts.changes.start()
        try:
            yield
        finally:
            for task in (sweeping, refreshing):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            metrics.leave()
            await asyncio.to_thread(central.accounts.changes.stop)
            central.close()

    app = FastAPI(
        title="fieldapp central store",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        # /docs from the package's own Swagger UI files (fieldapp.server.docs), no CDN.
        docs_url=None,
        redoc_url=None,
    )
    serve_docs_offline(app)
    app.state.store = central
    # On PostgreSQL several processes may serve one store (workers, servers): the sign-in
    # budgets are kept in the database for all of them. SQLite has one serving process.
    shared = (central.database, config.clock) if central.database.is_postgresql else None
    gate = app.state.sign_in_gate = SignInGate(config.sign_in_limits, shared=shared)
    permits = Permits(config.large_json_permits)
    metrics = app.state.metrics = ServerMetrics(config.metrics_directory)
    metrics.watch("sign_in_checks", lambda: gate.waiting)
    metrics.watch("large_bodies_waiting", lambda: permits.waiting)
    metrics.watch("large_bodies_parsing", lambda: permits.holding)
    metrics.watch("database_connections", central.database.connections_in_use)
    # The last added is the outermost: the recorder times and logs even a refused body.
    app.add_middleware(RequestGuard, limits=config.request_limits, permits=permits)
    app.add_middleware(RequestRecorder, metrics=metrics, serve_metrics=config.metrics)
    _install_error_handlers(app, central)
    for router in ROUTERS:
        app.include_router(router)
    return app


async def _sweep_now_and_then(store: CentralStore, gate: SignInGate, minutes: float) -> None:
    """Sweep at start, then every `minutes`; a failed sweep is logged and tried next time."""
    while True:
        try:
            await run_in_threadpool(store.sweeper.sweep)
            await run_in_threadpool(gate.sweep)
        except Exception:
            log.exception("the sweep failed; trying again at the next one")
        if minutes <= 0:
            return
        await asyncio.sleep(minutes * 60)


async def _refresh_metrics_now_and_then(metrics: ServerMetrics) -> None:
    """Write this worker's queue lengths each second, for a scrape another worker answers."""
    while True:
        try:
            metrics.refresh()
        except Exception:
            log.exception("the queue metrics could not be written; trying again")
        await asyncio.sleep(METRICS_REFRESH_SECONDS)


def _install_error_handlers(app: FastAPI, store: CentralStore) -> None:
    """Every failure answers an `ErrorBody`: a refusal as raised, bad input 400/422, a bug 500."""

    def log_refusal(request: Request, status: int, code: str, detail: str) -> None:
        principal = getattr(request.state, "principal", None)
        store.accounts.log_refusal(
            username=principal.username if principal is not None else None,
            client=request.client.host if request.client is not None else None,
            method=request.method,
            path=request.url.path,
            status=status,
            code=code,
            detail=detail,
        )

    async def api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        if error.status in {401, 403, 404}:
            await run_in_threadpool(
                log_refusal, request, error.status, error.code.value, error.log_detail
            )
        return JSONResponse(error.content(), status_code=error.status, headers=error.headers)

    async def invalid(_request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problems = []
        syntax = False
        for item in list(error.errors())[:50]:
            where = ".".join(str(part) for part in item.get("loc", ()))
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
            syntax = syntax or item.get("type") == "json_invalid"
        if syntax:
            body = ApiError(
                400,
                ErrorCode.MALFORMED,
                "Het verzoek is geen leesbare JSON (afgebroken of beschadigd).",
                "The request is not readable JSON (cut off or damaged).",
                problems=problems,
            )
        else:
            body = ApiError(
                422,
                ErrorCode.INVALID,
                "Het verzoek klopt niet: " + "; ".join(problems[:3]),
                "The request is not valid: " + "; ".join(problems[:3]),
                problems=problems,
            )
        return JSONResponse(body.content(), status_code=body.status)

    async def http_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code == 404:
            body = not_found("address", "Het adres")
        else:
            code = ErrorCode.MALFORMED if error.status_code == 400 else ErrorCode.INVALID
            body = ApiError(
                error.status_code,
                code,
                f"Het verzoek is geweigerd: {error.detail}",
                f"The request was refused: {error.detail}",
            )
        return JSONResponse(body.content(), status_code=error.status_code, headers=error.headers)

    async def internal(_request: Request, error: Exception) -> Response:
        log.exception("unexpected error", exc_info=error)
        body = ApiError(
            500,
            ErrorCode.INTERNAL,
            "Er ging iets mis op de server; probeer het later opnieuw.",
            "Something went wrong on the server; please try again later.",
        )
        return JSONResponse(body.content(), status_code=500)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal)
