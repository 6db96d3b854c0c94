"""The HTTP API of the central store: `create_app(config)` builds a FastAPI app around one store.

Every endpoint but sign-in and health needs a bearer token; each checks role and
ownership through the use cases (push.py, review.py, queries.py), and every refusal of
access (401, 403, 404 outside one's scope) is written to the access log. Errors always
come as an `ErrorBody`; malformed input is a 400/422 naming the problem, never a 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from fieldapp import __version__
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.protocol.models import (
    ApproveRequest,
    BlobReceipt,
    ChangesPage,
    Digest,
    ErrorBody,
    ErrorCode,
    InspectionDetail,
    InspectionList,
    Meta,
    PushReceipt,
    ReturnRequest,
    ReviewEvent,
    ServerLimits,
    StoredVersion,
    TokenAnswer,
    TokenRequest,
)
from fieldapp.server import feed, schema
from fieldapp.server.accounts import Principal
from fieldapp.server.central import CentralStore
from fieldapp.server.config import ServerConfig
from fieldapp.server.errors import ApiError, forbidden, not_found
from fieldapp.server.limits import BodyLimit

log = logging.getLogger(__name__)

_DESCRIPTION = """\
The central store of fieldapp: devices push finalized inspection versions and their
attachments, and pull reference data and review events. Every error is an `ErrorBody`
with a machine `code` and a sentence in Dutch and English.

