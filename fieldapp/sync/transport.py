"""The device's HTTP line to the central store: sign-in, bearer tokens, retries with backoff.

Everything the sync client sends goes through `CentralLine.call`, which decides per
answer what happens next, as sync.md asks:

* network errors, 5xx, 408 and 429 are retried with exponential backoff and jitter,
  bounded in attempts and in time, honouring `Retry-After`;
* a 401 because the token expired or was revoked signs in again once with the stored
  credentials and repeats the request;
* every other refusal (401 bad credentials, 403, 404, 409, 410, 412, 413, 422 …) comes
  back at once as a `Refusal` with the server's `ErrorBody`, never retried blindly;
* a certificate the device does not trust stops at once with `CertificateNotTrusted`:
  retrying cannot make it trusted, and "cannot be reached" would send people looking for
  a network fault.

Before anything is sent, `ServerTrust` decides whether the address may be used at all:
`http://` only to this machine (loopback) unless a lab explicitly allows it, because the
password and the bearer token travel in every sign-in and request, and the same password
unlocks the device's profile. It also names a CA bundle for a municipality's own CA.

The errors it raises are in `fieldapp.sync.errors`.

The clock, the sleep and the random source are injected, so tests check the backoff
without waiting for it.

`CentralLine.cancel` stops a sync from another thread (the person pressed Cancel): no
request starts after it, a wait between retries ends, and the request under way is cut
off by shutting down its socket, which wakes a read that a server never answers. The
sockets are known from httpcore's `trace` extension (its connect and TLS steps).
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import logging
import random
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from pydantic import ValidationError

from fieldapp.protocol.models import (
    AccountInfo,
    ErrorBody,
    ErrorCode,
    TokenAnswer,
    TokenRequest,
)
from fieldapp.sync.errors import (
    AccountDeactivated,
    CertificateNotTrusted,
    GaveUp,
    InsecureAddress,
    NotAnAddress,
    Refusal,
    SignInRefused,
    SyncCancelled,
)

log = logging.getLogger(__name__)

#: Statuses that say "try again later"; everything else needs a decision, not a retry.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Connecting may take a while on a poor mobile link; an answer must not stall forever.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: 401 codes that a fresh sign-in cures.
_RENEWABLE = frozenset(
    {ErrorCode.TOKEN_EXPIRED, ErrorCode.TOKEN_REVOKED, ErrorCode.UNAUTHENTICATED}
)


# --- retry policy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long one request is retried.

    Delays grow as `first_delay * 2**n` up to `max_delay`, with "equal jitter" (half fixed,
    half random) so many devices coming back after an outage do not all knock at once.
    A request gives up after `attempts` tries or once `budget` seconds have passed.
    """

    attempts: int = 6
    first_delay: float = 0.5
    max_delay: float = 20.0
    budget: float = 60.0
    #: The longest `Retry-After` (429, 503) worth waiting for within one request; a server
    #: asking for more is "busy", and the sync tries again at its next turn.
    max_retry_after: float = 60.0

    def delay(self, retry: int, rng: random.Random) -> float:
        ceiling = min(self.max_delay, self.first_delay * float(2**retry))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


#: For a person who asked and waits at a screen or a prompt (a report from the central
#: store): a few quick tries, then the sentence, not a minute of silence.
WHILE_A_PERSON_WAITS = RetryPolicy(attempts=3, max_delay=4.0, budget=15.0)


def retry_after(response: httpx.Response, now: Callable[[], datetime]) -> float | None:
    """Seconds from a `Retry-After` header (seconds or an HTTP date), None when absent."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now()).total_seconds())


@dataclass
class Waiting:
    """The clock, sleep and randomness the retries use; tests pass fakes."""

    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    #: For Retry-After dates only; the server's date is compared with this.
    wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)


# --- which servers are trusted --------------------------------------------------------------


@dataclass(frozen=True)
class ServerTrust:
    """Which central-store addresses this device talks to, and which CAs it trusts.

    `allow_insecure_http` permits `http://` to hosts other than this machine: for a lab
    network only, never for a deployment. `ca_bundle` is a PEM file of CA certificates to
    trust instead of the system's (a municipality's own CA); empty means the usual ones.
    """

    allow_insecure_http: bool = False
    ca_bundle: str = ""

    def address_problem(self, base_url: str) -> InsecureAddress | NotAnAddress | None:
        """Why `base_url` may not be used (None when it may)."""
        try:
            url = httpx.URL(base_url)
        except httpx.InvalidURL:
            return NotAnAddress(base_url)
        if url.scheme == "https":
            return None
        if url.scheme != "http" or not url.host:
            # "127.0.0.1:8765" parses as scheme "127.0.0.1": a missing https://, not http.
            return NotAnAddress(base_url)
        if url.scheme == "http" and (self.allow_insecure_http or is_loopback(url.host)):
            return None
        return InsecureAddress(base_url)

    def verify(self) -> ssl.SSLContext | bool:
        """What httpx checks certificates against: the bundle's CAs, or the defaults."""
        if not self.ca_bundle:
            return True
        return ssl.create_default_context(cafile=self.ca_bundle)


