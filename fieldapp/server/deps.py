"""What the routers ask FastAPI for: the store, the signed-in principal, checked path ids.

`StoreDep` is the app's one `CentralStore`; `PrincipalDep` authenticates the bearer token
(401 otherwise) and marks the request with its principal, so a refusal can be logged
under the user's name. Role checks that belong to HTTP rather than to a use case sit here
too; they are called in the handler, after FastAPI has checked the path.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from fieldapp.protocol.models import ErrorCode
from fieldapp.server.accounts import Principal
from fieldapp.server.central import CentralStore
from fieldapp.server.errors import ApiError, forbidden
from fieldapp.server.throttle import SignInGate

_bearer = HTTPBearer(auto_error=False, description="A token from POST /v1/auth/token.")

#: The bearer credentials of the request, if it sent any.
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

Uuid = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="32 lowercase hex digits")]
Sha256 = Annotated[
    str, Path(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the blob, lowercase hex")
]


# The dependencies are coroutines: a plain function would hop to the thread pool for every
# request, for work that needs no thread (the store is one object, a cached principal too).
async def _store(request: Request) -> CentralStore:
    store: CentralStore = request.app.state.store
    return store


StoreDep = Annotated[CentralStore, Depends(_store)]


async def _sign_in_gate(request: Request) -> SignInGate:
    gate: SignInGate = request.app.state.sign_in_gate
    return gate


SignInGateDep = Annotated[SignInGate, Depends(_sign_in_gate)]


def client_address(request: Request) -> str:
    """The client's address; uvicorn puts the proxy's X-Forwarded-For here when trusted."""
    return request.client.host if request.client is not None else "unknown"


async def _principal(request: Request, store: StoreDep, credentials: BearerDep) -> Principal:
    if credentials is None:
        raise ApiError(
            401,
            ErrorCode.UNAUTHENTICATED,
            "Meld u aan om verder te gaan.",
            "Sign in to continue.",
            headers={"WWW-Authenticate": "Bearer"},
            log_detail="no bearer token",
        )
    principal = store.accounts.cached_principal(credentials.credentials)
    if principal is None:
        # A database read (and a 401 when the token is not good): on a worker thread.
        principal = await run_in_threadpool(store.accounts.authenticate, credentials.credentials)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(_principal)]


def require_uploader(principal: Principal) -> None:
    """Authors upload their attachments; supervisors the files of an action's log (the
    operator's letter). Administrators upload nothing."""
    if not (principal.is_author or principal.is_supervisor):
        raise forbidden(
            f"A {principal.role.value} does not upload attachments.",
            f"Een {principal.role.value} stuurt geen bijlagen.",
        )


def require_author(principal: Principal) -> None:
    """Only the roles that make inspections upload their attachments."""
    if not principal.is_author:
        raise forbidden(
            f"A {principal.role.value} does not upload attachments.",
            f"Een {principal.role.value} stuurt geen bijlagen.",
        )