Retry network errors, 5xx, 408 and 429 with backoff and jitter; never blindly retry 401,
403, 409, 412, 413 or 422.
"""

_ERROR_TEXT = {
    400: "Malformed request (unreadable JSON, cursor or range); `problems` names it.",
    401: "Not signed in, or the token expired (`token_expired`) or was revoked (`token_revoked`).",
    403: "The role or the signed-in user may not do this.",
    404: "Does not exist, or is outside what the signed-in user may see.",
    409: "Conflict; `code` says which (see the operation).",
    410: "The cursor does not fit this server's history: reset and pull from the start.",
    413: "The body is larger than `limit_bytes`.",
    422: "The body or a parameter is invalid; `problems` lists each problem.",
    500: "A bug in the server; retry later.",
}


def _errors(*statuses: int, **texts: str) -> dict[int | str, dict[str, Any]]:
    answer: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        text = texts.get(f"e{status}", _ERROR_TEXT[status])
        answer[status] = {"model": ErrorBody, "description": text}
    return answer


_bearer = HTTPBearer(auto_error=False, description="A token from POST /v1/auth/token.")

Uuid = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="32 lowercase hex digits")]
Sha256 = Annotated[
    str, Path(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the blob, lowercase hex")
]
_RANGE = re.compile(r"^bytes ([0-9]{1,15})-([0-9]{1,15})/([0-9]{1,15})$")


def _store(request: Request) -> CentralStore:
    store: CentralStore = request.app.state.store
    return store


StoreDep = Annotated[CentralStore, Depends(_store)]


def _principal(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise ApiError(
            401,
            ErrorCode.UNAUTHENTICATED,
            "Meld u aan om verder te gaan.",
            "Sign in to continue.",
            headers={"WWW-Authenticate": "Bearer"},
            log_detail="no bearer token",
        )
    principal = store.accounts.authenticate(credentials.credentials)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(_principal)]


def _require_author(principal: Principal) -> None:
    if not principal.is_author:
        raise forbidden(
            f"A {principal.role.value} does not upload attachments.",
            f"Een {principal.role.value} stuurt geen bijlagen.",
        )


def create_app(config: ServerConfig, store: CentralStore | None = None) -> FastAPI:
    """A FastAPI app serving one central store (migrated on creation, closed on shutdown)."""
    central = store if store is not None else CentralStore(config)
    central.migrate()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        central.close()

    app = FastAPI(
        title="fieldapp central store",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.store = central
    app.add_middleware(
        BodyLimit, json_limit=config.max_json_bytes, blob_limit=config.max_blob_bytes
    )
    _install_error_handlers(app, central)
    _add_account_routes(app)
    _add_sync_routes(app)
    _add_blob_routes(app)
    _add_inspection_routes(app)
    return app


# --- errors ----------------------------------------------------------------------------------


def _install_error_handlers(app: FastAPI, store: CentralStore) -> None:
    def log_refusal(request: Request, status: int, code: str, detail: str) -> None:
        principal = getattr(request.state, "principal", None)
        with store.database.write() as connection:
            connection.execute(
                schema.access_log.insert().values(
                    at=store.config.clock(),
                    username=principal.username if principal is not None else None,
                    method=request.method[:8],
                    path=request.url.path[:300],
                    status=status,
                    code=code[:40],
                    detail=detail[:300],
                )
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


# --- accounts --------------------------------------------------------------------------------


def _add_account_routes(app: FastAPI) -> None:
    @app.get("/v1/health", tags=["meta"], summary="Liveness check (no sign-in needed)")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        "/v1/auth/token",
        tags=["accounts"],
        summary="Sign in: exchange username and password for an expiring bearer token",
        responses=_errors(400, 401, 413, 422),
    )
    def sign_in(body: TokenRequest, store: StoreDep) -> TokenAnswer:
        token, expires, principal = store.accounts.sign_in(
            body.username, body.password, body.device_id
        )
        return TokenAnswer(access_token=token, expires_at=expires, account=principal.info())

    @app.delete(
        "/v1/auth/token",
        tags=["accounts"],
        status_code=204,
        summary="Sign out: revoke the token of this request",
        responses=_errors(401),
    )
    def sign_out(
        principal: PrincipalDep,
        store: StoreDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Response:
        del principal  # authenticated above; the token itself is what gets revoked
        assert credentials is not None
        store.accounts.revoke(credentials.credentials)
        return Response(status_code=204)


# --- sync ------------------------------------------------------------------------------------


def _add_sync_routes(app: FastAPI) -> None:
    @app.get(
        "/v1/sync/meta",
        tags=["sync"],
        summary="Server epoch, head cursor, server time, minimum client version, limits",
        responses=_errors(401),
    )
    def meta(principal: PrincipalDep, store: StoreDep) -> Meta:
        del principal
        with store.database.read() as connection:
            epoch, _ = feed.state(connection)
            head = feed.head_cursor(connection)
        config = store.config
        return Meta(
            epoch=epoch,
            head_cursor=head.encode(),
            server_time=config.clock(),
            min_client_version=config.min_client_version,
            limits=ServerLimits(
                max_json_bytes=config.max_json_bytes,
                max_blob_bytes=config.max_blob_bytes,
                changes_page_max=config.changes_page_max,
            ),
        )

    @app.get(
        "/v1/changes",
        tags=["sync"],
        summary="Reference data and review events after a cursor, in commit order",
        description=(
            "Apply the page and store `next_cursor` in one local transaction; pull again "
            "while `has_more`. Without `cursor`, starts from the beginning of the epoch. "
            "A device sees venues, areas, teams, the forms of its role, the users of its "
            "team(s), its own and its team's assignments, and reviews of its own inspections."
        ),
        response_model=ChangesPage,
        responses=_errors(
            400,
            401,
            410,
            422,
            e410="The cursor is of another epoch, or its position is not in this server's "
            "history (restored from an older backup): reload from the start, re-push the "
            "outbox, compare the digest.",
        ),
    )
    def changes(
        principal: PrincipalDep,
        store: StoreDep,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> Response:
        limit = min(limit, store.config.changes_page_max)
        with store.database.read() as connection:
            body = feed.page(connection, principal.scopes, cursor, limit)
        return JSONResponse(body)

    @app.get(
        "/v1/sync/digest",
        tags=["sync"],
        summary="Count and XOR-hash of the signed-in author's versions on the server",
        responses=_errors(401),
    )
    def digest(principal: PrincipalDep, store: StoreDep) -> Digest:
        return store.queries.digest(principal)


# --- blobs -----------------------------------------------------------------------------------

_BLOB_UPLOAD_DOC = """\
Upload an attachment named by its SHA-256. The server hashes what it receives and keeps it
only when the hash matches the name (else 409 `blob_hash_mismatch`, nothing kept). A blob
the server already holds answers 200 without reading the body.

**Whole upload:** send the bytes as the body → 201.

