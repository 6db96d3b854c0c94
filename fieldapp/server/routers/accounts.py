"""Liveness, and signing in and out with a bearer token."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fieldapp.protocol.models import TokenAnswer, TokenRequest
from fieldapp.server.deps import BearerDep, PrincipalDep, StoreDep
from fieldapp.server.errors import error_responses

router = APIRouter()


@router.get("/v1/health", tags=["meta"], summary="Liveness check (no sign-in needed)")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.post(
    "/v1/auth/token",
    tags=["accounts"],
    summary="Sign in: exchange username and password for an expiring bearer token",
    responses=error_responses(400, 401, 413, 422),
)
def sign_in(body: TokenRequest, store: StoreDep) -> TokenAnswer:
    token, expires, principal = store.accounts.sign_in(body.username, body.password, body.device_id)
    return TokenAnswer(access_token=token, expires_at=expires, account=principal.info())


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
