"""Liveness, and signing in and out with a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fieldapp.protocol.models import ErrorBody, ErrorCode, TokenAnswer, TokenRequest
from fieldapp.server.deps import BearerDep, PrincipalDep, SignInGateDep, StoreDep, client_address
from fieldapp.server.errors import ApiError, error_responses

router = APIRouter()


@router.get(
    "/v1/health",
    tags=["meta"],
    summary="Health: does each part answer? (no sign-in needed)",
    description=(
        "200 with `status: ok` when the database and the blob store answer; 503 "
        "`unavailable` naming the part that does not (never why: that is in the log)."
    ),
    responses={503: {"model": ErrorBody, "description": "A part does not answer."}},
)
def health(store: StoreDep) -> dict[str, str]:
    parts = store.health()
    failed = [part for part, ok in parts.items() if not ok]
    if failed:
        names = {"database": "de database", "blobs": "de opslag van foto's"}
        raise ApiError(
            503,
            ErrorCode.UNAVAILABLE,
            "De server werkt niet: "
            + ", ".join(names[part] for part in failed)
            + " antwoordt niet.",
            "The server is not working: the "
            + ", ".join("blob store" if part == "blobs" else part for part in failed)
            + " does not answer.",
            problems=[f"{part}: unavailable" for part in failed],
            headers={"Retry-After": "10"},
        )
    return {"status": "ok", **dict.fromkeys(parts, "ok")}


@router.post(
    "/v1/auth/token",
    tags=["accounts"],
    summary="Sign in: exchange username and password for an expiring bearer token",
    description=(
        "Throttled per username and per client address: 429 with Retry-After when too "
        "many attempts came too fast, or when too many password checks wait already."
    ),
    responses=error_responses(400, 401, 403, 413, 422, 429),
)
async def sign_in(
    body: TokenRequest, request: Request, store: StoreDep, gate: SignInGateDep
) -> TokenAnswer:
    address = client_address(request)
    # Off the event loop: on PostgreSQL the budgets are read and written in the database.
    await run_in_threadpool(gate.admit, body.username, address)
    async with gate.checking():
        token, expires, principal = await run_in_threadpool(
            store.accounts.sign_in, body.username, body.password, body.device_id
        )
    await run_in_threadpool(gate.succeeded, body.username, address)
    profile_key = await run_in_threadpool(store.accounts.profile_key, principal.username)
    return TokenAnswer(
        access_token=token,
        expires_at=expires,
        account=principal.info(),
        profile_key=profile_key,
    )


@router.delete(
    "/v1/auth/token",
    tags=["accounts"],
    status_code=204,
    summary="Sign out: revoke the token of this request",
    responses=error_responses(401),
)
def sign_out(principal: PrincipalDep, store: StoreDep, credentials: BearerDep) -> Response:
    del principal  # authenticated above; the token itself is what gets revoked
    assert credentials is not None
    store.accounts.revoke(credentials.credentials)
    return Response(status_code=204)