**Resumable upload:** send ranges with `Content-Range: bytes START-END/TOTAL` (END
inclusive), in order. A range that is not the last answers 202 with `received`, the offset
to continue from; the last one 201. `HEAD` tells the offset held after an interruption
(header `Upload-Offset`); a range starting elsewhere gets 409 `upload_offset_mismatch`
with `expected_offset`. A range starting at 0 starts over. A range that is interrupted
counts for nothing, so send ranges of about 1 MiB.
"""


def _add_blob_routes(app: FastAPI) -> None:
    @app.head(
        "/v1/blobs/{sha256}",
        tags=["blobs"],
        summary="Does the server hold this blob? (404 with Upload-Offset when partly uploaded)",
        responses={
            200: {"description": "Held; `Upload-Offset` is its size."},
            404: {"description": "Not held; `Upload-Offset` is the resume offset (often 0)."},
            **_errors(401, 403, 422),
        },
    )
    def blob_head(sha256: Sha256, principal: PrincipalDep, store: StoreDep) -> Response:
        _require_author(principal)
        size = store.uploads.held_size(sha256)
        if size is not None:
            return Response(status_code=200, headers={"Upload-Offset": str(size)})
        offset = store.uploads.resume_offset(sha256, principal.username)
        return Response(status_code=404, headers={"Upload-Offset": str(offset)})

    @app.put(
        "/v1/blobs/{sha256}",
        tags=["blobs"],
        status_code=201,
        summary="Upload an attachment, whole or resumably by ranges",
        description=_BLOB_UPLOAD_DOC,
        response_model=BlobReceipt,
        responses={
            200: {"model": BlobReceipt, "description": "Already held; nothing was read."},
            202: {"model": BlobReceipt, "description": "Range stored; continue at `received`."},
            **_errors(
                400,
                401,
                403,
                409,
                413,
                422,
                e409="`blob_hash_mismatch`: the bytes do not hash to the name (nothing kept); "
                "`upload_offset_mismatch`: resume at `expected_offset`.",
            ),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def blob_put(
        sha256: Sha256,
        request: Request,
        principal: PrincipalDep,
        store: StoreDep,
        content_range: Annotated[
            str | None,
            Header(description="`bytes START-END/TOTAL` for one range of a resumable upload"),
        ] = None,
    ) -> Response:
        _require_author(principal)
        uploads = store.uploads
        held = await run_in_threadpool(uploads.held_size, sha256)
        if held is not None:
            return _blob_answer(BlobReceipt(sha256=sha256, received=held, complete=True), 200)
        if content_range is None:
            body = await uploads.receive(_body_of(request), None)
            receipt = await run_in_threadpool(uploads.keep_whole, body, sha256, principal.username)
            return _blob_answer(receipt)
        match = _RANGE.match(content_range.strip())
        if match is None:
            raise ApiError(
                400,
                ErrorCode.MALFORMED,
                "De Content-Range-kop is onleesbaar.",
                "The Content-Range header is not `bytes START-END/TOTAL`.",
                problems=[f"Content-Range: {content_range[:80]!r}"],
            )
        start, end, total = (int(part) for part in match.groups())
        uploads.check_range(start, end, total)
        body = await uploads.receive(_body_of(request), end - start + 1)
        receipt = await run_in_threadpool(
            uploads.append_range, body, sha256, principal.username, start, end, total
        )
        return _blob_answer(receipt)

    @app.get(
        "/v1/blobs/{sha256}",
        tags=["blobs"],
        summary="Download an attachment of an inspection you may read",
        response_class=FileResponse,
        responses={
            200: {"content": {"application/octet-stream": {}}, "description": "The bytes."},
            **_errors(401, 404, 422),
        },
    )
    def blob_get(sha256: Sha256, principal: PrincipalDep, store: StoreDep) -> FileResponse:
        if not store.queries.can_read_blob(principal, sha256):
            raise not_found("attachment", "De bijlage")
        size = store.uploads.held_size(sha256)
        path = store.blobs.path(sha256)
        if size is None or not path.exists():
            raise not_found("attachment", "De bijlage")
        return FileResponse(path, media_type="application/octet-stream")


def _blob_answer(receipt: BlobReceipt, status: int | None = None) -> Response:
    """201 for a kept blob, 202 for a range that is not the last, or the status given."""
    if status is None:
        status = 201 if receipt.complete else 202
    headers = {"Upload-Offset": str(receipt.received)}
    return Response(receipt.model_dump_json(), status, headers, media_type="application/json")


async def _body_of(request: Request) -> AsyncIterator[bytes]:
    """The request's body in chunks; a connection lost midway is a 400 (nothing is kept)."""
    try:
        async for chunk in request.stream():
            yield chunk
    except ClientDisconnect:
        raise ApiError(
            400,
            ErrorCode.MALFORMED,
            "De verbinding werd verbroken tijdens het versturen.",
            "The connection was closed before the body was complete.",
        ) from None


# --- inspections -----------------------------------------------------------------------------