def is_loopback(host: str) -> bool:
    """True for this machine: `localhost`, 127.0.0.0/8 and ::1."""
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _certificate_failure(error: BaseException) -> bool:
    # httpx wraps the ssl module's error; walk the chain rather than match the text only.
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(error)


# --- credentials and tokens ------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """A username and password for the central store (the profile owner's, normally)."""

    username: str
    password: str = field(repr=False)

    def credentials_for(self, username: str) -> Credentials | None:
        return self if username == self.username else None


class CredentialSource(Protocol):
    """Who this device may sign in as: the credentials for `username`, or None."""

    def credentials_for(self, username: str) -> Credentials | None: ...


class TokenProvider(Protocol):
    """Bearer tokens per user; `renew` asks for a fresh one after a 401.

    Returns None when this device cannot act for that user (then their versions are
    held with a plain reason). May raise `SignInRefused`.
    """

    def token(self, username: str, *, renew: bool = False) -> str | None: ...


# --- the line --------------------------------------------------------------------------------


class CentralLine:
    """One HTTP client to one central store, signing in as whoever a request acts for."""

    def __init__(
        self,
        base_url: str,
        *,
        device_id: str | None,
        credentials: CredentialSource | None = None,
        tokens: TokenProvider | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        waiting: Waiting | None = None,
        user_agent: str = "fieldapp",
        trust: ServerTrust | None = None,
    ) -> None:
        if (credentials is None) == (tokens is None):
            raise ValueError("give either credentials or a token provider")
        self.base_url = base_url.rstrip("/")
        self.trust = trust or ServerTrust()
        # Checked on every send, before a byte goes out; a constructor that raised would
        # not reach the sync's report.
        self._address_problem = self.trust.address_problem(self.base_url)
        self.device_id = device_id
        self.retry = retry or RetryPolicy()
        self.waiting = waiting or Waiting()
        self._credentials = credentials
        self._provider = tokens
        self._tokens: dict[str, str] = {}
        #: Who the central store says each signed-in user is (a first sign-in keeps it).
        self.accounts: dict[str, AccountInfo] = {}
        #: The accounts' profile keys from the same answers (see fieldapp.store.keys).
        self.profile_keys: dict[str, str] = {}
        self._refused: set[str] = set()
        self._lock = threading.Lock()
        #: Set by `cancel`, cleared by `allow`: no request runs while it is set.
        self._cancelled = threading.Event()
        #: The sockets of this line's connections, to cut off a request under way.
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": user_agent},
            verify=self.trust.verify() if self._address_problem is None else True,
        )

    def close(self) -> None:
        self.http.close()

    # --- cancelling ---------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop what this line does, from any thread: every request fails with
        `SyncCancelled` until `allow` is called, the one under way at once."""
        self._cancelled.set()
        with self._lock:
            sockets = list(self._sockets)
        for connection in sockets:
            _cut(connection)

    def allow(self) -> None:
        """Requests may run again (a new sync starts after a cancelled one)."""
        self._cancelled.clear()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace callback: remember each new connection's socket."""
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        found = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(found, socket.socket):
            return
        with self._lock:
            self._sockets.add(found)
        if self._cancelled.is_set():
            _cut(found)  # cancelled while it connected

    # --- tokens -------------------------------------------------------------------------

    def can_act_for(self, username: str) -> bool:
        if self._provider is not None:
            return True
        assert self._credentials is not None
        return self._credentials.credentials_for(username) is not None

    def held_token(self, username: str) -> str | None:
        """The token held for `username`, without signing in; None when none is held (or
        the tokens come from a provider, which keeps its own)."""
        with self._lock:
            return self._tokens.get(username)

    def token(self, username: str, *, renew: bool = False) -> str | None:
        """A bearer token for `username`: the one held, or a fresh sign-in."""
        if self._provider is not None:
            return self._provider.token(username, renew=renew)
        with self._lock:
            if username in self._refused:
                raise SignInRefused(username)
            held = self._tokens.get(username)
        if held is not None and not renew:
            return held
        assert self._credentials is not None
        credentials = self._credentials.credentials_for(username)
        if credentials is None:
            return None
        body = TokenRequest(
            username=credentials.username,
            password=credentials.password,
            device_id=self.device_id,
        ).model_dump_json()
        try:
            response = self._send_retrying(
                "POST", "/v1/auth/token", None, content=body, headers=_JSON
            )
        except Refusal as refusal:
            if refusal.status == 401:
                with self._lock:
                    self._refused.add(username)
                raise SignInRefused(username) from refusal
            if refusal.code is ErrorCode.ACCOUNT_DEACTIVATED:
                raise AccountDeactivated(username) from refusal
            raise
        answer = TokenAnswer.model_validate_json(response.content)
        with self._lock:
            self._tokens[username] = answer.access_token
            self.accounts[username] = answer.account
            if answer.profile_key is not None:
                self.profile_keys[username] = answer.profile_key
        return answer.access_token

    def forget_tokens(self) -> None:
        """Drop held tokens and refusals (a new password was entered)."""
        with self._lock:
            self._tokens.clear()
            self._refused.clear()

    # --- requests -----------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        user: str,
        ok: frozenset[int] = frozenset({200}),
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """Send a request as `user`: an answer with a status in `ok`, else `Refusal`/`GaveUp`.

        Raises `SignInRefused` when the stored password no longer works, and `LookupError`
        when this device holds no way to act for `user`.
        """
        token = self.token(user)
        if token is None:
            raise LookupError(user)
        try:
            return self._send_retrying(
                method, path, token, ok=ok, content=content, headers=headers, params=params
            )
        except Refusal as refusal:
            if refusal.status != 401 or refusal.code not in _RENEWABLE:
                raise
        # The token expired or was revoked: one fresh sign-in, one more try.
        token = self.token(user, renew=True)
        if token is None:
            raise LookupError(user)
        return self._send_retrying(
            method, path, token, ok=ok, content=content, headers=headers, params=params
        )

    def call_public(self, method: str, path: str) -> httpx.Response:
        """A request that needs no sign-in (health)."""
        return self._send_retrying(method, path, None)

    def _send_retrying(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        ok: frozenset[int] = frozenset({200}),
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        if self._address_problem is not None:
            raise self._address_problem
        policy, waiting = self.retry, self.waiting
        started = waiting.monotonic()
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        for attempt in range(policy.attempts):
            if self._cancelled.is_set():
                raise SyncCancelled()
            suggested: float | None = None
            throttled = False
            try:
                response = self.http.request(
                    method,
                    path,
                    content=content,
                    headers=all_headers,
                    params=params,
                    extensions={"trace": self._trace},
                )
            except httpx.TransportError as error:
                if self._cancelled.is_set():
                    raise SyncCancelled() from error
                if _certificate_failure(error):
                    raise CertificateNotTrusted(self.base_url, str(error)) from error
                reason, network = f"{type(error).__name__}: {error}", True
            else:
                if response.status_code in ok:
                    return response
                if response.status_code not in RETRYABLE_STATUSES:
                    raise Refusal(response.status_code, _error_body(response), method, path)
                reason, network = f"status {response.status_code}", False
                suggested = retry_after(response, waiting.wall_clock)
                throttled = response.status_code == 429
            if attempt + 1 >= policy.attempts:
                break
            delay = policy.delay(attempt, waiting.rng)
            if suggested is not None:
                # "Come back in n seconds" (429, 503) is the server managing its load,
                # not a fault: wait as asked, within the budget and `max_retry_after`.
                if suggested > policy.max_retry_after:
                    break
                delay = max(delay, suggested)
            if waiting.monotonic() - started + delay > policy.budget:
                break
            log.info("%s %s: %s; retry %d in %.1f s", method, path, reason, attempt + 1, delay)
            if waiting.sleep is time.sleep:
                self._cancelled.wait(delay)  # a cancel ends the wait at once
            else:
                waiting.sleep(delay)
        raise GaveUp(f"{method} {path}: {reason}", network, busy=throttled)


_JSON = {"Content-Type": "application/json"}


def _cut(connection: socket.socket) -> None:
    """Shut a socket down both ways: a thread blocked reading from it wakes up with an
    error (closing it alone would leave that read waiting)."""
    # Already closed, or never connected: then nothing is under way on it.
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


def _error_body(response: httpx.Response) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate_json(response.content)
    except (ValidationError, ValueError):
        return None
