"""Attachments by SHA-256: does the server hold one, upload it (whole or by ranges), download it.

The handlers read headers and pick status codes; `blobs.BlobUploads` does the rest.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from fieldapp.protocol.models import (
    MAX_BATCHED_BLOB_BYTES,
    MAX_BLOB_BATCH,
    MAX_BLOB_BATCH_BYTES,
    BlobBatchAnswer,
    BlobOutcome,
    BlobReceipt,
    ErrorCode,
)
from fieldapp.server.central import CentralStore
from fieldapp.server.deps import PrincipalDep, Sha256, StoreDep, require_uploader
from fieldapp.server.errors import ApiError, error_responses, not_found, too_large
from fieldapp.server.limits import drain

router = APIRouter()

_RANGE = re.compile(r"^bytes ([0-9]{1,15})-([0-9]{1,15})/([0-9]{1,15})$")
_MANIFEST_ENTRY = re.compile(r"^([0-9a-f]{64}):([0-9]{1,9})$")

_BLOB_UPLOAD_DOC = """\
Upload an attachment named by its SHA-256. The server hashes what it receives and keeps it
only when the hash matches the name (else 409 `blob_hash_mismatch`, nothing kept). A blob
you uploaded before answers 200 without reading the body; any other upload is read and
answered alike, whether or not someone else uploaded the same bytes.

**Whole upload:** send the bytes as the body → 201.