def _add_inspection_routes(app: FastAPI) -> None:
    @app.put(
        "/v1/inspections/{inspection_id}/versions/{version_id}",
        tags=["inspections"],
        status_code=201,
        summary="Push one finalized version (idempotent by version id)",
        description=(
            "201: stored now. 200: this exact version was stored before; the body is the "
            "first answer, byte for byte. The receipt lists attachments the server does not "
            "hold yet; the version is complete once they are uploaded. The author must be "
            "the signed-in user; `content_hash` must match the content. Device clocks in "
            "the record are kept, never used: `received_at` is the server's."
        ),
        response_model=PushReceipt,
        responses={
            200: {"model": PushReceipt, "description": "Replay: the first answer again."},
            **_errors(
                400,
                401,
                403,
                409,
                413,
                422,
                e403="`author_mismatch`, `not_yours` (another officer's inspection), "
                "`form_not_allowed`, or a role that does not push.",
                e409="`version_conflict`: this version id holds other content (server "
                "unchanged). `stale_base`: the base is not the current head; `head` holds the "
                "head, the refused version is kept for a person to resolve. `unknown_base`: "
                "push the base first. `inspection_closed`: approved.",
                e422="Invalid body, ids in path and body differ (`path_mismatch`), "
                "`content_hash_mismatch`, or `unknown_form`.",
            ),
        },
    )
    def push_version(
        inspection_id: Uuid,
        version_id: Uuid,
        version: InspectionVersion,
        principal: PrincipalDep,
        store: StoreDep,
    ) -> Response:
        answer = store.pushes.push(
            principal, inspection_id, version_id, version, store.config.clock()
        )
        return Response(answer.body, answer.status, media_type="application/json")

    @app.get(
        "/v1/inspections/{inspection_id}/versions/{version_id}",
        tags=["inspections"],
        summary="One stored version with its completeness now",
        responses=_errors(401, 403, 404, 422),
    )
    def get_version(
        inspection_id: Uuid, version_id: Uuid, principal: PrincipalDep, store: StoreDep
    ) -> StoredVersion:
        detail = store.queries.detail(principal, inspection_id)
        for stored in detail.versions:
            if stored.version.version_id == version_id:
                return stored
        raise not_found("version", "De versie")

    @app.get(
        "/v1/inspections",
        tags=["review"],
        summary="Inspections you may read, newest activity first",
        description=(
            "Supervisors: the work of the teams they supervise. Boa's and mystery guests: "
            "their own. Admins: 403 (accounts, not reports)."
        ),
        responses=_errors(400, 401, 403, 422),
    )
    def list_inspections(
        principal: PrincipalDep,
        store: StoreDep,
        status: InspectionStatus | None = None,
        form_id: Annotated[str | None, Query(max_length=64)] = None,
        after: Annotated[str | None, Query(max_length=120)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        venue_id: Annotated[str | None, Query(max_length=128)] = None,
        area_id: Annotated[str | None, Query(max_length=128)] = None,
        author: Annotated[str | None, Query(max_length=64)] = None,
        since: Annotated[datetime | None, Query(description="last activity at or after")] = None,
        until: Annotated[datetime | None, Query(description="last activity before")] = None,
    ) -> InspectionList:
        return store.queries.inbox(
            principal,
            status=status,
            form_id=form_id,
            after=after,
            limit=limit,
            venue_id=venue_id,
            area_id=area_id,
            author=author,
            since=since,
            until=until,
        )

    @app.get(
        "/v1/inspections/{inspection_id}",
        tags=["review"],
        summary="An inspection with all its versions and reviews",
        responses=_errors(401, 403, 404, 422),
    )
    def get_inspection(
        inspection_id: Uuid, principal: PrincipalDep, store: StoreDep
    ) -> InspectionDetail:
        return store.queries.detail(principal, inspection_id)

    review_errors = _errors(
        400,
        401,
        403,
        404,
        409,
        413,
        422,
        e403="Only supervisors review.",
        e404="Not an inspection of a team you supervise.",
        e409="`stale_version`: a newer version arrived (`head`); `inspection_closed`; "
        "`version_incomplete` (approve needs every attachment); `review_conflict`: the "
        "event id was used for another request.",
    )

    @app.post(
        "/v1/inspections/{inspection_id}/return",
        tags=["review"],
        summary="Return the head version to its author with per-question comments",
        description="Idempotent by `event_id`. The author's devices receive the event.",
        responses=review_errors,
    )
    def return_inspection(
        inspection_id: Uuid, body: ReturnRequest, principal: PrincipalDep, store: StoreDep
    ) -> ReviewEvent:
        return store.reviews.review(principal, inspection_id, body, store.config.clock())

    @app.post(
        "/v1/inspections/{inspection_id}/approve",
        tags=["review"],
        summary="Approve the head version (it must be complete)",
        description="Idempotent by `event_id`. The author's devices receive the event.",
        responses=review_errors,
    )
    def approve_inspection(
        inspection_id: Uuid, body: ApproveRequest, principal: PrincipalDep, store: StoreDep
    ) -> ReviewEvent:
        return store.reviews.review(principal, inspection_id, body, store.config.clock())
