"""What a device's sync asks: server state, batch pushes, blobs held, change feed, digests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from fieldapp.protocol.models import (
    MAX_DIGEST_QUERY,
    MAX_PUSH_BATCH,
    AuthorDigestAnswer,
    ChangesPage,
    Digest,
    DigestQuery,
    DigestsAnswer,
    HeldAnswer,
    HeldQuery,
    Meta,
    PushBatch,
    PushBatchAnswer,
    ServerLimits,
)
from fieldapp.server.deps import PrincipalDep, StoreDep, client_address, require_uploader
from fieldapp.server.errors import ApiError, error_responses

router = APIRouter()


@router.get(
    "/v1/sync/meta",
    tags=["sync"],
    summary="Server epoch, head cursor, server time, minimum client version, limits",
    responses=error_responses(401),
)
def meta(principal: PrincipalDep, store: StoreDep) -> Meta:
    del principal
    epoch, head = store.feed.read_head()
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


@router.get(
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
    responses=error_responses(
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
    return JSONResponse(store.feed.read_page(principal.scopes, cursor, limit))


@router.get(
    "/v1/sync/digest",
    tags=["sync"],
    summary="Count and XOR-hash of the signed-in author's versions on the server",
    responses=error_responses(401),
)
def digest(principal: PrincipalDep, store: StoreDep) -> Digest:
    return store.queries.digest(principal)


@router.post(
    "/v1/sync/digests",
    tags=["sync"],
    summary=f"The digests of up to {MAX_DIGEST_QUERY} authors in one question",
    description=(
        "`tokens` are bearer tokens of the people who signed in on this device, each the "
        "proof that the device may ask for that person's digest. Each answer (in the "
        "order asked) is what `GET /v1/sync/digest` signed in as that person answers, or "
        "`username` and `digest` null when the token is not good (unknown, expired, "
        "revoked, the account deactivated): ask `GET /v1/sync/digest` as that person "
        "then, which says why. The request itself is signed in like any other; each "
        "token refused is written to the access log, as one in the header would be."
    ),
    responses=error_responses(400, 401, 413, 422),
)
def digests(
    query: DigestQuery, principal: PrincipalDep, store: StoreDep, request: Request
) -> DigestsAnswer:
    # Only signed-in callers ask; each token speaks for its own person.
    owners: list[str | None] = []
    refused: list[tuple[int, str, str]] = []
    for index, token in enumerate(query.tokens):
        try:
            owners.append(store.accounts.authenticate(token).username)
        except ApiError as error:
            owners.append(None)
            # As a bad token in the Authorization header is: a list of tokens tried here
            # must leave the same trace (which one and why, never the token itself).
            refused.append((error.status, error.code.value, f"tokens[{index}]: {error.log_detail}"))
    store.accounts.log_refusals(
        username=principal.username,
        client=client_address(request),
        method=request.method,
        path=request.url.path,
        refusals=refused,
    )
    found = store.queries.digests([owner for owner in owners if owner is not None])
    return DigestsAnswer(
        digests=[
            AuthorDigestAnswer(username=owner, digest=None if owner is None else found[owner])
            for owner in owners
        ]
    )


@router.post(
    "/v1/sync/push",
    tags=["sync"],
    summary=f"Push up to {MAX_PUSH_BATCH} finalized versions in one request and one transaction",
    description=(
        "Each version is checked and stored exactly as `PUT /v1/inspections/{id}/versions/"
        "{version_id}` would, and answered on its own in `outcomes` (same order): "
        "`status` 201 stored now, 200 stored before (the first receipt again), or the "
        "refusal's 4xx with its `error`. A refusal does not fail its neighbours. Versions "
        "are applied in the order sent, so a correction may follow its base in the same "
        "batch. The body is bounded by `max_json_bytes` like a single push."
    ),
    response_model=PushBatchAnswer,
    responses=error_responses(400, 401, 403, 413, 422),
)
def push_batch(
    batch: PushBatch, principal: PrincipalDep, store: StoreDep, request: Request
) -> Response:
    answer = store.pushes.push_batch(principal, batch.versions, store.config.clock())
    request.app.state.metrics.count_pushes(answer.statuses)
    return Response(answer.body, 200, media_type="application/json")


@router.post(
    "/v1/sync/blobs/held",
    tags=["sync"],
    summary="Which of these blobs have you uploaded? (one question instead of a HEAD each)",
    description=(
        "Answers the hashes the signed-in user has uploaded completely; whether anyone "
        "else did is never told. Ask `HEAD /v1/blobs/{sha256}` for the resume offset of "
        "a large upload that was interrupted."
    ),
    responses=error_responses(401, 403, 422),
)
def blobs_held(query: HeldQuery, principal: PrincipalDep, store: StoreDep) -> HeldAnswer:
    require_uploader(principal)
    return HeldAnswer(held=store.uploads.held_by(query.sha256, principal.username))