**Resumable upload:** send ranges with `Content-Range: bytes START-END/TOTAL` (END
inclusive), in order. A range that is not the last answers 202 with `received`, the offset
to continue from; the last one 201. `HEAD` tells the offset held after an interruption
(header `Upload-Offset`); a range starting elsewhere gets 409 `upload_offset_mismatch`
with `expected_offset`. A range starting at 0 starts over. A range that is interrupted
counts for nothing, so send ranges of about 1 MiB.
"""


@router.head(
    "/v1/blobs/{sha256}",
    tags=["blobs"],
    summary="Have you uploaded this blob? (404 with Upload-Offset when partly uploaded)",
    description=(
        "200 only for a blob the signed-in user has uploaded; whether anyone else did is "
        "never told."
    ),
    responses={
        200: {"description": "You uploaded it; `Upload-Offset` is its size."},
        404: {"description": "Not from you; `Upload-Offset` is your resume offset (often 0)."},
        **error_responses(401, 403, 422),
    },
)
def blob_head(sha256: Sha256, principal: PrincipalDep, store: StoreDep) -> Response:
    require_uploader(principal)
    size = store.uploads.size_held_by(sha256, principal.username)
    if size is not None:
        return Response(status_code=200, headers={"Upload-Offset": str(size)})
    offset = store.uploads.resume_offset(sha256, principal.username)
    return Response(status_code=404, headers={"Upload-Offset": str(offset)})


@router.put(
    "/v1/blobs/{sha256}",
    tags=["blobs"],
    status_code=201,
    summary="Upload an attachment, whole or resumably by ranges",
    description=_BLOB_UPLOAD_DOC,
    response_model=BlobReceipt,
    responses={
        200: {"model": BlobReceipt, "description": "Already held; nothing was read."},
        202: {"model": BlobReceipt, "description": "Range stored; continue at `received`."},
        **error_responses(
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
    require_uploader(principal)
    uploads = store.uploads
    held = await run_in_threadpool(uploads.size_held_by, sha256, principal.username)
    if held is not None:
        return _blob_answer(BlobReceipt(sha256=sha256, received=held, complete=True), 200)
    if content_range is None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit():
            await _check_quota(request, store, principal.username, int(declared))
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
    if start == 0:
        await _check_quota(request, store, principal.username, total)
    body = await uploads.receive(_body_of(request), end - start + 1)
    receipt = await run_in_threadpool(
        uploads.append_range, body, sha256, principal.username, start, end, total
    )
    return _blob_answer(receipt)


@router.post(
    "/v1/blobs/batch",
    tags=["blobs"],
    summary="Upload several small attachments in one request",
    description=(
        "The header `Blob-Manifest` names the blobs in order as `SHA256:SIZE`, separated "
        f"by commas: at most {MAX_BLOB_BATCH} blobs of at most {MAX_BATCHED_BLOB_BYTES} "
        f"bytes each and {MAX_BLOB_BATCH_BYTES} together. The body is their bytes one after the "
        "other. Each blob is hashed and kept as a whole upload would be, and answered on "
        "its own in `outcomes` (same order): 201 kept, or 409 `blob_hash_mismatch` for "
        "that blob alone. Larger blobs go by `PUT /v1/blobs/{sha256}`, resumably."
    ),
    response_model=BlobBatchAnswer,
    responses=error_responses(400, 401, 403, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def blob_batch(
    request: Request,
    principal: PrincipalDep,
    store: StoreDep,
    blob_manifest: Annotated[
        str,
        Header(
            max_length=MAX_BLOB_BATCH * 76,
            description="`SHA256:SIZE,SHA256:SIZE,…`, in the order of the body",
        ),
    ],
) -> Response:
    require_uploader(principal)
    try:
        hashes, sizes = _manifest(blob_manifest)
        if sum(sizes) > MAX_BLOB_BATCH_BYTES:
            raise too_large(MAX_BLOB_BATCH_BYTES, "batch of blobs", "Het pakket bestanden")
    except ApiError:
        # Read (bounded) and drop the body, so the refusal reaches the client (limits.drain).
        await drain(request.receive)
        raise
    total = sum(sizes)
    await _check_quota(request, store, principal.username, total)
    uploads = store.uploads
    bodies = await uploads.receive_batch(_body_of(request), sizes)
    kept = await run_in_threadpool(uploads.keep_batch, bodies, hashes, principal.username)
    outcomes = [
        BlobOutcome(sha256=sha, status=201, receipt=outcome)
        if isinstance(outcome, BlobReceipt)
        else BlobOutcome(sha256=sha, status=outcome.status, error=outcome.body)
        for sha, outcome in zip(hashes, kept, strict=True)
    ]
    return Response(
        BlobBatchAnswer(outcomes=outcomes).model_dump_json(), 200, media_type="application/json"
    )


@router.get(
    "/v1/blobs/{sha256}",
    tags=["blobs"],
    summary="Download an attachment of an inspection you may read",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The bytes."},
        **error_responses(401, 404, 422),
    },
)
def blob_get(sha256: Sha256, principal: PrincipalDep, store: StoreDep) -> StreamingResponse:
    if not (
        store.queries.can_read_blob(principal, sha256)
        or store.followup.can_read_blob(principal, sha256)
    ):
        raise not_found("attachment", "De bijlage")
    size = store.uploads.size_held_by_anyone(sha256)
    try:
        chunks = store.blobs.read(sha256)
    except FileNotFoundError:
        size = None
    if size is None:
        raise not_found("attachment", "De bijlage")
    return StreamingResponse(
        chunks, media_type="application/octet-stream", headers={"Content-Length": str(size)}
    )


async def _check_quota(request: Request, store: CentralStore, username: str, size: int) -> None:
    """Refuse an upload past the quota before keeping it, reading (and dropping) the body
    first so the 413 reaches the client instead of a reset connection."""
    try:
        await run_in_threadpool(store.uploads.check_quota, username, size)
    except ApiError:
        await drain(request.receive)
        raise


def _manifest(text: str) -> tuple[list[str], list[int]]:
    """The hashes and sizes a `Blob-Manifest` names; 400 when it cannot be read."""
    hashes: list[str] = []
    sizes: list[int] = []
    for entry in text.split(","):
        match = _MANIFEST_ENTRY.match(entry.strip())
        if match is None:
            raise _bad_manifest(f"entry {entry.strip()[:80]!r} is not SHA256:SIZE")
        sha, size = match.group(1), int(match.group(2))
        if size > MAX_BATCHED_BLOB_BYTES:
            raise too_large(MAX_BATCHED_BLOB_BYTES, "blob in a batch", "Een bestand in het pakket")
        hashes.append(sha)
        sizes.append(size)
    if len(hashes) > MAX_BLOB_BATCH:
        raise _bad_manifest(f"more than {MAX_BLOB_BATCH} blobs")
    if len(set(hashes)) != len(hashes):
        raise _bad_manifest("a blob is named twice")
    return hashes, sizes


def _bad_manifest(problem: str) -> ApiError:
    return ApiError(
        400,
        ErrorCode.MALFORMED,
        "De kop Blob-Manifest is onleesbaar.",
        "The Blob-Manifest header cannot be read.",
        problems=[f"Blob-Manifest: {problem}"],
    )


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
